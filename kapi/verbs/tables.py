"""Tables: flip, cols, keys xkey xcol xcols, xasc xdesc, meta, insert upsert,
ungroup, fby; and group_rows, the grouping qSQL's ``by`` shares (the
interpreter hands it to qSQL).  Building tables from columns is in
:mod:`kapi.tabular`, below the language.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype
from ..tabular import enkey, fill, is_column_value, make_table, take_rows, unkey  # noqa: F401
from .registry import keyword, takes_interp


# --------------------------------------------------------------------------
# helpers

def _symlist(x):
    t = qtype(x)
    if t == -V.S:
        return [x]
    if t == V.S:
        return [str(s) for s in x]
    if t == 0 and not x:
        return []
    raise KError("type")


def _need_columns(t, names):
    """Signal the first of ``names`` that is not a column of table ``t``."""
    for n in names:
        if n not in t.names:
            raise KError(n)


# --------------------------------------------------------------------------
# flip

@keyword("flip")
def flip(x):
    """flip x  transpose: a dict of equal-length columns becomes a table, a
    table its column dict, a list of equal-length lists its transpose."""
    if isinstance(x, KTable):
        return KDict(V.syms(x.names), list(x.cols))
    if isinstance(x, KDict):
        if isinstance(x.keys, KTable):
            raise KError("nyi")
        if qtype(x.keys) != V.S:
            raise KError("type")
        vals = V.items(x.values) if not isinstance(x.values, KTable) else [x.values]
        if type(x.values) is np.ndarray:
            raise KError("rank")
        lens = {len(v) for v in vals if is_column_value(v)}
        if len(lens) > 1:
            raise KError("length")
        if not lens:
            raise KError("rank")
        n = lens.pop()
        return KTable([str(k) for k in x.keys],
                      [v if is_column_value(v) else fill(v, n) for v in vals])
    t = qtype(x)
    if t == 0:
        if not x:
            return x
        lens = {V.count(v) for v in x if is_column_value(v)}
        if len(lens) > 1:
            raise KError("length")
        if not lens:
            return x
        n = lens.pop()
        V.check_size(n, V.OBJSIZE)
        rows = [V.items(v) if is_column_value(v) else [v] * n for v in x]
        return [V.collapse([r[j] for r in rows]) for j in range(n)]
    return x


# --------------------------------------------------------------------------
# column names, keys

@keyword("cols")
def cols(x):
    """cols t  the column names of a table or keyed table (symbol vector)."""
    if isinstance(x, KTable):
        return V.syms(x.names)
    if V.is_keyed(x):
        return V.syms(x.keys.names + x.values.names)
    if isinstance(x, KDict):
        return x.keys
    raise KError("type")


@keyword("keys")
def keys(x):
    """keys t  the key column names of a keyed table (empty for a table)."""
    if V.is_keyed(x):
        return V.syms(x.keys.names)
    if isinstance(x, KTable):
        return V.syms([])
    raise KError("type")


@keyword("xkey", 2, infix=True)
def xkey(x, y):
    """x xkey t  key table t by the columns x."""
    names = _symlist(x)
    t = unkey(y)
    if not isinstance(t, KTable):
        raise KError("type")
    _need_columns(t, names)
    if not names:
        return t
    rest = [n for n in t.names if n not in names]
    return KDict(KTable(names, [t.col(n) for n in names]),
                 KTable(rest, [t.col(n) for n in rest]))


@keyword("xcol", 2, infix=True)
def xcol(x, y):
    """x xcol t  rename the first columns of t to the names x."""
    names = _symlist(x)
    keyed = V.is_keyed(y)
    t = unkey(y)
    if not isinstance(t, KTable):
        raise KError("type")
    if len(names) > len(t.names):
        raise KError("length")
    new = names + list(t.names[len(names):])
    r = KTable(new, t.cols)
    return enkey(len(y.keys.names), r) if keyed else r


@keyword("xcols", 2, infix=True)
def xcols(x, y):
    """x xcols t  reorder the columns of t so that x come first."""
    names = _symlist(x)
    if not isinstance(y, KTable):
        raise KError("type")
    _need_columns(y, names)
    order = names + [n for n in y.names if n not in names]
    return KTable(order, [y.col(n) for n in order])


# --------------------------------------------------------------------------
# sorting

def _sort_key_vec(c):
    """Per-row sort keys of a column as an array usable by np.lexsort, or None."""
    t = qtype(c)
    if t in (V.B, V.X, V.H, V.I, V.J):
        return c.astype(np.int64)
    if t in (V.E, V.F):
        f = c.astype(np.float64)
        # nulls sort first
        return np.where(np.isnan(f), -np.inf, f), np.isnan(f)
    if t == V.C:
        return c.view(np.uint8).astype(np.int64)
    if t in V.TEMPORAL:
        return c.view(np.int64)        # nulls (NaT, int64 min) first
    if t == V.S:
        u, inv = np.unique(c.astype(str) if len(c) else np.array([], dtype=str), return_inverse=True)
        return inv.astype(np.int64)
    return None


def order(cols_, desc=False):
    """Stable order of rows by several columns (first is the major key)."""
    n = V.count(cols_[0]) if cols_ else 0
    keys = []
    for c in reversed(cols_):
        k = _sort_key_vec(c)
        if k is None:
            # general list: rank the items through Python comparison
            its = V.items(c)
            ranks = _rank_items(its)
            keys.append(ranks)
        elif isinstance(k, tuple):
            keys.append(k[0])
            keys.append(np.where(k[1], 0, 1))
        else:
            keys.append(k)
    if not keys:
        return np.arange(n)
    if desc:
        # stable descending: reverse, sort ascending on negated ranks
        keys = [_desc_rank(k) for k in keys]
    return np.lexsort(keys) if len(keys) > 1 else np.argsort(keys[0], kind="stable")


def _desc_rank(k):
    u, inv = np.unique(k, return_inverse=True)
    return (len(u) - 1 - inv).astype(np.int64)


def _pykey(v):
    t = qtype(v)
    if t < 0:
        if t == -V.C:
            return (0, bytes(v))
        if t == -V.S:
            return (0, str(v))
        f = float(v) if t in (-V.E, -V.F) else int(v)
        if f != f:
            f = -float("inf")
        return (0, f)
    if t in (V.C,):
        return (1, v.tobytes())
    if 0 < t < 20:
        return (1, tuple(_pykey(i) for i in V.items(v)))
    if t == 0:
        return (1, tuple(_pykey(i) for i in v))
    return (2, id(v))


def _rank_items(its):
    keyed = sorted(range(len(its)), key=lambda i: _pykey(its[i]))
    ranks = np.empty(len(its), dtype=np.int64)
    prev = object()
    r = -1
    for i in keyed:
        k = _pykey(its[i])
        if k != prev:
            r += 1
            prev = k
        ranks[i] = r
    return ranks


def _xsort(x, y, desc):
    names = _symlist(x)
    keyed = V.is_keyed(y)
    t = unkey(y)
    if not isinstance(t, KTable):
        raise KError("type")
    _need_columns(t, names)
    idx = order([t.col(n) for n in names], desc)
    r = KTable(t.names, [take_rows(c, idx) for c in t.cols])
    return enkey(len(y.keys.names), r) if keyed else r


@keyword("xasc", 2, infix=True)
def xasc(x, y):
    """x xasc t  sort table t ascending by the columns x."""
    return _xsort(x, y, False)


@keyword("xdesc", 2, infix=True)
def xdesc(x, y):
    """x xdesc t  sort table t descending by the columns x."""
    return _xsort(x, y, True)


# --------------------------------------------------------------------------
# meta

@keyword("meta")
def meta(x):
    """meta t  column names, types, foreign keys and attributes of a table."""
    t = unkey(x)
    if not isinstance(t, KTable):
        raise KError("type")
    types = []
    for c in t.cols:
        q = qtype(c)
        if q == 0:
            q0 = {qtype(i) for i in c}
            if len(q0) == 1 and 0 < next(iter(q0)) < 20:
                types.append(V.CHARS[next(iter(q0))].upper().encode())
            else:
                types.append(b" ")
        else:
            types.append(V.CHARS[q].encode())
    k = KTable(["c"], [V.syms(t.names)])
    v = KTable(["t", "f", "a"], [np.array(types, dtype="S1"), V.syms([""] * len(t.names)),
                                 V.syms([""] * len(t.names))])
    return KDict(k, v)


# --------------------------------------------------------------------------
# insert / upsert

def _row_table(t, y):
    """Rows y (a table, a dict row, or a list of column values) in the shape of t."""
    if isinstance(y, KTable):
        return y
    if isinstance(y, KDict) and not V.is_keyed(y):
        return V.enlist(y)
    if V.is_keyed(y):
        return unkey(y)
    its = V.items(y) if V.is_list(y) else [y]
    if len(its) != len(t.names):
        raise KError("length")
    lens = {len(v) for v in its if is_column_value(v) and not (qtype(v) == V.C and
                                                                 qtype(t.cols[0]) == 0)}
    if all(V.qtype(v) < 0 for v in its):
        cols_ = [V.enlist(v) for v in its]
    else:
        n = max(lens) if lens else 1
        cols_ = [v if is_column_value(v) else fill(v, n) for v in its]
    return KTable(t.names, cols_)


def _append(t, r):
    from .lists import join
    if r.names != t.names:
        if set(r.names) == set(t.names):
            r = KTable(t.names, [r.col(n) for n in t.names])
        else:
            raise KError("mismatch")
    cols_ = []
    for a, b in zip(t.cols, r.cols):
        ta, tb = qtype(a), qtype(b)
        if ta > 0 and tb > 0 and ta != tb and len(a):
            raise KError("type")
        cols_.append(join(a, b) if len(a) else b)
    return KTable(t.names, cols_)


def _resolve(x, interp):
    if qtype(x) == -V.S:
        if interp is None:
            raise KError(x)
        return interp.lookup(x), True
    return x, False


def _row_keys(t, nk):
    from .atomic import _hk
    return [tuple(_hk(V.item(c, i)) for c in t.cols[:nk]) for i in range(len(t))]


def _insert(ip, x, y):
    """`t insert rows  append rows to the global table t; returns the new row indices."""
    t, named = _resolve(x, ip)
    if not named:
        raise KError("type")
    keyed = V.is_keyed(t)
    base = unkey(t)
    if not isinstance(base, KTable):
        raise KError("type")
    r = _row_table(base, y)
    n0 = len(base)
    if keyed:
        nk = len(t.keys.names)
        old = set(_row_keys(base, nk))
        for k in _row_keys(r, nk):
            if k in old:
                raise KError("insert")
        new = enkey(nk, _append(base, r))
    else:
        new = _append(base, r)
    ip.assign(x, new)
    return np.arange(n0, n0 + len(r), dtype=np.int64)


def _upsert(ip, x, y):
    """t upsert rows  append rows (a keyed table updates matching keys); with
    a symbol t, amends the global and returns the name."""
    t, named = _resolve(x, ip)
    r = upsert_value(t, y)
    if named:
        ip.assign(x, r)
        return x
    return r


def upsert_value(t, y):
    if V.is_keyed(t):
        nk = len(t.keys.names)
        base = unkey(t)
        r = _row_table(base, y)
        if r.names != base.names:
            r = KTable(base.names, [r.col(n) for n in base.names])
        pos = {k: i for i, k in enumerate(_row_keys(base, nk))}
        cols_ = [list(V.items(c)) for c in base.cols]
        for i, k in enumerate(_row_keys(r, nk)):
            j = pos.get(k)
            if j is None:
                pos[k] = len(cols_[0]) if cols_ else 0
                for c, rc in zip(cols_, r.cols):
                    c.append(V.item(rc, i))
            else:
                for c, rc in zip(cols_, r.cols):
                    c[j] = V.item(rc, i)
        out = [orig[:0] if not c and type(orig) is np.ndarray else V.collapse(c)
               for c, orig in zip(cols_, base.cols)]
        return enkey(nk, KTable(base.names, out))
    if isinstance(t, KTable):
        return _append(t, _row_table(t, y))
    if isinstance(t, KDict):
        from .lists import join
        return join(t, y)
    raise KError("type")


@keyword("insert", 2, infix=True)
@takes_interp
def insert(interp, x, y):
    """`t insert rows  append rows to the global table t; returns the new row indices."""
    return _insert(interp, x, y)


@keyword("upsert", 2, infix=True)
@takes_interp
def upsert(interp, x, y):
    """t upsert rows  append rows (a keyed table updates matching keys); with
    a symbol t, amends the global and returns the name."""
    return _upsert(interp if qtype(x) == -V.S else None, x, y)


# --------------------------------------------------------------------------
# ungroup

@keyword("ungroup")
def ungroup(x):
    """ungroup t  flatten a table whose columns hold lists (inverse of select by)."""
    t = unkey(x)
    if not isinstance(t, KTable):
        raise KError("type")
    nested = [k for k, c in enumerate(t.cols) if qtype(c) == 0 and all(V.is_list(v) for v in c)]
    if not nested:
        return t
    counts = [len(v) for v in t.cols[nested[0]]]
    for k in nested:
        if [len(v) for v in t.cols[k]] != counts:
            raise KError("length")
    rep = np.repeat(np.arange(len(t)), counts)
    cols_ = []
    for k, c in enumerate(t.cols):
        if k in nested:
            its = []
            for v in c:
                its.extend(V.items(v))
            cols_.append(V.collapse(its) if its else c[:0])
        else:
            cols_.append(take_rows(c, rep))
    return KTable(t.names, cols_)


# --------------------------------------------------------------------------
# fby

@keyword("fby", 2, infix=True)
def fby(x, y):
    """(f;c) fby g  apply aggregate f to column c within the groups of g,
    the result extended back to every row (for where phrases)."""
    from ..funcs import apply1
    if qtype(x) != 0 or len(x) != 2:
        raise KError("type")
    f, c = x
    if V.count(c) != V.count(y):
        raise KError("length")
    groups = group_rows([y] if not isinstance(y, KTable) else y.cols, V.count(y))
    n = V.count(y)
    out = [None] * n
    for rows in groups:
        v = apply1(f, take_rows(c, rows))
        for r in rows.tolist():
            out[r] = v
    return V.collapse(out)


# --------------------------------------------------------------------------
# grouping (shared with qsql)

def _codes(col, n):
    """(codes, sortable) for one grouping column: equal items get equal int
    codes, and codes ascend with the items where q's order is known."""
    from .atomic import _hk
    t = qtype(col)
    if t < 0 or not is_column_value(col):
        return np.zeros(n, dtype=np.int64)
    if len(col) != n:
        raise KError("length")
    if t in (V.B, V.X, V.H, V.I, V.J, V.C):
        a = col.view(np.uint8) if t == V.C else col
        _, inv = np.unique(a, return_inverse=True)
        return inv.astype(np.int64).reshape(-1)
    if t in (V.E, V.F):
        f = col.astype(np.float64)
        nan = np.isnan(f)
        _, inv = np.unique(np.where(nan, 0.0, f), return_inverse=True)
        inv = inv.reshape(-1) + 1
        return np.where(nan, 0, inv).astype(np.int64)
    if t == V.S:
        _, inv = np.unique(col.astype(str), return_inverse=True)
        return inv.astype(np.int64).reshape(-1)
    its = V.items(col)
    hk = [_hk(v) for v in its]
    first = {}
    for i, h in enumerate(hk):
        first.setdefault(h, i)
    reps = list(first.items())
    try:
        reps.sort(key=lambda p: _pykey(its[p[1]]))
    except TypeError:
        pass
    code = {h: k for k, (h, _) in enumerate(reps)}
    return np.array([code[h] for h in hk], dtype=np.int64)


def group_rows(cols_, n, sort=True):
    """Row-index arrays of the groups of equal key tuples across cols_,
    ordered ascending by key (or by first appearance when sort is False)."""
    if n == 0:
        return []
    codes = [_codes(c, n) for c in cols_]
    if not codes:
        return [np.arange(n)]
    if len(codes) == 1:
        comb = codes[0]
    else:
        mat = np.stack(codes, axis=1)
        _, comb = np.unique(mat, axis=0, return_inverse=True)
        comb = comb.reshape(-1)
    order_ = np.argsort(comb, kind="stable")
    sc = comb[order_]
    cuts = np.flatnonzero(np.diff(sc)) + 1
    groups = np.split(order_, cuts)
    if not sort:
        groups.sort(key=lambda g: g[0])
    return groups
