"""k values: how q data lives in Python.

The representation is plain and explicit so that every other module (and the
file format, and the k-api) can rely on it:

=====================  ===========================================  ======
q                      Python                                       type
=====================  ===========================================  ======
generic null ``::``    ``None``                                     101
boolean atom           ``numpy.bool_``                              -1
byte atom              ``numpy.uint8``                              -4
short / int / long     ``numpy.int16`` / ``int32`` / ``int64``      -5 -6 -7
real / float           ``numpy.float32`` / ``numpy.float64``        -8 -9
char atom              ``bytes`` of length 1 (also ``numpy.bytes_``) -10
symbol atom            ``str`` (also ``numpy.str_``)                -11
typed vector           1-d ``numpy.ndarray``; dtype ``bool uint8     1..9
                       int16 int32 int64 float32 float64``
temporal atom          ``numpy.datetime64`` / ``numpy.timedelta64``  -12..-19
                       scalar of the type's dtype (below)
string (char vector)   1-d ``numpy.ndarray`` of dtype ``S1``         10
symbol vector          1-d ``numpy.ndarray`` of dtype ``object``     11
                       holding ``str``
timestamp / month /    1-d ``numpy.ndarray`` of dtype                12 13
date / datetime        ``datetime64[ns] [M] [D] [ms]``               14 15
timespan / minute /    1-d ``numpy.ndarray`` of dtype                16 17
second / time          ``timedelta64[ns] [m] [s] [ms]``              18 19
general list           Python ``list``                               0
dictionary             :class:`KDict` (keys, values of equal count)  99
table                  :class:`KTable` (column names, columns)      98
keyed table            :class:`KDict` whose keys and values are      99
                       tables
functions              subclasses of :class:`KFunc`                 100..112
=====================  ===========================================  ======

Temporal values keep numpy's epoch (1970.01.01) in storage; q's epoch is
2000.01.01 and q's integer view of them (`int$2000.01.02 is 1) is computed by
:mod:`kapi.temporal` (``to_raw``).  Every temporal null is NaT (int64 min),
the infinity int64 max, minus infinity its negation.

Values are never mutated in place once they are visible to q code: every
operation returns a new value (amend copies).  Integer nulls and infinities
are the extreme values of their dtype, as in q, and wrap in arithmetic.
"""

import numpy as np

from .errors import KError

# --------------------------------------------------------------------------
# type codes

B, X, H, I, J, E, F, C, S = 1, 4, 5, 6, 7, 8, 9, 10, 11
P, M, D, Z, N, U, SEC, T = 12, 13, 14, 15, 16, 17, 18, 19
TEMPORAL = (P, M, D, Z, N, U, SEC, T)

DTYPE = {
    B: np.dtype(np.bool_), X: np.dtype(np.uint8), H: np.dtype(np.int16),
    I: np.dtype(np.int32), J: np.dtype(np.int64), E: np.dtype(np.float32),
    F: np.dtype(np.float64), C: np.dtype("S1"), S: np.dtype(object),
    P: np.dtype("M8[ns]"), M: np.dtype("M8[M]"), D: np.dtype("M8[D]"), Z: np.dtype("M8[ms]"),
    N: np.dtype("m8[ns]"), U: np.dtype("m8[m]"), SEC: np.dtype("m8[s]"), T: np.dtype("m8[ms]"),
}
SCALAR = {B: np.bool_, X: np.uint8, H: np.int16, I: np.int32, J: np.int64,
          E: np.float32, F: np.float64}
_VTYPE = {dt: t for t, dt in DTYPE.items()}
_ATYPE = {np.bool_: -B, np.uint8: -X, np.int16: -H, np.int32: -I, np.int64: -J,
          np.float32: -E, np.float64: -F, bytes: -C, np.bytes_: -C, str: -S,
          np.str_: -S}
CHARS = {B: "b", X: "x", H: "h", I: "i", J: "j", E: "e", F: "f", C: "c", S: "s",
         P: "p", M: "m", D: "d", Z: "z", N: "n", U: "u", SEC: "v", T: "t"}
