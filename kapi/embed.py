"""Embedding: Python values <-> k values, and live torch objects.

This module is the one place that decides how a Python program sees q data
and how Python data enters q.  :class:`Interpreter` (below) uses it for
``q(src)``, ``q["name"]``, ``q.call``, ``q.function`` and ``q.object``; see
docs/embedding.md for the user's guide.

Python -> k (:func:`to_k`)
=========================  ==============================================
``None``                   generic null ``::``
``bool`` / ``int`` /       boolean / long / float atom
``float``
``str``, ``bytes``         string (char vector)
:class:`Symbol`            symbol atom (a list of Symbols: symbol vector)
numpy scalar               atom of the matching q type
numpy 1-d array            typed vector (``U`` dtype: symbols; ``S1``:
                           string; ``object``: general list)
numpy n-d array            general list of (n-1)-d values (a matrix)
``list`` / ``tuple``       list; atoms of one type collapse to a vector,
                           as a q list literal does
``dict``                   dictionary (``str`` keys become symbols)
:class:`Table`             table (``dict`` of column name -> column)
:class:`KeyedTable`        keyed table
``torch.Tensor``           tensor api-pointer (the same tensor object)
``torch.nn.Module``        module api-pointer (the same module object)
``torch.optim.Optimizer``  optimizer api-pointer (catalogue optimizers)
:class:`QFunction`         the q function it wraps
other callables            a q function calling the Python callable
=========================  ==============================================

k -> Python (:func:`to_py`, "the Python view")
==========================  ==============================================
atoms                       boolean, long, float -> ``bool`` ``int``
                            ``float``; byte, short, int, real -> numpy
                            scalars (``uint8`` ``int16`` ``int32``
                            ``float32``); symbol -> :class:`Symbol` (a
                            ``str``); char -> 1-char ``str``
numeric/boolean vectors     numpy arrays (copies)
string                      ``str``
symbol vector               ``list`` of :class:`Symbol`
matrix (list of equal-      n-d numpy array
length vectors of one type)
general list                ``list``
dictionary                  ``dict``
table / keyed table         :class:`Table` / :class:`KeyedTable`
q function                  :class:`QFunction` (callable from Python)
api-pointer                 the live torch object (tensor, module, torch
                            optimizer, list/dict of tensors); a stale
                            pointer -> :class:`Pointer`
==========================  ==============================================

The view round-trips: ``q["y"] = q["x"]`` gives ``y`` the type and shape of
``x`` for everything above except char atoms (which come back as strings)
and empty symbol vectors (which come back as empty general lists).
"""

import inspect

import numpy as np

from . import interp as _interp
from . import values as V
from .errors import KError
from .funcs import Builtin, ELIDED, Projection
from .values import KDict, KFunc, KTable

__all__ = ["Symbol", "Pointer", "Table", "KeyedTable", "QFunction", "PyFunc",
           "to_k", "to_py", "register", "object_of"]


# --------------------------------------------------------------------------
# marker types of the Python view

class Symbol(str):
    """A q symbol on the Python side: ``kapi.Symbol("a")`` is `` `a ``.

    It is a ``str`` (compares, hashes and formats as its text), so dict keys
    and results read naturally; plain ``str`` values become q strings."""

    __slots__ = ()

    def __repr__(self):
        return "Symbol(%s)" % str.__repr__(self)


class Pointer:
    """An api-pointer whose object is gone (freed): just its id."""

    __slots__ = ("id",)

    def __init__(self, id):
        self.id = int(id)

    def __eq__(self, other):
        return isinstance(other, Pointer) and other.id == self.id

    def __hash__(self):
        return hash(("kapi.Pointer", self.id))

    def __repr__(self):
        return "Pointer(0x%x)" % self.id


