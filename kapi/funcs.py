"""Function values and application: primitives, lambdas, projections,
compositions and the iterator-derived functions; `apply` and indexing."""


import sys

import numpy as np

from . import values as V
from .errors import KError
from .text import s1 as _s1
from .match import find, match as _match  # noqa: F401
from .values import null_like, null_item as _null_item  # noqa: F401  (re-exported)
from .values import KDict, KFunc, KTable

ELIDED = object()   # an elided argument f[;x] (also an elided list item)


def _elided(args):
    """True if an argument is elided (a projection); a loop, not any() over
    a generator: this runs on every call of a builtin."""
    for a in args:
        if a is ELIDED:
            return True
    return False


class _Return(Exception):
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


# --------------------------------------------------------------------------
# primitives

def _fs1(f, prec):
    """The text of a function part (a non-function part shows as code)."""
    return f.s1(prec) if isinstance(f, KFunc) else getattr(f, "name", "code")


class Prim(KFunc):
    """A glyph operator: ``+`` ``#`` ``@``...; rank 2, also usable monadically."""

    qtype = 102
    rank = 2
    __slots__ = ("glyph", "monad", "dyad", "triad", "tetrad")

    def __init__(self, glyph, monad=None, dyad=None, triad=None, tetrad=None):
        self.glyph = glyph
        self.monad = monad
        self.dyad = dyad
        self.triad = triad
        self.tetrad = tetrad

    def s1(self, prec=7):
        return self.glyph

    def call(self, args):
        n = len(args)
        if _elided(args):
            return Projection(self, args)
        if n == 2 and self.dyad:
            return self.dyad(args[0], args[1])
        if n == 1:
            if self.dyad is None and self.monad is not None:
                return self.monad(args[0])      # a k unary form (|:) applies
            return Projection(self, args + [ELIDED])
        if n == 3 and self.triad:
            return self.triad(*args)
        if n == 4 and self.tetrad:
            return self.tetrad(*args)
        raise KError("rank")

    def __repr__(self):
        return self.glyph


class Builtin(KFunc):
    """A q keyword implemented in Python (``til``, ``count``, ``in``...).

    Its docstring is the help text users see."""

    __slots__ = ("name", "fn", "rank", "qtype", "infix", "maxrank", "interp")

    def __init__(self, name, fn, rank=1, infix=False, qtype=None):
        import inspect
        self.maxrank = rank
        try:
            if any(p.kind == p.VAR_POSITIONAL for p in inspect.signature(fn).parameters.values()):
                self.maxrank = 8
        except (TypeError, ValueError):
            pass
        self.name = name
        self.fn = fn
        self.rank = rank
        self.infix = infix
        self.qtype = qtype if qtype is not None else (101 if rank == 1 else 102)

    @property
    def __doc__(self):
        return self.fn.__doc__

    def s1(self, prec=7):
        return self.name

    def call(self, args):
        n = len(args)
        if n == self.rank:
            if _elided(args):
                return Projection(self, args)
            return self.fn(*args)
        if n < self.rank:
            return Projection(self, args + [ELIDED] * (self.rank - n))
        if n <= self.maxrank:
            return self.fn(*args)
        raise KError("rank")

    def __repr__(self):
        return self.name


class Lambda(KFunc):
    """A q lambda ``{...}``: compiled body, parameter count and source text."""

    qtype = 100
    __slots__ = ("rank", "nslots", "body", "source", "interp", "frame", "shift", "params", "locals",
                 "context")

    def __init__(self, rank, nslots, body, source, interp):
        self.rank = rank
        self.nslots = nslots
        self.body = body
        self.source = source
        self.interp = interp
        self.context = ""       # the namespace it was defined in (\d), "" the root

    def s1(self, prec=7):
        return self.source

    def call(self, args):
        n = len(args)
        if n != self.rank:
            if n == 1 and self.rank == 0:
                pass
            elif n < self.rank:
                return Projection(self, args + [ELIDED] * (self.rank - n))
            else:
                raise KError("rank")
        for a in args:
            if a is ELIDED:
                return Projection(self, args)
        extra = self.nslots - n
        env = args + [V_UNSET] * extra if extra else list(args)
        it = self.interp
        d = it.depth = it.depth + 1
        if d > it.max_depth:
            it.depth -= 1
            raise KError("stack")
        try:
            r = self.body(env)
        except _Return as ret:
            r = ret.value
        except BaseException:
            it.depth = d - 1
            raise
        it.depth = d - 1
        return r

    def __repr__(self):
        return self.source


V_UNSET = object()