TYPE_OF_CHAR = {v: k for k, v in CHARS.items()}
NAMES = {B: "boolean", X: "byte", H: "short", I: "int", J: "long", E: "real",
         F: "float", C: "char", S: "symbol", P: "timestamp", M: "month", D: "date",
         Z: "datetime", N: "timespan", U: "minute", SEC: "second", T: "time"}
TYPE_OF_NAME = {v: k for k, v in NAMES.items()}

NULL_INT = {H: -32768, I: -2**31, J: -2**63}
INF_INT = {H: 32767, I: 2**31 - 1, J: 2**63 - 1}
NJ = np.int64(-2**63)
WJ = np.int64(2**63 - 1)
NI = np.int32(-2**31)
NF = np.float64("nan")
INTS = (H, I, J)
FLOATS = (E, F)
NUMERIC = (B, X, H, I, J, E, F)


LIMIT = 2 ** 30  # the most items one operation may create ('limit beyond)


def _default_wslimit():
    """KAPI_WSLIMIT (bytes) if set, else half the physical memory."""
    import os
    v = os.environ.get("KAPI_WSLIMIT")
    if v:
        return int(float(v))
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):
        return 2 ** 32


WSLIMIT = _default_wslimit()  # the most bytes one operation may allocate ('wsfull beyond)
OBJSIZE = 128   # bytes an item of a general list of new lists costs (check_size's itemsize)


def check_size(n, itemsize=8):
    """Refuse to build a list of more than LIMIT items ('limit) or of more
    than WSLIMIT bytes at ``itemsize`` bytes an item ('wsfull): a q error,
    not a process killed for want of memory."""
    if n > LIMIT:
        raise KError("limit")
    if n * itemsize > WSLIMIT:
        raise KError("wsfull")
    return n


def null_of(t):
    """The typed null atom of vector type t (positive)."""
    if t in NULL_INT:
        return SCALAR[t](NULL_INT[t])
    if t in FLOATS:
        return SCALAR[t]("nan")
    if t == C:
        return b" "
    if t == S:
        return ""
    if t == B:
        return np.False_
    if t == X:
        return np.uint8(0)
    if t in TEMPORAL:
        return np.array([-2**63], dtype=np.int64).view(DTYPE[t])[0]
    return None


def inf_of(t):
    if t in INF_INT:
        return SCALAR[t](INF_INT[t])
    if t in FLOATS:
        return SCALAR[t]("inf")
    if t in TEMPORAL:
        return np.array([2**63 - 1], dtype=np.int64).view(DTYPE[t])[0]
    raise KError("type")


# --------------------------------------------------------------------------
# containers

class KDict:
    """A q dictionary: ``keys`` and ``values`` are lists/vectors/tables of equal count."""

    __slots__ = ("keys", "values")

    def __init__(self, keys, values):
        self.keys = keys
        self.values = values

    def __repr__(self):
        return "KDict(%r, %r)" % (self.keys, self.values)


class StepDict(KDict):
    """A dictionary with the sorted attribute (`s#d): a key between two of
    its keys finds the value of the lower one (a step function)."""

    __slots__ = ()


class KTable:
    """A q table: column ``names`` (a tuple of str) and ``cols`` (a list of
    equal-length vectors or general lists)."""

    __slots__ = ("names", "cols")

    def __init__(self, names, cols):
        self.names = tuple(names)
        self.cols = list(cols)

    def __len__(self):
        return count(self.cols[0]) if self.cols else 0

    def col(self, name):
        try:
            return self.cols[self.names.index(name)]
        except ValueError:
            raise KError(name) from None

    def __repr__(self):
        return "KTable(%r, %r)" % (self.names, self.cols)


class KFunc:
    """Base of every function value. Subclasses set ``qtype`` and implement
    ``call(args)`` (a Python list of k values) and ``rank``."""

    qtype = 100
    rank = 1

    def call(self, args):  # pragma: no cover - abstract
        raise NotImplementedError

    def s1(self, prec=7):
        """The function's one-line text (``-3!f``, ``string f``)."""
        return getattr(self, "name", "code")

    def __call__(self, *args):
        return self.call(list(args))


