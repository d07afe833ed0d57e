"""Training/testing options of a model (ktorch's train and test)."""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, qtype
from .base import verb
from .names import find, is_ptr, kname

_BOTH = ("batchsize", "droplast", "hidden", "shuffle", "tensor", "dictionary", "metrics")
_TRAIN = ("sync", "clipgroup", "clipnorm", "clipvalue", "task", "tasks", "shufflecuda", "shuffleseed")
_FLAGS = {"droplast", "hidden", "shuffle", "tensor", "dictionary", "sync", "clipgroup", "shufflecuda"}
_METRICS = ("loss", "batchloss", "accuracy", "predict", "output", "hidden", "hiddencell")


class Options:
    """A model's train or test options (name -> k value)."""

    def __init__(self, train):
        self.is_train = train
        self.names = _BOTH + (_TRAIN if train else ())
        self.v = self.defaults()

    def defaults(self):
        d = {n: False for n in self.names if n in _FLAGS}
        d["batchsize"] = np.int64(32 if self.is_train else 100)
        d["shuffle"] = False
        d["metrics"] = V.syms(["loss"])
        if self.is_train:
            d.update(clipnorm=None, clipvalue=None, task=np.int64(0), tasks=np.int64(1),
                     shuffleseed=np.int64(0))
        return d

    def what(self):
        return "train" if self.is_train else "test"

    def get(self, names=None, alloptions=True):
        if names is None:
            dflt = self.defaults()
            ks = [n for n in self.names if alloptions or not _same(self.v[n], dflt[n])]
            return KDict(V.syms(ks), [self._k(n) for n in ks])
        if qtype(names) == -11:
            return self._k(self._name(str(names)))
        ks = [self._name(str(n)) for n in names]
        return KDict(V.syms(ks), [self._k(n) for n in ks])

    def _k(self, n):
        v = self.v[n]
        return np.bool_(v) if n in _FLAGS else v

    def _name(self, n):
        if n not in self.names:
            raise KError("%s: unrecognized option `%s" % (self.what(), n))
        return n

    def check(self, n, v):
        """The validated value v for option n (raises, changes nothing)."""
        w = self.what()
        n = self._name(n)
        t = qtype(v)
        if n in _FLAGS:
            if t != -1:
                raise KError("%s: %s expects boolean, given %s" % (w, n, V.tname(v) if hasattr(V, "tname") else t))
            return bool(v)
        if n in ("batchsize", "task", "tasks", "shuffleseed"):
            if t not in (-5, -6, -7):
                raise KError("%s: %s expects long integer" % (w, n))
            i = int(v)
            if n in ("batchsize", "tasks") and i < 1:
                raise KError("%s: %s must be positive, given %d" % (w, n, i))
            if n == "task" and i < 0:
                raise KError("%s: task must be non-negative, given %d" % (w, i))
            return np.int64(i)
        if n == "metrics":
            if v is None or (type(v) is list and not v):
                return V.syms([])
            ms = [str(v)] if t == -11 else [str(s) for s in v] if t == 11 else None
            if ms is None:
                raise KError("%s: metrics expects symbol(s)" % w)
            for m in ms:
                if m not in _METRICS:
                    raise KError("%s: unrecognized metric `%s" % (w, m))
            return V.syms(ms)
        if n in ("clipnorm", "clipvalue"):
            if v is None:
                return None
            if t in (-5, -6, -7, -8, -9):
                return np.float64(v)
            if n == "clipnorm" and t in (6, 7, 8, 9) and len(v) == 2:
                return np.asarray(v, dtype=np.float64)
            raise KError("%s: %s expects number%s or null" % (w, n, " or (max;p)" if n == "clipnorm" else ""))
        raise KError("%s: unrecognized option `%s" % (w, n))

    def set(self, items):
        new = {n: self.check(n, v) for n, v in items}     # all checked first
        if self.is_train and "task" in new or "tasks" in new:
            task, tasks = new.get("task", self.v.get("task")), new.get("tasks", self.v.get("tasks"))
            if task is not None and tasks is not None and task >= tasks:
                raise KError("train: task %d must be less than tasks %d" % (task, tasks))
        self.v.update(new)


def _same(a, b):
    if a is None or b is None:
        return a is b
    return np.array_equal(np.asarray(a), np.asarray(b))


def _options(reg, x, train):
    what = "train" if train else "test"
    p = x if is_ptr(x) else (x[0] if type(x) is list and x else None)
    obj = find(reg, p) if is_ptr(p) else None
    if getattr(obj, "cls", None) != "model":     # a ModelObj (model.py imports this module)
        raise KError("%s: expecting model as first arg, given %s" % (what, kname(reg, p if p is not None else x)))
    o = obj.train if train else obj.test
    if is_ptr(x) or len(x) == 1:
        return o.get()
    if len(x) == 2:
        a = x[1]
        if isinstance(a, KDict):
            o.set(zip([str(k) for k in a.keys], list(a.values)))
            return None
        if qtype(a) in (-11, 11):
            return o.get(a)
    if len(x) == 3 and qtype(x[1]) in (-11, 11):
        if qtype(x[1]) == -11:
            o.set([(str(x[1]), x[2])])
        else:
            ns = [str(s) for s in x[1]]
            vs = list(x[2]) if type(x[2]) is list or (hasattr(x[2], "__len__") and len(ns) > 1) else [x[2]]
            if len(vs) != len(ns):
                raise KError("%s: %d name(s) but %d value(s)" % (what, len(ns), len(vs)))
            o.set(zip(ns, vs))
        return None
    raise KError("%s: unrecognized arg(s)" % what)


@verb("train")
def train(reg, x):
    """train m  the model's training options; train(m;names)  value(s) of options;
train(m;dict) / train(m;names;values)  set options (batchsize droplast hidden shuffle
tensor dictionary metrics sync clipgroup clipnorm clipvalue task tasks shufflecuda
shuffleseed)."""
    return _options(reg, x, True)


@verb("test")
def test(reg, x):
    """test m  the model's testing options; test(m;names) / test(m;dict) /
test(m;names;values) as train (batchsize droplast hidden shuffle tensor dictionary metrics)."""
    return _options(reg, x, False)
