"""Shared machinery of the verb families: atomic extension over lists, dicts and
tables (atomic1, atomic2), type promotion (to_type), small integer helpers.
No verbs.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype

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
            r = _float_to_int(a, dst)
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
    op.__module__ = fn.__module__   # the family defining the verb, not this module
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
                vals.append(op(V.null_like(v), v) if cmp else v)
                seen.add(len(keys) - 1)
            else:
                vals[i] = op(vals[i], v)
                seen.add(i)
        if cmp:
            for i in range(len(kx)):
                if i not in seen:
                    vals[i] = op(vals[i], V.null_like(vals[i]))
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
        if k.dtype.kind in "mM":      # temporal: the unit tells the type
            return (k.dtype.str, int(np.asarray(k).view("i8")))
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
    op.__module__ = fn.__module__
    return op


def _wrap(r, t, atom):
    """Numpy result back to a k value of type t."""
    if atom:
        return V.SCALAR[t](r) if t in V.SCALAR else r
    return np.asarray(r, dtype=V.DTYPE[t])


INTLIKE = (-7, -6, -5, -4, -1)


def _int(x):
    if qtype(x) not in INTLIKE:
        raise KError("type")
    return int(x)


def _floats(x):
    t = qtype(x)
    if t in (1, 4, 5, 6, 7, 8, 9):
        return to_type(x, t, 9)
    raise KError("type")


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