# --------------------------------------------------------------------------
# classification

def qtype(x):
    """q's ``type`` as a Python int."""
    t = _ATYPE.get(type(x))
    if t is not None:
        return t
    if type(x) is np.ndarray:
        return _VTYPE.get(x.dtype, 0)
    if type(x) is list:
        return 0
    if x is None:
        return 101
    if isinstance(x, KTable):
        return 98
    if isinstance(x, KDict):
        return 99
    if isinstance(x, KFunc):
        return x.qtype
    if isinstance(x, str):
        return -S
    if isinstance(x, bytes) and len(x) == 1:
        return -C
    if isinstance(x, np.generic):
        t = _VTYPE.get(x.dtype)
        if t is not None:
            return -t
    if isinstance(x, np.ndarray):
        return _VTYPE.get(x.dtype, 0)
    raise KError("type")


def is_keyed(x):
    return isinstance(x, KDict) and isinstance(x.keys, KTable)


def count(x):
    if type(x) is np.ndarray or type(x) is list:
        return len(x)
    if isinstance(x, KDict):
        return count(x.keys)
    if isinstance(x, KTable):
        return len(x)
    return 1


def is_list(x):
    """True for vectors and general lists (not atoms, dicts, tables)."""
    return type(x) is np.ndarray or type(x) is list


# --------------------------------------------------------------------------
# constructors

def sym(s):
    return str(s)


def syms(seq):
    a = np.empty(len(seq), dtype=object)
    a[:] = [str(s) for s in seq]
    return a


def string(s):
    """A q string (char vector) from a Python str or bytes."""
    if isinstance(s, str):
        s = s.encode("utf-8")
    return np.frombuffer(s, dtype="S1").copy() if s else np.empty(0, dtype="S1")


def pystr(x):
    """Python str from a char atom or char vector."""
    if type(x) is np.ndarray:
        return x.tobytes().decode("utf-8", "replace")
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace")
    if isinstance(x, str):
        return x
    raise KError("type")


def empty(t):
    return np.empty(0, dtype=DTYPE[t])


def vec(t, items):
    if t == S:
        return syms(items)
    if t == C:
        return string(b"".join(items))
    return np.array(items, dtype=DTYPE[t])


def item(x, i):
    """Item i of a list (atom for a vector). No range check."""
    if type(x) is np.ndarray:
        v = x[i]
        if x.dtype == object:
            return str(v)
        if x.dtype.kind == "S":
            return bytes(v) or b" "
        return v
    if type(x) is KTable:     # a table column holding a table (enlist of a dict of dicts)
        return table_row(x, i)
    return x[i]


def items(x):
    """Python list of the items of any list-like k value."""
    if type(x) is list:
        return x
    if type(x) is np.ndarray:
        if x.dtype.kind == "S":
            return [bytes(c) or b" " for c in x]
        if x.dtype == object:
            return [str(c) for c in x]
        return list(x)
    if isinstance(x, KDict):
        return items(x.values)
    if isinstance(x, KTable):
        return [table_row(x, i) for i in range(len(x))]
    return [x]


def table_row(t, i):
    return KDict(syms(t.names), collapse([item(c, i) for c in t.cols]))


def collapse(lst):
    """A general list of atoms of one type becomes a typed vector (q does this
    for results of each, scan, indexing...); a list of dicts with the same
    symbol keys becomes a table."""
    if type(lst) is not list:
        return lst
    if not lst:
        return lst
    t0 = qtype(lst[0])
    if t0 < 0:
        for v in lst:
            if _ATYPE.get(type(v)) != t0 and qtype(v) != t0:
                return lst
        t = -t0
        if t == S:
            return syms(lst)
        if t == C:
            return np.array(lst, dtype="S1")
        return np.array(lst, dtype=DTYPE[t])
    if t0 == 99 and not isinstance(lst[0].keys, KTable):
        k0 = lst[0].keys
        if type(k0) is np.ndarray and k0.dtype == object:
            for v in lst:
                if not (isinstance(v, KDict) and type(v.keys) is np.ndarray
                        and v.keys.dtype == object and len(v.keys) == len(k0)
                        and (v.keys == k0).all()):
                    return lst
            names = list(k0)
            cols = [collapse([item(v.values, j) if is_list(v.values) else v.values
                              for v in lst]) for j in range(len(names))]
            return KTable(names, cols)
    return lst


