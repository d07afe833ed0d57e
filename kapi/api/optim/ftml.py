"""ftml: MXNet 1.9.1's ``FTML`` (defaults and kernel of
``src/operator/optimizer_op-inl.h``): catalogue row,
class and CPU fast path.

Gradient rescaling and clipping (MXNet's ``rescale_grad``/``clip_gradient``)
are left to kapi's optimizer-level clipping; ``lr_mult``/``wd_mult`` are
parameter groups.  g'' = g + decay·w; t the parameter's step (1 first).

ftml -- state ``step``, ``d``, ``v``, ``z``::

    v = β2·v + (1-β2)·g''²;  d_t = (1-β1^t)/lr·(sqrt(v/(1-β2^t)) + eps)
    z = β1·z + (1-β1)·g'' - (d_t - β1·d)·w;  d = d_t;  w = -z/d_t
"""

import math

from .catalog import betas, buf, DECAY, EPS, lazy, lr_opt, opt, register, STEP

__all__ = ["Ftml"]

register("ftml", "kapi.api.optim.ftml.Ftml",
    (lr_opt(0.01, check=(lambda v: v > 0, "Invalid learning rate")),
     *betas(0.6, 0.999),
     opt("eps", "eps", 1e-08, check=EPS),
     opt("decay", "weight_decay", 0.0, check=DECAY)),
    help="follow the moving leader (MXNet)",
    buffers=(STEP, buf("d"), buf("v"), buf("z")),
    pytorch="",
    checks=("lr", "eps", "beta1", "beta2", "decay"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, grouped, KOptimizer, _lr_decay_checks
    from ._work import pieces

    class Ftml(KOptimizer):
        """MXNet ``FTML``: follow the moving leader."""

        kname = "ftml"

        def __init__(self, params, lr=0.01, betas=(0.6, 0.999), eps=1e-8, weight_decay=0.0, *,
                     foreach=None):
            _lr_decay_checks(lr, weight_decay)
            check(lr > 0, "Invalid learning rate", lr)
            check(eps >= 0, "Invalid epsilon value", eps)
            for i in (0, 1):
                check(0 <= betas[i] < 1, "Invalid beta parameter at index %d" % i, betas[i])
            super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                          weight_decay=weight_decay), foreach)

        def _state_init(self, p, group, state):
            for k in ("d", "v", "z"):
                state[k] = torch.zeros_like(p, memory_format=torch.preserve_format)

        def _fast(self, group, params, grads, states, ws):
            """One pass of torch's fused Adam kernel does most of the step:
            with ``y = b1*(z + d*w) + (1-b1)*g''`` the update is ``w -= y/d_t``
            and ``d_t = (1-b1^t)/lr*(sqrt(v/(1-b2^t)) + eps)`` is Adam's
            denominator with step size ``lr/(1-b1^t)``; so the kernel runs with
            ``z + d*w`` as its first moment (which it turns into y) and ``v`` as
            its second.  Then ``d = d_t`` and ``z = -d_t*w`` (as ``w = -z/d_t``)."""
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            b1, b2 = group["betas"]
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                t = int(st["step"].item())
                c = (1 - b1 ** t) / lr
                k = c / math.sqrt(1 - b2 ** t)
                for (w_, g_, d, v, z), _ in pieces(ws, (w, g, st["d"], st["v"], st["z"]), 0):
                    z.addcmul_(d, w_)
                    torch._fused_adam_([w_], [g_], [z], [v], [], [st["step"]], lr=lr, beta1=b1,
                                       beta2=b2, weight_decay=wd, eps=eps, amsgrad=False,
                                       maximize=False)
                    torch.sqrt(v, out=d).mul_(k).add_(c * eps)
                    torch.mul(d, w_, out=z).neg_()

        def _update(self, group, params, grads, states, foreach):
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            b1, b2 = group["betas"]
            if not foreach:
                for w, g, st in zip(params, grads, states):
                    st["step"] += 1
                    t = int(st["step"].item())
                    d, v, z = st["d"], st["v"], st["z"]
                    g2 = g.add(w, alpha=wd) if wd != 0 else g
                    v.mul_(b2).addcmul_(g2, g2, value=1 - b2)
                    dt = v.div(1 - b2 ** t).sqrt_().add_(eps).mul_((1 - b1 ** t) / lr)
                    z.mul_(b1).add_(g2, alpha=1 - b1).sub_((dt - d * b1).mul_(w))
                    d.copy_(dt)
                    torch.div(z, dt, out=w).neg_()
                return
            for (w, g, d, v, z, steps), _ in grouped(
                    [params, grads] + [[s[k] for s in states] for k in ("d", "v", "z", "step")]):
                torch._foreach_add_(steps, 1)
                ts = [int(s.item()) for s in steps]
                g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
                torch._foreach_mul_(v, b2)
                torch._foreach_addcmul_(v, g2, g2, value=1 - b2)
                dt = torch._foreach_div(v, [1 - b2 ** t for t in ts])
                torch._foreach_sqrt_(dt)
                torch._foreach_add_(dt, eps)
                torch._foreach_mul_(dt, [(1 - b1 ** t) / lr for t in ts])
                torch._foreach_mul_(z, b1)
                torch._foreach_add_(z, g2, alpha=1 - b1)
                sig = torch._foreach_mul(d, -b1)
                torch._foreach_add_(sig, dt)
                torch._foreach_mul_(sig, w)
                torch._foreach_sub_(z, sig)
                torch._foreach_copy_(d, dt)
                nw = torch._foreach_div(z, dt)
                torch._foreach_neg_(nw)
                torch._foreach_copy_(w, nw)

    Ftml.__qualname__ = 'Ftml'
    return {'Ftml': Ftml}


__getattr__ = lazy(globals(), ('Ftml',), _define)
