"""Operators: arithmetic, comparison, match, join, take, drop, find, fill,
dict and the machinery of atomic (pervasive) functions and q's type
promotion."""

import operator as _operator

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KFunc, KTable, qtype
from . import dyad, monad

NUMT = (1, 4, 5, 6, 7, 8, 9)
_RANK = {1: 0, 4: 1, 5: 2, 6: 3, 7: 4, 8: 5, 9: 6}


# --------------------------------------------------------------------------
# conversions between numeric types, nulls and infinities preserved

def to_type(x, src, dst):
    """Convert a numeric atom or vector from type src to dst (positive codes)."""
    if src == dst:
        return x
    dt = V.DTYPE[dst]
    a = np.asarray(x)
    if src in V.INTS:
        nul, inf = V.NULL_INT[src], V.INF_INT[src]
        isn = a == nul
        isw = ism = np.zeros(a.shape, dtype=bool)
        if dst in V.FLOATS:
            r = a.astype(dt)
            if isn.any() or isw.any() or ism.any():
                r = np.where(isn, np.nan, np.where(isw, np.inf, np.where(ism, -np.inf, r))).astype(dt)
        elif dst in V.INTS:
            r = a.astype(dt)
            if isn.any() or isw.any() or ism.any():
                r = np.where(isn, V.NULL_INT[dst], np.where(isw, V.INF_INT[dst], np.where(ism, -V.INF_INT[dst], r))).astype(dt)
        elif dst == 1:
            r = a != 0
        else:
            r = a.astype(dt)
    elif src in V.FLOATS and dst in V.INTS:
        isn = np.isnan(a)
        with np.errstate(all="ignore"):
            r = np.where(isn, 0, np.round(a)).astype(dt) if False else _float_to_int(a, dst)
    elif src == 10:
        r = a.view(np.uint8).astype(dt) if a.ndim else np.uint8(ord(bytes(a)) if bytes(a) else 32).astype(dt)
    elif dst == 1:
        r = a != 0
    else:
        r = a.astype(dt)
    if a.ndim == 0:
        return V.SCALAR[dst](r) if dst in V.SCALAR else r
    return r


def _float_to_int(a, dst):
    dt = V.DTYPE[dst]
    nul, inf = V.NULL_INT[dst], V.INF_INT[dst]
    isn = np.isnan(a)
    r = np.where(isn, 0.0, a)
    big = r >= inf
    small = r <= -inf
    r = np.where(big | small, 0.0, r)
    # q rounds to nearest when casting floats to integers
    r = np.floor(r + 0.5).astype(dt)
    if isn.any() or big.any() or small.any():
        r = np.where(isn, nul, np.where(big, inf, np.where(small, -inf, r))).astype(dt)
    return r


def num(x, t):
    """Numeric view of a simple value as (array-or-scalar, type)."""
    return x


# --------------------------------------------------------------------------
# atomic machinery

def _simple(t):
    return -20 < t < 20 and t != 0


def atomic2(fn):
    """Make a pervasive binary function from one on simple operands
    (atoms and typed vectors): fn(x, y, tx, ty)."""
    def op(x, y):
        tx, ty = qtype(x), qtype(y)
        if _simple(tx) and _simple(ty):
            if tx > 0 and ty > 0 and len(x) != len(y):
                raise KError("length")
            return fn(x, y, tx, ty)
        return _pervade2(op, x, y, tx, ty)
    op.__doc__ = fn.__doc__
    op.__name__ = fn.__name__
    return op


def _pervade2(op, x, y, tx, ty):
    if tx == 99 or ty == 99:
        return _dict2(op, x, y, tx, ty)
    if tx == 98 or ty == 98:
        if tx == 98 and ty == 98:
            if x.names != y.names or len(x) != len(y):
                raise KError("length")
            return KTable(x.names, [op(a, b) for a, b in zip(x.cols, y.cols)])
        if tx == 98:
            if ty >= 0 and ty < 20 and V.count(y) != len(x):
                raise KError("length")
            if ty < 0:
                return KTable(x.names, [op(c, y) for c in x.cols])
            return V.collapse([op(r, b) for r, b in zip(V.items(x), V.items(y))])
        if tx < 0:
            return KTable(y.names, [op(x, c) for c in y.cols])
        return V.collapse([op(a, r) for a, r in zip(V.items(x), V.items(y))])
    if tx >= 100 or ty >= 100:
        raise KError("type")
    if tx < 0:
        return V.collapse([op(x, b) for b in V.items(y)])
    if ty < 0:
        return V.collapse([op(a, y) for a in V.items(x)])
    if len(x) != len(y):
        raise KError("length")
    return V.collapse([op(a, b) for a, b in zip(V.items(x), V.items(y))])


