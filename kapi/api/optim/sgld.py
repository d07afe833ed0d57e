"""sgld: MXNet 1.9.1's ``SGLD`` (defaults and kernel of
``src/operator/optimizer_op-inl.h``): catalogue row,
class and CPU fast path.

Gradient rescaling and clipping (MXNet's ``rescale_grad``/``clip_gradient``)
are left to kapi's optimizer-level clipping; ``lr_mult``/``wd_mult`` are
parameter groups.  g'' = g + decay·w; t the parameter's step (1 first).

sgld -- state ``step``::

    w -= lr/2·g'';  w += N(0, lr)                 (normal, standard deviation sqrt(lr))
"""

import math

from .catalog import DECAY, STEP, lazy, lr_opt, opt, register

__all__ = ["Sgld"]

register("sgld", "kapi.api.optim.sgld.Sgld",
    (lr_opt(0.01), opt("decay", "weight_decay", 0.0, check=DECAY)),
    help="stochastic gradient langevin dynamics (MXNet): half step plus N(0,lr) noise",
    buffers=(STEP,),
    pytorch="")


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import grouped, KOptimizer, _lr_decay_checks
    from ._work import pieces

    class Sgld(KOptimizer):
        """MXNet ``SGLD``: Langevin dynamics, half a gradient step plus N(0, lr) noise.

        Noise comes from torch's global generator, or ``generator=``, drawn one
        parameter after another in group order (both paths draw the same)."""

        kname = "sgld"

        def __init__(self, params, lr=0.01, weight_decay=0.0, *, foreach=None, generator=None):
            _lr_decay_checks(lr, weight_decay)
            super().__init__(params, dict(lr=lr, weight_decay=weight_decay), foreach)
            self.generator = generator

        def _state_init(self, p, group, state):
            pass

        def _noise(self, w):
            return torch.randn(w.shape, generator=self.generator, dtype=w.dtype, device=w.device)

        def _fast(self, group, params, grads, states, ws):
            # the noise of a whole parameter at once (torch.randn's draws), into
            # scratch; then both steps in one pass a piece at a time
            lr, wd = group["lr"], group["weight_decay"]
            sd = math.sqrt(lr)
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                z = ws.get(w.numel(), w.dtype, w.device, 1, tag="whole")[0].view(w.shape)
                z.normal_(generator=self.generator)
                for (w_, g_, z_), _ in pieces(ws, (w, g, z), 0):
                    if wd != 0:
                        w_.mul_(1 - lr / 2 * wd)
                    w_.add_(g_, alpha=-lr / 2).add_(z_, alpha=sd)

        def _update(self, group, params, grads, states, foreach):
            lr, wd = group["lr"], group["weight_decay"]
            sd = math.sqrt(lr)
            if not foreach:
                for w, g, st in zip(params, grads, states):
                    st["step"] += 1
                    w.add_(g.add(w, alpha=wd) if wd != 0 else g, alpha=-lr / 2)
                    w.add_(self._noise(w), alpha=sd)
                return
            noise = [self._noise(w) for w in params]
            torch._foreach_add_([s["step"] for s in states], 1)
            for (w, g, z), _ in grouped([params, grads, noise]):
                g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
                torch._foreach_add_(w, g2, alpha=-lr / 2)
                torch._foreach_add_(w, z, alpha=sd)

    Sgld.__qualname__ = 'Sgld'
    return {'Sgld': Sgld}


__getattr__ = lazy(globals(), ('Sgld',), _define)
