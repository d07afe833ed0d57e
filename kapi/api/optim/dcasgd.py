"""dcasgd: MXNet 1.9.1's ``DCASGD`` (defaults and kernel of
``src/operator/optimizer_op-inl.h``): catalogue row,
class and CPU fast path.

Gradient rescaling and clipping (MXNet's ``rescale_grad``/``clip_gradient``)
are left to kapi's optimizer-level clipping; ``lr_mult``/``wd_mult`` are
parameter groups.  g'' = g + decay·w; t the parameter's step (1 first).

dcasgd -- state ``step``, ``weight_prev`` (w when the state was made),
``momentum`` (when momentum > 0)::

    δ = -lr·(g'' + λ·g²·(w - weight_prev))
    m = μ·m + δ  (μ = 0: m = δ);  weight_prev = w;  w += m
"""

from .catalog import DECAY, MOMENTUM, STEP, buf, _ge0, lazy, lr_opt, opt, register

__all__ = ["Dcasgd"]

register("dcasgd", "kapi.api.optim.dcasgd.Dcasgd",
    (lr_opt(0.01),
     opt("momentum", "momentum", 0.0, check=MOMENTUM),
     opt("lambda", "lamda", 0.04, check=_ge0("Invalid lambda value")),
     opt("decay", "weight_decay", 0.0, check=DECAY)),
    help="delay-compensated asynchronous sgd (MXNet)",
    buffers=(STEP, buf("weight_prev"), buf("momentum")),
    pytorch="")


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, grouped, KOptimizer, _lr_decay_checks, _mom
    from ._work import pieces

    class Dcasgd(KOptimizer):
        """MXNet ``DCASGD``: delay-compensated asynchronous SGD."""

        kname = "dcasgd"

        def __init__(self, params, lr=0.01, momentum=0.0, lamda=0.04, weight_decay=0.0, *,
                     foreach=None):
            _lr_decay_checks(lr, weight_decay)
            check(momentum >= 0, "Invalid momentum value", momentum)
            check(lamda >= 0, "Invalid lambda value", lamda)
            super().__init__(params, dict(lr=lr, momentum=momentum, lamda=lamda,
                                          weight_decay=weight_decay), foreach)

        def _state_init(self, p, group, state):
            state["weight_prev"] = p.detach().clone(memory_format=torch.preserve_format)

        def _fast(self, group, params, grads, states, ws):
            lr, mu, lam, wd = (group[k] for k in ("lr", "momentum", "lamda", "weight_decay"))
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                ts = (w, g, st["weight_prev"]) + ((_mom(st, w),) if mu != 0 else ())
                for v, (s1,) in pieces(ws, ts, 1):
                    w_, g_, prev = v[:3]
                    d = torch.sub(w_, prev, out=s1).mul_(g_)          # g*(w - prev)
                    torch.addcmul(g_, d, g_, value=lam, out=d)        # g + lam*g^2*(w - prev)
                    if wd != 0:
                        d.add_(w_, alpha=wd)
                    prev.copy_(w_)
                    if mu != 0:
                        w_.add_(v[3].mul_(mu).add_(d, alpha=-lr))
                    else:
                        w_.add_(d, alpha=-lr)

        def _update(self, group, params, grads, states, foreach):
            lr, mu, lam, wd = (group[k] for k in ("lr", "momentum", "lamda", "weight_decay"))
            if not foreach:
                for w, g, st in zip(params, grads, states):
                    st["step"] += 1
                    prev = st["weight_prev"]
                    d = g.add(w, alpha=wd) if wd != 0 else g.clone()
                    d.add_(g * g * (w - prev), alpha=lam).mul_(-lr)
                    if mu != 0:
                        m = _mom(st, w)
                        d = m.mul_(mu).add_(d)
                    prev.copy_(w)
                    w.add_(d)
                return
            torch._foreach_add_([s["step"] for s in states], 1)
            prevs = [s["weight_prev"] for s in states]
            ms = [_mom(st, w) for st, w in zip(states, params)] if mu != 0 else prevs
            for (w, g, prev, m), _ in grouped([params, grads, prevs, ms]):
                diff = torch._foreach_sub(w, prev)
                torch._foreach_mul_(diff, g)
                torch._foreach_mul_(diff, g)
                d = torch._foreach_add(g, w, alpha=wd) if wd != 0 else [x.clone() for x in g]
                torch._foreach_add_(d, diff, alpha=lam)
                torch._foreach_mul_(d, -lr)
                if mu != 0:
                    torch._foreach_mul_(m, mu)
                    torch._foreach_add_(m, d)
                    d = m
                torch._foreach_copy_(prev, w)
                torch._foreach_add_(w, d)

    Dcasgd.__qualname__ = 'Dcasgd'
    return {'Dcasgd': Dcasgd}


__getattr__ = lazy(globals(), ('Dcasgd',), _define)
