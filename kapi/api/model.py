"""Models: a module, loss and optimizer together (ktorch's ``model``)."""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, qtype
from .base import verb
from .loss import LossObj
from .module import ALLOPTIONS, ModuleObj, definition as mdef
from .names import find, is_ptr, kname, new
from .registry import Obj
from .state import OptObj, definition as odef
from .train import Options


class ModelObj(Obj):
    """A model: ModuleObj, LossObj and OptObj parts plus train/test options."""

    cls = "model"
    __slots__ = ("q", "l", "o", "train", "test")

    def __init__(self, q, l, o):
        self.q, self.l, self.o = q, l, o
        self.train, self.test = Options(True), Options(False)

    def kmodule(self):
        return self.q.module

    def optobj(self):
        return self.o

    def lossobj(self):
        return self.l

    def tensors(self):
        return self.q.tensors()

    def size(self):
        return self.q.size()

    def to(self, device=None, dtype=None, non_blocking=False):
        self.q.to(device, dtype, non_blocking)
        self.l.to(device, dtype, non_blocking)

    def definition(self, alloptions=True):
        return KDict(V.syms(["module", "loss", "optimizer", "train", "test"]),
                     [mdef(self.q.module, alloptions), self.l.definition(alloptions),
                      odef(self.o, alloptions), self.train.get(None, alloptions),
                      self.test.get(None, alloptions)])


_PARTS = ((ModuleObj, "q"), (LossObj, "l"), (OptObj, "o"))


def _part(reg, p, i):
    """The module/loss/optimizer object behind pointer p (arg i), its slot."""
    if not is_ptr(p):
        raise KError("model: arg[%d] expecting module, loss or optimizer pointer, given %s" % (i, kname(reg, p)))
    obj = find(reg, p)
    for c, slot in _PARTS:
        if isinstance(obj, c):
            return obj, slot
    raise KError("model: arg[%d] expecting module, loss or optimizer, given %s" % (i, obj.cls))


@verb("model")
def model(reg, x):
    """model(module;loss;optimizer)  a model, taking ownership of the three pointers
(use addref to keep them); model(m;obj..)  replace the model's module, loss and/or
optimizer; model m / model(m;flag)  the definition: dictionary module loss optimizer
train test."""
    if is_ptr(x):
        obj = find(reg, x)
        if isinstance(obj, ModelObj):
            return obj.definition(ALLOPTIONS)
        raise KError("model: not implemented for " + obj.cls)
    if type(x) is not list or not x:
        raise KError("model: expecting (module;loss;optimizer), given " + kname(reg, x))
    first = find(reg, x[0]) if is_ptr(x[0]) else None
    if isinstance(first, ModelObj):
        if len(x) == 2 and qtype(x[1]) == -1:
            return first.definition(bool(x[1]))
        parts = [_part(reg, p, i + 1) for i, p in enumerate(x[1:])]
        slots = [s for _, s in parts]
        if len(set(slots)) < len(slots):
            raise KError("model: more than one module, loss or optimizer given")
        for (o, s) in parts:             # all checked: now change
            setattr(first, s, o)
        for p in x[1:]:
            reg.free(p)
        return None
    if len(x) != 3:
        raise KError("model: expecting (module;loss;optimizer), given %d arg(s)" % len(x))
    parts = [_part(reg, p, i) for i, p in enumerate(x)]
    got = dict((s, o) for o, s in parts)
    if len(got) < 3:
        raise KError("model: expecting a module, a loss and an optimizer")
    m = ModelObj(got["q"], got["l"], got["o"])
    for p in x:
        reg.free(p)
    return new(reg, m)
