"""ftrl: the JAX SparseCore optimizer, dense form: catalogue row, class and
CPU fast path.

Semantics and defaults are those of jax-tpu-embedding's ``FTRLOptimizerSpec``,
applied to every element of a dense
parameter.  (SparseCore updates only the embedding rows present in a batch;
with a dense gradient every row is present.)  ``λ`` is the group's ``lr``,
``t`` the parameter's step count (1 on the first step).

ftrl -- state ``step``, ``accumulator`` (a, from ``initial_accumulator_value``),
``linear`` (L, from ``initial_linear_value``); p = ``lr_power``::

    a' = a + g^2;  Δ = a'^(-p) - a^(-p)
    multiply_linear_by_lr false:  L += g - (Δ/λ)·w
        w = (clamp(L, -l1, l1) - L) / ((a'^(-p) + beta)/λ + 2·l2)
    multiply_linear_by_lr true:   L += λ·g - Δ·w
        w = (clamp(L, -λ·l1, λ·l1) - L) / (a'^(-p) + 2·λ·l2 + beta)
    a = a'
"""

from .catalog import STEP, buf, _ge0, lazy, lr_opt, opt, register

__all__ = ["Ftrl"]

register("ftrl", "kapi.api.optim.ftrl.Ftrl",
    (lr_opt(0.01, check=(lambda v: v > 0, "Invalid learning rate")),
     opt("lrpower", "lr_power", -0.5, check=(lambda v: v <= 0, "Invalid lr_power value")),
     opt("l1", "l1", 0.0, check=_ge0("Invalid l1 value")),
     opt("l2", "l2", 0.0, check=_ge0("Invalid l2 value")),
     opt("beta", "beta", 0.0, check=_ge0("Invalid beta value")),
     opt("init", "initial_accumulator_value", 0.1,
         check=_ge0("Invalid initial_accumulator_value value")),
     opt("linear", "initial_linear_value", 0.0),
     opt("multlr", "multiply_linear_by_lr", False, "bool")),
    help="ftrl-proximal (SparseCore): follow the regularized leader with l1/l2",
    buffers=(STEP, buf("accumulator"), buf("linear")),
    pytorch="")


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, KOptimizer
    from ._work import pieces

    class Ftrl(KOptimizer):
        """FTRL-proximal as JAX SparseCore's ``FTRLOptimizerSpec`` (see module doc)."""

        kname = "ftrl"

        def __init__(self, params, lr=0.01, lr_power=-0.5, l1=0.0, l2=0.0, beta=0.0,
                     initial_accumulator_value=0.1, initial_linear_value=0.0,
                     multiply_linear_by_lr=False, *, foreach=None):
            check(lr > 0, "Invalid learning rate", lr)
            check(lr_power <= 0, "Invalid lr_power value", lr_power)
            check(l1 >= 0, "Invalid l1 value", l1)
            check(l2 >= 0, "Invalid l2 value", l2)
            check(beta >= 0, "Invalid beta value", beta)
            check(initial_accumulator_value >= 0, "Invalid initial_accumulator_value value",
                  initial_accumulator_value)
            super().__init__(params, dict(
                lr=lr, lr_power=lr_power, l1=l1, l2=l2, beta=beta,
                initial_accumulator_value=initial_accumulator_value,
                initial_linear_value=initial_linear_value,
                multiply_linear_by_lr=multiply_linear_by_lr), foreach)

        filled = {"accumulator": "initial_accumulator_value",
                  "linear": "initial_linear_value"}

        def _fast(self, group, params, grads, states, ws):
            lr, p_, l1, l2, beta = (group[k] for k in ("lr", "lr_power", "l1", "l2", "beta"))
            mult = group["multiply_linear_by_lr"]
            cap = l1 * lr if mult else l1

            def power(a, out):                       # a^(-p)
                return torch.sqrt(a, out=out) if p_ == -0.5 else torch.pow(a, -p_, out=out)
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                for (w_, g_, a, lin), (s1, s2) in pieces(ws, (w, g, st["accumulator"],
                                                              st["linear"]), 2):
                    old = power(a, s1)
                    a.addcmul_(g_, g_)                      # a' (the new accumulator)
                    new = power(a, s2)
                    delta = torch.sub(new, old, out=s1)
                    if mult:
                        lin.add_(g_, alpha=lr).addcmul_(delta, w_, value=-1)
                        nden, c = new.neg_(), 2 * lr * l2 + beta      # -denominator
                    else:
                        lin.add_(g_).addcmul_(delta, w_, value=-1 / lr)
                        nden, c = new.mul_(-1 / lr), beta / lr + 2 * l2
                    if c != 0:
                        nden.sub_(c)
                    if cap != 0:                 # (clamp(L) - L)/den = (L - clamp(L))/(-den)
                        torch.sub(lin, torch.clamp(lin, -cap, cap, out=s1), out=s1)
                        torch.div(s1, nden, out=w_)
                    else:
                        torch.div(lin, nden, out=w_)

        def _update(self, group, params, grads, states, foreach):
            lr, p_, l1, l2, beta = (group[k] for k in ("lr", "lr_power", "l1", "l2", "beta"))
            mult = group["multiply_linear_by_lr"]
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                a, lin = st["accumulator"], st["linear"]
                a_new = a + g * g
                pow_new = a_new.pow(-p_)
                delta = pow_new - a.pow(-p_)
                if mult:
                    lin.add_(g, alpha=lr).addcmul_(delta, w, value=-1)
                    cap, den = l1 * lr, pow_new.add(2 * lr * l2 + beta)
                else:
                    lin.add_(g).addcmul_(delta, w, value=-1 / lr)
                    cap, den = l1, pow_new.add(beta).div_(lr).add_(2 * l2)
                numer = lin.clamp(-cap, cap).sub_(lin) if cap != 0 else lin.neg()
                w.copy_(numer.div_(den))
                a.copy_(a_new)

    Ftrl.__qualname__ = 'Ftrl'
    return {'Ftrl': Ftrl}


__getattr__ = lazy(globals(), ('Ftrl',), _define)
