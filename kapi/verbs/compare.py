"""Comparison, logic and order: = group/equal, <> <= >=, < iasc/less,
> idesc/more, ~ not/match, & where/and (lesser), | reverse/or (greater);
keywords not and or differ within group where reverse iasc idesc asc desc
rank.
"""

import math

import numpy as np

from .. import temporal, values as V
from ..errors import KError
from ..values import KDict, KFunc, KTable, qtype
from ..match import TOL, _feq, match  # noqa: F401  (match is the engine of ~)
from .atomic import _RANK, _hk, _wrap, atomic1, atomic2, to_type
from .registry import dyad, keyword, monad


_TEMPORAL = frozenset(V.TEMPORAL)
_POINTS = frozenset((V.P, V.M, V.D, V.Z))
_SPANS = frozenset((V.N, V.U, V.SEC, V.T))


def _minmax(npop, name):
    def fn(x, y, tx, ty):
        ax, ay = abs(tx), abs(ty)
        if ax in _TEMPORAL or ay in _TEMPORAL:
            if ax != ay:
                raise KError("type")
            # the int64 view orders temporal values, nulls first
            r = npop(np.asarray(x).view("i8"), np.asarray(y).view("i8"))
            r = np.asarray(r, "i8").view(V.DTYPE[ax])
            return r[()] if tx < 0 and ty < 0 else r
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



def _cmp_prep(x, y, tx, ty):
    """Both operands in a comparable common form; returns (xa, ya, kind)."""
    ax, ay = abs(tx), abs(ty)
    if ax in _TEMPORAL or ay in _TEMPORAL:
        if ax in (10, 11) or ay in (10, 11):
            raise KError("type")
        # a point against a span: the point's time of day in the span's type (q)
        if ax in _POINTS and ay in _SPANS or ay in _POINTS and ax in _SPANS:
            try:
                if ax in _POINTS:
                    x, ax = temporal.convert(x, ax, ay), ay
                else:
                    y, ay = temporal.convert(y, ay, ax), ax
            except KError:
                pass            # a date or month: no time of day, compared as instants
        kx, xa = temporal.compare_form(x, ax, ay) if ax in _TEMPORAL else (None, None)
        ky, ya = temporal.compare_form(y, ay, ax) if ay in _TEMPORAL else (None, None)
        if xa is None:
            ky = "f" if ky == "f" or ax in V.FLOATS else ky
            xa = to_type(x, ax, 9 if ky == "f" else 7)
        if ya is None:
            kx = "f" if kx == "f" or ay in V.FLOATS else kx
            ya = to_type(y, ay, 9 if kx == "f" else 7)
        k = "f" if "f" in (kx, ky) else "i"
        if k == "f":
            xa, ya = np.asarray(xa, np.float64), np.asarray(ya, np.float64)
        return xa, ya, k
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


for _op in (equal, less, more, not_equal, less_eq, more_eq):
    _op.compare = True
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

@dyad("~")
def match_(x, y):
    """x~y  match: 1b when x and y are identical in type and value."""
    return np.bool_(match(x, y))


@monad("~")
def logical_not(x):
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
    if abs(t) in _TEMPORAL:
        return _bool(temporal.compare_form(x, abs(t), abs(t))[1] == 0, t, t)
    return _bool(np.asarray(x) == 0, t, t)


@monad("=")
def _group_m(x):
    """=x  group (k form)."""
    return group(x)


@keyword("reverse")
def reverse(x):
    """reverse x  items in reverse order."""
    t = qtype(x)
    if t < 0:
        return x
    if t == 99:
        return KDict(reverse(x.keys), reverse(x.values))
    if t == 98:
        return KTable(x.names, [c[::-1] for c in x.cols])
    return x[::-1]


monad("|")(reverse)


@keyword("where")
def where(x):
    """where x  indices of 1b in a boolean list; i repeated x[i] times for counts."""
    t = qtype(x)
    if t == 1:
        return np.flatnonzero(x).astype(np.int64)
    if t in (4, 5, 6, 7):
        if len(x) and x.min() < 0:
            raise KError("domain")
        V.check_size(int(x.sum(dtype=np.int64)) if len(x) else 0)
        return np.repeat(np.arange(len(x), dtype=np.int64), x.astype(np.int64))
    if t == -1:
        return np.zeros(int(bool(x)), dtype=np.int64)
    if t in (-7, -6, -5, -4):
        if int(x) < 0:
            raise KError("domain")
        return np.zeros(V.check_size(int(x)), dtype=np.int64)
    if t == 99:
        from ..funcs import index
        return index(x.keys, where(x.values))
    if t == 0 and not x:
        return np.empty(0, dtype=np.int64)
    raise KError("type")


monad("&")(where)


