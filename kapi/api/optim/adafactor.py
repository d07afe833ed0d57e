"""torch.optim.Adafactor with k's null for its optional ``eps1``.

k has no ``None`` for a float option: ``0n`` (NaN) stands for unset, and
torch's Adafactor reads ``eps=(None, eps2)`` as "the dtype's machine
epsilon".  This subclass maps a NaN ``eps1`` to ``None`` at construction
and at every step (a group edit may set it)."""

from ._common import unset
from .torch_fast import Adafactor as _Adafactor

__all__ = ["Adafactor"]


def _fix(eps):
    e1, e2 = eps
    return (None if unset(e1) else e1, e2)


class Adafactor(_Adafactor):
    """torch.optim.Adafactor (with :mod:`.torch_fast`'s CPU step); ``eps=(nan, eps2)``
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
