"""Registry and names: each interpreter's allocated objects by api-pointer,
and ktorch's description of a k value (``kname``).

The bottom of the k-api: it imports nothing else from kapi/api, so
conversion (:mod:`kapi.api.convert`) and the object kinds
(:mod:`kapi.api.registry`) can both use it.  There is no current registry:
every k-api verb is given its interpreter's registry as its first argument
(``fn(reg, x)``, bound by :func:`kapi.api.install`) and hands it on.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import qtype


# --------------------------------------------------------------------------
# the registry

class Registry:
    """Allocated objects of one interpreter, by pointer id."""

    BASE = 0x3000000

    def __init__(self, interp=None):
        self.interp = interp        # the interpreter whose objects these are
        self.objs = {}
        self.next = self.BASE

    def __len__(self):
        return len(self.objs)

    def add(self, obj):
        """Register ``obj``; returns its new api-pointer."""
        self.next += 16
        self.objs[self.next] = obj
        return [np.int64(self.next)]

    def get(self, ptr):
        obj = self.objs.get(int(ptr[0]))
        if obj is None:
            raise KError("stale pointer")
        return obj

    def free(self, ptr):
        if self.objs.pop(int(ptr[0]), None) is None:
            raise KError("stale pointer")

    def replace(self, ptr, obj):
        self.objs[int(ptr[0])] = obj

    def clear(self):
        self.objs.clear()


def registry(interp):
    """The registry of ``interp`` (made on first use)."""
    try:
        return interp.registry
    except AttributeError:
        r = interp.registry = Registry(interp)
        return r


# --------------------------------------------------------------------------
# pointers and k names

def is_ptr(x):
    """True for an api-pointer: a one-item general list holding a long."""
    return type(x) is list and len(x) == 1 and type(x[0]) is np.int64


def find(reg, x):
    """The object behind pointer ``x`` in registry ``reg``, or None if x is
    not a pointer (a stale pointer raises)."""
    if is_ptr(x):
        return reg.get(x)
    return None


def new(reg, obj):
    """Register ``obj`` in ``reg``; its new api-pointer."""
    return reg.add(obj)


_TNAMES = {1: "boolean", 2: "guid", 4: "byte", 5: "short", 6: "int", 7: "long",
           8: "real", 9: "double", 10: "char", 11: "symbol", 12: "timestamp",
           13: "month", 14: "date", 15: "datetime", 16: "timespan", 17: "minute",
           18: "second", 19: "time"}


def kname(reg, x):
    """ktorch's description of a k value: ``long scalar``, ``double list``...
    (a live pointer of ``reg`` names its object's class; ``reg`` may be None)."""
    if reg is not None and is_ptr(x):
        obj = reg.objs.get(int(x[0]))
        if obj is not None:
            return obj.cls
    t = qtype(x)
    if t == 0:
        return "general list" if x else "empty list"
    if t == 98:
        return "table"
    if t == 99:
        return "keyed table" if V.is_keyed(x) else "dictionary"
    if t == 101 and x is None:
        return "null"
    if t >= 100:
        return "function"
    name = _TNAMES.get(abs(t), "k type %d" % t)
    return name + (" scalar" if t < 0 else " list")