class Projection(KFunc):
    """A function with some arguments fixed: ``+[2]``, ``f[;3]``."""

    qtype = 104
    __slots__ = ("f", "args", "rank")

    def __init__(self, f, args):
        self.f = f
        self.args = list(args)
        self.rank = sum(1 for a in self.args if a is ELIDED)

    def s1(self, prec=7):
        inner = _fs1(self.f, prec)
        if isinstance(self.f, Prim) and len(self.args) == 2 and self.args[1] is ELIDED:
            return "(" + _s1(self.args[0], prec) + inner + ")"
        return inner + "[" + ";".join("" if a is ELIDED else _s1(a, prec) for a in self.args) + "]"

    def call(self, args):
        full = []
        it = iter(args)
        k = len(args)
        if k > self.rank and not (self.rank == 0 and k == 1):
            raise KError("rank")
        for a in self.args:
            if a is ELIDED and k:
                full.append(next(it))
                k -= 1
            else:
                full.append(a)
        full.extend(it)
        if isinstance(self.f, (Lambda, Builtin)) and len(full) < self.f.rank:
            full += [ELIDED] * (self.f.rank - len(full))
        return self.f.call(full)


class Composition(KFunc):
    """``'[f;g]`` / ``(f g@)``: f applied to the result of g."""

    qtype = 105
    __slots__ = ("f", "g")

    def __init__(self, f, g):
        self.f = f
        self.g = g

    @property
    def rank(self):
        return rank_of(self.g)

    def s1(self, prec=7):
        return "'[" + _fs1(self.f, prec) + ";" + _fs1(self.g, prec) + "]"

    def call(self, args):
        # fewer arguments than g takes (or an elided one) project the
        # composition, as q does: edist2:enorm2 (-)::; edist2[X] is a function
        if _elided(args) or (len(args) < self.rank if not isinstance(self.g, Prim)
                             else len(args) == 1 and self.g.dyad is not None):
            return Projection(self, args + [ELIDED] * (self.rank - len(args)))
        return apply1(self.f, call(self.g, args))


def rank_of(f):
    if isinstance(f, KFunc):
        return f.rank
    if type(f) is list and f and all(V.is_list(i) for i in f):
        return 2  # a matrix indexes with two arguments
    return 1


# --------------------------------------------------------------------------
# application and indexing

def _deref(name, interp):
    """A symbol applied as a function names a global of ``interp``
    (`f@x, `cls@\\:o); with no interpreter there are no globals."""
    if interp is None:
        raise KError(name)
    return interp.resolve(name, glyphs=False)


def _handle(f):
    """The handle number when ``f`` is 1 -1 2 -2 as a short/int/long atom."""
    if type(f) in (np.int64, np.int32, np.int16):
        h = int(f)
        if h in (1, -1, 2, -2):
            return h
    return 0


def call(f, args, interp=None):
    """Apply any k value to a Python list of arguments (bracket application).
    ``interp`` is the interpreter whose q code applies it: a symbol names one
    of its globals and handles 1 and -1 write to its output."""
    if isinstance(f, KFunc):
        return f.call(args)
    if type(f) is str:
        return call(_deref(f, interp), args, interp)
    if _elided(args):
        args = [None if a is ELIDED else a for a in args]
    if interp is not None and len(args) == 1 and _handle(f):
        return _write_handle(_handle(f), args[0], f, interp)
    return index_depth(f, args)


def apply1(f, x, interp=None):
    """Juxtaposition ``f x``: call a function or index a value (``interp`` as
    for :func:`call`)."""
    if isinstance(f, KFunc):
        return f.call([x])
    if type(f) is str and f and not f.startswith(":"):
        return apply1(_deref(f, interp), x, interp)
    if interp is not None and _handle(f):
        return _write_handle(_handle(f), x, f, interp)
    return index(f, x)


def index_depth(x, args):
    if not args:
        return x
    if len(args) == 1:
        return index(x, args[0])
    if isinstance(x, KTable) and len(args) == 2:
        return index(index(x, args[1]), args[0]) if V.qtype(args[1]) == -11 else index(index(x, args[0]), args[1])
    i = args[0]
    rest = args[1:]
    if i is None:
        return V.collapse([index_depth(v, rest) for v in V.items(x)]) if not isinstance(x, KDict) \
            else KDict(x.keys, V.collapse([index_depth(v, rest) for v in V.items(x.values)]))
    r = index(x, i)
    if V.qtype(i) < 0 or isinstance(i, KDict):
        return index_depth(r, rest)
    return V.collapse([index_depth(v, rest) for v in V.items(r)])


