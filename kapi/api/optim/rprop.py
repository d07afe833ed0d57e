"""rprop: torch.optim.Rprop with the faster CPU step of
:class:`._common._FastStep`: its catalogue row and class."""

import math

from .catalog import STEP, buf, lazy, lr_opt, opt, register

__all__ = ["Rprop"]

register("rprop", "kapi.api.optim.rprop.Rprop",
    (lr_opt(0.01),
     opt("etaminus", ("etas", 0), 0.5), opt("etaplus", ("etas", 1), 1.2),
     opt("stepmin", ("step_sizes", 0), 1e-06), opt("stepmax", ("step_sizes", 1), 50.0)),
    help="resilient backprop: per-element step sizes from gradient signs",
    buffers=(STEP, buf("prev"), buf("step_size")),
    pytorch="torch.optim.Rprop",
    checks=("lr", lambda o: None if 0 < o["etaminus"] < 1 < o["etaplus"] else
            "Invalid eta values: %g, %g" % (o["etaminus"], o["etaplus"])))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import _FastStep, _mod
    from ._work import pieces

    class Rprop(_FastStep, torch.optim.Rprop):
        """torch.optim.Rprop, bit for bit: torch's boolean-mask assignments
        (``sign[sign.gt(0)] = etaplus`` ...) become arithmetic selections --
        ``lerp`` with a weight of exactly 0 or 1 returns one end exactly -- so
        the factor is exactly etaplus, etaminus or 1 and the kept gradient
        exactly the gradient or 0.  A piece with a non-finite gradient (where
        that arithmetic would give NaN) takes ``torch.where``.  Only for
        ``0 < etaminus < 1 < etaplus`` (the constructor's check; a group edit
        outside it is torch's step)."""

        _torch = torch.optim.Rprop
        _nlists = 5

        def _eligible(self):
            for g in self.param_groups:
                em, ep = g["etas"]
                if not (0 < em < 1 < ep and math.isfinite(ep)):
                    return False
            return super()._eligible()

        def _torch_single(self, group, lists):
            em, ep = group["etas"]
            smin, smax = group["step_sizes"]
            _mod("rprop")._single_tensor_rprop(
                *lists, step_size_min=smin, step_size_max=smax, etaminus=em, etaplus=ep,
                maximize=False, capturable=False, differentiable=False, has_complex=False)

        def _context(self, group):
            return {}

        def _fast(self, group, consts, ws, p, g, prev, ss, step):
            em, ep = group["etas"]
            smin, smax = group["step_sizes"]
            step += 1
            key = (p.dtype, p.device)
            if key not in consts:
                consts[key] = [torch.tensor(x, dtype=p.dtype, device=p.device)
                               for x in (ep, em, 0.0)]
            up, down, zero = consts[key]
            for (w, g, prev, ss), (s1, s2, s3) in pieces(ws, (p, g, prev, ss), 3):
                torch.mul(g, prev, out=s1)                  # sign(g*prev) as two masks
                pos = torch.gt(s1, 0, out=s2)
                neg = torch.lt(s1, 0, out=s3)
                f = s1.fill_(1).lerp_(up, pos).lerp_(down, neg)   # 1, etaplus or etaminus
                ss.mul_(f).clamp_(smin, smax)
                if math.isfinite(g.sum().item()):
                    torch.lerp(g, zero, neg, out=prev)      # g, 0 where negative
                else:
                    torch.where(neg.bool(), zero, g, out=prev)
                w.addcmul_(torch.sign(prev, out=s1), ss, value=-1)

    Rprop.__qualname__ = 'Rprop'
    return {'Rprop': Rprop}


__getattr__ = lazy(globals(), ('Rprop',), _define)