class Table(dict):
    """The Python view of a q table: column name -> column (numpy array or
    list).  Assigning a Table (``q["t"] = kapi.Table(a=[1, 2], b=[.5, 1.5])``)
    makes a q table; a plain dict makes a dictionary."""

    __slots__ = ()

    def __repr__(self):
        return "Table(%s)" % dict.__repr__(self)


class KeyedTable:
    """The Python view of a keyed table: ``key`` and ``value`` Tables."""

    __slots__ = ("key", "value")

    def __init__(self, key, value):
        self.key = Table(key)
        self.value = Table(value)

    def __eq__(self, other):
        return isinstance(other, KeyedTable) and _eq(self.key, other.key) and _eq(self.value, other.value)

    def __repr__(self):
        return "KeyedTable(%r, %r)" % (self.key, self.value)


def _eq(a, b):
    if a.keys() != b.keys():
        return False
    return all(np.array_equal(a[k], b[k]) if isinstance(a[k], np.ndarray) else a[k] == b[k] for k in a)


class QFunction:
    """A q function (lambda, keyword, k-api verb, projection...) callable from
    Python: arguments are converted with :func:`to_k`, the result with
    :func:`to_py`, and q errors raise :class:`~kapi.KError`.  ``.k`` is the k
    value; ``.interp`` the interpreter that runs it."""

    __slots__ = ("interp", "k")

    def __init__(self, interp, k):
        self.interp = interp
        self.k = k

    def __call__(self, *args):
        return to_py(self.interp, self.interp.apply(self.k, [to_k(self.interp, a) for a in args]))

    @property
    def rank(self):
        return self.k.rank

    def __repr__(self):
        from .text import func_s1
        return "QFunction(%s)" % func_s1(self.k)


class PyFunc(KFunc):
    """A Python callable as a q function (q type 112, shown as ``code``).

    Called from q with n arguments it calls ``fn`` with their Python views and
    converts the result back; fewer arguments than its rank make a projection.
    A Python exception becomes a q error ``'ExcType: message``."""

    qtype = 112
    name = "code"
    __slots__ = ("fn", "interp", "rank", "maxrank")

    def __init__(self, interp, fn, rank=None):
        self.fn = fn
        self.interp = interp
        r, mx = _rank_of(fn)
        self.rank = r if rank is None else rank
        self.maxrank = max(mx, self.rank)

    def call(self, args):
        n = len(args)
        if any(a is ELIDED for a in args):
            return Projection(self, args)
        if n < self.rank:
            return Projection(self, args + [ELIDED] * (self.rank - n))
        if self.rank == 0 and n == 1 and args[0] is None:
            args = []                      # f[] passes :: to a niladic function
        elif n > self.maxrank:
            raise KError("rank")
        it = self.interp
        try:
            r = self.fn(*[to_py(it, a) for a in args])
        except KError:
            raise
        except RecursionError:
            raise KError("stack") from None
        except Exception as e:
            msg = str(e).strip().split("\n")[0]
            raise KError(type(e).__name__ + (": " + msg if msg else "")) from e
        return to_k(it, r)

    def __repr__(self):
        return "PyFunc(%r)" % (self.fn,)


