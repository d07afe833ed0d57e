"""The registry of allocated torch objects and the verbs on api-pointers.

An api-pointer is what ktorch hands back for an allocated object: a one-item
general list holding a long (``[np.int64(id)]`` here).  Each interpreter has
its own :class:`Registry` (``interp.registry``, created on first use) mapping
ids to :class:`Obj` wrappers.  Ids are never reused, so a freed pointer stays
stale (``'stale pointer``) for the life of the interpreter.

Object kinds implement the :class:`Obj` protocol (``cls``, ``objtype``,
``size``, ``tensors`` ...); later kinds (module, loss, optimizer, model)
subclass :class:`Obj` and get ``class``/``size``/``free``/... for free.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, qtype
from .base import torch, verb
from .names import (_TNAMES, Registry, find, is_ptr, kname,  # noqa: F401  (re-exported)
                    new, registry)


# --------------------------------------------------------------------------
# objects

class Obj:
    """Base of every registry object."""

    cls = "object"

    def objtype(self):
        return self.cls

    def tensors(self):
        """The tensors the object holds (for elements, bytes, ref...)."""
        return []

    def size(self):
        return np.int64(len(self.tensors()))

    def tensorcount(self):
        return np.int64(sum(1 for t in self.tensors() if t is not None))

    def elements(self):
        return np.int64(sum(t.numel() for t in self.tensors() if t is not None))

    def bytes(self):
        return np.int64(sum(t.numel() * t.element_size() for t in self.tensors() if t is not None))

    def value(self):
        """The k value of the object (``return``)."""
        raise KError("return: expecting tensor, vector or dictionary, given " + self.cls)

    def to(self, device=None, dtype=None, non_blocking=False):
        raise KError("to: not implemented for " + self.cls)


class NNObj(Obj):
    """Base of objects wrapping a torch.nn.Module (modules, losses):
    ``module`` is the torch module."""

    __slots__ = ("module",)

    def __init__(self, module):
        self.module = module

    def tensors(self):
        return list(self.module.parameters()) + list(self.module.buffers())

    def size(self):
        return np.int64(sum(1 for _ in self.module.parameters()))

    def to(self, device=None, dtype=None, non_blocking=False):
        self.module.to(device=device, dtype=dtype, non_blocking=non_blocking)

    def kmodule(self):
        return self.module


class TensorObj(Obj):
    """A tensor (``t`` is None for an undefined tensor)."""

    cls = "tensor"
    __slots__ = ("t",)

    def __init__(self, t):
        self.t = t

    def objtype(self):
        return "sparse" if self.t is not None and self.t.is_sparse else "tensor"

    def tensors(self):
        return [self.t]

    def size(self):
        return np.array(self.t.shape if self.t is not None else [], dtype=np.int64)

    def value(self):
        from .convert import to_k
        return to_k(self.t)

    def to(self, device=None, dtype=None, non_blocking=False):
        if self.t is not None:
            self.t = _move(self.t, device, dtype, non_blocking)


class VectorObj(Obj):
    """A vector of tensors (a Python list)."""

    cls = "vector"
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def objtype(self):
        return "tensor"

    def tensors(self):
        return self.v

    def value(self):
        from .convert import to_k
        return V.collapse([to_k(t) for t in self.v]) if self.v else []

    def to(self, device=None, dtype=None, non_blocking=False):
        self.v[:] = [_move(t, device, dtype, non_blocking) for t in self.v]


class DictObj(Obj):
    """A dictionary of tensors (an insertion-ordered Python dict)."""

    cls = "dictionary"
    __slots__ = ("d",)

    def __init__(self, d):
        self.d = d

    def objtype(self):
        return "tensor"

    def tensors(self):
        return list(self.d.values())

    def value(self):
        from .convert import to_k
        return KDict(V.syms(list(self.d)), [to_k(t) for t in self.d.values()])

    def to(self, device=None, dtype=None, non_blocking=False):
        moved = {k: _move(t, device, dtype, non_blocking) for k, t in self.d.items()}
        self.d.update(moved)     # all or nothing


def _move(t, device, dtype, non_blocking):
    if t is None:
        return t
    with torch().no_grad():
        u = t.to(device=device, dtype=dtype, non_blocking=non_blocking)
    if u is not t:
        u.requires_grad_(t.requires_grad)
    return u


def need(reg, x, fname, what="need allocated torch object, e.g. tensor, module"):
    obj = find(reg, x)
    if obj is None:
        raise KError("%s: %s, given %s" % (fname, what, kname(reg, x)))
    return obj


# --------------------------------------------------------------------------
# verbs

def _empty(x):
    return x is None or (type(x) is list and not x)


@verb("free")
def free(reg, x):
    """free ptr  release the object behind an api-pointer.
