"""Aggregates, running and moving verbs: sum prd max min avg var dev svar
sdev med all any wavg wsum cov scov cor; sums prds maxs mins deltas ratios
avgs; msum mcount mavg mmax mmin mdev.
"""

import math

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype
from .arith import add, divide, mul, sub
from .atomic import _RANK, _floats, _int, _scan, to_type
from .compare import greater, lesser
from .lists import null
from .registry import keyword


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


def _tminmax(x, t, biggest):
    """max/min of a temporal vector: nulls skipped; -0W/0W when there are none."""
    a = x.view("i8")
    a = a[a != V.NJ]
    if not len(a):
        return V.inf_of(t) if not biggest else np.array([-V.INF_INT[7]], "i8").view(V.DTYPE[t])[0]
    return np.array([a.max() if biggest else a.min()], "i8").view(V.DTYPE[t])[0]


@keyword("sum")
@aggregate
def sum_(x):
    """sum x  total of the items (nulls count as 0)."""
    t = qtype(x)
    if t in V.TEMPORAL:
        if t in (V.P, V.M, V.D, V.Z):
            raise KError("type")
        a = x.view("i8")
        return np.array([a[a != V.NJ].sum()], "i8").view(V.DTYPE[t])[0]
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
    if t in V.TEMPORAL:
        return _tminmax(x, t, True)
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
    if t in V.TEMPORAL:
        return _tminmax(x, t, False)
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


@keyword("avg")
@aggregate
def avg(x):
    """avg x  arithmetic mean (a float; nulls ignored)."""
    t = qtype(x)
    if t == 99:
        return avg(x.values)
    if t == 98:
        return KDict(V.syms(x.names), V.collapse([avg(c) for c in x.cols]))
    if t in V.TEMPORAL or -t in V.TEMPORAL:
        from .. import temporal
        x = temporal.as_float(x, abs(t))      # the mean of q's values, a float
        if t < 0:
            return np.float64(x)
        t = 9
    if t < 0:
        return to_type(x, -t, 9) if -t in _RANK else _raise()
    if t == 0:
        if not x:
            return np.float64("nan")
        if all(-qtype(v) in _RANK for v in x):       # numeric atoms: as a vector, nulls skipped
            return avg(np.array([to_type(v, -qtype(v), 9) for v in x], dtype=np.float64))
        return divide(sum_(x), np.int64(len(x)))     # lists: item-wise, nulls kept (q)
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


def _pairwise(its, op, head):
    """head, then op(b, a) of each item b and its predecessor a."""
    return V.collapse([head] + [op(b, a) for a, b in zip(its, its[1:])])


def _consecutive(x, op, first=lambda a: a):
    """_pairwise over x's items, headed by first(x[0]); a dict's values; an
    atom or an empty list as it is."""
    t = qtype(x)
    if t == 99:
        return KDict(x.keys, _consecutive(x.values, op, first))
    its = V.items(x) if t >= 0 else []
    return _pairwise(its, op, first(its[0])) if its else x


@keyword("deltas")
def deltas(x, *seed):
    """deltas x  differences between consecutive items (first item kept);
    deltas[s;x] subtracts s from the first."""
    if seed:
        x, s = seed[0], x
        its = V.items(x)
        return _pairwise(its, sub, sub(its[0], s)) if its else x
    return _consecutive(x, sub)


def _as_float(a):
    return to_type(a, -qtype(a), 9) if qtype(a) in (-5, -6, -7, -1, -4) else a


@keyword("ratios")
def ratios(x):
    """ratios x  ratios of consecutive items (first item kept)."""
    return _consecutive(x, divide, _as_float)


def _bools(x):
    """x != 0 item by item, as booleans (chars by their code); symbols 'type."""
    t = qtype(x)
    if t in (11, -11) or t >= 20:
        raise KError("type")
    if t == 0:
        return V.collapse([_bools(v) for v in x])
    if t == 10:
        return x.view(np.uint8) != 0
    if t == -10:
        return np.bool_(x != b"\x00")
    return np.bool_(x != 0) if t < 0 else np.asarray(x != 0)


def _truth(x, fold, every):
    """all/any: ``every`` of x's items as booleans; over a list that holds
    lists, ``fold`` of the items (item-wise, as q: all (101b;111b) is 101b)."""
    t = qtype(x)
    if t == 99:
        return _truth(x.values, fold, every)
    if t == 0 and x and any(qtype(v) >= 0 for v in x):
        r = _bools(x[0])
        for v in x[1:]:
            r = fold(r, _bools(v))
        return r
    b = _bools(x)
    if t < 0:
        return b
    return np.bool_(every(b) if t == 0 else every(np.asarray(b)))


@keyword("all")
@aggregate
def all_(x):
    """all x  1b if every item is non-zero; over a list of lists, item-wise."""
    return _truth(x, lesser, lambda b: all(bool(v) for v in b) if type(b) is list else b.all())


@keyword("any")
@aggregate
def any_(x):
    """any x  1b if some item is non-zero; over a list of lists, item-wise."""
    return _truth(x, greater, lambda b: any(bool(v) for v in b) if type(b) is list else b.any())


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
