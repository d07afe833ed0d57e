"""q keywords on lists, aggregates and maths."""

import math

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KFunc, KTable, qtype
from ..caps import needs
from . import dyad, keyword, monad
from .core import (_RANK, _hk, _wrap, add, atomic1, atomic2, divide, drop,
                   equal, find, greater, join, lesser, match, mul, sub, take,
                   to_type)

INTLIKE = (-7, -6, -5, -4, -1)
from ..funcs import ELIDED as ELIDED_  # noqa: E402


def _int(x):
    if qtype(x) not in INTLIKE:
        raise KError("type")
    return int(x)


# --------------------------------------------------------------------------
# lists

@keyword("til")
def til(x):
    """til n  the first n naturals: 0 1 .. n-1."""
    t = qtype(x)
    if t not in INTLIKE:
        raise KError("type")
    n = int(x)
    if n < 0:
        raise KError("domain")
    V.check_size(n)
    return np.arange(n, dtype=np.int64 if t != -6 else np.int32) if t == -6 else np.arange(n, dtype=np.int64)


@monad("!")
def _key_m(x):
    """!x  til of an atom, key of anything else (k form)."""
    return til(x) if qtype(x) < 0 else key(x)


@keyword("enlist")
def enlist(*xs):
    """enlist x  a 1-item list of x; enlist[a;b;..] a list of the arguments."""
    if len(xs) == 1:
        return V.enlist(xs[0])
    return V.collapse(list(xs))


@monad(",")
def _enlist_m(x):
    """,x  enlist (k form)."""
    return V.enlist(x)


@keyword("count")
def count(x):
    """count x  the number of items."""
    return np.int64(V.count(x))


monad("#")(count)


@keyword("first")
def first(x):
    """first x  the first item (first value of a dict; first row of a table)."""
    t = qtype(x)
    if t < 0 or t >= 100:
        return x
    if t == 99:
        if V.is_keyed(x):
            return V.table_row(x.values, 0) if len(x.values) else None
        return first(x.values)
    if t == 98:
        from ..funcs import index
        return index(x, np.int64(0))
    if len(x) == 0:
        from ..funcs import _null_item
        return _null_item(x)
    return V.item(x, 0)


monad("*")(first)


@keyword("last")
def last(x):
    """last x  the last item."""
    t = qtype(x)
    if t < 0 or t >= 100:
        return x
    if t == 99:
        return last(x.values)
    if t == 98:
        from ..funcs import index
        return index(x, np.int64(len(x) - 1))
    if len(x) == 0:
        from ..funcs import _null_item
        return _null_item(x)
    return V.item(x, len(x) - 1)


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


@keyword("raze")
def raze(x):
    """raze x  join the items of x: ,/x."""
    t = qtype(x)
    if t == 99:
        x = x.values
        t = qtype(x)
    if t != 0:
        return x if t > 0 else V.enlist(x)
    if not x:
        return x
    t0 = qtype(x[0])
    if len(x) > 2 and 0 < t0 < 20 and all(type(v) is np.ndarray and qtype(v) == t0 for v in x):
        # vectors of one type: one concatenation, not a join per item
        V.check_size(sum(len(v) for v in x), max(v.itemsize for v in x))
        return np.concatenate(x)
    r = x[0]
    if qtype(r) < 0:
        r = V.enlist(r)
    for v in x[1:]:
        r = join(r, v)
    return r


@keyword("distinct")
def distinct(x):
    """distinct x  unique items in order of first occurrence."""
    t = qtype(x)
    if t == 98:
        rows = V.items(x)
        keep = _distinct_idx(rows)
        return KTable(x.names, [c[keep] if type(c) is np.ndarray else [c[i] for i in keep] for c in x.cols])
    if t == 99:
        x = x.values
        t = qtype(x)
    if t < 0:
        raise KError("type")
    if type(x) is np.ndarray and t not in (8, 9):
        if t == 11:
            seen = dict.fromkeys(x.tolist())
            return V.syms(list(seen))
        _, idx = np.unique(x, return_index=True)
        return x[np.sort(idx)]
    keep = _distinct_idx(V.items(x))
    if type(x) is np.ndarray:
        return x[keep]
    return V.collapse([x[i] for i in keep]) if keep else []


def _distinct_idx(items):
    seen = {}
    keep = []
    for i, v in enumerate(items):
        h = _hk(v)
        if h not in seen:
            seen[h] = i
            keep.append(i)
    return keep


monad("?")(distinct)


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


@keyword("key")
def key(x):
    """key x  keys of a dict (key columns of a keyed table); key n is til n."""
    t = qtype(x)
    if t == 99:
        return x.keys
    if t in INTLIKE:
        return til(x)
    if t == 98:
        return V.empty(11)
    if t > 0 and t < 20:
        return V.NAMES[t]
    if t == -11:
        v = _interp().globals.get(x)
        return key(v) if v is not None else x
    raise KError("type")


