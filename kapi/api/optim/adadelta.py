"""adadelta: torch.optim.Adadelta with the faster CPU step of
:class:`._common._FastStep`: its catalogue row and class."""

from .catalog import DECAY, EPS, STEP, buf, lazy, lr_opt, opt, register

__all__ = ["Adadelta"]

register("adadelta", "kapi.api.optim.adadelta.Adadelta",
    (lr_opt(1.0), opt("rho", "rho", 0.9, check=(lambda v: 0 <= v <= 1, "Invalid rho value")),
     opt("eps", "eps", 1e-06, check=EPS), opt("decay", "weight_decay", 0.0, check=DECAY)),
    help="adadelta: rates from running averages of squared gradients and updates",
    buffers=(STEP, buf("square_avg"), buf("acc_delta")),
    pytorch="torch.optim.Adadelta", checks=("lr", "rho", "eps", "decay"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import _FastStep, _mod
    from ._work import pieces

    class Adadelta(_FastStep, torch.optim.Adadelta):
        """torch.optim.Adadelta; the fast update computes
        ``sqrt(acc+eps)/sqrt(sq+eps)`` as ``rsqrt((sq+eps)/(acc+eps))``."""

        _torch = torch.optim.Adadelta
        _nlists = 5

        def _torch_single(self, group, lists):
            _mod("adadelta")._single_tensor_adadelta(
                *lists, lr=group["lr"], rho=group["rho"], eps=group["eps"],
                weight_decay=group["weight_decay"], maximize=False, differentiable=False,
                capturable=False, has_complex=False)

        def _fast(self, group, ctx, ws, p, g, sq, acc, step):
            lr, rho, eps, wd = group["lr"], group["rho"], group["eps"], group["weight_decay"]
            step += 1
            for (w, g, sq, acc), (s1, s2, s3) in pieces(ws, (p, g, sq, acc), 3):
                if wd != 0:
                    g = torch.add(g, w, alpha=wd, out=s3)
                sq.mul_(rho).addcmul_(g, g, value=1 - rho)
                delta = torch.add(sq, eps, out=s1).div_(torch.add(acc, eps, out=s2))
                delta.rsqrt_().mul_(g)
                acc.mul_(rho).addcmul_(delta, delta, value=1 - rho)
                w.add_(delta, alpha=-lr)

    Adadelta.__qualname__ = 'Adadelta'
    return {'Adadelta': Adadelta}


__getattr__ = lazy(globals(), ('Adadelta',), _define)
