"""Arithmetic: + add, - neg/minus, * first/multiply (the glyph lives here with
its dyad; ``*x`` first too), % reciprocal/divide; keywords neg reciprocal abs
signum ceiling div mod xexp xlog sqrt exp log sin cos tan asin acos atan
mmu xbar.
"""

import operator as _operator

import numpy as np

from .. import temporal, values as V
from ..errors import KError
from ..values import qtype
from .atomic import _RANK, _floats, _wrap, atomic1, atomic2, to_type
from .compare import _chars
from .registry import dyad, keyword, monad


def _arith_type(ax, ay):
    if ax == 9 or ay == 9:
        return 9
    if ax == 8 or ay == 8:
        return 8
    if ax == 7 or ay == 7:
        return 7
    return 6


def _numeric(t):
    a = abs(t)
    if a not in _RANK:
        raise KError("type")
    return a


def _has_null(a, nul):
    if type(a) is np.ndarray:
        return a.size > 0 and a.min() == nul
    return a == nul


_TEMPORAL = frozenset(V.TEMPORAL)


def _arith(npop, name):
    def fn(x, y, tx, ty):
        ax, ay = abs(tx), abs(ty)
        if ax in _TEMPORAL or ay in _TEMPORAL:
            if npop is np.multiply:
                return temporal.multiply(x, y, tx, ty)
            return temporal.add(x, y, tx, ty, subtract=npop is np.subtract)
        if ax == 10 and ay == 9 or ay == 10 and ax == 9:     # char and float only (q)
            pass
        else:
            _numeric(tx)
            _numeric(ty)
        rt = _arith_type(ax if ax != 10 else 9, ay if ay != 10 else 9)
        xa = to_type(x, ax, rt)
        ya = to_type(y, ay, rt)
        r = npop(xa, ya)
        if rt in V.INTS:
            # an integer null in gives a null out (q docs: sum (1 2;0N 4) is 0N 6);
            # the null is the smallest value, so one min pass per operand finds it
            nul = V.NULL_INT[rt]
            if _has_null(xa, nul) or _has_null(ya, nul):
                isn = (np.asarray(xa) == nul) | (np.asarray(ya) == nul)
                r = np.where(isn, nul, r)
        atom = tx < 0 and ty < 0
        return _wrap(r, rt, atom)
    fn.__name__ = name
    return fn


def _fast(general, pyop):
    """Same-type long or float atoms (the common case) skip the dispatch."""
    i64, f64, nj = np.int64, np.float64, V.NJ

    def op(x, y):
        tx = type(x)
        if tx is type(y):
            if tx is f64:
                return pyop(x, y)
            if tx is i64 and x != nj and y != nj:
                return pyop(x, y)
        return general(x, y)
    op.__doc__ = general.__doc__
    op.__name__ = general.__name__
    return op


add = _fast(atomic2(_arith(np.add, "add")), _operator.add)
sub = _fast(atomic2(_arith(np.subtract, "subtract")), _operator.sub)
mul = _fast(atomic2(_arith(np.multiply, "multiply")), _operator.mul)
add.__doc__ = "x+y  add (atomic; b x h i promote to int)"
sub.__doc__ = "x-y  subtract"
mul.__doc__ = "x*y  multiply"


@atomic2
def divide(x, y, tx, ty):
    """x%y  divide: always a float (real if both are real)."""
    if abs(tx) in _TEMPORAL:
        x, tx = temporal.as_float(x, abs(tx)), (9 if tx > 0 else -9)
        x = x if tx > 0 else np.float64(x)
    if abs(ty) in _TEMPORAL:
        y, ty = temporal.as_float(y, abs(ty)), (9 if ty > 0 else -9)
        y = y if ty > 0 else np.float64(y)
    if abs(tx) == 10:
        x, tx = _chars(x), (7 if tx > 0 else -7)
    if abs(ty) == 10:
        y, ty = _chars(y), (7 if ty > 0 else -7)
    ax, ay = _numeric(tx), _numeric(ty)
    rt = 8 if (ax == 8 and ay in (1, 4, 5, 6, 8) or ay == 8 and ax in (1, 4, 5, 6, 8)) else 9
    if ax == 8 and ay == 8:
        rt = 8
    xa = to_type(x, ax, rt)
    ya = to_type(y, ay, rt)
    return _wrap(np.true_divide(xa, ya), rt, tx < 0 and ty < 0)

dyad("+")(add)
dyad("-")(sub)
dyad("*")(mul)
dyad("%")(divide)


# --------------------------------------------------------------------------
# monadic k forms of the glyphs (reached as (#:)x or #x)

@monad("-")
def negate(x):
    """neg x  negate."""
    t = qtype(x)
    if abs(t) in (V.N, V.U, V.SEC, V.T):
        return temporal.multiply(x, np.int64(-1), t, -7)
    return _neg(x)


