"""adamax: torch.optim.Adamax with the faster CPU step of
:class:`._common._FastStep`: its catalogue row and class."""

from .catalog import DECAY, EPS, STEP, betas, buf, lazy, lr_opt, opt, register

__all__ = ["Adamax"]

register("adamax", "kapi.api.optim.adamax.Adamax",
    (lr_opt(0.002),) + betas() +
    (opt("eps", "eps", 1e-08, check=EPS), opt("decay", "weight_decay", 0.0, check=DECAY)),
    help="adamax: adam with the infinity norm of past gradients",
    buffers=(STEP, buf("exp_avg"), buf("exp_inf")),
    pytorch="torch.optim.Adamax", checks=("lr", "eps", "beta1", "beta2", "decay"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import _FastStep, _mod
    from ._work import pieces

    class Adamax(_FastStep, torch.optim.Adamax):
        """torch.optim.Adamax: torch's operations, a piece at a time."""

        _torch = torch.optim.Adamax
        _nlists = 5

        def _torch_single(self, group, lists):
            b1, b2 = group["betas"]
            _mod("adamax")._single_tensor_adamax(
                *lists, eps=group["eps"], beta1=b1, beta2=b2, lr=group["lr"],
                weight_decay=group["weight_decay"], maximize=False, differentiable=False,
                capturable=False, has_complex=False)

        def _fast(self, group, ctx, ws, p, g, m, u, step):
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            b1, b2 = group["betas"]
            step += 1
            clr = lr / (1 - b1 ** step.item())
            for (w, g, m, u), (s1, s2) in pieces(ws, (p, g, m, u), 2):
                if wd != 0:
                    g = torch.add(g, w, alpha=wd, out=s2)
                m.lerp_(g, 1 - b1)
                torch.maximum(u.mul_(b2), torch.abs(g, out=s1).add_(eps), out=u)
                w.addcdiv_(m, u, value=-clr)

    Adamax.__qualname__ = 'Adamax'
    return {'Adamax': Adamax}


__getattr__ = lazy(globals(), ('Adamax',), _define)
