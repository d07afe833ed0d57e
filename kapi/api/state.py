"""The optimizer object and its saved form: what ``opt o`` and ``state o``
show (restored by ``opt(state;module)``, :mod:`kapi.api.opt`).

An optimizer is an :class:`OptObj` in the registry: ``name`` (the ktorch
optimizer symbol), ``opt`` (the ``torch.optim.Optimizer``; created, as in
ktorch, with one empty parameter group whose options become its defaults),
``kdefaults`` (the creation-time k options, the base of every new group),
``module`` (the container module tracked for parameter names, ``module o``
and restore) and its step settings
(:class:`Extras`: ``onstep`` and ``schedule``), saved and restored with it.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable
from .base import torch
from .convert import to_k
from .optim import catalog as C
from .registry import Obj


# --------------------------------------------------------------------------
# the registry object


class OptObj(Obj):
    """An optimizer: catalogue name, torch optimizer, creation options, container module."""

    cls = "optimizer"
    __slots__ = ("name", "opt", "kdefaults", "module", "_extras")

    def __init__(self, name, opt, kdefaults, module=None):
        self.name = name
        self.opt = opt
        self.kdefaults = kdefaults
        self.module = module
        self._extras = None

    @property
    def extras(self):
        """The step settings (:class:`Extras`: accumulation, clipping, schedules)."""
        if self._extras is None:
            self._extras = Extras()
        return self._extras

    def has_extras(self):
        return self._extras is not None and not self._extras.default()

    def objtype(self):
        return self.name

    def params(self):
        return [p for g in self.opt.param_groups for p in g["params"]]

    def tensors(self):
        return self.params()

    def size(self):
        return np.int64(len(self.params()))

    def _counts(self):
        tc = el = by = 0
        for p in self.params():
            st = self.opt.state.get(p)
            if st:
                a, b, c = C.state_counts(self.name, st)
                tc, el, by = tc + a, el + b, by + c
        return tc, el, by

    def tensorcount(self):
        return np.int64(self._counts()[0])

    def elements(self):
        return np.int64(self._counts()[1])

    def bytes(self):
        return np.int64(self._counts()[2])

    def kmodule(self):
        return self.module

    def state(self, flag):
        return definition(self, flag, state=True)

    def to(self, device=None, dtype=None, non_blocking=False):
        raise KError("to: not implemented for optimizers")


def _alloptions():
    from . import module as M
    return M.ALLOPTIONS


def _optobj(obj):
    """The optimizer of an optimizer or model object (None otherwise)."""
    if isinstance(obj, OptObj):
        return obj
    f = getattr(obj, "optobj", None)
    if callable(f):
        o = f()
        if isinstance(o, OptObj):
            return o
    return None


def _new_optimizer(name, kopts, check=True):
    spec = C.get(name)
    kw = C.to_torch(name, kopts, check=check)
    try:
        return spec.cls([{"params": []}], **kw)
    except ValueError as e:
        raise KError(str(e).split("\n")[0]) from None


def _names(c):
    """id(parameter) -> (owning module type, full name) within container ``c``."""
    from .module import ktype
    out = {}
    if c is None:
        return out
    owner = {}
    for _, m in c.named_modules():
        for _, p in m.named_parameters(recurse=False):
            owner.setdefault(id(p), ktype(m))
    for n, p in c.named_parameters():
        out[id(p)] = (owner.get(id(p), ""), n)
    return out


class Extras:
    """What ``step`` does besides the update, per optimizer.

    ``accumulate``: the update is applied on every k-th ``step`` call; the
    calls in between move each parameter's gradient into ``pending`` (and
    leave the gradient undefined), the k-th adds the pending sum back, so
    the update sees the sum of k calls' gradients.  ``calls``: calls since
    the last update.  ``clipvalue``/``clipnorm`` (None: off), ``clipp`` (the
    norm type), ``clipgroup`` (a norm per group): clipping applied, in that
    order, to the gradients of every update just before it (inside the
    closure for ``step(o;f)``).  ``schedules``: group index -> Schedule.
    """

    __slots__ = ("accumulate", "calls", "pending", "clipnorm", "clipp", "clipgroup",
                 "clipvalue", "schedules")

    def __init__(self):
        self.accumulate, self.calls, self.pending = 1, 0, {}
        self.clipnorm, self.clipp, self.clipgroup, self.clipvalue = None, 2.0, False, None
        self.schedules = {}

    def default(self):
        return (self.accumulate == 1 and self.clipnorm is None and self.clipvalue is None
                and not self.clipgroup and self.clipp == 2.0 and not self.schedules)

    def settings(self):
        return {"accumulate": self.accumulate, "clipnorm": self.clipnorm, "clipp": self.clipp,
                "clipgroup": self.clipgroup, "clipvalue": self.clipvalue}


ONSTEP = ("accumulate", "clipnorm", "clipp", "clipgroup", "clipvalue")


def _options_table(oo, flag):
    spec = C.get(oo.name)
    rows = [C.from_torch(oo.name, g, all=flag, k=False) for g in oo.opt.param_groups]
    keys = [o for o in spec.options if any(o.name in r for r in rows)]
    names, cols = [], []
    for o in keys:
        vals = [C.katom(o, r.get(o.name, o.default)) for r in rows]
        names.append(o.name)
        cols.append(V.collapse(vals))
    return KTable(names, cols)


def _kbuf(b, v):
    if v is None:
        return None
    T = torch()
    if b.kind == "step":
        return np.int64(int(v.item() if isinstance(v, T.Tensor) else v))
    if b.kind == "long":
        return np.int64(int(v.item() if isinstance(v, T.Tensor) else v))
    if b.kind == "float":
        return np.float64(float(v.item() if isinstance(v, T.Tensor) else v))
    if b.kind == "tensors":
        return [_kval(e) for e in v]
    return _kval(v)


def _kval(v):
    T = torch()
    if v is None:
        return None
    if isinstance(v, T.Tensor):
        return to_k(v)
    if isinstance(v, (bool, np.bool_)):
        return np.bool_(v)
    if isinstance(v, (int, np.integer)):
        return np.int64(v)
    return np.float64(v)


def _buffers(oo, p):
    st = oo.opt.state.get(p)
    items = C.buffer_items(oo.name, st) if st else []
    if not items:
        return KDict(V.syms([]), [])
    return KDict(V.syms([n for n, _, _ in items]), [_kbuf(b, v) for _, b, v in items])


def _parms_table(oo, state):
    names = _names(oo.module)
    g_, ptr_, mod_, nm_, sz_, buf_ = [], [], [], [], [], []
    for g, grp in enumerate(oo.opt.param_groups):
        for p in grp["params"]:
            g_.append(g)
            ptr_.append(int(p._cdata))
            mt, n = names.get(id(p), ("", ""))
            mod_.append(mt)
            nm_.append(n)
            sz_.append(np.array(list(p.shape), dtype=np.int64))
            if state:
                buf_.append(_buffers(oo, p))
    cols = ["parmgroup", "pointer", "module", "name", "size"] + (["buffers"] if state else [])
    data = [np.array(g_, dtype=np.int64), np.array(ptr_, dtype=np.int64), V.syms(mod_),
            V.syms(nm_), sz_] + ([buf_] if state else [])
    return KTable(cols, data)


def definition(oo, flag=None, state=False):
    """``opt o`` (state=False) or ``state o``: optimizer, options, parms."""
    if flag is None:
        flag = _alloptions()
    keys = ["optimizer", "options", "parms"]
    vals = [oo.name, _options_table(oo, flag), _parms_table(oo, state)]
    if oo.has_extras():
        keys.append("extras")
        vals.append(extras_dict(oo))
    return KDict(V.syms(keys), vals)


def extras_dict(oo):
    """The ``extras`` entry of ``opt o``/``state o`` (only present when an
    optimizer has step settings or schedules): the ``onstep`` settings and the
    ``schedule`` table.  Gradients pending in an accumulation are not saved."""
    ex = oo.extras
    st = ex.settings()
    keys = list(ONSTEP) + ["schedule"]
    vals = [np.int64(st["accumulate"]), np.float64(np.nan if st["clipnorm"] is None else st["clipnorm"]),
            np.float64(st["clipp"]), np.bool_(st["clipgroup"]),
            np.float64(np.nan if st["clipvalue"] is None else st["clipvalue"]), schedule_table(oo)]
    return KDict(V.syms(keys), vals)


def schedule_table(oo):
    ex = oo._extras
    rows = sorted(ex.schedules.items()) if ex is not None else []
    return KTable(["group", "schedule", "options", "base", "step", "done"],
                  [np.array([g for g, _ in rows], dtype=np.int64),
                   V.syms([s.kind for _, s in rows]),
                   [s.kopts() for _, s in rows],
                   np.array([s.base for _, s in rows], dtype=np.float64),
                   np.array([s.n for _, s in rows], dtype=np.int64),
                   np.array([s.done for _, s in rows], dtype=bool)])