def index(x, i):
    """``x i``: index a list, dict or table by an atom or (nested) list."""
    if x is None:
        return i  # identity
    if i is None:
        if V.qtype(x) < 0:
            raise KError("type")
        return x
    if isinstance(x, KFunc):
        return x.call([i])
    ti = V.qtype(i)
    if isinstance(x, KDict):
        return _dict_index(x, i, ti)
    if isinstance(x, KTable):
        if ti == -11:
            return x.col(i)
        if ti == 11:
            return [x.col(s) for s in i] if len(i) != 1 else [x.col(i[0])]
        if ti in (-7, -6, -5, -4, -1):
            n = len(x)
            k = int(i)
            if 0 <= k < n:
                return V.table_row(x, k)
            return KDict(V.syms(x.names), V.collapse([_null_item(c) for c in x.cols]))
        if ti in (7, 6, 5, 4, 1):
            idx = np.asarray(i).astype(np.int64) if ti != 1 else np.flatnonzero(i)
            return KTable(x.names, [index(c, idx) for c in x.cols])
        if ti == 0:
            return [index(x, j) for j in i]
        if ti == 99 and not isinstance(i.keys, KTable):
            return KDict(i.keys, index(x, i.values))    # t d: each value of d indexes t
        raise KError("type")
    tx = V.qtype(x)
    if tx < 0:
        if tx in (-7, -6, -5) and int(x) in (1, -1, 2, -2):
            return _write_handle(int(x), i, x)
        raise KError("type")
    if ti < 0:
        if ti not in (-7, -6, -5, -4, -1):
            raise KError("type")
        k = int(i)
        n = len(x)
        if 0 <= k < n:
            return V.item(x, k)
        return _null_item(x)
    if ti in (7, 6, 5, 4, 1):
        idx = i.astype(np.int64, copy=False)
        if type(x) is np.ndarray:
            n = len(x)
            ok = (idx >= 0) & (idx < n)
            if ok.all():
                return x[idx]
            out = x[np.where(ok, idx, 0)] if n else np.empty(len(idx), dtype=x.dtype)
            out[~ok] = V.null_of(tx) if tx != 11 else ""
            if tx == 10:
                out[~ok] = b" "
            return out
        n = len(x)
        return V.collapse([x[k] if 0 <= k < n else _null_item(x) for k in idx.tolist()]) if True else None
    if ti == 0 or ti == 99 or ti == 98:
        if ti == 99:
            return KDict(i.keys, index(x, i.values))
        return V.collapse([index(x, j) for j in V.items(i)])
    if len(i) == 0 and ti != 0:
        return x[:0] if type(x) is np.ndarray else []
    raise KError("type")


def _write_handle(h, data, handle, interp=None):
    """`1 "text"` / `-1 "text"` write to the interpreter's output (the
    process's stdout without one; -1 adds a newline); 2/-2 to stderr."""
    t = V.qtype(data)
    if t == 10 or t == -10:
        lines = [V.pystr(data)]
    elif t == 0 and all(V.qtype(s) in (10, -10) for s in data):
        lines = [V.pystr(s) for s in data]
        if h > 0:
            lines = ["\n".join(lines) + "\n"]
    else:
        raise KError("type")
    out = (interp.out if interp is not None else sys.stdout) if abs(h) == 1 else sys.stderr
    text = "".join(s + "\n" for s in lines) if h < 0 else "".join(lines)
    out.write(text)
    return handle


def _dict_index(d, i, ti):
    keys = d.keys
    if isinstance(keys, KTable):
        # keyed table: index by a key row (dict), a key tuple, or a table of keys
        if isinstance(i, KTable):
            return KTable(d.values.names, [V.collapse(c) for c in zip(*[V.items(_dict_index(d, r, 99).values)
                                                                         for r in V.items(i)])]) \
                if len(i) else KTable(d.values.names, [c[:0] for c in d.values.cols])
        if isinstance(i, KDict):
            i = V.items(i.values) if not V.is_list(i.values) else V.items(i.values)
        elif ti < 0:
            i = [i]
        else:
            i = V.items(i)
        n = len(keys)
        for r in range(n):
            if all(_match(V.item(c, r), k) for c, k in zip(keys.cols, i)):
                return V.table_row(d.values, r)
        return KDict(V.syms(d.values.names), V.collapse([_null_item(c) for c in d.values.cols]))
    tk = V.qtype(keys)
    if (tk == 11) != (ti in (-11, 11)) and tk > 0 and ti != 0 and ti != 98:
        raise KError("type")
    if type(d) is V.StepDict and 0 < tk < 20 and tk != 11 and -20 < ti < 20 and ti != 0:
        # the last key not above i (none: the null item)
        pos = np.searchsorted(keys, i, side="right") - 1
        pos = np.where(pos < 0, len(keys), pos).astype(np.int64)
        return index(d.values, pos if ti > 0 else pos[()])
    pos = find(keys, i)
    vals = d.values
    if isinstance(vals, KTable):
        return index(vals, pos)
    return index(vals, pos)