@keyword("value")
def value(x):
    """value x  values of a dict; value "text" evaluates q; value of a symbol is the global."""
    t = qtype(x)
    if t == 99:
        return x.values
    if t == 10 or t == -10:
        it = _interp()
        return it.eval(V.pystr(x))
    if t == -11:
        it = _interp()
        try:
            return it.globals[x]
        except KeyError:
            raise KError(x) from None
    if t == 0 and x and isinstance(x[0], KFunc):
        from ..funcs import call
        return call(x[0], list(x[1:]))
    if t == 0 and x and qtype(x[0]) == -11:
        from ..funcs import call
        return call(value(x[0]), list(x[1:]))
    if t == 100:
        # (bytecode;parameters;locals;globals;source), as q shows a lambda's parts
        return [np.zeros(1, dtype=np.uint8), V.syms(x.params), V.syms(x.locals),
                V.syms([""]), V.string(x.source)]
    if t == 104:
        args = list(x.args)
        while args and args[-1] is ELIDED_:
            args.pop()
        return [x.f] + [None if a is ELIDED_ else a for a in args]
    if 106 <= t <= 111:
        return x.f
    return x


monad(".")(value)

from ..funcs import running as _interp  # noqa: E402  (this thread's running interpreter)


@keyword("get")
def get(x):
    """get x  the value of a global, or read a file written by set."""
    t = qtype(x)
    if t == -11 and x.startswith(":"):
        from .system import read_file
        return read_file(_interp(), x)
    return value(x)


@keyword("type")
def type_(x):
    """type x  the type number of x as a short: negative for atoms."""
    return np.int16(qtype(x))


monad("@")(type_)


@keyword("null")
def null(x):
    """null x  1b where x is null (atomic)."""
    return _null(x)


@atomic1
def _null(x, t):
    a = abs(t)
    arr = np.asarray(x)
    if a in V.FLOATS:
        r = np.isnan(arr)
    elif a in V.INTS:
        r = arr == V.NULL_INT[a]
    elif a == 11:
        r = np.asarray(x, dtype=object) == ""
    elif a == 10:
        r = arr == b" "
    else:
        r = np.zeros(arr.shape, dtype=bool)
    return np.bool_(r) if t < 0 else np.asarray(r, dtype=bool)


monad("^")(null)


@keyword("neg")
def neg(x):
    """neg x  negate (atomic)."""
    from .core import neg as n
    return n(x)


@keyword("not")
def not_(x):
    """not x  1b where x is zero."""
    from .core import not_ as n
    return n(x)


def _member(x, y):
    ty = qtype(y)
    if ty < 0:
        y = V.enlist(y)
    cnt = V.count(y)
    r = find(y, x)
    if isinstance(r, np.ndarray):
        return r < cnt
    if type(r) is list:
        return V.collapse([_member(v, y) for v in x])
    return np.bool_(r < cnt)


@keyword("in", 2, infix=True)
def in_(x, y):
    """x in y  1b where items of x are items of y; for a general list y,
    whether x is an item of y (rank-sensitive, as Find)."""
    tx, ty = qtype(x), qtype(y)
    if ty == 0:
        r = find(y, x)
        cnt = len(y)
        if isinstance(r, np.ndarray):
            return r < cnt
        if type(r) is list:
            return V.collapse([v < cnt for v in r])
        return np.bool_(r < cnt)
    if (ty < 0 or (ty > 0 and ty < 20 and len(y) == 1)) and tx != 0 and abs(tx) in (5, 6, 7, 8, 9) \
            and abs(ty) in (5, 6, 7, 8, 9) and abs(tx) != abs(ty):
        # an atom or 1-item y may differ in numeric type (q's optimised case)
        from .core import equal
        return equal(x, y if ty < 0 else V.item(y, 0))
    if tx < 0 and ty > 0 and ty < 20 and -tx != ty and not (tx in (-7, -6, -5) and ty in (7, 6, 5)):
        if tx in (-8, -9) and ty in (8, 9) or tx in (-7, -6, -5) and ty in (8, 9):
            raise KError("type")
    if tx > 0 and tx < 20 and ty > 0 and ty < 20 and tx != ty:
        if tx in (8, 9) or ty in (8, 9):
            raise KError("type")
    if tx == 0:
        return V.collapse([in_(v, y) for v in x])
    return _member(x, y)


@keyword("within", 2, infix=True)
def within(x, y):
    """x within (lo;hi)  1b where lo <= x <= hi."""
    lo, hi = V.items(y) if V.count(y) == 2 else (None, None)
    if lo is None:
        raise KError("length")
    from .core import less_eq
    return lesser(less_eq(lo, x), less_eq(x, hi))


@keyword("except", 2, infix=True)
def except_(x, y):
    """x except y  items of x not in y."""
    ys = V.enlist(y) if qtype(y) < 0 else y
    return _compress(x, ~_item_member(x, ys))


def _compress(x, mask):
    idx = np.flatnonzero(mask)
    if type(x) is np.ndarray:
        return x[idx]
    return V.collapse([x[i] for i in idx]) if len(idx) else []


