"""signum: MXNet 1.9.1's ``SIGNUM`` (defaults and kernel of
``src/operator/optimizer_op-inl.h``): catalogue row,
class and CPU fast path.

Gradient rescaling and clipping (MXNet's ``rescale_grad``/``clip_gradient``)
are left to kapi's optimizer-level clipping; ``lr_mult``/``wd_mult`` are
parameter groups.  g'' = g + decay·w; t the parameter's step (1 first).

signum -- state ``step``, ``momentum`` (when momentum > 0)::

    m = μ·m - (1-μ)·g'';  w = (1-lr·wdlh)·w + lr·sign(m)
    μ = 0 (signSGD):      w = (1-lr·decay)·w - lr·sign(g)
"""

from .catalog import DECAY, STEP, buf, _ge0, lazy, lr_opt, opt, register

__all__ = ["Signum"]

register("signum", "kapi.api.optim.signum.Signum",
    (lr_opt(0.01),
     opt("momentum", "momentum", 0.9,
         check=(lambda v: 0 <= v < 1, "Invalid momentum value")),
     opt("decay", "weight_decay", 0.0, check=DECAY),
     opt("wdlh", "wd_lh", 0.0, check=_ge0("Invalid wd_lh value"))),
    help="signum (MXNet): sign of a gradient momentum (signsgd when momentum is 0)",
    buffers=(STEP, buf("momentum")),
    pytorch="")


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, grouped, KOptimizer, _lr_decay_checks, _mom
    from ._work import pieces

    class Signum(KOptimizer):
        """MXNet ``Signum`` (signSGD when momentum is 0)."""

        kname = "signum"

        def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.0, wd_lh=0.0, *,
                     foreach=None):
            _lr_decay_checks(lr, weight_decay)
            check(0 <= momentum < 1, "Invalid momentum value", momentum)
            check(wd_lh >= 0, "Invalid wd_lh value", wd_lh)
            super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay,
                                          wd_lh=wd_lh), foreach)

        def _state_init(self, p, group, state):
            pass

        def _fast(self, group, params, grads, states, ws):
            lr, mu, wd, wdlh = (group[k] for k in ("lr", "momentum", "weight_decay", "wd_lh"))
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                if mu == 0:
                    for (w_, g_), (s1,) in pieces(ws, (w, g), 1):
                        if wd != 0:
                            w_.mul_(1 - lr * wd)
                        w_.add_(torch.sign(g_, out=s1), alpha=-lr)
                    continue
                for (w_, g_, m), (s1,) in pieces(ws, (w, g, _mom(st, w)), 1):
                    m.mul_(mu).add_(g_, alpha=-(1 - mu))
                    if wd != 0:
                        m.add_(w_, alpha=-(1 - mu) * wd)
                    if wdlh != 0:
                        w_.mul_(1 - lr * wdlh)
                    w_.add_(torch.sign(m, out=s1), alpha=lr)

        def _update(self, group, params, grads, states, foreach):
            lr, mu, wd, wdlh = (group[k] for k in ("lr", "momentum", "weight_decay", "wd_lh"))
            if not foreach:
                for w, g, st in zip(params, grads, states):
                    st["step"] += 1
                    if mu == 0:
                        w.mul_(1 - lr * wd).add_(torch.sign(g), alpha=-lr)
                        continue
                    m = _mom(st, w)
                    m.mul_(mu).add_(g.add(w, alpha=wd) if wd != 0 else g, alpha=-(1 - mu))
                    if wdlh != 0:
                        w.mul_(1 - lr * wdlh)
                    w.add_(torch.sign(m), alpha=lr)
                return
            torch._foreach_add_([s["step"] for s in states], 1)
            if mu == 0:
                for (w, g), _ in grouped([params, grads]):
                    torch._foreach_mul_(w, 1 - lr * wd)
                    torch._foreach_add_(w, torch._foreach_sign(g), alpha=-lr)
                return
            ms = [_mom(st, w) for st, w in zip(states, params)]
            for (w, g, m), _ in grouped([params, grads, ms]):
                g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
                torch._foreach_mul_(m, mu)
                torch._foreach_add_(m, g2, alpha=-(1 - mu))
                if wdlh != 0:
                    torch._foreach_mul_(w, 1 - lr * wdlh)
                torch._foreach_add_(w, torch._foreach_sign(m), alpha=lr)

    Signum.__qualname__ = 'Signum'
    return {'Signum': Signum}


__getattr__ = lazy(globals(), ('Signum',), _define)
