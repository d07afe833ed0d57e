"""lars: MXNet 1.9.1's ``LARS`` (defaults and kernel of
``src/operator/optimizer_op-inl.h``): catalogue row,
class and CPU fast path.

Gradient rescaling and clipping (MXNet's ``rescale_grad``/``clip_gradient``)
are left to kapi's optimizer-level clipping; ``lr_mult``/``wd_mult`` are
parameter groups.  g'' = g + decay·w; t the parameter's step (1 first).

lars -- state ``step``, ``momentum`` (when momentum > 0), ``last_lr``::

    r = eta·|w|/(|g| + decay·|w| + eps)  if |w| > 0 and |g| > 0, else 1   (L2 norms)
    lr' = lr·r·warmup(t)
    μ' = μ·lr/last_lr  if correction and last_lr > 0, else μ
    m = μ'·m - lr'·g'';  w += m                    (μ = 0: w -= lr'·g'')

  warmup (LBSGD): n = t-1 + beginepoch·epochupdates, N = wepochs·epochupdates,
  M = batchscale; n >= N: M; else linear 1+(M-1)·n/N, power2 1+(M-1)·(n/N)^2,
  sqrt 1+(M-1)·sqrt(n/N); no strategy: 1.
"""

import math

from .catalog import DECAY, EPS, MOMENTUM, STEP, buf, _ge0, lazy, lr_opt, opt, register

__all__ = ["Lars"]

WARMUPS = ("linear", "power2", "sqrt")


def lbmult(strategy, n, wepochs, epochupdates, batchscale):
    """LBSGD's warm-up multiplier after ``n`` updates."""
    nw = wepochs * epochupdates
    m = float(batchscale)
    if strategy is None or strategy == "":
        return 1.0
    if n >= nw:
        return m
    if nw <= 1:
        return 1.0
    if strategy == "linear":
        return 1.0 + (m - 1) * n / nw
    if strategy == "power2":
        return 1.0 + (m - 1) * (n * n) / (nw * nw)
    return 1.0 + (m - 1) * math.sqrt(n / nw)


