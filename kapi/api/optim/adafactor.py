"""adafactor: torch.optim.Adafactor (torch 2.5 and later) with a faster CPU step
and k's null for its optional ``eps1``; catalogue row and class.

The row is registered only when the installed torch has
``torch.optim.Adafactor``.

k has no ``None`` for a float option: ``0n`` (NaN) stands for unset, and
torch's Adafactor reads ``eps=(None, eps2)`` as "the dtype's machine
epsilon".  This subclass maps a NaN ``eps1`` to ``None`` at construction
and at every step (a group edit may set it).
"""

import importlib.util
import math
import os

from .catalog import DECAY, EPS, STEP, buf, lazy, lr_opt, opt, register

__all__ = ["Adafactor"]


def _has_adafactor():
    """Whether torch has ``torch.optim.Adafactor``, found without importing torch."""
    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    return any(os.path.exists(os.path.join(d, "optim", "_adafactor.py"))
               for d in spec.submodule_search_locations)


if _has_adafactor():
    register("adafactor", "kapi.api.optim.adafactor.Adafactor",
        (lr_opt(0.01),
         opt("beta2decay", "beta2_decay", -0.8,
             check=(lambda v: v <= 0, "beta2_decay should be <= 0")),
         opt("eps1", ("eps", 0), None, nullable=True, show="default"),
         opt("eps2", ("eps", 1), 0.001, check=EPS),
         opt("d", "d", 1.0, check=(lambda v: v >= 1, "Clipping threshold d should be >= 1")),
         opt("decay", "weight_decay", 0.0, check=DECAY)),
        help="adafactor: factored second moments (row and column averages)",
        buffers=(STEP, buf("row_var", always=False), buf("col_var", always=False),
                 buf("variance", always=False)),
        pytorch="torch.optim.Adafactor",
        checks=("lr", "eps2", "beta2decay", "d", "decay"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import _FastStep, _flat_all, _sq, unset
    from ._work import pieces

    _TorchAdafactor = getattr(torch.optim, "Adafactor", None)

    if _TorchAdafactor is not None:
        from torch.optim._adafactor import _single_tensor_adafactor

        class _FastAdafactor(_FastStep, _TorchAdafactor):
            """torch.optim.Adafactor: torch's operations (vectors a piece at a
            time, matrices whole) except the two norms, sums of squares by BLAS
            dot (vectors: piece by piece while the piece is in cache); other
            shapes torch's per-tensor code."""

            _torch = _TorchAdafactor
            _nlists = 6

            def _states(self, row):
                return (row[1],)

            def _torch_single(self, group, lists):
                eps1, eps2 = group["eps"]
                _single_tensor_adafactor(
                    *lists, None, None, d=group["d"], lr=group["lr"],
                    beta2_decay=group["beta2_decay"], weight_decay=group["weight_decay"],
                    eps1=eps1, eps2=eps2, maximize=False, has_complex=False)

            def _context(self, group):
                return {"eps1": group["eps"][0]}

            def _fast(self, group, ctx, ws, p, g, row, col, var, step_t):
                lr, d, wd, b2d = (group[k] for k in ("lr", "d", "weight_decay", "beta2_decay"))
                eps2 = group["eps"][1]
                if ctx["eps1"] is None:              # torch: the first parameter's dtype
                    ctx["eps1"] = torch.finfo(p.dtype).eps
                eps1 = ctx["eps1"]
                vector = p.dim() <= 1 and var is not None and _flat_all(p, [var])
                matrix = p.dim() == 2 and row is not None and col is not None
                if not (vector or matrix):
                    _single_tensor_adafactor(
                        [p], [g], [row], [col], [var], [step_t], None, None, d=d, lr=lr,
                        beta2_decay=b2d, weight_decay=wd, eps1=eps1, eps2=eps2,
                        maximize=False, has_complex=False)
                    return
                step_t += 1
                step = step_t.item()
                one_minus_beta2_t = step ** b2d
                rho_t = min(lr, 1 / (step ** 0.5))
                n = p.numel()
                # the update, into scratch
                u = ws.get(n, p.dtype, p.device, 1, tag="whole")[0].view(p.shape)
                if matrix:
                    pp = _sq(p)
                    row_mean = torch.norm(g, dim=-1, keepdim=True).square_().div_(g.size(-1))
                    row.lerp_(row_mean, one_minus_beta2_t)
                    col_mean = torch.norm(g, dim=-2, keepdim=True).square_().div_(g.size(-2))
                    col.lerp_(col_mean, one_minus_beta2_t)
                    torch.mm(row, col, out=u)
                    u.div_(row.mean(dim=-2, keepdim=True).clamp_(min=eps1))
                    u.clamp_(min=eps1 * eps1).rsqrt_().mul_(g)
                    uu = _sq(u)
                else:
                    pp = uu = 0.0
                    for (uu_, pp_, gg, vv), (s1,) in pieces(ws, (u, p, g, var), 1):
                        pp += _sq(pp_)
                        vv.lerp_(torch.mul(gg, gg, out=s1), one_minus_beta2_t)
                        torch.clamp(vv, min=eps1 * eps1, out=uu_).rsqrt_().mul_(gg)
                        uu += _sq(uu_)
                alpha = max(eps2, math.sqrt(pp) / (n ** 0.5)) * rho_t
                denom = max(1.0, math.sqrt(uu) / ((n ** 0.5) * d))
                if wd != 0:
                    p.mul_(1 - lr * wd)
                p.add_(u, alpha=-alpha / denom)


    def _fix(eps):
        e1, e2 = eps
        return (None if unset(e1) else e1, e2)


    class Adafactor(_FastAdafactor):
        """torch.optim.Adafactor (with the fast CPU step above); ``eps=(nan, eps2)``
        means ``(None, eps2)``."""

        def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                     weight_decay=0.0, **kwargs):
            super().__init__(params, lr=lr, beta2_decay=beta2_decay, eps=_fix(eps), d=d,
                             weight_decay=weight_decay, **kwargs)

        def add_param_group(self, param_group):
            if "eps" in param_group:
                param_group["eps"] = _fix(param_group["eps"])
            super().add_param_group(param_group)

        def step(self, closure=None):
            for g in self.param_groups:
                g["eps"] = _fix(g["eps"])
            return super().step(closure)

    Adafactor.__qualname__ = 'Adafactor'
    return {'Adafactor': Adafactor}


__getattr__ = lazy(globals(), ('Adafactor',), _define)