def enlist(x):
    t = qtype(x)
    if t < 0:
        if t == -S:
            return syms([x])
        if t == -C:
            return np.array([x], dtype="S1")
        return np.array([x], dtype=DTYPE[-t])
    if isinstance(x, KDict) and not isinstance(x.keys, KTable) and type(x.keys) is np.ndarray \
            and x.keys.dtype == object:
        return KTable(list(x.keys), [enlist(v) for v in items(x.values)])
    return [x]


def as_list(x):
    """General-list form of a list-like value (vector → list of atoms)."""
    if type(x) is list:
        return x
    return items(x)


def to_py(x):
    """Plain Python view of a k value (used by Interpreter.__call__)."""
    if x is None:
        return None
    if type(x) is np.ndarray:
        if x.dtype.kind == "S":
            return x.tobytes().decode("utf-8", "replace")
        if x.dtype == object:
            return [str(s) for s in x]
        return x.tolist()
    if type(x) is list:
        return [to_py(v) for v in x]
    if isinstance(x, np.generic):
        if isinstance(x, np.bytes_):
            return bytes(x).decode("latin-1")
        return x.item()
    if isinstance(x, bytes):
        return x.decode("latin-1")
    if isinstance(x, KTable):
        return {n: to_py(c) for n, c in zip(x.names, x.cols)}
    if isinstance(x, KDict):
        ks, vs = items(x.keys), items(x.values)
        try:
            return {to_py(k): to_py(v) for k, v in zip(ks, vs)}
        except TypeError:
            return [(to_py(k), to_py(v)) for k, v in zip(ks, vs)]
    return x


def from_py(v):
    """k value from a plain Python value."""
    if v is None:
        return None
    if isinstance(v, bool):
        return np.bool_(v)
    if isinstance(v, int):
        return np.int64(v)
    if isinstance(v, float):
        return np.float64(v)
    if isinstance(v, str):
        return string(v)
    if isinstance(v, bytes):
        return string(v)
    if isinstance(v, np.ndarray):
        if v.ndim == 1 and v.dtype in _VTYPE:
            return v
        if v.ndim == 1 and v.dtype.kind == "U":
            return syms(list(v))
        if v.ndim > 1:
            return [from_py(r) for r in v]
        return from_py(v.tolist())
    if isinstance(v, np.generic):
        return v
    if isinstance(v, dict):
        ks = list(v.keys())
        vs = [from_py(x) for x in v.values()]
        keys = syms(ks) if all(isinstance(k, str) for k in ks) else collapse([from_py(k) for k in ks])
        return KDict(keys, collapse(vs))
    if isinstance(v, (list, tuple)):
        return collapse([from_py(x) for x in v])
    return v


# --------------------------------------------------------------------------
# prototype nulls

def null_item(x):
    """The null item of a list, dict or table (what indexing out of range gives)."""
    if type(x) is np.ndarray:
        return null_of(qtype(x))
    if type(x) is list:
        if x:
            return null_like(x[0])
        return None
    if isinstance(x, KTable):
        return KDict(syms(x.names), collapse([null_item(c) for c in x.cols]))
    return None


def null_like(v):
    """q's 'prototype' null of an item: typed null for atoms, empty for lists."""
    t = qtype(v)
    if t < 0:
        return null_of(-t)
    if t == 0:
        return []
    if 0 < t < 20:
        return empty(t) if t in DTYPE else []
    if isinstance(v, KDict):
        return KDict(v.keys, collapse([null_like(a) for a in items(v.values)]))
    return None
