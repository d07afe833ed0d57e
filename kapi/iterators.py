"""The iterators: each ', over /, scan \\, each-prior ':, each-right /:,
each-left \\:.  ``IMPL[glyph](f, args)`` applies the derived function."""

import numpy as np

from . import values as V
from .errors import KError
from .funcs import (Builtin, Prim, Projection, _deref, _elided, _handle, _s1, _write_handle,
                    apply1, call, rank_of)
from .values import KDict, KFunc, KTable, qtype


def _items_for_each(x):
    V.check_size(V.count(x), V.OBJSIZE)      # the items and the results
    t = qtype(x)
    if t == 98:
        return V.items(x)
    return V.items(x)


def _conform(args):
    """Count of the list arguments (they must agree); atoms broadcast."""
    n = None
    for a in args:
        t = qtype(a)
        if (0 <= t < 20) or t == 98 or t == 99:
            c = V.count(a)
            if n is None:
                n = c
            elif c != n:
                raise KError("length")
    return n


def _nth(a, i):
    t = qtype(a)
    if 0 <= t < 20:
        return V.item(a, i)
    if t == 98:
        return V.table_row(a, i)
    if t == 99:
        return V.item(a.values, i) if V.is_list(a.values) else V.items(a.values)[i]
    return a


def case(f, args):
    """int'[a;b;..]: item i from the argument chosen by f[i] (atoms broadcast)."""
    n = _conform(args)
    sel = [int(v) for v in f]
    if n is not None and n != len(sel):
        raise KError("length")
    out = []
    for i, k in enumerate(sel):
        if k < 0 or k >= len(args):
            raise KError("index")
        out.append(_nth(args[k], i))
    return V.collapse(out)


def each(f, args):
    if qtype(f) in (5, 6, 7, 1, 4) and len(args) > 1:
        return case(f, args)
    if len(args) == 1:
        x = args[0]
        t = qtype(x)
        if t < 0 or t >= 100 or x is None:
            return apply1(f, x)
        if t == 99:
            return KDict(x.keys, V.collapse([apply1(f, v) for v in V.items(x.values)]) if V.count(x) else x.values)
        items = _items_for_each(x)
        if not items:
            return x if t != 98 else []
        if isinstance(f, KFunc):
            fc = f.call
            return V.collapse([fc([v]) for v in items])
        return V.collapse([apply1(f, v) for v in items])
    n = _conform(args)
    if n is None:
        return call(f, args)
    d = next((a for a in args if qtype(a) == 99), None)
    out = V.collapse([call(f, [_nth(a, i) for a in args]) for i in range(n)]) if n else []
    if d is not None:
        return KDict(d.keys, out)
    return out


def _each_side(f, args, side):
    """f\\:  (side 0, each item of x with all of y) or f/: (side 1)."""
    if len(args) != 2:
        raise KError("rank")
    v = args[side]

    def app(item):
        pair = [item, args[1]] if side == 0 else [args[0], item]
        return call(f, pair)
    t = qtype(v)
    if t < 0 or t >= 100:
        return call(f, list(args))
    if t == 99:
        return KDict(v.keys, V.collapse([app(i) for i in V.items(v.values)]))
    items = _items_for_each(v)
    if not items:
        return v[:0] if type(v) is np.ndarray else []
    return V.collapse([app(i) for i in items])


def each_left(f, args):
    return _each_side(f, args, 0)


def each_right(f, args):
    return _each_side(f, args, 1)


_IDENTITY = {"+": np.int64(0), "-": np.int64(0), "*": np.int64(1), "%": np.float64(1)}


def each_prior(f, args):
    x = args[-1]
    if qtype(x) == 99 and not V.is_keyed(x):
        return KDict(x.keys, each_prior(f, args[:-1] + [x.values]))
    if len(args) == 1:
        items = V.items(x) if qtype(x) >= 0 else [x]
        if not items:
            return x
        if isinstance(f, Prim):
            seed = _IDENTITY.get(f.glyph)
            first = call(f, [items[0], seed]) if seed is not None else items[0]
        else:
            # the seed is the prototype of the items: first 0#x
            first = call(f, [items[0], V.null_like(items[0])])
        out = [first] + [call(f, [b, a]) for a, b in zip(items, items[1:])]
        return V.collapse(out)
    if len(args) == 2:
        seed, x = args
        items = V.items(x)
        if not items:
            return x
        out = [call(f, [items[0], seed])] + [call(f, [b, a]) for a, b in zip(items, items[1:])]
        return V.collapse(out)
    raise KError("rank")


def _matches(a, b):
    from .match import match
    return match(a, b)


def _unary(f):
    r = rank_of(f)
    return r == 1 or not isinstance(f, KFunc)


def over(f, args):
    return _accumulate(f, args, False)


def scan(f, args):
    return _accumulate(f, args, True)