@keyword("inter", 2, infix=True)
def inter(x, y):
    """x inter y  items of x that are also in y."""
    if qtype(x) == 99:
        x = x.values
    if qtype(y) == 99:
        y = y.values
    return _compress(x, _item_member(x, y))


def _item_member(x, y):
    """Boolean vector: which items of list x are items of y (by match)."""
    if qtype(x) == 0 or qtype(y) == 0:
        ys = V.items(y)
        hs = {_hk(v) for v in ys}
        return np.array([_hk(v) in hs for v in V.items(x)], dtype=bool)
    return np.asarray(in_(x, y), dtype=bool)


@keyword("union", 2, infix=True)
def union(x, y):
    """x union y  distinct items of x,y."""
    return distinct(join(x, y))


@keyword("cut", 2, infix=True)
def cut(x, y):
    """x cut y  cut y at indices x, or into pieces of length x."""
    if qtype(x) in INTLIKE:
        n = int(x)
        cnt = V.count(y)
        return drop(np.arange(0, cnt, n, dtype=np.int64), y)
    return drop(x, y)


@keyword("sublist", 2, infix=True)
def sublist(x, y):
    """x sublist y  the first x items (or x[0] to x[0]+x[1]) of y, without cycling."""
    t = qtype(x)
    if t in INTLIKE:
        n = int(x)
        cnt = V.count(y)
        if n >= 0:
            return take(np.int64(min(n, cnt)), y)
        return take(np.int64(-min(-n, cnt)), y)
    a, b = [int(v) for v in x]
    return _slice(y, a, a + b)


def _slice(y, a, b):
    if isinstance(y, KTable):
        return KTable(y.names, [c[a:b] for c in y.cols])
    if isinstance(y, KDict):
        return KDict(_slice(y.keys, a, b), _slice(y.values, a, b))
    return y[a:b]


@keyword("rotate", 2, infix=True)
def rotate(x, y):
    """x rotate y  rotate the items of y left by x."""
    n = _int(x)
    cnt = V.count(y)
    if cnt == 0:
        return y
    k = n % cnt
    if isinstance(y, KTable):
        return KTable(y.names, [rotate(x, c) for c in y.cols])
    if type(y) is np.ndarray:
        return np.concatenate([y[k:], y[:k]])
    return y[k:] + y[:k]


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


# --------------------------------------------------------------------------
# aggregates

def _agg_items(x):
    t = qtype(x)
    if t == 99:
        return x.values
    return x


def aggregate(fn):
    """Extend an aggregate on vectors to dicts (their values), tables (each
    column, giving a dict) and general lists (pairwise, e.g. sum of rows)."""
    def agg(x):
        t = qtype(x)
        if t == 99 and not V.is_keyed(x):
            return agg(x.values)
        if t == 98:
            return KDict(V.syms(x.names), V.collapse([agg(c) for c in x.cols]))
        if V.is_keyed(x):
            return agg(x.values)
        return fn(x)
    agg.__name__ = fn.__name__
    agg.__doc__ = fn.__doc__
    return agg


def _reduce(op, x, empty):
    t = qtype(x)
    if t == 99:
        return _reduce(op, x.values, empty)
    if t == 98:
        return KDict(V.syms(x.names), V.collapse([_reduce(op, c, empty) for c in x.cols]))
    if t < 0:
        return x
    if t == 0:
        if not x:
            return empty
        r = x[0]
        for v in x[1:]:
            r = op(r, v)
        return r
    return None


@keyword("sum")
@aggregate
def sum_(x):
    """sum x  total of the items (nulls count as 0)."""
    t = qtype(x)
    if t in (1, 4, 5, 6, 7):
        if t in (5, 6, 7) and len(x) and x.min() == V.NULL_INT[t]:
            x = x[x != V.NULL_INT[t]]
        r = x.sum(dtype=np.int64)
        return np.int64(r) if t == 7 else np.int32(r)
    if t in (8, 9):
        r = x.sum(dtype=np.float64)       # one pass; a null (or inf-inf) makes it nan
        if r != r:
            r = np.where(np.isnan(x), 0, x).sum(dtype=np.float64)
        return V.SCALAR[t](r)
    return _reduce(add, x, np.int64(0))


@keyword("prd")
@aggregate
def prd(x):
    """prd x  product of the items."""
    t = qtype(x)
    if t in (1, 4, 5, 6, 7):
        a = _nulls_as(x, t, 1).astype(np.int64)
        r = np.prod(a)
        return np.int64(r) if t == 7 else np.int32(r)
    if t in (8, 9):
        a = np.where(np.isnan(x), 1, x)
        return V.SCALAR[t](np.prod(a, dtype=np.float64))
    return _reduce(mul, x, np.int64(1))


def _nulls_as(x, t, v):
    """x with its nulls replaced by v (aggregates skip nulls)."""
    if t in V.INTS:
        return np.where(x == V.NULL_INT[t], v, x)
    if t in V.FLOATS:
        return np.where(np.isnan(x), v, x)
    return x