def _dict2(op, x, y, tx, ty):
    if tx == 99 and ty == 99:
        if V.is_keyed(x) and V.is_keyed(y):
            return _keyed2(op, x, y)
        kx, ky = V.items(x.keys), V.items(y.keys)
        vx, vy = V.items(x.values), V.items(y.values)
        pos = {_hk(k): i for i, k in enumerate(kx)}
        keys = list(kx)
        vals = list(vx)
        cmp = getattr(op, "compare", False)
        seen = set()
        for k, v in zip(ky, vy):
            i = pos.get(_hk(k))
            if i is None:
                pos[_hk(k)] = len(keys)
                keys.append(k)
                vals.append(op(_null_like(v), v) if cmp else v)
                seen.add(len(keys) - 1)
            else:
                vals[i] = op(vals[i], v)
                seen.add(i)
        if cmp:
            for i in range(len(kx)):
                if i not in seen:
                    vals[i] = op(vals[i], _null_like(vals[i]))
        return KDict(V.collapse(keys), V.collapse(vals))
    if tx == 99:
        if isinstance(x.values, KTable) and ty < 0:
            return KDict(x.keys, op(x.values, y))
        if ty > 0 and ty < 20 or ty == 0:
            if V.count(y) != V.count(x):
                raise KError("length")
        return KDict(x.keys, op(x.values, y))
    if tx > 0 and tx < 20 or tx == 0:
        if V.count(x) != V.count(y):
            raise KError("length")
    return KDict(y.keys, op(x, y.values))


def _keyed2(op, x, y):
    kx = V.items(x.keys)
    ky = V.items(y.keys)
    vx = V.items(x.values)
    vy = V.items(y.values)
    pos = {_hk(k.values if isinstance(k, KDict) else k): i for i, k in enumerate(kx)}
    keys, vals = list(kx), list(vx)
    for k, v in zip(ky, vy):
        h = _hk(k.values if isinstance(k, KDict) else k)
        i = pos.get(h)
        if i is None:
            pos[h] = len(keys)
            keys.append(k)
            vals.append(v)
        else:
            vals[i] = op(vals[i], v)
    return KDict(V.collapse(keys), V.collapse(vals))


def _hk(k):
    """A hashable key for a k value."""
    if type(k) is np.ndarray:
        return (k.dtype.str, k.tobytes()) if k.dtype != object else ("s",) + tuple(k)
    if type(k) is list:
        return ("l",) + tuple(_hk(i) for i in k)
    if isinstance(k, np.floating):
        f = float(k)
        return ("f", "nan" if f != f else f)
    if isinstance(k, np.generic):
        return (k.dtype.char, k.item())
    if isinstance(k, (str, bytes)):
        return (type(k).__name__, k)
    if isinstance(k, KDict):
        return ("d", _hk(k.keys), _hk(k.values))
    if isinstance(k, KTable):
        return ("t", k.names, tuple(_hk(c) for c in k.cols))
    return ("o", id(k))


def atomic1(fn):
    """Make a pervasive unary function from one on simple values fn(x, t)."""
    def op(x):
        t = qtype(x)
        if _simple(t):
            return fn(x, t)
        if t == 0:
            return V.collapse([op(i) for i in x])
        if t == 99:
            return KDict(x.keys, op(x.values))
        if t == 98:
            return KTable(x.names, [op(c) for c in x.cols])
        raise KError("type")
    op.__doc__ = fn.__doc__
    op.__name__ = fn.__name__
    return op


def _wrap(r, t, atom):
    """Numpy result back to a k value of type t."""
    if atom:
        return V.SCALAR[t](r) if t in V.SCALAR else r
    return np.asarray(r, dtype=V.DTYPE[t])


def _arith_type(ax, ay):
    if ax == 9 or ay == 9:
        return 9
    if ax == 8 or ay == 8:
        return 8
    if ax == 7 or ay == 7:
        return 7
    return 6


def _numeric(t):
    a = abs(t)
    if a not in _RANK:
        raise KError("type")
    return a


def _has_null(a, nul):
    if type(a) is np.ndarray:
        return a.size > 0 and a.min() == nul
    return a == nul


def _arith(npop, name):
    def fn(x, y, tx, ty):
        ax, ay = abs(tx), abs(ty)
        if ax == 10 and ay in (8, 9) or ay == 10 and ax in (8, 9):
            pass
        else:
            _numeric(tx)
            _numeric(ty)
        rt = _arith_type(ax if ax != 10 else 9, ay if ay != 10 else 9)
        xa = to_type(x, ax, rt)
        ya = to_type(y, ay, rt)
        r = npop(xa, ya)
        if rt in V.INTS:
            # an integer null in gives a null out (q docs: sum (1 2;0N 4) is 0N 6);
            # the null is the smallest value, so one min pass per operand finds it
            nul = V.NULL_INT[rt]
            if _has_null(xa, nul) or _has_null(ya, nul):
                isn = (np.asarray(xa) == nul) | (np.asarray(ya) == nul)
                r = np.where(isn, nul, r)
        atom = tx < 0 and ty < 0
        return _wrap(r, rt, atom)
    fn.__name__ = name
    return fn


