"""Lists: , enlist/join, # count/take, ? distinct/find/roll/deal, _ floor/drop
(the glyph lives here with drop), ^ null/fill; keywords til enlist count last
raze distinct null in except inter union cut sublist rotate floor rand fills
next prev xprev cross attr.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype
from .arith import _floor, first
from .atomic import INTLIKE, _RANK, _hk, _int, _keyed2, _scan, _wrap, atomic1, atomic2, to_type
from ..match import find, krank, match  # noqa: F401  (find is the engine of ?)
from .registry import dyad, keyword, monad, takes_interp, triad


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
    if (tx == 99 and ty < 0) or (ty == 99 and tx < 0):
        raise KError("type")      # an atom and a dictionary do not join
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
            return _cat(V.enlist(x), V.enlist(y))
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
# find

@dyad("?")
@takes_interp
def query(interp, x, y):
    """x?y  find; n?m roll; -n?m deal; n?list random items."""
    tx, ty = qtype(x), qtype(y)
    if tx in (-7, -6, -5) and (ty < 0 or (ty > 0 and ty < 20) or ty == 0):
        if ty in (-7, -6, -5, -9, -8, -1, -4, -11, -10) or ty >= 0:
            return roll(interp, x, y)
    return find(x, y)


@triad("?")
def vcond(b, x, y):
    """?[b;x;y]  vector conditional: x where b is true, y where it is false."""
    if qtype(b) != 1 and qtype(b) != -1:
        raise KError("type")
    if qtype(b) == -1:
        return x if b else y
    n = len(b)
    for v in (x, y):
        if qtype(v) >= 0 and (V.count(v) != n or qtype(v) >= 98):
            raise KError("length" if qtype(v) < 98 else "type")
    tx, ty = qtype(x), qtype(y)
    if abs(tx) == abs(ty) and 0 < abs(tx) < 20 and abs(tx) != 11:
        xa = np.asarray(x)
        return np.where(b, xa, np.asarray(y)).astype(xa.dtype)
    xs = V.items(x) if tx >= 0 else [x] * n
    ys = V.items(y) if ty >= 0 else [y] * n
    return V.collapse([xi if bi else yi for bi, xi, yi in zip(b.tolist(), xs, ys)])


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
            # the null of a general list is the empty list: 4#() is (();();();())
            V.check_size(abs(n), V.OBJSIZE)
            return [[] for _ in range(abs(n))]
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
            if -n <= cnt:
                idx = np.arange(cnt + n, cnt) % cnt
            else:
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
    if tx == -11 and x in ("s", "u", "p", "g"):
        return _attribute(x, y)
    if tx == 11 or tx == -11:
        keys = V.enlist(x) if tx == -11 else x
        if ty == 98:
            return KTable(list(keys), [y.col(k) for k in keys])
        if ty == 99:
            if V.is_keyed(y):
                raise KError("type")
            from ..funcs import index
            return KDict(keys, index(y, keys))
    if ty == 99 and (tx == 0 or tx > 0):
        from ..funcs import index
        return KDict(x, index(y, x))
    raise KError("type")


def _attribute(a, y):
    """`s#y `u#y `p#y `g#y: attributes are not kept (attr answers `), but
    `s# checks order and `u# uniqueness as q does, and `s# makes a
    dictionary a step function."""
    ty = qtype(y)
    if ty < 0 or ty >= 100:
        raise KError("type")
    v = y.keys if ty == 99 else y
    if isinstance(v, KTable) or ty == 98:
        return y
    if a == "s" and V.count(v) > 1:
        # general lists are taken as given
        if type(v) is np.ndarray and not bool(np.all(v[1:] >= v[:-1])):
            raise KError("s-fail")
    if a == "u" and V.count(v) != V.count(distinct(v)):
        raise KError("u-fail")
    if a == "s" and ty == 99:
        return V.StepDict(y.keys, y.values)
    return y


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
    if tx == 11 and ty == 98:      # a symbol atom does not drop a column: 'type, as q
        ks = set(V.items(x))
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
        from .atomic import _dict2
        return _dict2(lambda a, b: fill(a, b), x, y, tx, ty)
    return _fill(x, y)


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
        return V.null_item(x)
    return V.item(x, len(x) - 1)


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


@keyword("null")
def null(x):
    """null x  1b where x is null (atomic); null(::) is 1b, a function 0b."""
    if x is None:
        return np.True_
    t = qtype(x)
    if t >= 100:
        return np.False_
    if t == 0:
        return V.collapse([null(v) for v in x]) if x else _null(x)
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
    elif a in V.TEMPORAL:
        r = arr.view("i8") == V.NJ
    else:
        r = np.zeros(arr.shape, dtype=bool)
    return np.bool_(r) if t < 0 else np.asarray(r, dtype=bool)


monad("^")(null)


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
        from .compare import equal
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


@keyword("floor")
def floor(x):
    """floor x  greatest integer not above x (a long)."""
    return _floor(x)


monad("_")(floor)


@keyword("rand")
@takes_interp
def rand(interp, x):
    """rand x  a random item of a list, or a random number below an atom."""
    return first(roll(interp, np.int64(1), x))


def roll(interp, x, y):
    """n?y  n random picks (roll) from til y or list y; -n?y deals (no repeats)."""
    n = int(x)
    ty = qtype(y)
    g = interp.rng
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


@keyword("fills")
def fills(x):
    """fills x  nulls replaced by the preceding non-null."""
    return _scan(lambda a, b: fill(a, b), x)


@keyword("next")
def next_(x):
    """next x  each item replaced by its successor."""
    from ..funcs import index
    return index(x, np.arange(1, V.count(x) + 1, dtype=np.int64))


@keyword("prev")
def prev(x, *y):
    """prev x  each item replaced by its predecessor; prev[s;x] starts with s."""
    from ..funcs import index
    if y:
        if len(y) > 1:
            raise KError("rank")
        s, x = x, y[0]
        if qtype(x) <= 0 or qtype(x) >= 98:
            raise KError("type")
        return join(s, index(x, np.arange(0, V.count(x) - 1, dtype=np.int64)))
    return index(x, np.arange(-1, V.count(x) - 1, dtype=np.int64))


def _bin_search(x, y, side):
    tx, ty = qtype(x), qtype(y)
    if tx <= 0 or tx >= 20 or ty == 0 or abs(ty) >= 20:
        raise KError("type")
    if (tx in (10, 11)) != (abs(ty) in (10, 11)) or (tx == 11) != (abs(ty) == 11):
        raise KError("type")
    xs, ys = x, np.asarray(y)
    if tx == 1:
        xs = x.astype(np.int8)
        ys = ys.astype(np.int8)
    r = np.searchsorted(xs, ys, side=side)
    if side == "right":
        r = r - 1
    r = np.asarray(r, dtype=np.int64)
    return r if ty > 0 else np.int64(r[()])


@keyword("bin", 2, infix=True)
def bin_(x, y):
    """x bin y  for sorted x, the index of the last item of x not above y
    (-1 if y is below them all)."""
    return _bin_search(x, y, "right")


@keyword("binr", 2, infix=True)
def binr(x, y):
    """x binr y  for sorted x, the index of the first item of x not below y
    (count x if y is above them all)."""
    return _bin_search(x, y, "left")


@keyword("cross", 2, infix=True)
def cross(x, y):
    """x cross y  all pairs."""
    V.check_size(V.count(x) * V.count(y), V.OBJSIZE)
    xs = V.items(V.enlist(x) if qtype(x) < 0 else x)
    ys = V.items(V.enlist(y) if qtype(y) < 0 else y)
    return V.collapse([join(a, b) for a in xs for b in ys])


@keyword("attr")
def attr(x):
    """attr x  attributes of x (always ` here)."""
    return ""


@keyword("xprev", 2, infix=True)
def xprev(n, x):
    """n xprev x  each item replaced by the one n places before it."""
    from ..funcs import index
    k = _int(n)
    return index(x, np.arange(-k, V.count(x) - k, dtype=np.int64))