@keyword("max")
@aggregate
def max_(x):
    """max x  the largest item."""
    t = qtype(x)
    if t in (1, 4, 5, 6, 7, 8, 9):
        if len(x):
            # one pass when no null decides the result: an integer null is the
            # smallest value (it wins only if all are null); a float null is nan
            r = x.max()
            if t in (8, 9):
                if r == r:
                    return V.SCALAR[t](r)
            elif t not in V.INTS or r != V.NULL_INT[t]:
                return V.SCALAR[t](r)
        if t in (8, 9):
            a = x[~np.isnan(x)]
        elif t in V.INTS:
            a = x[x != V.NULL_INT[t]]
        else:
            a = x
        if len(a) == 0:
            return -V.inf_of(t) if t in (5, 6, 7, 8, 9) else V.null_of(t)
        return V.SCALAR[t](a.max())
    if t == 10:
        return bytes([int(x.view(np.uint8).max())]) if len(x) else b" "
    return _reduce(greater, x, -V.inf_of(7))


@keyword("min")
@aggregate
def min_(x):
    """min x  the smallest item."""
    t = qtype(x)
    if t in (1, 4, 5, 6, 7, 8, 9):
        if len(x) == 0:
            return V.inf_of(t) if t in (5, 6, 7, 8, 9) else V.null_of(t)
        if t in (8, 9):
            r = x.min()
            if r == r:
                return V.SCALAR[t](r)
            a = x[~np.isnan(x)]
            return V.SCALAR[t](a.min()) if len(a) else V.inf_of(t)   # as max's -0w
        if t in V.INTS:
            r = x.min()
            if r != V.NULL_INT[t]:
                return V.SCALAR[t](r)
            a = x[x != V.NULL_INT[t]]
            return V.SCALAR[t](a.min()) if len(a) else V.inf_of(t)
        return V.SCALAR[t](x.min())
    if t == 10:
        return bytes([int(x.view(np.uint8).min())]) if len(x) else b" "
    return _reduce(lesser, x, V.inf_of(7))


def _floats(x):
    t = qtype(x)
    if t in (1, 4, 5, 6, 7, 8, 9):
        return to_type(x, t, 9)
    raise KError("type")


@keyword("avg")
@aggregate
def avg(x):
    """avg x  arithmetic mean (a float; nulls ignored)."""
    t = qtype(x)
    if t == 99:
        return avg(x.values)
    if t == 98:
        return KDict(V.syms(x.names), V.collapse([avg(c) for c in x.cols]))
    if t < 0:
        return to_type(x, -t, 9) if -t in _RANK else _raise()
    if t == 0:
        if not x:
            return np.float64("nan")
        return divide(sum_(x), np.int64(len(x)))
    a = _floats(x)
    if len(a):
        r = a.mean()                    # one pass unless a null makes it nan
        if r == r:
            return np.float64(r)
    a = a[~np.isnan(a)]
    if len(a) == 0:
        return np.float64("nan")
    return np.float64(a.mean())


def _raise():
    raise KError("type")


@keyword("var")
@aggregate
def var(x):
    """var x  variance (population)."""
    a = _floats(_agg_items(x))
    a = a[~np.isnan(a)]
    if len(a) == 0:
        return np.float64("nan")
    return np.float64(a.var())


@keyword("dev")
@aggregate
def dev(x):
    """dev x  standard deviation (population)."""
    return np.float64(math.sqrt(var(x))) if not math.isnan(var(x)) else np.float64("nan")


@keyword("svar")
@aggregate
def svar(x):
    """svar x  sample variance."""
    a = _floats(_agg_items(x))
    a = a[~np.isnan(a)]
    if len(a) < 2:
        return np.float64("nan")
    return np.float64(a.var(ddof=1))


@keyword("sdev")
@aggregate
def sdev(x):
    """sdev x  sample standard deviation."""
    v = svar(x)
    return np.float64(math.sqrt(v)) if not math.isnan(v) else v


@keyword("med")
@aggregate
def med(x):
    """med x  median."""
    if qtype(x) == 0:
        return V.collapse([med(v) for v in x])
    a = _floats(_agg_items(x))
    a = a[~np.isnan(a)]
    if len(a) == 0:
        return np.float64("nan")
    return np.float64(np.median(a))


def _scan(op, x):
    t = qtype(x)
    if t == 99:
        return KDict(x.keys, _scan(op, x.values))
    if t == 98:
        return KTable(x.names, [_scan(op, c) for c in x.cols])
    if t < 0:
        return x
    its = V.items(x)
    if not its:
        return x
    out = [its[0]]
    for v in its[1:]:
        out.append(op(out[-1], v))
    return V.collapse(out)


@keyword("sums")
def sums(x):
    """sums x  running totals."""
    t = qtype(x)
    if t in (1, 4, 5, 6, 7):
        a = x.astype(np.int64)
        if t in (5, 6, 7):
            a = np.where(a == V.NULL_INT[t], 0, a)
        r = np.cumsum(a)
        return r if t in (1, 4, 7) else r.astype(V.DTYPE[t])
    if t in (8, 9):
        return np.cumsum(np.where(np.isnan(x), 0, x)).astype(x.dtype)
    return _scan(add, x)