def _vx(x):
    return x


def _fast(general, pyop):
    """Same-type long or float atoms (the common case) skip the dispatch."""
    i64, f64, nj = np.int64, np.float64, V.NJ

    def op(x, y):
        tx = type(x)
        if tx is type(y):
            if tx is f64:
                return pyop(x, y)
            if tx is i64 and x != nj and y != nj:
                return pyop(x, y)
        return general(x, y)
    op.__doc__ = general.__doc__
    op.__name__ = general.__name__
    return op


add = _fast(atomic2(_arith(np.add, "add")), _operator.add)
sub = _fast(atomic2(_arith(np.subtract, "subtract")), _operator.sub)
mul = _fast(atomic2(_arith(np.multiply, "multiply")), _operator.mul)
add.__doc__ = "x+y  add (atomic; b x h i promote to int)"
sub.__doc__ = "x-y  subtract"
mul.__doc__ = "x*y  multiply"


@atomic2
def divide(x, y, tx, ty):
    """x%y  divide: always a float (real if both are real)."""
    if abs(tx) == 10:
        x, tx = _chars(x), (7 if tx > 0 else -7)
    if abs(ty) == 10:
        y, ty = _chars(y), (7 if ty > 0 else -7)
    ax, ay = _numeric(tx), _numeric(ty)
    rt = 8 if (ax == 8 and ay in (1, 4, 5, 6, 8) or ay == 8 and ax in (1, 4, 5, 6, 8)) else 9
    if ax == 8 and ay == 8:
        rt = 8
    xa = to_type(x, ax, rt)
    ya = to_type(y, ay, rt)
    return _wrap(np.true_divide(xa, ya), rt, tx < 0 and ty < 0)


def _minmax(npop, name):
    def fn(x, y, tx, ty):
        ax, ay = abs(tx), abs(ty)
        if ax == 11 or ay == 11:
            if ax != ay:
                raise KError("type")
            xs, ys = np.asarray(x, dtype=object), np.asarray(y, dtype=object)
            r = np.where((xs < ys) == (npop is np.minimum), xs, ys)
            if tx < 0 and ty < 0:
                return str(r)
            return V.syms(list(np.broadcast_to(r, np.broadcast(xs, ys).shape)))
        for a in (ax, ay):
            if a not in _RANK and a != 10:
                raise KError("type")
        rt = max(ax, ay)
        if rt == 10:
            xa = to_type(x, ax, 4) if ax != 4 else x
            ya = to_type(y, ay, 4) if ay != 4 else y
            xa = np.asarray(x).view(np.uint8) if ax == 10 else np.asarray(xa, dtype=np.int64)
            ya = np.asarray(y).view(np.uint8) if ay == 10 else np.asarray(ya, dtype=np.int64)
            if np.asarray(x).ndim == 0 and ax == 10:
                xa = np.uint8(ord(x))
            if np.asarray(y).ndim == 0 and ay == 10:
                ya = np.uint8(ord(y))
            r = npop(np.asarray(xa, dtype=np.int64), np.asarray(ya, dtype=np.int64)).astype(np.uint8)
            if tx < 0 and ty < 0:
                return bytes([int(r)])
            return np.asarray(r).view("S1") if np.asarray(r).ndim else np.array([bytes([int(r)])], dtype="S1")
        if rt == 1:
            xa, ya = np.asarray(x, bool), np.asarray(y, bool)
            r = (xa & ya) if npop is np.minimum else (xa | ya)
            return _wrap(r, 1, tx < 0 and ty < 0)
        xa = to_type(x, ax, rt)
        ya = to_type(y, ay, rt)
        if rt in V.FLOATS:
            # nulls are the smallest values
            xn, yn = np.isnan(xa), np.isnan(ya)
            r = npop(np.where(xn, -np.inf, xa), np.where(yn, -np.inf, ya))
            r = np.where((xn & yn) | (xn & (npop is np.minimum)) | (yn & (npop is np.minimum)), np.nan, r)
            if npop is np.maximum:
                r = np.where(xn & yn, np.nan, r)
        else:
            r = npop(xa, ya)
        return _wrap(r, rt, tx < 0 and ty < 0)
    fn.__name__ = name
    return fn


lesser = atomic2(_minmax(np.minimum, "lesser"))
greater = atomic2(_minmax(np.maximum, "greater"))
lesser.__doc__ = "x&y  lesser (and for booleans)"
greater.__doc__ = "x|y  greater (or for booleans)"

TOL = 2.0 ** -43  # q's comparison tolerance