def _rank_of(fn):
    """(rank, max args) of a Python callable: its required positional
    parameters (at least 1 unless it takes none at all), and 8 for *args."""
    try:
        ps = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return 1, 8
    pos = [p for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    req = [p for p in pos if p.default is p.empty]
    var = any(p.kind == p.VAR_POSITIONAL for p in ps)
    mx = 8 if var else len(pos)
    if not pos and not var:
        return 0, 0
    return min(max(len(req), 1), 8), mx


# --------------------------------------------------------------------------
# Python -> k

_SCALAR_CAST = {np.int8: np.int16, np.uint16: np.int32, np.uint32: np.int64,
                np.uint64: np.int64, np.float16: np.float32, np.longdouble: np.float64}
_VEC_CAST = {np.dtype(k): np.dtype(v) for k, v in _SCALAR_CAST.items()}


def _array(interp, a):
    if a.ndim == 0:
        return to_k(interp, a[()])
    if a.ndim > 1:
        return [_array(interp, r) for r in a]
    dt = a.dtype
    if dt in V._VTYPE and dt != np.dtype(object):
        return np.array(a, copy=True)
    if dt in _VEC_CAST:
        return a.astype(_VEC_CAST[dt])
    if dt.kind == "U":
        return V.syms([str(s) for s in a])
    if dt.kind == "S":
        if dt.itemsize == 1:
            return np.array(a, dtype="S1")
        return [V.string(bytes(s)) for s in a]
    if dt == np.dtype(object):
        return V.collapse([to_k(interp, v) for v in a])
    raise TypeError("kapi: no q type for numpy dtype %s" % dt)


def to_k(interp, v):
    """The k value of Python value ``v`` (see the table in the module doc);
    torch objects are registered in ``interp``'s registry."""
    if v is None:
        return None
    t = type(v)
    if t is Symbol:
        return str(v)
    if t is bool or t is np.bool_:
        return np.bool_(v)
    if t is int:
        if not -2**63 <= v < 2**63:
            raise OverflowError("kapi: int %d does not fit a q long" % v)
        return np.int64(v)
    if t is float:
        return np.float64(v)
    if t is str:
        return V.string(v)
    if t is bytes or t is bytearray:
        return V.string(bytes(v))
    if isinstance(v, np.generic):
        if isinstance(v, np.str_):
            return str(v)
        if isinstance(v, np.bytes_):
            return np.bytes_(v) if len(v) == 1 else V.string(bytes(v))
        c = _SCALAR_CAST.get(t)
        if c is not None:
            return c(v)
        if t in V._ATYPE:
            return v
        raise TypeError("kapi: no q type for numpy scalar %s" % t.__name__)
    if t is np.ndarray:
        return _array(interp, v)
    if isinstance(v, (KFunc, KDict, KTable)):
        return v
    if isinstance(v, QFunction):
        return v.k if v.interp is interp else PyFunc(interp, v, v.rank)
    if isinstance(v, Pointer):
        return [np.int64(v.id)]
    if isinstance(v, Table):
        cols = [to_k(interp, c) for c in v.values()]
        if any(not V.is_list(c) for c in cols):
            raise TypeError("kapi: table columns must be lists or arrays")
        if len({V.count(c) for c in cols}) > 1:
            raise ValueError("kapi: table columns of different lengths")
        return KTable([str(k) for k in v.keys()], cols)
    if isinstance(v, KeyedTable):
        return KDict(to_k(interp, v.key), to_k(interp, v.value))
    if isinstance(v, dict):
        ks = list(v.keys())
        if all(isinstance(k, str) for k in ks):
            keys = V.syms(ks)
        else:
            keys = V.collapse([to_k(interp, k) for k in ks])
        vals = V.collapse([to_k(interp, x) for x in v.values()])
        return KDict(keys, vals)
    if isinstance(v, (list, tuple)):
        return V.collapse([to_k(interp, x) for x in v])
    if isinstance(v, range):
        return np.arange(v.start, v.stop, v.step, dtype=np.int64)
    if isinstance(v, str):                  # other str subclasses
        return V.string(str(v))
    if isinstance(v, bool):                 # subclasses (IntEnum...)
        return np.bool_(v)
    if isinstance(v, int):
        return to_k(interp, int(v))
    if isinstance(v, float):
        return np.float64(v)
    obj = _torch_obj(v)
    if obj is not None:
        return register(interp, v, obj)
    if callable(v):
        return PyFunc(interp, v)
    if hasattr(v, "__array__"):
        return _array(interp, np.asarray(v))
    raise TypeError("kapi: cannot convert %s to a q value" % t.__name__)


# --------------------------------------------------------------------------
# live torch objects

def _torch():
    import sys
    return sys.modules.get("torch")


def _torch_obj(v):
    """A registry object wrapping torch object ``v`` (or None if v is not one)."""
    T = _torch()
    if T is None:
        return None
    from .api.registry import TensorObj
    if isinstance(v, T.Tensor):
        return TensorObj(v)
    if isinstance(v, T.nn.Module):
        from .api.loss import LossObj
        from .api.module import ModuleObj
        _annotate(v)
        if isinstance(v, T.nn.modules.loss._Loss) and getattr(v, "_ktype", None):
            return LossObj(v)
        return ModuleObj(v)
    if isinstance(v, T.optim.Optimizer):
        return _optobj(v)
    return None


def live(obj):
    """The Python object behind registry object ``obj`` (a tensor, module,
    torch optimizer, list or dict of tensors)."""
    for a in ("t", "opt", "module", "v", "d"):
        if hasattr(obj, a):
            return getattr(obj, a)
    return obj


def register(interp, v, obj=None):
    """The api-pointer of torch object ``v`` in ``interp``: the pointer it
    already has there (same Python object), else a new one."""
    from .api.registry import registry
    r = registry(interp)
    known = interp.__dict__.setdefault("_embedded", {})
    pid = known.get(id(v))
    if pid is not None and pid in r.objs and live(r.objs[pid]) is v:
        return [np.int64(pid)]
    for pid, o in r.objs.items():
        if live(o) is v:
            known[id(v)] = pid
            return [np.int64(pid)]
    if obj is None:
        obj = _torch_obj(v)
        if obj is None:
            raise TypeError("kapi: not a torch object: %s" % type(v).__name__)
    p = r.add(obj)
    known[id(v)] = int(p[0])
    return p


def object_of(interp, x):
    """The live Python object behind an api-pointer (k pointer, :class:`Pointer`,
    pointer id, or the name of a global holding one); raises KError for a
    stale pointer and TypeError for anything else."""
    from .api.registry import is_ptr, registry
    if isinstance(x, str):
        try:
            x = interp.lookup(str(x))
        except KError:
            raise KeyError(str(x)) from None
    if isinstance(x, Pointer):
        x = [np.int64(x.id)]
    elif isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
        x = [np.int64(x)]
    if not is_ptr(x):
        if _torch_obj(x) is not None:
            return x                       # already the object itself
        raise TypeError("kapi: not an api-pointer: %r" % (x,))
    return live(registry(interp).get(x))


_MODULE_OPTS = {
    "Linear": lambda m: {"in": m.in_features, "out": m.out_features, "bias": m.bias is not None},
    "ReLU": lambda m: {"inplace": m.inplace},
    "Dropout": lambda m: {"p": float(m.p), "inplace": m.inplace},
    "Embedding": lambda m: {"rows": m.num_embeddings, "cols": m.embedding_dim,
                            "padindex": m.padding_idx, "maxnorm": m.max_norm,
                            "p": float(m.norm_type), "scale": m.scale_grad_by_freq,
                            "sparse": m.sparse},
    "LayerNorm": lambda m: {"shape": tuple(m.normalized_shape), "eps": float(m.eps),
                            "affine": m.elementwise_affine},
    "Conv2d": lambda m: {"in": m.in_channels, "out": m.out_channels, "size": tuple(m.kernel_size),
                         "stride": tuple(m.stride), "pad": m.padding if isinstance(m.padding, str)
                         else tuple(m.padding), "dilate": tuple(m.dilation), "groups": m.groups,
                         "bias": m.bias is not None, "padmode": m.padding_mode},
    "Flatten": lambda m: {"start": m.start_dim, "end": m.end_dim},
    "GELU": lambda m: {"approximate": m.approximate},
    "Tanh": lambda m: {},
    "Sigmoid": lambda m: {},
    "Sequential": lambda m: {},
    "ModuleDict": lambda m: {},
}


def _annotate(m):
    """Give torch modules of the k-api's types (made in Python) the ktorch
    type and options that ``module``/``state`` show; other modules are left
    alone (their type shows as the lower-case class name)."""
    from .api.module import TYPES
    for sub in m.modules():
        if getattr(sub, "_ktype", None) is not None:
            continue
        f = _MODULE_OPTS.get(type(sub).__name__)
        if f is None or type(sub).__module__.split(".")[:2] != ["torch", "nn"]:
            continue
        try:
            o = f(sub)
        except AttributeError:
            continue
        k = {"Embedding": "embed"}.get(type(sub).__name__, type(sub).__name__.lower())
        if k in TYPES:
            sub._ktype, sub._kopts = k, o
            if sub is m:
                sub._kname = None


def _optobj(o):
    """An OptObj for a torch optimizer of a catalogue class (else TypeError)."""
    from .api.opt import OptObj
    from .api.optim import catalog as C
    for name in C.names():
        spec = C.get(name)
        cls = spec.cls
        if isinstance(cls, str):
            continue
        if type(o) is cls:
            base = C.from_torch(name, o.defaults, all=True, k=False)
            return OptObj(name, o, C.resolve(name, base=base))
    raise TypeError("kapi: %s is not one of the k-api's optimizers (%s)"
                    % (type(o).__name__, " ".join(C.names())))


# --------------------------------------------------------------------------
# k -> Python

def _numeric(a):
    return type(a) is np.ndarray and a.dtype.kind in "biuf"


def to_py(interp, x):
    """The Python view of k value ``x`` (see the table in the module doc)."""
    if x is None:
        return None
    t = type(x)
    if t is np.ndarray:
        if x.dtype.kind == "S":
            return x.tobytes().decode("utf-8", "replace")
        if x.dtype == object:
            return [Symbol(s) for s in x]
        return x.copy()
    if t is str:
        return Symbol(x)
    if t is list:
        from .api.registry import is_ptr, registry
        if is_ptr(x):
            obj = registry(interp).objs.get(int(x[0]))
            return Pointer(x[0]) if obj is None else live(obj)
        items = [to_py(interp, v) for v in x]
        if items and all(_numeric(a) for a in items):
            a0 = items[0]
            if all(a.dtype == a0.dtype and a.shape == a0.shape for a in items):
                return np.stack(items)
        return items
    if isinstance(x, np.generic):
        if isinstance(x, np.bytes_):
            return bytes(x).decode("latin-1")
        if isinstance(x, np.str_):
            return Symbol(x)
        if t is np.int64 or t is np.float64 or t is np.bool_:
            return x.item()
        return x                # short, int, byte, real: keep the q type
    if t is bytes:
        return x.decode("latin-1")
    if isinstance(x, KTable):
        return Table((n, to_py(interp, c)) for n, c in zip(x.names, x.cols))
    if isinstance(x, KDict):
        if isinstance(x.keys, KTable):
            return KeyedTable(to_py(interp, x.keys), to_py(interp, x.values))
        ks, vs = V.items(x.keys), V.items(x.values)
        ks = [to_py(interp, k) for k in ks]
        vs = [to_py(interp, v) for v in vs]
        try:
            return dict(zip(ks, vs))
        except TypeError:
            return list(zip(ks, vs))
    if isinstance(x, PyFunc) and x.interp is interp:
        return x.fn
    if isinstance(x, KFunc):
        return QFunction(interp, x)
    return x


# --------------------------------------------------------------------------
# the interpreter as Python embeds it

_MISSING = object()


class Interpreter(_interp.Interpreter):
    """A q interpreter for Python programs (``kapi.Interpreter``): the q
    interpreter of :mod:`kapi.interp` plus the embedding API of
    docs/embedding.md: ``q(src)`` (the Python view of the result),
    ``q["x"]`` / ``q["x"] = v`` (globals, converted), ``call(name, *args)``,
    ``function(src)``, ``object(ptr)`` (the live torch object), ``to_k`` /
    ``to_py`` (the conversions of this module).

    >>> q = Interpreter()
    >>> q.console("1+1")
    '2'
    >>> q["x"] = [1, 2, 3]
    >>> q("sum x")
    6
    >>> q.function("{x*y}")(6, 7)
    42
    """

    def __call__(self, src):
        """Evaluate q source and return the Python view of the result
        (numpy arrays for vectors, dicts, :class:`~kapi.Symbol`, live torch
        objects for api-pointers...; see :mod:`kapi.embed`)."""
        return self.to_py(self.eval(src))

    def _global(self, name):
        """The k value of global ``name`` (``x`` in the root, ``.ns.x`` in a
        namespace); KeyError if undefined."""
        if isinstance(name, str) and "." in name:
            try:
                return self.lookup(name)
            except KError:
                raise KeyError(name) from None
        return self.globals[name]

    def __getitem__(self, name):
        """``q["x"]``: the Python view of global ``x`` (``q[".ns.x"]`` in a
        namespace; KeyError if undefined)."""
        return self.to_py(self._global(name))

    def __setitem__(self, name, value):
        """``q["x"] = value``: set global ``x`` (or ``.ns.x``) to the k value of
        ``value`` (torch objects become api-pointers, callables q functions)."""
        if not isinstance(name, str) or not name:
            raise TypeError("kapi: a global's name is a non-empty str")
        if "." in name:
            self.assign(name, self.to_k(value))
        else:
            self.globals[str(name)] = self.to_k(value)

    def __delitem__(self, name):
        if isinstance(name, str) and "." in name:
            self._global(name)
            self.ws.delete(name, "")
        else:
            del self.globals[name]

    def __contains__(self, name):
        try:
            self._global(name)
        except KeyError:
            return False
        return True

    def get(self, name, default=None):
        """The Python view of global ``name``, or ``default``."""
        try:
            v = self._global(name)
        except KeyError:
            return default
        return self.to_py(v)

    def to_k(self, value):
        """The k value of a Python value (see :func:`to_k`)."""
        return to_k(self, value)

    def to_py(self, x):
        """The Python view of a k value (see :func:`to_py`)."""
        return to_py(self, x)

    def call(self, name, *args):
        """Call the q function (or k-api verb, keyword, glyph) named ``name``
        with Python arguments, as ``name[a;b;..]``; returns the Python view.
        A k-api verb taking one argument given several gets them as one list,
        as ``tensor(`randn;3 4)``: ``q.call("tensor", kapi.Symbol("randn"), [3, 4])``.
        ``name`` may also be a q function value or a :class:`~kapi.QFunction`."""
        if isinstance(name, QFunction):
            f = name.k
        elif isinstance(name, str):
            f = self.resolve(name)
        else:
            f = self.to_k(name)
        kargs = [self.to_k(a) for a in args]
        if (len(kargs) > 1 and isinstance(f, Builtin) and f.rank == 1 and f.maxrank == 1
                and self.builtins.get(f.name) is f):
            kargs = [V.collapse(kargs)]
        if not kargs:
            kargs = [None]
        return self.to_py(self.apply(f, kargs))

    def function(self, src):
        """A Python callable for the q function that ``src`` evaluates to
        (``q.function("{x+y}")(1, 2)`` is 3); TypeError if not a function."""
        v = self.resolve(src) if src.isidentifier() and src in self.globals else self.eval(src)
        if not isinstance(v, V.KFunc):
            raise TypeError("kapi: %r is not a q function" % src)
        return QFunction(self, v)

    def object(self, x):
        """The live Python/torch object behind an api-pointer: ``x`` is a k
        pointer (``q.eval("m")``), a :class:`~kapi.Pointer`, a pointer id or
        the name of a global holding a pointer."""
        return object_of(self, x)