@keyword("prds")
def prds(x):
    """prds x  running products."""
    t = qtype(x)
    if t in (1, 4, 5, 6, 7):
        return np.cumprod(_nulls_as(x, t, 1).astype(np.int64))
    if t in (8, 9):
        return np.cumprod(_nulls_as(x, t, 1)).astype(x.dtype)
    return _scan(mul, x)


@keyword("maxs")
def maxs(x):
    """maxs x  running maximums."""
    t = qtype(x)
    if t in (5, 6, 7):
        return np.maximum.accumulate(_nulls_as(x, t, -V.INF_INT[t])).astype(x.dtype)
    if t in (8, 9):
        return np.maximum.accumulate(_nulls_as(x, t, -np.inf)).astype(x.dtype)
    if t in (1, 4):
        return np.maximum.accumulate(x)
    return _scan(greater, x)


@keyword("mins")
def mins(x):
    """mins x  running minimums."""
    t = qtype(x)
    if t in (5, 6, 7):
        return np.minimum.accumulate(_nulls_as(x, t, V.INF_INT[t])).astype(x.dtype)
    if t in (8, 9):
        return np.minimum.accumulate(_nulls_as(x, t, np.inf)).astype(x.dtype)
    if t in (1, 4):
        return np.minimum.accumulate(x)
    return _scan(lesser, x)


@keyword("deltas")
def deltas(x, *seed):
    """deltas x  differences between consecutive items (first item kept);
    deltas[s;x] subtracts s from the first."""
    if seed:
        x, s = seed[0], x
        its = V.items(x)
        if not its:
            return x
        return V.collapse([sub(its[0], s)] + [sub(b, a) for a, b in zip(its, its[1:])])
    t = qtype(x)
    if t == 99:
        return KDict(x.keys, deltas(x.values))
    if t < 0:
        return x
    its = V.items(x)
    if not its:
        return x
    return V.collapse([its[0]] + [sub(b, a) for a, b in zip(its, its[1:])])


@keyword("ratios")
def ratios(x):
    """ratios x  ratios of consecutive items (first item kept)."""
    t = qtype(x)
    if t == 99:
        return KDict(x.keys, ratios(x.values))
    if t < 0:
        return x
    its = V.items(x)
    if not its:
        return x
    return V.collapse([to_type(its[0], -qtype(its[0]), 9) if qtype(its[0]) in (-5, -6, -7, -1, -4) else its[0]]
                      + [divide(b, a) for a, b in zip(its, its[1:])])


@keyword("all")
@aggregate
def all_(x):
    """all x  1b if every item is non-zero."""
    t = qtype(x)
    if t == 99:
        return all_(x.values)
    if t < 0:
        return np.bool_(x != 0) if t != -11 else _raise()
    if t == 0:
        return np.bool_(all(bool(all_(v)) for v in x))
    if t == 10:
        return np.bool_((x.view(np.uint8) != 0).all())
    return np.bool_(np.asarray(x != 0).all())


@keyword("any")
@aggregate
def any_(x):
    """any x  1b if some item is non-zero."""
    t = qtype(x)
    if t == 99:
        return any_(x.values)
    if t < 0:
        return np.bool_(x != 0)
    if t == 0:
        return np.bool_(any(bool(any_(v)) for v in x))
    if t == 10:
        return np.bool_((x.view(np.uint8) != 0).any())
    return np.bool_(np.asarray(x != 0).any())


# --------------------------------------------------------------------------
# maths

def _math1(npfn, name, doc, keep_real=True):
    @atomic1
    def fn(x, t):
        a = abs(t)
        if a not in _RANK:
            raise KError("type")
        rt = 8 if (a == 8 and keep_real) else 9
        xa = to_type(x, a, rt)
        r = npfn(xa)
        return _wrap(r, rt, t < 0)
    fn.__name__ = name
    fn.__doc__ = doc
    keyword(name)(fn)
    return fn


sqrt = _math1(np.sqrt, "sqrt", "sqrt x  square root (float)")
exp = _math1(np.exp, "exp", "exp x  e to the power x")
log = _math1(np.log, "log", "log x  natural logarithm")
sin = _math1(np.sin, "sin", "sin x  sine")
cos = _math1(np.cos, "cos", "cos x  cosine")
tan = _math1(np.tan, "tan", "tan x  tangent")
asin = _math1(np.arcsin, "asin", "asin x  arcsine")
acos = _math1(np.arccos, "acos", "acos x  arccosine")
atan = _math1(np.arctan, "atan", "atan x  arctangent")


@keyword("reciprocal")
def reciprocal(x):
    """reciprocal x  1%x."""
    return divide(np.float64(1), x)