def _cmp_prep(x, y, tx, ty):
    """Both operands in a comparable common form; returns (xa, ya, kind)."""
    ax, ay = abs(tx), abs(ty)
    if ax == 11 or ay == 11:
        if ax != ay:
            raise KError("type")
        return np.asarray(x, dtype=object), np.asarray(y, dtype=object), "s"
    if ax == 10 and ay == 10:
        return _chars(x), _chars(y), "i"
    if ax == 10:
        x, ax = _chars(x), 4
    if ay == 10:
        y, ay = _chars(y), 4
    if ax not in _RANK or ay not in _RANK:
        raise KError("type")
    if ax in V.FLOATS or ay in V.FLOATS:
        return to_type(x, ax, 9), to_type(y, ay, 9), "f"
    return to_type(x, ax, 7) if ax != 7 else x, to_type(y, ay, 7) if ay != 7 else y, "i"


def _chars(x):
    a = np.asarray(x)
    if a.ndim == 0:
        return np.int64(ord(bytes(x)) if bytes(x) else 32)
    return a.view(np.uint8).astype(np.int64)


def _feq(xa, ya):
    xa = np.asarray(xa, dtype=np.float64)
    ya = np.asarray(ya, dtype=np.float64)
    with np.errstate(all="ignore"):
        eq = (xa == ya) | (np.isfinite(xa) & np.isfinite(ya)
                           & (np.abs(xa - ya) <= TOL * np.maximum(np.abs(xa), np.abs(ya))))
    return eq | (np.isnan(xa) & np.isnan(ya))


def _bool(r, tx, ty):
    if tx < 0 and ty < 0:
        return np.bool_(r)
    return np.asarray(r, dtype=bool)


@atomic2
def equal(x, y, tx, ty):
    """x=y  equal (tolerant for floats; nulls equal nulls)."""
    xa, ya, k = _cmp_prep(x, y, tx, ty)
    if k == "f":
        return _bool(_feq(xa, ya), tx, ty)
    return _bool(np.equal(xa, ya), tx, ty)


def _less(xa, ya, k):
    if k == "f":
        xa = np.asarray(xa, dtype=np.float64)
        ya = np.asarray(ya, dtype=np.float64)
        xn, yn = np.isnan(xa), np.isnan(ya)
        return ((xa < ya) & ~_feq(xa, ya)) | (xn & ~yn)
    return np.less(xa, ya)


@atomic2
def less(x, y, tx, ty):
    """x<y  less than."""
    xa, ya, k = _cmp_prep(x, y, tx, ty)
    return _bool(_less(xa, ya, k), tx, ty)


@atomic2
def more(x, y, tx, ty):
    """x>y  greater than."""
    xa, ya, k = _cmp_prep(x, y, tx, ty)
    return _bool(_less(ya, xa, k), tx, ty)


@atomic2
def not_equal(x, y, tx, ty):
    """x<>y  not equal."""
    xa, ya, k = _cmp_prep(x, y, tx, ty)
    if k == "f":
        return _bool(~_feq(xa, ya), tx, ty)
    return _bool(np.not_equal(xa, ya), tx, ty)


@atomic2
def less_eq(x, y, tx, ty):
    """x<=y  at most."""
    xa, ya, k = _cmp_prep(x, y, tx, ty)
    return _bool(~_less(ya, xa, k), tx, ty)


@atomic2
def more_eq(x, y, tx, ty):
    """x>=y  at least."""
    xa, ya, k = _cmp_prep(x, y, tx, ty)
    return _bool(~_less(xa, ya, k), tx, ty)


def _null_like(v):
    from ..funcs import null_like
    return null_like(v)


for _op in (equal, less, more, not_equal, less_eq, more_eq):
    _op.compare = True

dyad("+")(add)
dyad("-")(sub)
dyad("*")(mul)
dyad("%")(divide)
dyad("&")(lesser)
dyad("|")(greater)
dyad("=")(equal)
dyad("<")(less)
dyad(">")(more)
dyad("<>")(not_equal)
dyad("<=")(less_eq)
dyad(">=")(more_eq)


# --------------------------------------------------------------------------
# match

def match(x, y):
    """True when x and y are the same value: same type, same items (floats
    within comparison tolerance)."""
    tx, ty = qtype(x), qtype(y)
    if tx != ty:
        return False
    if tx < 0:
        if tx in (-8, -9):
            return bool(_feq(x, y))
        return x == y
    if tx == 0:
        return len(x) == len(y) and all(match(a, b) for a, b in zip(x, y))
    if 0 < tx < 20:
        if len(x) != len(y):
            return False
        if tx in (8, 9):
            return bool(_feq(x, y).all())
        return bool(np.array_equal(x, y))
    if tx == 99:
        return match(x.keys, y.keys) and match(x.values, y.values)
    if tx == 98:
        return x.names == y.names and all(match(a, b) for a, b in zip(x.cols, y.cols))
    if tx == 101 and x is None:
        return y is None
    if isinstance(x, KFunc):
        from ..text import s1
        return x is y or s1(x) == s1(y)
    return x is y