def _accumulate(f, args, keep):
    n = len(args)
    if (_unary(f) and not (isinstance(f, Prim) and n == 1)) or (
            n == 1 and isinstance(f, Derived) and f.glyph in ("/", "\\")):
        if n == 1:
            return _converge(f, args[0], keep)
        if n == 2:
            c, x = args
            tc = qtype(c)
            if tc in (-7, -6, -5, -4, -1):
                k = int(c)
                out = [x]
                for _ in range(k):
                    x = apply1(f, x)
                    if keep:
                        out.append(x)
                return V.collapse(out) if keep else x
            # while
            out = [x]
            while _truth(apply1(c, x)):
                x = apply1(f, x)
                if keep:
                    out.append(x)
            return V.collapse(out) if keep else x
        raise KError("rank")
    if n == 1:
        x = args[0]
        t = qtype(x)
        if t == 99:
            r = _accumulate(f, [x.values], keep)
            return KDict(x.keys, r) if keep else r
        if t < 0 or t >= 100:
            return x
        items = V.items(x)
        if not items:
            if keep:
                return x
            if isinstance(f, Prim) and f.glyph in _IDENTITY:
                ident = _IDENTITY[f.glyph]
                t = qtype(x)
                if t in (5, 6, 7, 8, 9) and f.glyph != "%":
                    return V.SCALAR[t](ident)
                return ident
            return []
        acc = items[0]
        out = [acc]
        for v in items[1:]:
            acc = call(f, [acc, v])
            if keep:
                out.append(acc)
        return V.collapse(out) if keep else acc
    if n == 2:
        acc, y = args
        t = qtype(y)
        if t == 99:
            r = _accumulate(f, [acc, y.values], keep)
            return KDict(y.keys, r) if keep else r
        if t < 0 or t >= 100:
            r = call(f, [acc, y])
            return V.enlist(r) if keep and qtype(r) < 0 else ([r] if keep else r)
        out = []
        for v in V.items(y):
            acc = call(f, [acc, v])
            if keep:
                out.append(acc)
        return V.collapse(out) if keep else acc
    # rank 3+: fold over several lists in parallel
    acc = args[0]
    rest = args[1:]
    m = _conform(rest)
    if m is None:
        r = call(f, [acc] + rest)
        return [r] if keep else r
    out = []
    for i in range(m):
        acc = call(f, [acc] + [_nth(a, i) for a in rest])
        if keep:
            out.append(acc)
    return V.collapse(out) if keep else acc


def _truth(v):
    t = qtype(v)
    if t >= 0 and t != 101:
        raise KError("type")
    return bool(v) if t != -10 else v != b"\x00"


def _converge(f, x, keep):
    out = [x]
    first = x
    prev = x
    for _ in range(10_000_000):
        nxt = apply1(f, prev)
        if _matches(nxt, prev) or _matches(nxt, first):
            break
        if keep:
            out.append(nxt)
        prev = nxt
    return V.collapse(out) if keep else prev


IMPL = {"'": each, "/": over, "\\": scan, "':": each_prior, "/:": each_right, "\\:": each_left}


class Derived(KFunc):
    """A function derived by an iterator: ``f'`` ``f/`` ``f\\`` ``f':`` ``f/:`` ``f\\:``."""

    __slots__ = ("f", "glyph", "qtype", "impl", "interp")

    def __init__(self, f, glyph, interp=None):
        self.f = f
        self.glyph = glyph
        self.interp = interp        # the interpreter whose q code derived it
        self.qtype = {"'": 106, "/": 107, "\\": 108, "':": 109, "/:": 110, "\\:": 111}[glyph]
        self.impl = IMPL[glyph]

    @property
    def rank(self):
        r = rank_of(self.f)
        if self.glyph in ("/", "\\"):
            return 2 if r == 1 else r
        if self.glyph in ("/:", "\\:", "':"):
            return 2
        return r

    def s1(self, prec=7):
        return _s1(self.f, prec) + self.glyph

    def call(self, args):
        if _elided(args):
            return Projection(self, args)
        if not isinstance(self.f, KFunc) and self.glyph in ("/:", "\\:") and len(args) == 1:
            # x/: is x sv, x\: is x vs (exposed infrastructure)
            return self.interp.keywords["sv" if self.glyph == "/:" else "vs"].call([self.f, args[0]])
        return self.impl(self._applied(), args)

    def _applied(self):
        return applicable(self.f, self.interp)


def applicable(f, interp):
    """f as an iterator applies it for q code of ``interp``: a symbol names a
    global, a handle 1 -1 2 -2 writes to the interpreter's output (as ``f x``
    does); anything else is itself."""
    if interp is None:
        return f
    if type(f) is str and f and not f.startswith(":"):
        return _deref(f, interp)
    h = _handle(f)
    if h:
        return Builtin(str(h), lambda x: _write_handle(h, x, f, interp), 1)
    return f