@atomic1
def _floor(x, t):
    a = abs(t)
    if a in V.FLOATS:
        xa = np.asarray(x, dtype=np.float64)
        r = np.floor(xa)
        nan = np.isnan(r)
        out = np.where(nan, 0, np.where(np.isinf(r), 0, r)).astype(np.int64)
        out = np.where(nan, V.NULL_INT[7], np.where(r == np.inf, V.INF_INT[7], np.where(r == -np.inf, -V.INF_INT[7], out)))
        return _wrap(out, 7, t < 0)
    if a in (5, 6, 7):
        return x
    if a in (1, 4):
        return to_type(x, a, 7) if False else x
    raise KError("type")


@keyword("floor")
def floor(x):
    """floor x  greatest integer not above x (a long)."""
    return _floor(x)


monad("_")(floor)


@keyword("ceiling")
def ceiling(x):
    """ceiling x  least integer not below x."""
    return _neg_floor(x)


@atomic1
def _neg_floor(x, t):
    a = abs(t)
    if a in V.FLOATS:
        xa = -np.asarray(x, dtype=np.float64)
        r = _floor(_wrap(xa, 9, t < 0))
        return -r if t < 0 else -r
    if a in (5, 6, 7):
        return x
    if a in (1, 4):
        return to_type(x, a, 6)
    raise KError("type")


@keyword("abs")
def abs_(x):
    """abs x  absolute value."""
    return _abs(x)


@atomic1
def _abs(x, t):
    a = abs(t)
    if a not in _RANK:
        raise KError("type")
    rt = a if a >= 5 else 6
    xa = to_type(x, a, rt)
    return _wrap(np.abs(xa), rt, t < 0)


@keyword("signum")
def signum(x):
    """signum x  -1, 0 or 1 as an int."""
    return _signum(x)


@atomic1
def _signum(x, t):
    a = abs(t)
    if a not in _RANK:
        raise KError("type")
    xa = np.asarray(x, dtype=np.float64) if a in V.FLOATS else np.asarray(x)
    r = np.sign(xa)
    if a in V.FLOATS:
        r = np.where(np.isnan(xa), -1, r)
    elif a in V.INTS:
        r = np.where(xa == V.NULL_INT[a], -1, r)
    return _wrap(r.astype(np.int32), 6, t < 0)


@keyword("div", 2, infix=True)
def div(x, y):
    """x div y  integer division, rounding down."""
    return _div(x, y)


@atomic2
def _div(x, y, tx, ty):
    ax, ay = abs(tx), abs(ty)
    if ax not in _RANK or ay not in _RANK:
        raise KError("type")
    if ax in V.FLOATS or ay in V.FLOATS:
        r = np.floor(np.true_divide(to_type(x, ax, 9), to_type(y, ay, 9)))
        return _floor(_wrap(r, 9, tx < 0 and ty < 0))
    rt = 7 if ax == 7 else 6
    xa, ya = to_type(x, ax, 7), to_type(y, ay, 7)
    with np.errstate(all="ignore"):
        r = np.floor_divide(xa, np.where(np.asarray(ya) == 0, 1, ya))
        r = np.where(np.asarray(ya) == 0, V.NULL_INT[7], r)
    res = _wrap(r, 7, tx < 0 and ty < 0)
    return to_type(res, 7, rt) if rt != 7 else res


@keyword("mod", 2, infix=True)
def mod(x, y):
    """x mod y  remainder (sign of y)."""
    return _mod(x, y)


@atomic2
def _mod(x, y, tx, ty):
    ax, ay = abs(tx), abs(ty)
    if ax not in _RANK or ay not in _RANK:
        raise KError("type")
    if ax in V.FLOATS or ay in V.FLOATS:
        xa, ya = to_type(x, ax, 9), to_type(y, ay, 9)
        return _wrap(xa - ya * np.floor(xa / ya), 9, tx < 0 and ty < 0)
    rt = max(ax, ay, key=lambda t: _RANK[t])
    rt = rt if rt >= 5 else 6
    xa, ya = to_type(x, ax, 7), to_type(y, ay, 7)
    r = np.mod(xa, np.where(np.asarray(ya) == 0, 1, ya))
    res = _wrap(r, 7, tx < 0 and ty < 0)
    return to_type(res, 7, rt) if rt != 7 else res


@keyword("xexp", 2, infix=True)
def xexp(x, y):
    """x xexp y  x to the power y (float)."""
    return _xexp(x, y)


@atomic2
def _xexp(x, y, tx, ty):
    xa, ya = to_type(x, abs(tx), 9), to_type(y, abs(ty), 9)
    return _wrap(np.power(xa, ya), 9, tx < 0 and ty < 0)


@keyword("xlog", 2, infix=True)
def xlog(x, y):
    """x xlog y  logarithm of y in base x."""
    return _xlog(x, y)


@atomic2
def _xlog(x, y, tx, ty):
    xa, ya = to_type(x, abs(tx), 9), to_type(y, abs(ty), 9)
    return _wrap(np.log(ya) / np.log(xa), 9, tx < 0 and ty < 0)


@keyword("and", 2, infix=True)
def and_(x, y):
    """x and y  lesser (logical and)."""
    return lesser(x, y)


@keyword("or", 2, infix=True)
def or_(x, y):
    """x or y  greater (logical or)."""
    return greater(x, y)