@dyad("~")
def match_(x, y):
    """x~y  match: 1b when x and y are identical in type and value."""
    return np.bool_(match(x, y))


@monad("~")
def not_(x):
    """not x  logical not (atomic): 1b where x is zero."""
    return _not(x)


@atomic1
def _not(x, t):
    if t in (11, -11):
        raise KError("type")
    if abs(t) == 10:
        return _bool(_chars(x) == 0, t, t)
    if abs(t) in (8, 9):
        return _bool(np.asarray(x) == 0, t, t)
    return _bool(np.asarray(x) == 0, t, t)


# --------------------------------------------------------------------------
# join

def join(x, y):
    """x,y  join: lists, atoms, dicts (upsert) and tables (append rows)."""
    tx, ty = qtype(x), qtype(y)
    if tx == 98 and ty == 98:
        if x.names != y.names:
            raise KError("mismatch")
        return KTable(x.names, [join(a, b) for a, b in zip(x.cols, y.cols)])
    if tx == 99 and ty == 99:
        if V.is_keyed(x) and V.is_keyed(y):
            return _keyed_upsert(x, y)
        return _dict_upsert(x, y)
    if tx == 98 and ty == 99:
        return join(x, V.enlist(y))
    if tx == 99 and ty == 98 and not V.is_keyed(x):
        return join(V.enlist(x), y)
    if tx == 98 or ty == 98:
        if tx == 0 and not x or ty == 0 and not y:
            return y if tx == 0 else x
        xs = V.items(x) if tx != 98 else V.items(x)
        ys = V.items(y) if ty != 98 else V.items(y)
        return V.collapse(list(xs) + list(ys))
    if tx < 0 and ty < 0:
        if tx == ty:
            return V.enlist(x) if False else _cat(V.enlist(x), V.enlist(y))
        return [x, y]
    if tx == ty and tx > 0:
        return _cat(x, y)
    if tx < 0 and -tx == ty:
        return _cat(V.enlist(x), y)
    if ty < 0 and -ty == tx:
        return _cat(x, V.enlist(y))
    xl = V.as_list(x) if tx >= 0 and tx < 20 else [x]
    yl = V.as_list(y) if ty >= 0 and ty < 20 else [y]
    if tx == 99:
        xl = [x]
    if ty == 99:
        yl = [y]
    V.check_size(len(xl) + len(yl))
    r = list(xl) + list(yl)
    if tx == 0 and ty > 0 and not xl:
        return y
    if ty == 0 and tx > 0 and not yl:
        return x
    return r if (tx == 0 and ty == 0) else (V.collapse(r) if (not xl or not yl) else r)


def _cat(a, b):
    V.check_size(len(a) + len(b), max(a.itemsize, b.itemsize))
    if a.dtype.kind == "S" or b.dtype.kind == "S":
        return np.concatenate([a.astype("S1"), b.astype("S1")])
    return np.concatenate([a, b])


def _dict_upsert(x, y):
    kx, ky = V.items(x.keys), V.items(y.keys)
    vx, vy = V.items(x.values), V.items(y.values)
    pos = {_hk(k): i for i, k in enumerate(kx)}
    keys, vals = list(kx), list(vx)
    for k, v in zip(ky, vy):
        i = pos.get(_hk(k))
        if i is None:
            pos[_hk(k)] = len(keys)
            keys.append(k)
            vals.append(v)
        else:
            vals[i] = v
    if isinstance(x.values, KTable) and isinstance(y.values, KTable):
        return KDict(V.collapse(keys), V.collapse(vals))
    return KDict(V.collapse(keys), V.collapse(vals))


def _keyed_upsert(x, y):
    return _keyed2(lambda a, b: b, x, y)


dyad(",")(join)


# --------------------------------------------------------------------------
# dict / enkey

@dyad("!")
def bang(x, y):
    """x!y  dict from keys and values; n!t enkeys a table (0!t unkeys)."""
    tx, ty = qtype(x), qtype(y)
    if tx in (-7, -6, -5) and (int(x) < 0 or int(x) == V.NULL_INT[-tx]):
        return internal(int(x), y, int(x) == V.NULL_INT[-tx])
    if ty == 98 and tx in (-7, -6, -5):
        n = int(x)
        if n == 0:
            return y
        return KDict(KTable(y.names[:n], y.cols[:n]), KTable(y.names[n:], y.cols[n:]))
    if ty == 99 and V.is_keyed(y) and tx in (-7, -6, -5) and int(x) == 0:
        from .tables import unkey
        return unkey(y)
    if tx == 98 and ty == 98:
        if len(x) != len(y):
            raise KError("length")
        return KDict(x, y)
    if tx < 0 and ty < 0:
        return KDict(V.enlist(x), V.enlist(y))
    if tx < 0 or ty < 0 and tx != 98:
        if tx < 0:
            raise KError("length" if 0 <= ty < 98 and V.count(y) != 1 else "type")
        if tx == 0 or (0 < tx < 20):
            return KDict(x, _fill_to(y, V.count(x)))
    if V.count(x) != V.count(y):
        raise KError("length")
    return KDict(x, y)


