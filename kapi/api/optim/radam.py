"""radam: torch.optim.RAdam with the faster CPU step of
:class:`._common._FastStep`: its catalogue row and class."""

from .catalog import DECAY, EPS, STEP, betas, buf, lazy, lr_opt, opt, register

__all__ = ["RAdam"]

register("radam", "kapi.api.optim.radam.RAdam",
    (lr_opt(0.001),) + betas() +
    (opt("eps", "eps", 1e-08, check=EPS), opt("decay", "weight_decay", 0.0, check=DECAY),
     opt("decoupled", "decoupled_weight_decay", False, "bool")),
    help="radam: adam with a rectified adaptive rate (variance warm-up)",
    buffers=(STEP, buf("exp_avg"), buf("exp_avg_sq")), pytorch="torch.optim.RAdam",
    checks=("lr", "eps", "beta1", "beta2", "decay"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import _adam, _FastStep, _mod
    from ._work import pieces

    class RAdam(_FastStep, torch.optim.RAdam):
        """torch.optim.RAdam.  Once rectified (``rho_t > 5``) its update
        ``lr*rect*(m/(1-b1^t))*sqrt(1-b2^t)/(sqrt(v)+eps)`` is the fused Adam
        kernel's with learning rate ``lr*rect`` and eps ``eps/sqrt(1-b2^t)``
        (decoupled decay ``lr*decay`` as ``(lr*rect)*(decay/rect)``); before, an
        sgd-momentum step ``lr*m/(1-b1^t)``."""

        _torch = torch.optim.RAdam
        _nlists = 5

        def _torch_single(self, group, lists):
            b1, b2 = group["betas"]
            _mod("radam")._single_tensor_radam(
                *lists, beta1=b1, beta2=b2, lr=group["lr"], weight_decay=group["weight_decay"],
                eps=group["eps"], decoupled_weight_decay=group["decoupled_weight_decay"],
                differentiable=False, maximize=False, capturable=False, has_complex=False)

        def _fast(self, group, ctx, ws, p, g, m, v, step_t):
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            b1, b2 = group["betas"]
            decoupled = group["decoupled_weight_decay"]
            rho_inf = 2 / (1 - b2) - 1
            step_t += 1
            step = step_t.item()
            bc1 = 1 - b1 ** step
            bc2 = 1 - b2 ** step
            rho_t = rho_inf - 2 * step * (b2 ** step) / bc2
            rect = 0.0
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf /
                        ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            if rect > 0 and lr > 0:
                lr_f = lr * rect
                dwd = wd / rect if decoupled else wd
                _adam(p, g, m, v, step_t, lr_f, b1, b2, eps / bc2 ** 0.5, dwd, decoupled)
                return
            for (w, g, m, v), (s1,) in pieces(ws, (p, g, m, v), 1):
                if wd != 0:
                    if decoupled:
                        w.mul_(1 - lr * wd)
                    else:
                        g = torch.add(g, w, alpha=wd, out=s1)
                m.lerp_(g, 1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                if rho_t > 5.0:          # (lr 0 or rect 0: no move, as torch's)
                    u = torch.sqrt(v, out=s1).add_(eps).reciprocal_().mul_(bc2 ** 0.5)
                    w.addcmul_(m, u, value=-lr * rect / bc1)
                else:
                    w.add_(m, alpha=-lr / bc1)

    RAdam.__qualname__ = 'RAdam'
    return {'RAdam': RAdam}


__getattr__ = lazy(globals(), ('RAdam',), _define)