def _numeric1(ufunc, least):
    """An atomic numeric monad: types below ``least`` (booleans, bytes...)
    compute as int, the rest keep their type."""
    @atomic1
    def op(x, t):
        a = abs(t)
        if a not in _RANK:
            raise KError("type")
        rt = a if a >= least else 6
        return _wrap(ufunc(to_type(x, a, rt)), rt, t < 0)
    return op


_neg = _numeric1(np.negative, 6)


@keyword("reciprocal")
@monad("%")
def reciprocal(x):
    """reciprocal x  1%x."""
    return divide(np.float64(1), x)


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
        return V.null_item(x)
    return V.item(x, 0)


monad("*")(first)


@keyword("neg")
def neg(x):
    """neg x  negate (atomic)."""
    return negate(x)


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
        return x
    raise KError("type")


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


_abs = _numeric1(np.abs, 5)


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


_DIV_TYPE = {1: 6, 4: 6, 5: 6, 6: 6, 10: 6, 7: 7, 8: 9, 9: 9}   # x's type -> div's


@atomic2
def _div(x, y, tx, ty):
    # the result keeps x's type, except that boolean, byte, short, char and
    # real give int and float (q's table); chars divide by their codes
    ax, ay = abs(tx), abs(ty)
    if ax in _TEMPORAL and ay in _DIV_TYPE:
        # a temporal x keeps its type: its q value divided (2014.10.13 div 365)
        return temporal.from_raw(_div(temporal.to_raw(x, ax), y), ax, atom=tx < 0 and ty < 0)
    if ax not in _DIV_TYPE or ay not in _DIV_TYPE:
        raise KError("type")
    rt = _DIV_TYPE[ax]
    both_atoms = tx < 0 and ty < 0
    if ax in V.FLOATS or ay in V.FLOATS:
        with np.errstate(all="ignore"):
            r = np.floor(np.true_divide(to_type(x, ax, 9), to_type(y, ay, 9)))
        if rt == 9:
            return _wrap(r, 9, both_atoms)
        res = _floor(_wrap(r, 9, both_atoms))
        return to_type(res, 7, rt) if rt != 7 else res
    xa, ya = to_type(x, ax, 7), to_type(y, ay, 7)
    nul = V.NULL_INT[7]
    with np.errstate(all="ignore"):
        r = np.floor_divide(xa, np.where(np.asarray(ya) == 0, 1, ya))
        r = np.where((np.asarray(ya) == 0) | (np.asarray(xa) == nul) | (np.asarray(ya) == nul), nul, r)
    res = _wrap(r, 7, both_atoms)
    return to_type(res, 7, rt) if rt != 7 else res


@keyword("mod", 2, infix=True)
def mod(x, y):
    """x mod y  remainder (sign of y)."""
    return _mod(x, y)


@atomic2
def _mod(x, y, tx, ty):
    ax, ay = abs(tx), abs(ty)
    if ax in _TEMPORAL:
        return temporal.mod(x, y, tx, ty)
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


@keyword("mmu", 2, infix=True)
def mmu(x, y):
    """x mmu y  matrix product of float matrices/vectors."""
    a = _to_matrix(x)
    b = _to_matrix(y)
    r = np.matmul(a, b)
    return _from_matrix(r)


@keyword("inv")
def inv(x):
    """inv x  the inverse of a non-singular float matrix (nulls where it is singular)."""
    a = _square(x)
    try:
        return _from_matrix(np.linalg.inv(a))
    except np.linalg.LinAlgError:
        return _from_matrix(np.full(a.shape, np.nan))


@keyword("lsq", 2, infix=True)
def lsq(x, y):
    """x lsq y  least squares: the a that minimises the squares of x - a mmu y
    (x and y float matrices with as many columns; the rows of y independent)."""
    a, b = _to_matrix(x), _to_matrix(y)
    vector = a.ndim == 1
    a = a.reshape(1, -1) if vector else a
    if b.ndim != 2 or a.ndim != 2 or a.shape[1] != b.shape[1]:
        raise KError("length")
    # the normal equations (b b') a' = b x', as q solves them
    try:
        r = np.linalg.solve(b @ b.T, b @ a.T).T
    except np.linalg.LinAlgError:
        r = np.full((a.shape[0], b.shape[0]), np.nan)
    return _from_matrix(r[0] if vector else r)


def _square(x):
    a = _to_matrix(x)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise KError("length")
    return a


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


@keyword("xbar", 2, infix=True)
def xbar(x, y):
    """x xbar y  y rounded down to a multiple of x."""
    if abs(qtype(y)) in _TEMPORAL:
        return _txbar(x, y)
    return mul(x, div(y, x))


@atomic2
def _txbar(x, y, tx, ty):
    return temporal.xbar(x, y, tx, ty)