@keyword("group")
def group(x):
    """group x  dict of distinct items to the indices where they occur."""
    t = qtype(x)
    if t == 99:
        idx = group(x.values)
        from ..funcs import index
        return KDict(idx.keys, V.collapse([index(x.keys, i) for i in V.items(idx.values)]))
    if t < 0:
        raise KError("type")
    V.check_size(V.count(x), 64)
    items = V.items(x)
    order = {}
    keys = []
    for i, v in enumerate(items):
        h = _hk(v)
        if h not in order:
            order[h] = []
            keys.append(v)
        order[h].append(i)
    vals = [np.array(order[_hk(k)], dtype=np.int64) for k in keys]
    if isinstance(x, KTable):
        kt = KTable(x.names, [V.collapse([V.item(c, order[_hk(k)][0]) for k in keys]) for c in x.cols]) \
            if keys else KTable(x.names, [c[:0] for c in x.cols])
        return KDict(kt, vals)
    return KDict(V.collapse(keys) if keys else x[:0], vals)


@keyword("not")
def not_(x):
    """not x  1b where x is zero."""
    return logical_not(x)


@keyword("within", 2, infix=True)
def within(x, y):
    """x within (lo;hi)  1b where lo <= x <= hi."""
    lo, hi = V.items(y) if V.count(y) == 2 else (None, None)
    if lo is None:
        raise KError("length")
    return lesser(less_eq(lo, x), less_eq(x, hi))


def _sort_key(x):
    """An index array sorting x ascending (stable)."""
    t = qtype(x)
    if t in (8, 9):
        a = np.asarray(x, dtype=np.float64)
        a = np.where(np.isnan(a), -np.inf, a)
        nanfirst = np.isnan(np.asarray(x, dtype=np.float64))
        return np.lexsort((a, ~nanfirst))
    if t == 10:
        return np.argsort(x.view(np.uint8), kind="stable")
    if t == 11:
        return np.array(sorted(range(len(x)), key=lambda i: x[i]), dtype=np.int64)
    if t in (1, 4, 5, 6, 7):
        return np.argsort(x, kind="stable")
    if t in _TEMPORAL:
        return np.argsort(x.view("i8"), kind="stable")
    if t == 0:
        keys = [_py_key(v) for v in x]
        return np.array(sorted(range(len(x)), key=lambda i: keys[i]), dtype=np.int64)
    if t == 98:
        keys = [tuple(_py_key(V.item(c, i)) for c in x.cols) for i in range(len(x))]
        return np.array(sorted(range(len(x)), key=lambda i: keys[i]), dtype=np.int64)
    raise KError("type")


def _py_key(v):
    t = qtype(v)
    if t < 0:
        # mixed atoms sort by type first (q: asc(2f;3;4i;5h) is 5h 4i 3 2f)
        if t in (-8, -9):
            f = float(v)
            return (0, -t, -math.inf if f != f else f)
        if t == -10:
            return (0, -t, v)
        if t == -11:
            return (1, -t, v)
        if -t in _TEMPORAL:
            return (0, -t, int(np.asarray(v).view("i8")))
        return (0, -t, int(v) if t != -1 else int(bool(v)))
    if V.is_list(v):
        return (2, tuple(_py_key(i) for i in V.items(v)))
    return (3, id(v))


@keyword("iasc")
def iasc(x):
    """iasc x  indices that sort x ascending."""
    if qtype(x) == 99:
        from ..funcs import index
        return index(x.keys, iasc(x.values))
    return np.asarray(_sort_key(x), dtype=np.int64)


monad("<")(iasc)


@keyword("idesc")
def idesc(x):
    """idesc x  indices that sort x descending."""
    if qtype(x) == 99:
        from ..funcs import index
        return index(x.keys, idesc(x.values))
    k = _sort_key(x)
    # stable descending: reverse of ascending on reversed input
    n = len(k)
    rk = _sort_key(reverse(x))
    return (n - 1 - rk[::-1]).astype(np.int64) if n else k


monad(">")(idesc)


@keyword("asc")
def asc(x):
    """asc x  x sorted ascending."""
    from ..funcs import index
    t = qtype(x)
    if t == 99:
        i = iasc(x.values)
        return KDict(index(x.keys, i), index(x.values, i))
    if t == 98:
        return index(x, iasc(x))
    return index(x, iasc(x))


@keyword("desc")
def desc(x):
    """desc x  x sorted descending."""
    from ..funcs import index
    t = qtype(x)
    if t == 99:
        i = idesc(x.values)
        return KDict(index(x.keys, i), index(x.values, i))
    return index(x, idesc(x))


@keyword("and", 2, infix=True)
def and_(x, y):
    """x and y  lesser (logical and)."""
    return lesser(x, y)


@keyword("or", 2, infix=True)
def or_(x, y):
    """x or y  greater (logical or)."""
    return greater(x, y)


@keyword("differ")
def differ(x):
    """differ x  1b where an item differs from its predecessor."""
    its = V.items(x)
    return np.array([True] + [not match(a, b) for a, b in zip(its, its[1:])], dtype=bool) if its else np.empty(0, bool)


@keyword("rank")
def rank(x):
    """rank x  the position each item would have in the sorted list."""
    return iasc(iasc(x))
