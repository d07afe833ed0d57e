"""Apply, index, amend and trap: @ type/apply and . value/apply in all their
ranks (triadic and tetradic amend); keywords type value.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..funcs import ELIDED as ELIDED_, Prim, _handle, apply1, call, index, index_depth
from ..values import KDict, KFunc, KTable, qtype
from .registry import dyad, keyword, monad, takes_interp, tetrad, triad


@keyword("value")
@takes_interp
def value(interp, x):
    """value x  values of a dict; value "text" evaluates q; value of a symbol is the global."""
    t = qtype(x)
    if t == 99:
        return x.values
    if t == 10 or t == -10:
        it = interp
        return it.eval(V.pystr(x))
    if t == -11:
        return interp.lookup(x)     # in the current context, or .ns.x (kapi.namespace)
    if t == 11 and len(x):
        from ..funcs import call
        f = str(x[0])
        f = interp.lookup(f) if "." in f else f     # `.`b: b of the root
        return call(f, [str(s) for s in x[1:]], interp)
    if t == 0 and x and isinstance(x[0], KFunc):
        from ..funcs import call
        return call(x[0], list(x[1:]))
    if t == 0 and x and qtype(x[0]) == -11:
        from ..funcs import call
        return call(x[0], list(x[1:]), interp)     # the function the symbol names
    if t == 0 and x and qtype(x[0]) == 10:
        from ..funcs import call
        return call(value(interp, x[0]), list(x[1:]), interp)
    if t == 100:
        # (bytecode;parameters;locals;(namespace;globals);source), as q shows a lambda's parts
        return [np.zeros(1, dtype=np.uint8), V.syms(x.params), V.syms(x.locals),
                V.syms([x.context]), V.string(x.source)]
    if t == 104:
        args = list(x.args)
        while args and args[-1] is ELIDED_:
            args.pop()
        return [x.f] + [None if a is ELIDED_ else a for a in args]
    if 106 <= t <= 111:
        return x.f
    return x


monad(".")(value)


@keyword("type")
def type_(x):
    """type x  the type number of x as a short: negative for atoms."""
    return np.int16(qtype(x))


monad("@")(type_)


@dyad("@")
@takes_interp
def at(interp, f, x):
    """f@x  apply f to x, or index f at x."""
    return apply1(f, x, interp)


@dyad(".")
@takes_interp
def dot_(interp, f, x):
    """f . args  apply f to the list args, or index f at depth."""
    if _handle(f) and qtype(x) >= 0 and V.count(x) == 1:
        return call(f, list(V.items(x)), interp)     # -1 . enlist "text" writes to interp's output
    return dot(f, x)


def dot(f, x):
    t = qtype(x)
    if t < 0 and t != -11:
        if isinstance(f, KFunc):
            raise KError("type")
        return index(f, x)
    if x is None:
        return f
    if isinstance(f, KFunc):
        return call(f, list(V.items(x)) if not isinstance(x, KDict) else [x])
    return index_depth(f, list(V.items(x)))


def _err_text(e):
    return V.string(e.name)


@triad("@")
@takes_interp
def at3(interp, x, i, f):
    """@[f;x;h] trap: h (or h of the error text) if f x fails; @[x;i;f] amend."""
    if isinstance(x, KFunc) or (x is None):
        try:
            return apply1(x, i)
        except KError as e:
            return apply1(f, _err_text(e)) if isinstance(f, KFunc) else f
    if i is None and qtype(x) >= 0:
        raise KError("type")
    if qtype(x) == -11:
        return _amend_global(interp, x, [i], f, None, True)
    return amend_depth(x, [i], f, None, unary=True)


@triad(".")
@takes_interp
def dot3(interp, x, i, f):
    """.[f;args;h] trap; .[x;path;f] amend at depth."""
    if isinstance(x, KFunc):
        try:
            return dot(x, i)
        except KError as e:
            return apply1(f, _err_text(e)) if isinstance(f, KFunc) else f
    path = list(V.items(i)) if qtype(i) >= 0 else [i]
    if qtype(x) == -11:
        return _amend_global(interp, x, path, f, None, True)
    return amend_depth(x, path, f, None, unary=True)


@tetrad("@")
@takes_interp
def at4(interp, x, i, f, y):
    """@[x;i;f;y]  amend items i of x with f[x i;y]."""
    if qtype(x) == -11:
        return _amend_global(interp, x, [i], f, y, False)
    return amend_depth(x, [i], f, y)


@tetrad(".")
@takes_interp
def dot4(interp, x, i, f, y):
    """.[x;path;f;y]  amend at depth."""
    path = list(V.items(i)) if qtype(i) >= 0 else [i]
    if qtype(x) == -11:
        return _amend_global(interp, x, path, f, y, False)
    return amend_depth(x, path, f, y)


def _amend_global(interp, name, path, f, y, unary):
    """@[`x;..] / .[`x;..]: amend the global x by name; returns `x. The new
    value is computed first, so a failing amend leaves x as it was."""
    it = interp
    if name.startswith(":"):
        raise KError("nyi")
    if name in it.reserved:
        raise KError("assign")
    cur = it.lookup(name)
    it.assign(name, amend_depth(cur, path, f, y, unary))
    return name


def _apply_op(f, cur, y, unary):
    if unary:
        return apply1(f, cur)
    if f is None or (isinstance(f, Prim) and f.glyph == ":"):
        return y
    return call(f, [cur, y])


def amend_depth(x, path, f, y, unary=False):
    """A copy of x with the items at the index path replaced by f[x path;y]
    (f None: by y). Used by x[i]:y, x[i]+:y, @[..] and .[..]."""
    if isinstance(f, Prim) and f.glyph == ":" and not unary:
        f = None
    return _amend(x, path, f, y, unary, top=True)


def _amend(x, path, f, y, unary, top=False):
    if not path:
        return _apply_op(f, x, y, unary)
    i = path[0]
    rest = path[1:]
    tx = qtype(x)
    if tx == 99:
        return _amend_dict(x, i, rest, f, y, unary)
    if tx == 98:
        return _amend_table(x, i, rest, f, y, unary)
    if tx < 0 or tx >= 100:
        raise KError("type")
    ti = qtype(i)
    n = len(x)
    if ti >= 98 and i is not None:
        raise KError("type")
    if i is None:
        i = np.arange(n, dtype=np.int64)
        ti = 7
    if ti >= 0:
        for j, yj in _index_pairs(i, rest, y, unary):
            x = _amend(x, [j] + rest, f, yj, unary)
        return x
    if ti not in (-7, -6, -5, -4, -1):
        raise KError("type")
    k = int(i)
    if k < 0 or k >= n:
        raise KError("length")
    cur = V.item(x, k)
    new = _amend(cur, rest, f, y, unary)
    return _set_item(x, k, new)


def _index_pairs(i, rest, y, unary):
    """Each index of the list ``i`` with its value: y's items where y is a
    list that pairs with the indices, else y itself each time."""
    idx = V.items(i)
    if not unary and y is not None and 0 <= qtype(y) < 98 and not (rest and qtype(y) < 0):
        if V.count(y) != len(idx):
            raise KError("length")
        return zip(idx, V.items(y))
    return ((j, y) for j in idx)


def _set_item(x, k, new):
    tx = qtype(x)
    if type(x) is np.ndarray:
        tn = qtype(new)
        if tn != -tx:
            raise KError("type")
        out = x.copy()
        out[k] = new
        return out
    out = list(x)
    out[k] = new
    return V.collapse(out)


def _amend_dict(d, i, rest, f, y, unary):
    if V.is_keyed(d):
        raise KError("nyi")
    ti = qtype(i)
    if ti >= 100:
        raise KError("type")
    keys = d.keys
    if ti >= 0 and not (qtype(keys) == 0) and i is not None:
        for j, yj in _index_pairs(i, rest, y, unary):
            d = _amend_dict(d, j, rest, f, yj, unary)
        return d
    if i is None:
        return KDict(keys, _amend(d.values, [None] + rest, f, y, unary))
    from .lists import find
    pos = int(find(keys, i))
    n = V.count(keys)
    vals = d.values
    if pos < n:
        cur = V.item(vals, pos) if V.is_list(vals) else index(vals, np.int64(pos))
        new = _amend(cur, rest, f, y, unary)
        # a typed vector of values keeps its type: q's 'type, as for x[i]:v
        return KDict(keys, _set_item(vals, pos, new) if V.is_list(vals) else vals)
    # a new key: upsert
    proto = V.null_like(V.item(vals, 0)) if V.count(vals) else None
    if rest or unary or f is not None:
        new = _amend(proto, rest, f, y, unary) if (rest or unary) else _apply_op(f, proto, y, unary)
    else:
        new = y
    from .lists import join
    nk = join(keys, V.enlist(i) if qtype(i) < 0 else [i])
    if type(vals) is np.ndarray and qtype(new) == -qtype(vals):
        nv = np.concatenate([vals, V.enlist(new)])
    elif type(vals) is np.ndarray and len(vals):
        raise KError("type")           # a typed vector of values keeps its type
    else:
        nv = V.as_list(vals) + [new]
        nv = V.collapse(nv) if len(nv) > 1 else nv
    return KDict(nk, nv)


def _amend_table(t, i, rest, f, y, unary):
    ti = qtype(i)
    if ti == -11:
        names = list(t.names)
        cols = list(t.cols)
        if i in names:
            k = names.index(i)
            cols[k] = _amend(cols[k], rest, f, y, unary) if rest else _apply_op(f, cols[k], y, unary)
        else:
            if rest:
                raise KError("length")
            v = _apply_op(f, None, y, unary)
            names.append(i)
            cols.append(v)
        k = names.index(i)
        if V.is_list(cols[k]) and V.count(cols[k]) != len(t):   # a column of another length
            raise KError("length")
        return KTable(names, cols)
    if ti in (-7, -6, -5):
        row = V.table_row(t, int(i))
        new = _amend(row, rest, f, y, unary)
        if not isinstance(new, KDict):
            raise KError("type")
        cols = []
        for name, c in zip(t.names, t.cols):
            cols.append(_set_item(c, int(i), index(new, name)))
        return KTable(t.names, cols)
    raise KError("type")
