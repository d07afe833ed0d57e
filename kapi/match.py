"""Value identity and search: ``match`` (the engine of ``~``) and ``find``
(the engine of ``?``), with q's comparison tolerance for floats.

Below the functions layer: indexing a dictionary (:mod:`kapi.funcs`), the
iterators' converge and the verbs all use them.  A function matches another
by its text (:meth:`kapi.values.KFunc.s1`).
"""

import numpy as np

from . import values as V
from .errors import KError
from .text import s1
from .values import KDict, KFunc, qtype

TOL = 2.0 ** -43  # q's comparison tolerance


def _feq(xa, ya):
    xa = np.asarray(xa, dtype=np.float64)
    ya = np.asarray(ya, dtype=np.float64)
    with np.errstate(all="ignore"):
        eq = (xa == ya) | (np.isfinite(xa) & np.isfinite(ya)
                           & (np.abs(xa - ya) <= TOL * np.maximum(np.abs(xa), np.abs(ya))))
    return eq | (np.isnan(xa) & np.isnan(ya))


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
        return x is y or s1(x) == s1(y)
    return x is y


def find(lst, x):
    """lst?x  index of the first occurrence of x in lst (count lst if absent)."""
    tl, tx = qtype(lst), qtype(x)
    if tl == 99:
        keys = V.items(lst.keys)
        vals = V.items(lst.values)
        for k, v in zip(keys, vals):
            if match(v, x):
                return k
        return _null_key(lst.keys)
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
    return V.null_item(keys)
