"""laprop: the JAX SparseCore optimizer, dense form: catalogue row, class and
CPU fast path.

Semantics and defaults are those of jax-tpu-embedding's ``LaPropOptimizerSpec``,
applied to every element of a dense
parameter.  (SparseCore updates only the embedding rows present in a batch;
with a dense gradient every row is present.)  ``λ`` is the group's ``lr``,
``t`` the parameter's step count (1 on the first step).

laprop -- state ``step``, ``mu``, ``nu`` (both from ``initial_slot_value``)::

    s = t-1;  d = b2·(1-b2^s)/(1-b2^(s+1))        (0 on the first step)
    nu = d·nu + (1-d)·(g^2 + eps);  r = g/sqrt(nu)
    r = r / max(1, rms(r)/rms_clip_threshold)      if rms_clip_threshold set
    mu = b1·mu + sqrt(1-b1^2)·r;  w -= λ·mu

(SparseCore refuses a ``rms_clip_threshold``; here it clips the normalised
gradient of each tensor to that root-mean-square, Adafactor style.)
"""

import math

from .catalog import betas, buf, EPS, lazy, lr_opt, opt, register, STEP

__all__ = ["LaProp"]

register("laprop", "kapi.api.optim.laprop.LaProp",
    (lr_opt(0.001),
     *betas(0.9, 0.95),
     opt("eps", "eps", 1e-30, check=EPS),
     opt("rmsclip", "rms_clip_threshold", None, nullable=True),
     opt("init", "initial_slot_value", 0.0)),
    help="laprop (SparseCore): momentum of rms-normalised gradients",
    buffers=(STEP, buf("mu"), buf("nu")),
    pytorch="",
    checks=("lr", "eps", "beta1", "beta2"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, grouped, KOptimizer, unset
    from ._work import pieces

    class LaProp(KOptimizer):
        """LaProp as JAX SparseCore's ``LaPropOptimizerSpec`` (see module doc)."""

        kname = "laprop"

        def __init__(self, params, lr=0.001, betas=(0.9, 0.95), eps=1e-30,
                     rms_clip_threshold=None, initial_slot_value=0.0, *, foreach=None):
            check(lr >= 0, "Invalid learning rate", lr)
            check(eps >= 0, "Invalid epsilon value", eps)
            for i in (0, 1):
                check(0 <= betas[i] < 1, "Invalid beta parameter at index %d" % i, betas[i])
            if not unset(rms_clip_threshold):
                check(rms_clip_threshold > 0, "Invalid rms_clip_threshold value", rms_clip_threshold)
            super().__init__(params, dict(
                lr=lr, betas=tuple(betas), eps=eps, rms_clip_threshold=rms_clip_threshold,
                initial_slot_value=initial_slot_value), foreach)

        filled = {"mu": "initial_slot_value", "nu": "initial_slot_value"}

        @staticmethod
        def _hyper(group):
            """lr, eps, beta1, beta2, the rms clip (None: unset) and sqrt(1-beta1^2)."""
            b1, b2 = group["betas"]
            clip = group["rms_clip_threshold"]
            return (group["lr"], group["eps"], b1, b2, None if unset(clip) else clip,
                    math.sqrt(1 - b1 * b1))

        @staticmethod
        def _decay(b2, s):
            return b2 * (1 - b2 ** s) / (1 - b2 ** (s + 1))

        def _fast(self, group, params, grads, states, ws):
            lr, eps, b1, b2, clip, c1 = self._hyper(group)
            for w, g, st in zip(params, grads, states):
                d = self._decay(b2, int(st["step"].item()))
                st["step"] += 1
                mu, nu = st["mu"], st["nu"]
                if clip is None:
                    for (w_, g_, m, v), (s1,) in pieces(ws, (w, g, mu, nu), 1):
                        v.lerp_(torch.mul(g_, g_, out=s1).add_(eps), 1 - d)
                        r = torch.rsqrt(v, out=s1).mul_(g_)
                        m.mul_(b1).add_(r, alpha=c1)
                        w_.add_(m, alpha=-lr)
                    continue
                # rms clipping: the normalised gradient of the whole tensor first
                r = ws.get(w.numel(), w.dtype, w.device, 1, tag="whole")[0].view(w.shape)
                for (r_, g_, v), (s1,) in pieces(ws, (r, g, nu), 1):
                    v.lerp_(torch.mul(g_, g_, out=s1).add_(eps), 1 - d)
                    torch.rsqrt(v, out=r_).mul_(g_)
                scale = c1
                if w.numel():
                    rms = torch.linalg.vector_norm(r).item() / math.sqrt(w.numel())
                    scale = c1 / max(rms / clip, 1.0)
                for (w_, r_, m), _ in pieces(ws, (w, r, mu), 0):
                    m.mul_(b1).add_(r_, alpha=scale)
                    w_.add_(m, alpha=-lr)

        def _update(self, group, params, grads, states, foreach):
            lr, eps, b1, b2, clip, c1 = self._hyper(group)
            if not foreach:
                for w, g, st in zip(params, grads, states):
                    s = int(st["step"].item())
                    st["step"] += 1
                    d = self._decay(b2, s)
                    nu, mu = st["nu"], st["mu"]
                    nu.mul_(d).add_(g * g + eps, alpha=1 - d)
                    r = g / nu.sqrt()
                    if clip is not None and r.numel():
                        rms = r.square().mean().sqrt()
                        r.div_(torch.clamp(rms / clip, min=1.0))
                    mu.mul_(b1).add_(r, alpha=c1)
                    w.add_(mu, alpha=-lr)
                return
            for (w, g, mu, nu, steps), _ in grouped(
                    [params, grads, [s["mu"] for s in states], [s["nu"] for s in states],
                     [s["step"] for s in states]]):
                ds = [self._decay(b2, int(s.item())) for s in steps]
                torch._foreach_add_(steps, 1)
                g2 = torch._foreach_mul(g, g)
                torch._foreach_add_(g2, eps)
                torch._foreach_mul_(nu, ds)
                torch._foreach_mul_(g2, [1 - d for d in ds])
                torch._foreach_add_(nu, g2)
                r = torch._foreach_div(g, torch._foreach_sqrt(nu))
                if clip is not None:
                    rms = [x.square().mean().sqrt() if x.numel() else x.new_ones(())
                           for x in r]
                    torch._foreach_div_(r, [torch.clamp(x / clip, min=1.0) for x in rms])
                torch._foreach_mul_(mu, b1)
                torch._foreach_add_(mu, r, alpha=c1)
                torch._foreach_add_(w, mu, alpha=-lr)

    LaProp.__qualname__ = 'LaProp'
    return {'LaProp': LaProp}


__getattr__ = lazy(globals(), ('LaProp',), _define)