def internal(n, y, is_null=False):
    """The n!x internal functions: 0N!x prints x (one-line form) and returns
    it; -3!x the one-line form as a string; -8!x / -9!x serialize and
    deserialize (q IPC bytes)."""
    from ..text import s1
    from ..funcs import running as _interp
    if is_null:
        it = _interp()
        it.write(s1(y, it.settings.precision) + "\n")
        return y
    if n == -3:
        return V.string(s1(y, _interp().settings.precision))
    if n == -8:
        from ..files import to_ipc
        return np.frombuffer(to_ipc(y), dtype=np.uint8).copy()
    if n == -9:
        from ..compile import lambda_from_source
        from ..files import from_ipc
        if qtype(y) != 4:
            raise KError("type")
        it = _interp()
        return from_ipc(y.tobytes(), lambda src: lambda_from_source(it, src))
    raise KError("nyi")


def _fill_to(y, n):
    return V.collapse([y] * n)


# --------------------------------------------------------------------------
# find

def find(lst, x):
    """lst?x  index of the first occurrence of x in lst (count lst if absent)."""
    tl, tx = qtype(lst), qtype(x)
    if tl == 99:
        keys = V.items(lst.keys)
        vals = V.items(lst.values)
        for k, v in zip(keys, vals):
            if match(v, x):
                return k
        return V.collapse([]) if False else _null_key(lst.keys)
    if tl == 98:
        rows = V.items(lst)
        if tx == 98:
            return V.collapse([_find_row(rows, r) for r in V.items(x)])
        return _find_row(rows, x)
    if tl < 0:
        raise KError("type")
    n = len(lst)
    if type(lst) is np.ndarray and tx == -tl:
        if tl in (8, 9):
            hits = np.flatnonzero((lst == x) | (np.isnan(lst) & np.isnan(x)))
        elif tl == 11:
            hits = np.flatnonzero(lst == x)
        else:
            hits = np.flatnonzero(lst == x)
        return np.int64(hits[0] if len(hits) else n)
    if type(lst) is np.ndarray and tx == tl and tl > 0:
        if tl in (8, 9):
            return np.array([_first(np.flatnonzero((lst == v) | (np.isnan(lst) & np.isnan(v))), n) for v in x],
                            dtype=np.int64)
        idx = {}
        src = lst.tolist() if tl != 10 else list(lst.tobytes())
        for i in range(n - 1, -1, -1):
            idx[src[i]] = i
        xs = x.tolist() if tl != 10 else list(x.tobytes())
        return np.array([idx.get(v, n) for v in xs], dtype=np.int64)
    if type(lst) is np.ndarray and (tx < 0 or tx == 101):
        return np.int64(n)
    if type(lst) is np.ndarray:
        return V.collapse([find(lst, v) for v in V.items(x)]) if tx == 0 else np.array(
            [n] * len(x), dtype=np.int64)
    # general list: rank-sensitive, as q's Find: x is looked for as an item
    # when it has the rank of lst's first item, searched item by item when
    # its rank is higher, and not found when lower
    if not lst:
        return np.int64(0) if tx < 0 else V.collapse([np.int64(0)] * V.count(x)) if tx == 0 else np.int64(0)
    r0, rx = krank(lst[0]), krank(x)
    if rx == r0:
        for i, v in enumerate(lst):
            if match(v, x):
                return np.int64(i)
        return np.int64(n)
    if rx > r0:
        return V.collapse([find(lst, v) for v in V.items(x)])
    return np.int64(n)


def krank(v):
    """Depth of a value: 0 for an atom, 1 for a vector, 1 + that of its first item for a general list."""
    t = qtype(v)
    if t < 0 or t >= 98 or v is None:
        return 0
    if t > 0:
        return 1
    return 1 + (krank(v[0]) if v else 0)


def _first(a, n):
    return int(a[0]) if len(a) else n


def _find_row(rows, r):
    """Index of row r (a dict, or a list of the row's values) in a table's rows."""
    for i, row in enumerate(rows):
        if match(row, r) or (not isinstance(r, KDict) and match(V.collapse(V.items(row.values)), r)):
            return np.int64(i)
    return np.int64(len(rows))


def _null_key(keys):
    from ..funcs import _null_item
    return _null_item(keys)


@dyad("?")
def query(x, y):
    """x?y  find; n?m roll; -n?m deal; n?list random items."""
    tx, ty = qtype(x), qtype(y)
    if tx in (-7, -6, -5) and (ty < 0 or (ty > 0 and ty < 20) or ty == 0):
        if ty in (-7, -6, -5, -9, -8, -1, -4, -11, -10) or ty >= 0:
            from .keywords import roll
            return roll(x, y)
    return find(x, y)