@keyword("mmu", 2, infix=True)
def mmu(x, y):
    """x mmu y  matrix product of float matrices/vectors."""
    a = _to_matrix(x)
    b = _to_matrix(y)
    r = np.matmul(a, b)
    return _from_matrix(r)


def _to_matrix(x):
    if V.is_list(x) and type(x) is list:
        return np.array([_floats(r) for r in x])
    return _floats(x)


def _from_matrix(r):
    if np.ndim(r) == 0:
        return np.float64(r)
    if r.ndim == 1:
        return r.astype(np.float64)
    return [row.astype(np.float64) for row in r]


@keyword("rand")
def rand(x):
    """rand x  a random item of a list, or a random number below an atom."""
    return first(roll(np.int64(1), x))


def roll(x, y):
    """n?y  n random picks (roll) from til y or list y; -n?y deals (no repeats)."""
    n = int(x)
    ty = qtype(y)
    g = _interp().rng
    if n == V.NULL_INT.get(-qtype(x)):
        n = -(int(y) if ty in (-7, -6, -5) else V.count(y))  # 0N?x: a permutation
    V.check_size(abs(n))
    if ty in (-7, -6, -5):
        m = int(y)
        if n < 0:
            if -n > m:
                raise KError("length")
            r = g.permutation(m)[:-n]
        else:
            r = g.integers(0, m, size=n)
        return r.astype(V.DTYPE[-ty])
    if ty in (-9, -8):
        r = g.random(abs(n)) * float(y)
        return r.astype(V.DTYPE[-ty])
    if ty == -1:
        return g.integers(0, 2, size=abs(n)).astype(bool)
    if ty >= 0 and ty < 20 or ty == 0:
        m = V.count(y)
        from ..funcs import index
        if n < 0:
            if -n > m:
                raise KError("length")
            return index(y, g.permutation(m)[:-n].astype(np.int64))
        return index(y, g.integers(0, m, size=n).astype(np.int64))
    raise KError("type")


@keyword("show")
def show(x):
    """show x  print x in console form; returns ::."""
    from ..display import show as _show
    it = _interp()
    txt = _show(x, it.settings)
    if txt or x is not None:
        it.write(txt + "\n")
    return None


@keyword("exit")
@needs("exit")
def exit_(x):
    """exit n  end the process with status n (in an embedding host: raises
    kapi.KExit, a SystemExit)."""
    from ..errors import KExit
    raise KExit(int(x) if qtype(x) in INTLIKE else 0)


@keyword("differ")
def differ(x):
    """differ x  1b where an item differs from its predecessor."""
    its = V.items(x)
    return np.array([True] + [not match(a, b) for a, b in zip(its, its[1:])], dtype=bool) if its else np.empty(0, bool)


@keyword("fills")
def fills(x):
    """fills x  nulls replaced by the preceding non-null."""
    from .core import fill
    return _scan(lambda a, b: fill(a, b), x)


@keyword("next")
def next_(x):
    """next x  each item replaced by its successor."""
    from ..funcs import index
    return index(x, np.arange(1, V.count(x) + 1, dtype=np.int64))


@keyword("prev")
def prev(x):
    """prev x  each item replaced by its predecessor."""
    from ..funcs import index
    return index(x, np.arange(-1, V.count(x) - 1, dtype=np.int64))


@keyword("cross", 2, infix=True)
def cross(x, y):
    """x cross y  all pairs."""
    V.check_size(V.count(x) * V.count(y), V.OBJSIZE)
    xs = V.items(V.enlist(x) if qtype(x) < 0 else x)
    ys = V.items(V.enlist(y) if qtype(y) < 0 else y)
    return V.collapse([join(a, b) for a in xs for b in ys])


@keyword("wavg", 2, infix=True)
def wavg(x, y):
    """x wavg y  average of y weighted by x (pairs with a null are skipped)."""
    tx, ty = qtype(x), qtype(y)
    if tx > 0 and ty > 0 and tx < 20 and ty < 20:
        ok = ~(np.asarray(null(x), bool) | np.asarray(null(y), bool))
        x, y = x[ok], y[ok]
    return divide(sum_(mul(x, y)), sum_(x))


@keyword("wsum", 2, infix=True)
def wsum(x, y):
    """x wsum y  sum of x*y."""
    return sum_(mul(x, y))


@keyword("xbar", 2, infix=True)
def xbar(x, y):
    """x xbar y  y rounded down to a multiple of x."""
    from .core import _arith
    return mul(x, div(y, x))


@keyword("attr")
def attr(x):
    """attr x  attributes of x (always ` here)."""
    return ""


# --------------------------------------------------------------------------
# moving windows, running averages, statistics of two lists

def _columnwise(fn):
    """Apply a list function to a dict's values or each table column."""
    def wrapped(*args):
        x = args[-1]
        t = qtype(x)
        if t == 98:
            return KTable(x.names, [wrapped(*args[:-1], c) for c in x.cols])
        if t == 99:
            return KDict(x.keys, wrapped(*args[:-1], x.values))
        return fn(*args)
    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    return wrapped


