"""nadam: torch.optim.NAdam with the faster CPU step of
:class:`._common._FastStep`: its catalogue row and class."""

import math

from .catalog import DECAY, EPS, STEP, betas, buf, _ge0, lazy, lr_opt, opt, register

__all__ = ["NAdam"]

register("nadam", "kapi.api.optim.nadam.NAdam",
    (lr_opt(0.002),) + betas() +
    (opt("eps", "eps", 1e-08, check=EPS), opt("decay", "weight_decay", 0.0, check=DECAY),
     opt("mdecay", "momentum_decay", 0.004, check=_ge0("Invalid momentum_decay value")),
     opt("decoupled", "decoupled_weight_decay", False, "bool")),
    help="nadam: adam with nesterov momentum (momentum schedule mdecay)",
    buffers=(STEP, buf("mu_product"), buf("exp_avg"), buf("exp_avg_sq")),
    pytorch="torch.optim.NAdam", checks=("lr", "eps", "beta1", "beta2", "decay", "mdecay"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import _adam, _FastStep, _mod
    from ._work import pieces

    class NAdam(_FastStep, torch.optim.NAdam):
        """torch.optim.NAdam.  Its update ``w += c1*g/den + c2*m/den`` (``m`` the
        new first moment, ``den = sqrt(v/(1-b2^t)) + eps``) is one call of the
        fused Adam kernel on the moments with its first moment steered to
        ``X = (c1*g + c2*m)/(c1+c2)``: ``X = lerp(m_old, g, 1-b)`` for
        ``b = c2*b1/(c1+c2)`` and step size ``-(c1+c2)``.  The first moment is then
        ``m = lerp(g, X, (c1+c2)/c2)``."""

        _torch = torch.optim.NAdam
        _nlists = 6

        def _torch_single(self, group, lists):
            b1, b2 = group["betas"]
            _mod("nadam")._single_tensor_nadam(
                *lists, beta1=b1, beta2=b2, lr=group["lr"], weight_decay=group["weight_decay"],
                momentum_decay=group["momentum_decay"], eps=group["eps"],
                decoupled_weight_decay=group["decoupled_weight_decay"], maximize=False,
                capturable=False, differentiable=False, has_complex=False)

        def _states(self, row):
            return row[1:4]

        def _fast(self, group, ctx, ws, p, g, m, v, mu_product, step_t):
            lr, eps, wd, md = (group[k] for k in ("lr", "eps", "weight_decay", "momentum_decay"))
            b1, b2 = group["betas"]
            decoupled = group["decoupled_weight_decay"]
            step_t += 1
            step = step_t.item()
            mu = b1 * (1.0 - 0.5 * (0.96 ** (step * md)))
            mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * md)))
            mu_product *= mu
            mp = mu_product.item()
            c1 = -lr * (1.0 - mu) / (1.0 - mp)
            c2 = (-lr * mu_next) / (1.0 - mp * mu_next)
            s = c1 + c2
            if not (c2 != 0 and s != 0 and math.isfinite(c1) and math.isfinite(c2)):
                # lr 0, beta1 0 ...: torch's operations
                bc2 = 1 - b2 ** step
                for (w, g, m, v), (s1, s2) in pieces(ws, (p, g, m, v), 2):
                    if wd != 0:
                        if decoupled:
                            w.mul_(1 - lr * wd)
                        else:
                            g = torch.add(g, w, alpha=wd, out=s2)
                    m.lerp_(g, 1 - b1)
                    v.mul_(b2).addcmul_(g, g, value=1 - b2)
                    den = torch.div(v, bc2, out=s1).sqrt_().add_(eps)
                    w.addcdiv_(g, den, value=c1)
                    w.addcdiv_(m, den, value=c2)
                return
            beta = c2 * b1 / s
            lr_f = -s * (1 - beta ** step)
            dwd = lr * wd / lr_f if (wd != 0 and decoupled) else 0.0
            for (w, g, m, v), (s1,) in pieces(ws, (p, g, m, v), 1):
                if wd != 0 and not decoupled:
                    g = torch.add(g, w, alpha=wd, out=s1)
                _adam(w, g, m, v, step_t, lr_f, beta, b2, eps, dwd, decoupled=dwd != 0)
                torch.lerp(g, m, s / c2, out=m)

    NAdam.__qualname__ = 'NAdam'
    return {'NAdam': NAdam}


__getattr__ = lazy(globals(), ('NAdam',), _define)
