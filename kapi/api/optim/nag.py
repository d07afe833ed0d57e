"""nag: MXNet 1.9.1's ``NAG`` (defaults and kernel of
``src/operator/optimizer_op-inl.h``): catalogue row,
class and CPU fast path.

Gradient rescaling and clipping (MXNet's ``rescale_grad``/``clip_gradient``)
are left to kapi's optimizer-level clipping; ``lr_mult``/``wd_mult`` are
parameter groups.  g'' = g + decay·w; t the parameter's step (1 first).

nag -- state ``step``, ``momentum`` (when momentum > 0)::

    m = μ·m - lr·g'';  w += μ·m - lr·g''          (μ = 0: w -= lr·g'')
"""

from .catalog import DECAY, MOMENTUM, STEP, buf, lazy, lr_opt, opt, register

__all__ = ["Nag"]

register("nag", "kapi.api.optim.nag.Nag",
    (lr_opt(0.01),
     opt("momentum", "momentum", 0.0, check=MOMENTUM),
     opt("decay", "weight_decay", 0.0, check=DECAY)),
    help="nesterov accelerated gradient (MXNet; lr inside the momentum buffer)",
    buffers=(STEP, buf("momentum")),
    pytorch="")


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, grouped, KOptimizer, _lr_decay_checks, _mom

    class Nag(KOptimizer):
        """MXNet ``NAG``: Nesterov momentum with lr inside the momentum buffer."""

        kname = "nag"

        def __init__(self, params, lr=0.01, momentum=0.0, weight_decay=0.0, *, foreach=None):
            _lr_decay_checks(lr, weight_decay)
            check(momentum >= 0, "Invalid momentum value", momentum)
            super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay),
                             foreach)

        def _state_init(self, p, group, state):
            pass

        def _update(self, group, params, grads, states, foreach):
            lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
            if not foreach:
                for w, g, st in zip(params, grads, states):
                    st["step"] += 1
                    g2 = g.add(w, alpha=wd) if wd != 0 else g
                    if mu == 0:
                        w.add_(g2, alpha=-lr)
                        continue
                    m = _mom(st, w)
                    m.mul_(mu).add_(g2, alpha=-lr)
                    w.add_(m, alpha=mu).add_(g2, alpha=-lr)
                return
            torch._foreach_add_([s["step"] for s in states], 1)
            if mu == 0:
                for (w, g), _ in grouped([params, grads]):
                    g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
                    torch._foreach_add_(w, g2, alpha=-lr)
                return
            ms = [_mom(st, w) for st, w in zip(states, params)]
            for (w, g, m), _ in grouped([params, grads, ms]):
                g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
                torch._foreach_mul_(m, mu)
                torch._foreach_add_(m, g2, alpha=-lr)
                torch._foreach_add_(w, m, alpha=mu)
                torch._foreach_add_(w, g2, alpha=-lr)

    Nag.__qualname__ = 'Nag'
    return {'Nag': Nag}


__getattr__ = lazy(globals(), ('Nag',), _define)