def _window(x, n):
    """Rows of the last n items ending at each position (nulls as NaN)."""
    a = _floats(x)
    out = np.full((len(a), n), np.nan)
    for k in range(n):
        out[k:, n - 1 - k] = a[:len(a) - k] if k < len(a) else []
    return out


def _window_stats(w):
    """(mean, standard deviation) of each window row, nulls ignored, as
    numpy's nanmean/nanstd compute them (0 non-null items give 0n) but
    without their RuntimeWarnings, so no process-wide warning filter is needed."""
    mask = np.isnan(w)
    arr = np.where(mask, 0.0, w)
    cnt = np.sum(~mask, axis=1, dtype=np.intp, keepdims=True)
    with np.errstate(all="ignore"):
        avg = np.true_divide(np.sum(arr, axis=1, keepdims=True), cnt)
        d = np.where(mask, 0.0, arr - avg)
        var = np.true_divide(np.sum(d * d, axis=1), cnt[:, 0])
    var[cnt[:, 0] <= 0] = np.nan
    return avg[:, 0], np.sqrt(var)


@keyword("msum", 2, infix=True)
@_columnwise
def msum(n, x):
    """n msum x  sums of the last n items (nulls count as 0)."""
    k = _int(n)
    t = qtype(x)
    if t in (1, 4, 5, 6, 7):
        a = _nulls_as(x, t, 0).astype(np.int64)
        c = np.cumsum(a)
        r = c.copy()
        if k < len(a):
            r[k:] = c[k:] - c[:-k] if k > 0 else c
        return r
    if t in (8, 9):
        w = _window(x, k)
        return np.nansum(w, axis=1).astype(x.dtype)
    raise KError("type")


@keyword("mcount", 2, infix=True)
@_columnwise
def mcount(n, x):
    """n mcount x  count of non-null items among the last n."""
    w = _window(x, _int(n))
    return (~np.isnan(w)).sum(axis=1).astype(np.int64)


@keyword("mavg", 2, infix=True)
@_columnwise
def mavg(n, x):
    """n mavg x  averages of the last n items (nulls ignored)."""
    w = _window(x, _int(n))
    return _window_stats(w)[0] if w.size else np.empty(0)


@keyword("mmax", 2, infix=True)
@_columnwise
def mmax(n, x):
    """n mmax x  maximums of the last n items."""
    k = _int(n)
    its = V.items(x)
    return V.collapse([max_(x[max(0, i - k + 1):i + 1]) for i in range(len(its))]) if its else x


@keyword("mmin", 2, infix=True)
@_columnwise
def mmin(n, x):
    """n mmin x  minimums of the last n items (a null is the smallest)."""
    k = _int(n)
    its = V.items(x)
    if type(x) is np.ndarray and qtype(x) in (8, 9):
        return V.collapse([V.SCALAR[qtype(x)](np.nan) if np.isnan(x[max(0, i - k + 1):i + 1]).any()
                           else x[max(0, i - k + 1):i + 1].min() for i in range(len(its))]) if its else x
    if type(x) is np.ndarray and qtype(x) in (4, 5, 6, 7):
        return np.array([x[max(0, i - k + 1):i + 1].min() for i in range(len(its))], dtype=x.dtype)
    return V.collapse([min_(x[max(0, i - k + 1):i + 1]) for i in range(len(its))]) if its else x


@keyword("mdev", 2, infix=True)
@_columnwise
def mdev(n, x):
    """n mdev x  standard deviations of the last n items."""
    w = _window(x, _int(n))
    return _window_stats(w)[1] if w.size else np.empty(0)


@keyword("avgs")
@_columnwise
def avgs(x):
    """avgs x  running averages."""
    a = _floats(x)
    ok = ~np.isnan(a)
    with np.errstate(all="ignore"):
        return np.cumsum(np.where(ok, a, 0)) / np.cumsum(ok)


@keyword("cov", 2, infix=True)
def cov(x, y):
    """x cov y  covariance."""
    a, b = _floats(x), _floats(y)
    if len(a) != len(b):
        raise KError("length")
    return np.float64(np.mean(a * b) - np.mean(a) * np.mean(b))


@keyword("scov", 2, infix=True)
def scov(x, y):
    """x scov y  sample covariance."""
    n = len(_floats(x))
    return np.float64(cov(x, y) * n / (n - 1)) if n > 1 else np.float64("nan")


@keyword("cor", 2, infix=True)
def cor(x, y):
    """x cor y  correlation."""
    return np.float64(cov(x, y) / (float(dev(x)) * float(dev(y))))


@keyword("rank")
def rank(x):
    """rank x  the position each item would have in the sorted list."""
    return iasc(iasc(x))


@keyword("xprev", 2, infix=True)
def xprev(n, x):
    """n xprev x  each item replaced by the one n places before it."""
    from ..funcs import index
    k = _int(n)
    return index(x, np.arange(-k, V.count(x) - k, dtype=np.int64))