# --------------------------------------------------------------------------
# take

def _cycle(y, n):
    """n#y for a non-empty vector y: its items repeated, in one allocation."""
    out = np.empty(n, dtype=y.dtype)
    cnt = len(y)
    reps = n // cnt
    out[:reps * cnt].reshape(reps, cnt)[:] = y
    out[reps * cnt:] = y[:n - reps * cnt]
    return out


def take(x, y):
    """x#y  take: n#y first n (cycling), -n#y last n, r c#y reshape,
    keys#dict select keys, cols#table select columns."""
    tx, ty = qtype(x), qtype(y)
    if tx in (-7, -6, -5, -1, -4):
        n = int(x)
        V.check_size(abs(n), 1)     # the count; the bytes once the item type is known
        if ty == 99:
            if V.is_keyed(y):
                return KDict(take(x, y.keys), take(x, y.values))
            return KDict(take(x, y.keys), take(x, y.values))
        if ty == 98:
            return KTable(y.names, [take(x, c) for c in y.cols])
        if ty < 0 or ty >= 100 or y is None:
            y = V.enlist(y) if ty < 0 else [y]
        cnt = V.count(y)
        if cnt == 0:
            if type(y) is np.ndarray:
                return np.full(abs(n), V.null_of(qtype(y)), dtype=y.dtype) if qtype(y) != 11 \
                    else V.syms([""] * abs(n))
            return [None] * abs(n) if False else []
        if type(y) is not np.ndarray:
            V.check_size(abs(n), 48)      # the index list and the item references
        elif n >= 0:
            V.check_size(n, y.itemsize)
            return _cycle(y, n)
        else:
            V.check_size(-n, y.itemsize + 16)
        if n >= 0:
            idx = np.arange(n) % cnt
        else:
            idx = (np.arange(cnt + n, cnt) % cnt) if -n <= cnt else (np.arange(-(-n), 0) % cnt)
            if -n > cnt:
                idx = (np.arange(-n) + (cnt - (-n) % cnt)) % cnt
        if type(y) is np.ndarray:
            return y[idx]
        return [y[i] for i in idx.tolist()]
    if tx in (7, 6, 5) and len(x) == 1:
        return take(V.item(x, 0), y)
    if tx in (7, 6, 5) and len(x) >= 2:
        dims = [int(d) for d in x]
        flat = y if V.is_list(y) else V.enlist(y)
        total = 1
        nulls = [i for i, d in enumerate(dims) if d == V.NULL_INT[tx]]
        if nulls:
            known = 1
            for d in dims:
                if d != V.NULL_INT[tx]:
                    known *= d
            cnt = V.count(flat)
            if len(dims) == 2 and nulls == [0]:
                c = dims[1]
                rows = -(-cnt // c) if c else 0
                V.check_size(rows, V.OBJSIZE)
                return [index_range(flat, i * c, min(cnt, i * c + c)) for i in range(rows)]
            if len(dims) == 2 and nulls == [1]:
                r = dims[0]
                V.check_size(abs(r), V.OBJSIZE)
                c = cnt // r if r else 0
                out = [index_range(flat, i * c, i * c + c) for i in range(r - 1)]
                out.append(index_range(flat, (r - 1) * c, cnt))
                return out
            raise KError("length")
        for d in dims:
            total *= d
        V.check_size(total)
        data = take(np.int64(total), flat)
        return _reshape(data, dims)
    if tx == 11 or tx == -11:
        keys = V.enlist(x) if tx == -11 else x
        if ty == 98:
            return KTable(list(keys), [y.col(k) for k in keys])
        if ty == 99:
            if V.is_keyed(y):
                raise KError("type")
            from ..funcs import index
            return KDict(keys, index(y, keys))
    if tx == 98 and ty == 99 and V.is_keyed(y):
        from ..funcs import index
        return KDict(x, index(y, x))
    if ty == 99 and (tx == 0 or tx > 0):
        from ..funcs import index
        return KDict(x, index(y, x))
    raise KError("type")


def index_range(v, a, b):
    if type(v) is np.ndarray:
        return v[a:b]
    return v[a:b]


def _reshape(data, dims):
    if len(dims) == 1:
        return data
    step = 1
    for d in dims[1:]:
        step *= d
    return [_reshape(data[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]


dyad("#")(take)


# --------------------------------------------------------------------------
# drop / cut

def drop(x, y):
    """x_y  drop: n_y drops n items (from the end if negative); y_i removes
    item i; keys_dict removes keys; cut: indices_list splits a list."""
    tx, ty = qtype(x), qtype(y)
    if tx in (-7, -6, -5, -1, -4):
        n = int(x)
        if ty == 99:
            keys = drop(x, y.keys)
            return KDict(keys, drop(x, y.values))
        if ty == 98:
            return KTable(y.names, [drop(x, c) for c in y.cols])
        if ty < 0:
            raise KError("type")
        return y[n:] if n >= 0 else y[:max(len(y) + n, 0)] if V.is_list(y) else y
    if tx in (7, 6, 5) and ty == 98:
        idx = [int(i) for i in x] + [len(y)]
        return [KTable(y.names, [c[a:b] for c in y.cols]) for a, b in zip(idx, idx[1:])]
    if tx in (7, 6, 5) and ty >= 0 and ty < 98:
        # cut
        V.check_size(len(x), V.OBJSIZE)
        idx = [int(i) for i in x]
        cnt = V.count(y)
        out = []
        for k, a in enumerate(idx):
            b = idx[k + 1] if k + 1 < len(idx) else cnt
            out.append(y[a:b])
        return out
    if tx == 99 and not V.is_keyed(x) and False:
        if ty < 0 or ty == 11 or ty == 0 or ty > 0:
            ks = V.enlist(y) if ty < 0 else y
            keep = [i for i, k in enumerate(V.items(x.keys)) if not any(match(k, j) for j in V.items(ks))]
            from ..funcs import index
            idx = np.array(keep, dtype=np.int64)
            return KDict(index(x.keys, idx), index(x.values, idx))
    if tx == 99 and ty < 0 and not V.is_keyed(x):
        keep = [i for i, k in enumerate(V.items(x.keys)) if not match(k, y)]
        from ..funcs import index
        idx = np.array(keep, dtype=np.int64)
        return KDict(index(x.keys, idx), index(x.values, idx))
    if tx == 99 and V.is_keyed(x):
        raise KError("type")
    if ty in (-7, -6, -5) and 0 <= tx < 20:
        i = int(y)
        n = V.count(x)
        if i < 0 or i >= n:
            return x
        if type(x) is np.ndarray:
            return np.concatenate([x[:i], x[i + 1:]])
        return x[:i] + x[i + 1:]
    if ty == 99 and tx in (-11, 11, 0):
        ks = V.enlist(x) if tx < 0 else x
        keep = [i for i, k in enumerate(V.items(y.keys)) if not any(match(k, j) for j in V.items(ks))]
        from ..funcs import index
        idx = np.array(keep, dtype=np.int64)
        return KDict(index(y.keys, idx), index(y.values, idx))
    if tx in (-11, 11) and ty == 98:
        ks = set(V.items(V.enlist(x) if tx < 0 else x))
        keep = [k for k, n in enumerate(y.names) if n not in ks]
        return KTable([y.names[k] for k in keep], [y.cols[k] for k in keep])
    raise KError("type")


dyad("_")(drop)


# --------------------------------------------------------------------------
# fill

@atomic2
def _fill(x, y, tx, ty):
    ax, ay = abs(tx), abs(ty)
    if ax == ay:
        if ay in V.FLOATS:
            ya = np.asarray(y)
            r = np.where(np.isnan(ya), x, ya)
        elif ay in V.INTS:
            ya = np.asarray(y)
            r = np.where(ya == V.NULL_INT[ay], x, ya)
        elif ay == 11:
            ya = np.asarray(y, dtype=object)
            r = np.where(ya == "", x, ya)
            return str(r) if ty < 0 else V.syms(list(np.atleast_1d(r)))
        elif ay == 10:
            ya = np.asarray(y)
            r = np.where(ya == b" ", x, ya)
            return bytes(r) if ty < 0 else r.astype("S1")
        else:
            return y
        return _wrap(r, ay, ty < 0 and tx < 0 or ty < 0)
    if ax in _RANK and ay in _RANK:
        rt = max(ax, ay, key=lambda t: _RANK[t])
        xa = to_type(x, ax, rt)
        ya = to_type(y, ay, rt)
        return _fill(xa, ya)
    raise KError("type")


@dyad("^")
def fill(x, y):
    """x^y  fill: nulls in y replaced by x."""
    tx, ty = qtype(x), qtype(y)
    if tx == 99 and ty == 99:
        from .core import _dict2
        return _dict2(lambda a, b: fill(a, b), x, y, tx, ty)
    return _fill(x, y)


# --------------------------------------------------------------------------
# monadic k forms of the glyphs (reached as (#:)x or #x)

@monad("-")
def neg(x):
    """neg x  negate."""
    return _neg(x)


@atomic1
def _neg(x, t):
    a = abs(t)
    if a not in _RANK:
        raise KError("type")
    rt = a if a >= 6 else 6
    xa = to_type(x, a, rt)
    return _wrap(np.negative(xa), rt, t < 0)


@monad("%")
def reciprocal(x):
    """reciprocal x  1%x."""
    return divide(np.float64(1), x)


@monad("=")
def _group_m(x):
    """=x  group (k form)."""
    from .keywords import group
    return group(x)
