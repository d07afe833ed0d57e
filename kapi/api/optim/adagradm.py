"""adagradm: the JAX SparseCore optimizer, dense form: catalogue row, class and
CPU fast path.

Semantics and defaults are those of jax-tpu-embedding's ``AdagradMomentumOptimizerSpec``,
applied to every element of a dense
parameter.  (SparseCore updates only the embedding rows present in a batch;
with a dense gradient every row is present.)  ``λ`` is the group's ``lr``,
``t`` the parameter's step count (1 on the first step).

adagradm -- state ``step``, ``accumulator`` (from ``initial_accumulator_value``),
``momentum`` (from ``initial_momentum_value``)::

    a = a + g^2 if beta2 == 1 else beta2·a + (1-beta2)·g^2
    ĝ = (a + eps)^(-1/exponent)·g
    m = momentum·m + ĝ
    w -= λ·(momentum·m + ĝ if nesterov else m)
"""

from .catalog import EPS, MOMENTUM, STEP, buf, _ge0, lazy, lr_opt, opt, register

__all__ = ["AdagradMomentum"]

register("adagradm", "kapi.api.optim.adagradm.AdagradMomentum",
    (lr_opt(0.001),
     opt("momentum", "momentum", 0.9, check=MOMENTUM),
     opt("beta2", "beta2", 1.0, check=(lambda v: 0 <= v <= 1, "Invalid beta2 value")),
     opt("eps", "eps", 1e-10, check=EPS),
     opt("exponent", "exponent", 2.0, check=(lambda v: v > 0, "Invalid exponent value")),
     opt("nesterov", "nesterov", False, "bool"),
     opt("init", "initial_accumulator_value", 0.1,
         check=_ge0("Invalid initial_accumulator_value value")),
     opt("minit", "initial_momentum_value", 0.0)),
    help="adagrad with momentum (SparseCore): (a+eps)^(-1/exponent) scaling, momentum",
    buffers=(STEP, buf("accumulator"), buf("momentum")),
    pytorch="",
    checks=("lr", "momentum", "beta2", "eps", "exponent", "init"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, grouped, KOptimizer
    from ._work import pieces

    class AdagradMomentum(KOptimizer):
        """Adagrad with momentum as JAX SparseCore's ``AdagradMomentumOptimizerSpec``."""

        kname = "adagradm"

        def __init__(self, params, lr=0.001, momentum=0.9, beta2=1.0, eps=1e-10, exponent=2.0,
                     nesterov=False, initial_accumulator_value=0.1, initial_momentum_value=0.0,
                     *, foreach=None):
            check(lr >= 0, "Invalid learning rate", lr)
            check(momentum >= 0, "Invalid momentum value", momentum)
            check(0 <= beta2 <= 1, "Invalid beta2 value", beta2)
            check(eps >= 0, "Invalid epsilon value", eps)
            check(exponent > 0, "Invalid exponent value", exponent)
            check(initial_accumulator_value >= 0, "Invalid initial_accumulator_value value",
                  initial_accumulator_value)
            super().__init__(params, dict(
                lr=lr, momentum=momentum, beta2=beta2, eps=eps, exponent=exponent,
                nesterov=nesterov, initial_accumulator_value=initial_accumulator_value,
                initial_momentum_value=initial_momentum_value), foreach)

        filled = {"accumulator": "initial_accumulator_value",
                  "momentum": "initial_momentum_value"}

        def _fast(self, group, params, grads, states, ws):
            lr, mom, b2, eps, k = (group[x] for x in ("lr", "momentum", "beta2", "eps", "exponent"))
            nesterov = group["nesterov"]
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                for (w_, g_, a, m), (s1,) in pieces(ws, (w, g, st["accumulator"],
                                                         st["momentum"]), 1):
                    if b2 == 1:
                        a.addcmul_(g_, g_)
                    else:
                        a.mul_(b2).addcmul_(g_, g_, value=1 - b2)
                    gh = torch.add(a, eps, out=s1)          # (a + eps)^(-1/k) * g
                    if k == 2:
                        gh.rsqrt_()
                    elif k == 1:
                        gh.reciprocal_()
                    else:
                        gh.pow_(-1.0 / k)
                    gh.mul_(g_)
                    m.mul_(mom).add_(gh)
                    if nesterov:
                        w_.add_(m, alpha=-lr * mom).add_(gh, alpha=-lr)
                    else:
                        w_.add_(m, alpha=-lr)

        def _update(self, group, params, grads, states, foreach):
            lr, mom, b2, eps, k = (group[x] for x in ("lr", "momentum", "beta2", "eps", "exponent"))
            nesterov = group["nesterov"]
            if not foreach:
                for w, g, st in zip(params, grads, states):
                    st["step"] += 1
                    a, m = st["accumulator"], st["momentum"]
                    if b2 == 1:
                        a.addcmul_(g, g)
                    else:
                        a.mul_(b2).addcmul_(g, g, value=1 - b2)
                    gh = (a + eps).pow_(-1.0 / k).mul_(g)
                    m.mul_(mom).add_(gh)
                    w.add_(m * mom + gh if nesterov else m, alpha=-lr)
                return
            for (w, g, a, m, steps), _ in grouped(
                    [params, grads, [s["accumulator"] for s in states],
                     [s["momentum"] for s in states], [s["step"] for s in states]]):
                torch._foreach_add_(steps, 1)
                if b2 == 1:
                    torch._foreach_addcmul_(a, g, g)
                else:
                    torch._foreach_mul_(a, b2)
                    torch._foreach_addcmul_(a, g, g, value=1 - b2)
                gh = torch._foreach_add(a, eps)
                torch._foreach_pow_(gh, -1.0 / k)
                torch._foreach_mul_(gh, g)
                torch._foreach_mul_(m, mom)
                torch._foreach_add_(m, gh)
                if nesterov:
                    u = torch._foreach_mul(m, mom)
                    torch._foreach_add_(u, gh)
                else:
                    u = m
                torch._foreach_add_(w, u, alpha=-lr)

    AdagradMomentum.__qualname__ = 'AdagradMomentum'
    return {'AdagradMomentum': AdagradMomentum}


__getattr__ = lazy(globals(), ('AdagradMomentum',), _define)