free[] or free()  release every allocated object.
free(p1;p2;..) or free dict  release every pointer in a list or dictionary."""
    r = reg
    if _empty(x):
        r.clear()
        return None
    if is_ptr(x):
        r.free(x)
        return None
    items = x.values if isinstance(x, KDict) else x
    if type(items) is list and all(is_ptr(p) for p in items):
        ids = [int(p[0]) for p in items]
        for i, j in enumerate(ids):
            if j not in r.objs:
                raise KError("free: stale pointer, element[%d] of given list" % i)
        for j in ids:
            r.objs.pop(j, None)
        return None
    raise KError("free: not a recognized pointer, unable to free, given " + kname(reg, x))


@verb("use", 2)
def use(reg, x, y):
    """use[ptr;expr]  re-point a tensor, vector or dictionary pointer to the
object returned by expr (whose own pointer becomes stale), or to a new
tensor made from the k value expr. Returns null."""
    r = reg
    a = find(reg, x)
    if not isinstance(a, (TensorObj, VectorObj, DictObj)):
        raise KError("use: 1st arg must be tensor, vector or dictionary")
    if is_ptr(y):
        b = r.get(y)
        if type(b) is not type(a):
            raise KError("use: cannot re-assign %s to %s" % (a.cls, b.cls))
        if int(x[0]) != int(y[0]):
            r.replace(x, b)
            r.free(y)
        return None
    if not isinstance(a, TensorObj):
        raise KError("use: cannot re-assign %s to k value" % a.cls)
    from .convert import to_tensor
    r.replace(x, TensorObj(to_tensor(y, reg=reg)))
    return None


@verb("return")
def return_(reg, x):
    """return ptr  the k value(s) of a tensor, vector or dictionary; the object is freed."""
    obj = find(reg, x)
    if not isinstance(obj, (TensorObj, VectorObj, DictObj)):
        raise KError("return: expecting tensor, vector or dictionary, given " +
                     (obj.cls if obj is not None else kname(reg, x)))
    v = obj.value()
    reg.free(x)
    return v


@verb("ptr")
def ptr(reg, x):
    """ptr ptr  the address of the tensor's implementation (a long)."""
    obj = need(reg, x, "ptr")
    ts = [t for t in obj.tensors() if t is not None]
    if isinstance(obj, TensorObj):
        return np.int64(ts[0]._cdata if ts else 0)
    return np.int64(id(obj))


def _refs(r, t):
    n = 0
    for o in r.objs.values():
        n += sum(1 for u in o.tensors() if u is t)
    return n


@verb("ref")
def ref(reg, x):
    """ref ptr  reference count of the tensor (handles and containers sharing it)."""
    obj = need(reg, x, "ref")
    if isinstance(obj, TensorObj):
        return np.int64(_refs(reg, obj.t) if obj.t is not None else 1)
    return np.int64(sum(1 for o in reg.objs.values() if o is obj))


@verb("addref")
def addref(reg, x):
    """addref ptr  a new pointer sharing the same tensor (or object); the reference count goes up by one."""
    obj = need(reg, x, "addref", "not implemented for")
    if isinstance(obj, TensorObj):
        return new(reg, TensorObj(obj.t))
    return new(reg, obj)


@verb("obj")
def obj_(reg, x):
    """obj[]  table of allocated objects: ptr class device dtype size elements bytes."""
    from ..values import KTable
    r = reg
    rows = sorted(r.objs.items(), reverse=True)
    ptrs, cls, dev, dt, sz, el, by = [], [], [], [], [], [], []
    from .convert import dtype_name
    for j, o in rows:
        ts = [t for t in o.tensors() if t is not None]
        ptrs.append(j)
        cls.append(o.cls)
        dev.append(str(ts[0].device) if ts else "cpu")
        dt.append(dtype_name(ts[0].dtype) if isinstance(o, TensorObj) and ts else "")
        sz.append(o.size())
        el.append(int(o.elements()))
        by.append(int(o.bytes()))
    return KTable(("ptr", "class", "device", "dtype", "size", "elements", "bytes"),
                  [np.array(ptrs, dtype=np.int64), V.syms(cls), V.syms(dev), V.syms(dt),
                   V.collapse(sz) if sz else [], np.array(el, dtype=np.int64),
                   np.array(by, dtype=np.int64)])