register("lars", "kapi.api.optim.lars.Lars",
    (lr_opt(0.01),
     opt("momentum", "momentum", 0.0, check=MOMENTUM),
     opt("eta", "eta", 0.001, check=_ge0("Invalid eta value")),
     opt("decay", "weight_decay", 0.0, check=DECAY),
     opt("eps", "eps", 0.0, check=EPS),
     opt("correction", "momentum_correction", True, "bool"),
     opt("warmup", "warmup", None, "symbol"),
     opt("wepochs", "warmup_epochs", 5, "long"),
     opt("batchscale", "batch_scale", 1, "long"),
     opt("epochupdates", "updates_per_epoch", 32, "long"),
     opt("beginepoch", "begin_epoch", 0, "long")),
    help="lars (MXNet): layer-wise trust ratio eta*|w|/|g| on sgd-momentum; "
         "lbsgd warmup `linear`power2`sqrt",
    buffers=(STEP, buf("momentum"), buf("last_lr", kind="float")),
    pytorch="",
    checks=("lr", "momentum", "eta", "decay", "eps",
            lambda o: None if o["warmup"] in (None, "linear", "power2", "sqrt") else
            "Invalid warmup strategy: %s" % o["warmup"]))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, KOptimizer, _lr_decay_checks, _mom
    from ._work import pieces

    class Lars(KOptimizer):
        """MXNet ``LARS`` (layer-wise trust ratio on SGD-momentum), with LBSGD's
        warm-up strategies (see module doc)."""

        kname = "lars"

        def __init__(self, params, lr=0.01, momentum=0.0, eta=0.001, weight_decay=0.0, eps=0.0,
                     momentum_correction=True, warmup=None, warmup_epochs=5, batch_scale=1,
                     updates_per_epoch=32, begin_epoch=0, *, foreach=None):
            _lr_decay_checks(lr, weight_decay)
            check(momentum >= 0, "Invalid momentum value", momentum)
            check(eta >= 0, "Invalid eta value", eta)
            check(eps >= 0, "Invalid epsilon value", eps)
            if warmup not in (None, "") and warmup not in WARMUPS:
                raise ValueError("Invalid warmup strategy: %s (expecting one of %s)"
                                 % (warmup, ", ".join(WARMUPS)))
            super().__init__(params, dict(
                lr=lr, momentum=momentum, eta=eta, weight_decay=weight_decay, eps=eps,
                momentum_correction=momentum_correction, warmup=warmup or None,
                warmup_epochs=int(warmup_epochs), batch_scale=int(batch_scale),
                updates_per_epoch=int(updates_per_epoch), begin_epoch=int(begin_epoch)), foreach)

        def _state_init(self, p, group, state):
            state["last_lr"] = 0.0

        def _fast(self, group, params, grads, states, ws):
            lr, mu, eta, wd, eps = (group[k] for k in ("lr", "momentum", "eta", "weight_decay",
                                                       "eps"))
            for w, g, st in zip(params, grads, states):
                a = torch.linalg.vector_norm(w).item()
                b = torch.linalg.vector_norm(g).item()
                r = eta * a / (b + wd * a + eps) if a > 0 and b > 0 else 1.0
                n = int(st["step"].item()) + group["begin_epoch"] * group["updates_per_epoch"]
                mult = lbmult(group["warmup"], n, group["warmup_epochs"],
                              group["updates_per_epoch"], group["batch_scale"])
                lr_ = r * (lr * mult)
                last = st["last_lr"]
                mu_ = mu * lr / last if group["momentum_correction"] and last > 0 else mu
                st["last_lr"] = lr
                st["step"] += 1
                if mu == 0:
                    for (w_, g_), _ in pieces(ws, (w, g), 0):
                        if wd != 0:
                            w_.mul_(1 - lr_ * wd)
                        w_.add_(g_, alpha=-lr_)
                    continue
                for (w_, g_, m), _ in pieces(ws, (w, g, _mom(st, w)), 0):
                    m.mul_(mu_).add_(g_, alpha=-lr_)
                    if wd != 0:
                        m.add_(w_, alpha=-lr_ * wd)
                    w_.add_(m)

        def _update(self, group, params, grads, states, foreach):
            lr, mu, eta, wd, eps = (group[k] for k in ("lr", "momentum", "eta", "weight_decay",
                                                       "eps"))
            if foreach:
                wn = torch._foreach_norm(params)
                gn = torch._foreach_norm(grads)
            else:
                wn = [torch.linalg.vector_norm(w) for w in params]
                gn = [torch.linalg.vector_norm(g) for g in grads]
            lrs, mus = [], []
            for w, st, a, b in zip(params, states, wn, gn):
                r = torch.where((a > 0) & (b > 0), eta * a / (b + wd * a + eps), torch.ones_like(a))
                n = int(st["step"].item()) + group["begin_epoch"] * group["updates_per_epoch"]
                mult = lbmult(group["warmup"], n, group["warmup_epochs"],
                              group["updates_per_epoch"], group["batch_scale"])
                lrs.append(r.to(w.dtype) * (lr * mult))
                last = st["last_lr"]
                mus.append(mu * lr / last if group["momentum_correction"] and last > 0 else mu)
                st["last_lr"] = lr
                st["step"] += 1
            if not foreach:
                for w, g, st, lr_, mu_ in zip(params, grads, states, lrs, mus):
                    g2 = g.add(w, alpha=wd) if wd != 0 else g
                    if mu == 0:
                        w.sub_(g2 * lr_)
                        continue
                    m = _mom(st, w)
                    m.mul_(mu_).sub_(g2 * lr_)
                    w.add_(m)
                return
            ms = [_mom(st, w) for st, w in zip(states, params)] if mu != 0 else None
            g2 = torch._foreach_add(grads, params, alpha=wd) if wd != 0 else list(grads)
            upd = torch._foreach_mul(g2, lrs)
            if mu == 0:
                torch._foreach_sub_(params, upd)
                return
            torch._foreach_mul_(ms, mus)
            torch._foreach_sub_(ms, upd)
            torch._foreach_add_(params, ms)

    Lars.__qualname__ = 'Lars'
    return {'Lars': Lars}


__getattr__ = lazy(globals(), ('Lars',), _define)
