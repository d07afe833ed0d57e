"""Strings and casts: $ string/cast (also tok and pad), the keyword string,
sv vs, like ss ssr, upper lower, trim ltrim rtrim.
"""

import functools
import re

import numpy as np

from .. import temporal, values as V
from ..errors import KError
from ..values import KDict, KFunc, KTable, qtype
from .registry import dyad, keyword, monad, takes_interp

DEFAULT_PRECISION = 7

B, X, H, I, J, E, F, C, S = V.B, V.X, V.H, V.I, V.J, V.E, V.F, V.C, V.S
INTS = V.INTS
FLOATS = V.FLOATS
NUMERIC = V.NUMERIC

# types kapi does not have (yet): guid
_NYI_CHARS = set("g")
_NYI_NAMES = {"guid"}
_NYI_CODES = {2}
# parts of temporal values: `year$x ...
_PARTS = {"year", "mm", "dd", "hh", "uu", "ss", "week"}


# --------------------------------------------------------------------------
# text helpers

def _bytes_of(x):
    """The bytes of a string or char atom (type error otherwise)."""
    t = qtype(x)
    if t == 10:
        return x.tobytes()
    if t == -10:
        return bytes(x) or b"\x00"
    raise KError("type")


def _kstr(b):
    """A q string from bytes (NULs kept)."""
    if not b:
        return np.empty(0, dtype="S1")
    return np.frombuffer(bytes(b), dtype="S1").copy()


def _sym_bytes(s):
    return str(s).encode("utf-8")


def _sym_of(b):
    return b.decode("utf-8", "replace")


# --------------------------------------------------------------------------
# the left argument of $

def _spec(x):
    """Decode an atom left argument of ``$``: ("cast"|"tok"|"id"|"pad", n)."""
    t = qtype(x)
    if t == -10:
        c = bytes(x).decode("latin-1")
        if c == "*":
            return "id", 0
        if "a" <= c <= "z":
            if c in V.TYPE_OF_CHAR:
                return "cast", V.TYPE_OF_CHAR[c]
            if c in _NYI_CHARS:
                raise KError("nyi")
            raise KError("type")
        if "A" <= c <= "Z":
            lc = c.lower()
            if lc in V.TYPE_OF_CHAR:
                return "tok", V.TYPE_OF_CHAR[lc]
            if lc in _NYI_CHARS:
                raise KError("nyi")
            raise KError("type")
        raise KError("type")
    if t == -11:
        if x == "":
            return "tok", S
        if x in _PARTS:
            return "part", x
        if x in V.TYPE_OF_NAME:
            return "cast", V.TYPE_OF_NAME[x]
        if x in _NYI_NAMES:
            raise KError("nyi")
        raise KError("type")
    if t == -5:
        n = int(x)
        if n == 0:
            return "id", 0
        if abs(n) in V.NAMES:
            return ("cast" if n > 0 else "tok"), abs(n)
        if abs(n) in _NYI_CODES:
            raise KError("nyi")
        raise KError("type")
    if t in (-7, -6):
        n = int(x)
        if n in (V.NULL_INT[-t], V.INF_INT[-t], -V.INF_INT[-t]):
            raise KError("length")
        return "pad", n
    raise KError("type")


@dyad("$")
def dollar(x, y):
    """x$y  cast ("i"$x, `int$x, 6h$x), tok ("I"$"42", `$"abc"), pad (9$"ab")."""
    tx = qtype(x)
    if tx < 0:
        kind, n = _spec(x)
        if kind == "cast":
            return cast(n, y)
        if kind == "tok":
            return tok(n, y)
        if kind == "pad":
            return pad(n, y)
        if kind == "part":
            return _part(n, y)
        return y
    if tx in (8, 9) or (tx == 0 and x and all(qtype(i) in (8, 9) for i in x)):
        from .arith import mmu
        return mmu(x, y)
    if tx in (0, 5, 6, 7, 10, 11):
        xs = V.items(x)
        ty = qtype(y)
        if 0 <= ty < 20:
            if len(xs) != V.count(y):
                raise KError("length")
            return V.collapse([dollar(a, b) for a, b in zip(xs, V.items(y))])
        return V.collapse([dollar(a, y) for a in xs])
    raise KError("type")


# --------------------------------------------------------------------------
# cast

def cast(t, y):
    """Cast y to vector type t (1..11): numbers keep nulls (not integer
    infinities), floats round to integers, chars are their codes, strings
    become symbols; lists, dicts and tables are cast item by item."""
    ty = qtype(y)
    if ty == 0:
        if not y:
            return V.empty(t)
        return V.collapse([cast(t, i) for i in y])
    if ty == 99:
        return KDict(y.keys, cast(t, y.values))
    if ty == 98:
        return KTable(y.names, [cast(t, c) for c in y.cols])
    if not (-20 < ty < 20):
        raise KError("type")
    a = abs(ty)
    if a == t:
        return y
    if t in V.TEMPORAL or a in V.TEMPORAL:
        if a == C and t in V.TEMPORAL:
            raise KError("type")
        if a == C:
            y, a = _codes(y), X
        if t == C:
            raise KError("type")
        if a == S or t == S:
            raise KError("type")
        return temporal.convert(y, a, t)
    if t == S:
        if a == C:
            return _sym_of(_bytes_of(y).strip(b" "))
        raise KError("type")
    if a == S:
        raise KError("type")
    if a == C:
        y = _codes(y)
        a = X
    if t == C:
        ints = _numcast(y, a, J)
        codes = np.asarray(ints, dtype=np.int64) & 0xFF
        if np.ndim(codes) == 0:
            return bytes([int(codes)])
        return codes.astype(np.uint8).view("S1")
    return _numcast(y, a, t)


def _part(name, y):
    """`year$x `mm$x ...: a part of temporal values (lists, dicts, tables map)."""
    ty = qtype(y)
    if ty == 0:
        return V.collapse([_part(name, i) for i in y])
    if ty == 99:
        return KDict(y.keys, _part(name, y.values))
    if ty == 98:
        return KTable(y.names, [_part(name, c) for c in y.cols])
    if abs(ty) not in V.TEMPORAL:
        raise KError("type")
    return temporal.part(y, name, abs(ty))


def _codes(y):
    """Char atom/vector → byte atom/vector of its codes."""
    if type(y) is np.ndarray:
        return y.view(np.uint8).copy()
    b = bytes(y)
    return np.uint8(b[0] if b else 0)


def _numcast(y, src, dst):
    """Numeric atom/vector y of type src to type dst."""
    if src == dst:
        return y
    atom = type(y) is not np.ndarray
    a = np.asarray(y)
    dt = V.DTYPE[dst]
    if dst == B:
        r = a != 0
    elif src in (B, X):
        r = a.astype(dt)
    elif src in INTS:
        nul = a == V.NULL_INT[src]
        if dst in FLOATS:
            r = np.where(nul, np.nan, a.astype(np.float64)).astype(dt)
        elif dst in INTS:
            r = np.where(nul, V.NULL_INT[dst], a.astype(dt)).astype(dt)
        else:  # byte: the low bits
            r = a.astype(np.int64).astype(np.uint8)
    elif src in FLOATS:
        if dst in FLOATS:
            r = a.astype(dt)
        elif dst in INTS:
            r = _float_to_int(a, dst)
        else:
            r = (_float_to_int(a, J).astype(np.int64) & 0xFF).astype(np.uint8)
    else:
        raise KError("type")
    if atom:
        return np.asarray(r, dtype=dt)[()]
    return np.asarray(r, dtype=dt)


def _float_to_int(a, dst):
    """Round half away from zero; nan → null, ±inf (and overflow) → ±0W."""
    a = np.asarray(a, dtype=np.float64)
    dt = V.DTYPE[dst]
    nul, inf = V.NULL_INT[dst], V.INF_INT[dst]
    isn = np.isnan(a)
    big = a >= inf
    small = a <= -inf
    safe = np.where(isn | big | small, 0.0, a)
    r = np.where(safe < 0, -np.floor(-safe + 0.5), np.floor(safe + 0.5)).astype(dt)
    return np.where(isn, nul, np.where(big, inf, np.where(small, -inf, r))).astype(dt)


# --------------------------------------------------------------------------
# tok

_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_FLOAT_RE = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_IP_RE = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\Z")


def tok(t, y):
    """Interpret strings as values of type t ("I"$"42" → 42i); text that does
    not parse gives the typed null. Recursion stops at strings."""
    ty = qtype(y)
    if ty in (10, -10):
        if t in V.TEMPORAL:
            return temporal.tok1(_bytes_of(y), t)
        return _parse(t, _bytes_of(y))
    if ty == 0:
        if not y:
            return V.empty(t)
        if t in V.TEMPORAL:
            r = temporal.tok(y, t)      # None unless every item is a string
            if r is not None:
                return r
        return V.collapse([tok(t, i) for i in y])
    if ty == 99:
        return KDict(y.keys, tok(t, y.values))
    if ty == 98:
        return KTable(y.names, [tok(t, c) for c in y.cols])
    raise KError("type")


def _parse(t, b):
    s = b.decode("latin-1").strip(" \t\r\n")
    if t == S:
        return _sym_of(b.strip(b" "))
    if t == C:
        return b[:1] if b else b" "
    if t == B:
        return np.bool_(bool(s) and s[0] in "txyTXY1")
    if t == X:
        if 0 < len(s) <= 2 and all(c in "0123456789abcdefABCDEF" for c in s):
            return np.uint8(int(s, 16))
        return np.uint8(0)
    if t in INTS:
        return V.SCALAR[t](_parse_int(s, t))
    if t in FLOATS:
        return V.SCALAR[t](_parse_float(s))
    raise KError("type")


def _parse_int(s, t):
    nul, inf = V.NULL_INT[t], V.INF_INT[t]
    if s in ("0W", "0w"):
        return inf
    if s in ("-0W", "-0w"):
        return -inf
    if _INT_RE.match(s):
        v = int(s)
        return v if -inf <= v <= inf else nul
    if t == I:
        m = _IP_RE.match(s)
        if m:
            parts = [int(p) for p in m.groups()]
            if all(p < 256 for p in parts):
                v = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
                return v - 2**32 if v >= 2**31 else v
    return nul


def _parse_float(s):
    if s in ("0w", "0W"):
        return np.inf
    if s in ("-0w", "-0W"):
        return -np.inf
    if _FLOAT_RE.match(s):
        return float(s)
    return np.nan


# --------------------------------------------------------------------------
# pad

def pad(n, y):
    """n$s  pad (or cut) string s to n chars on the right; -n$s on the left.
    String-atomic: maps through lists, dicts and tables."""
    V.check_size(abs(int(n)), 1)
    ty = qtype(y)
    if ty in (10, -10):
        return _kstr(_pad_bytes(n, _bytes_of(y)))
    if ty == -11:
        return _sym_of(_pad_bytes(n, _sym_bytes(y)))
    if ty == 11:
        return V.syms([_sym_of(_pad_bytes(n, _sym_bytes(s))) for s in y])
    if ty == 0:
        return [pad(n, i) for i in y]
    if ty == 99:
        return KDict(y.keys, pad(n, y.values))
    if ty == 98:
        return KTable(y.names, [pad(n, c) for c in y.cols])
    raise KError("type")


def _pad_bytes(n, b):
    if n >= 0:
        return (b + b" " * max(0, n - len(b)))[:n]
    m = -n
    if len(b) >= m:
        return b[len(b) - m:]
    return b" " * (m - len(b)) + b


# --------------------------------------------------------------------------
# string

def string(x, prec=DEFAULT_PRECISION):
    """string x  x as text: an atom gives a string (string 42 → "42"); a list
    gives a list of strings; dicts and tables map through."""
    t = qtype(x)
    if t < 0:
        if t == -10:
            return np.array([x], dtype="S1")
        if t == -11:
            return _kstr(_sym_bytes(x))
        from ..text import atom_str
        return _kstr(atom_str(x, t, prec).encode("utf-8"))
    if 0 < t < 20:
        V.check_size(len(x), V.OBJSIZE)
    if t == 10:
        return [x[i:i + 1].copy() for i in range(len(x))]
    if 11 < t < 20:
        return temporal.string_bytes(x, t)
    if 0 < t < 20:
        return [string(i, prec) for i in V.items(x)]
    if t == 0:
        return [string(i, prec) for i in x]
    if t == 99:
        return KDict(x.keys, string(x.values, prec))
    if t == 98:
        return KTable(x.names, [string(c, prec) for c in x.cols])
    if x is None:
        return _kstr(b"::")
    if isinstance(x, KFunc):
        from ..text import func_s1
        return _kstr(func_s1(x, prec).encode("utf-8"))
    raise KError("type")


@keyword("string", 1)
@monad("$")
@takes_interp
def string_(interp, x):
    """string x  x as text: an atom gives a string (string 42 → "42"); a list
    gives a list of strings; dicts and tables map through."""
    return string(x, interp.settings.precision)


# --------------------------------------------------------------------------
# sv

@keyword("sv", 2, infix=True)
def sv(x, y):
    """x sv y  join strings y with separator x; ` sv symbols (a.b, or :dir/file);
    ` sv strings joins lines; 0x0 sv bytes, 0b sv bits, base sv digits decode."""
    tx, ty = qtype(x), qtype(y)
    if tx == -11:
        if x != "":
            raise KError("type")
        if ty == 11:
            parts = [str(s) for s in y]
            if parts and parts[0].startswith(":"):
                return "/".join(parts)
            return ".".join(parts)
        if ty == -11:
            return y
        if ty in (0, 10):
            return _kstr(b"".join(_bytes_of(i) + b"\n" for i in V.items(y)))
        raise KError("type")
    if tx in (-10, 10):
        sep = _bytes_of(x)
        if ty in (0, 10):
            parts = [_bytes_of(i) for i in V.items(y)]
            V.check_size(sum(map(len, parts)) + len(sep) * max(len(parts) - 1, 0), 2)
            return _kstr(sep.join(parts))
        raise KError("type")
    if tx == -4 and ty == 4:
        return _bytes_decode(y.tobytes())
    if tx == -1 and ty == 1:
        return _bits_decode(y)
    if tx in (-4, -5, -6, -7, -8, -9, 4, 5, 6, 7, 8, 9) and (ty > 0 and ty in NUMERIC or ty == 0):
        return _base_decode(x, y)
    raise KError("type")


def _bytes_decode(b):
    n = len(b)
    if n == 1:
        return np.uint8(b[0])
    if n == 2:
        return np.frombuffer(b, dtype=">i2")[0].astype(np.int16)
    if n == 4:
        return np.frombuffer(b, dtype=">i4")[0].astype(np.int32)
    if n == 8:
        return np.frombuffer(b, dtype=">i8")[0].astype(np.int64)
    if n == 16:
        raise KError("nyi")
    raise KError("length")


def _bits_decode(y):
    n = len(y)
    if n not in (8, 16, 32, 64):
        raise KError("length")
    b = np.packbits(y.astype(np.uint8)).tobytes()
    return _bytes_decode(b)


def _elem_type(y):
    """The numeric type of the atoms of y (a vector or a list of them)."""
    t = qtype(y)
    if 0 < t < 20 or t < 0:
        a = abs(t)
        if a not in NUMERIC:
            raise KError("type")
        return a
    if t == 0:
        ts = {_elem_type(i) for i in y}
        if ts & {E, F}:
            return F
        return J if J in ts else I
    raise KError("type")


def _base_decode(x, y):
    tx = abs(qtype(x))
    ty = _elem_type(y)
    if tx in FLOATS or ty in FLOATS:
        rt = F
    elif tx == J or ty == J:
        rt = J
    else:
        rt = I
    dt = np.float64 if rt == F else np.int64
    ys = [np.asarray(i, dtype=np.float64).astype(dt) if np.asarray(i).dtype.kind == "f"
          else np.asarray(i).astype(dt) for i in V.items(y)]
    if qtype(x) < 0:
        radices = [np.asarray(x).astype(dt)] * len(ys)
    else:
        if len(x) != len(ys):
            raise KError("length")
        radices = [np.asarray(r).astype(dt) for r in V.items(x)]
    acc = dt(0)
    with np.errstate(all="ignore"):
        for r, v in zip(radices, ys):
            acc = acc * r + v
    acc = np.asarray(acc)
    if acc.ndim == 0:
        return V.SCALAR[rt](acc[()])
    return acc.astype(V.DTYPE[rt])


# --------------------------------------------------------------------------
# vs

@keyword("vs", 2, infix=True)
def vs(x, y):
    """x vs y  split string y on separator x; ` vs splits lines, symbols on ".",
    file handles into dir and file; 0b vs bits, 0x0 vs bytes, base vs digits."""
    tx, ty = qtype(x), qtype(y)
    if tx == -11:
        if x != "":
            raise KError("type")
        if ty == -11:
            s = str(y)
            if s.startswith(":"):
                i = s.rfind("/")
                if i < 0:
                    return V.syms([":", s[1:]])
                return V.syms([s[:i], s[i + 1:]])
            return V.syms(s.split("."))
        if ty in (10, 4, -10):
            b = y.tobytes() if ty != -10 else _bytes_of(y)
            V.check_size(b.count(b"\n") + 1, V.OBJSIZE)
            lines = b.split(b"\n")
            if b.endswith(b"\n"):
                lines.pop()
            return [_kstr(ln[:-1] if ln.endswith(b"\r") else ln) for ln in lines]
        raise KError("type")
    if tx in (-10, 10):
        sep = _bytes_of(x)
        if ty in (10, -10):
            b = _bytes_of(y)
            if not sep:
                return [_kstr(b)]
            V.check_size(b.count(sep) + 1, V.OBJSIZE)
            return [_kstr(p) for p in b.split(sep)]
        raise KError("type")
    if tx == -1:
        return _encode_each(y, _bits)
    if tx == -4:
        return _encode_each(y, _bytes_rep)
    if tx in (-7, -6, -5, 7, 6, 5):
        return _base_encode(x, y)
    raise KError("type")


_REP = {B: ">u1", X: ">u1", H: ">i2", I: ">i4", J: ">i8", E: ">f4", F: ">f8"}


def _bytes_rep(v, t):
    if t == C:
        return np.frombuffer(bytes(v) or b"\x00", dtype=np.uint8).copy()
    if t not in _REP:
        raise KError("type")
    return np.array([v], dtype=_REP[t]).view(np.uint8).copy()


def _bits(v, t):
    if t not in (B, X, H, I, J):
        raise KError("type")
    return np.unpackbits(_bytes_rep(v, t)).astype(bool)


def _encode_each(y, fn):
    t = qtype(y)
    if t < 0:
        return fn(y, -t)
    if 0 < t < 20 or t == 0:
        return [_encode_each(i, fn) for i in V.items(y)]
    raise KError("type")


def _leaves(y):
    t = qtype(y)
    if t in (-7, -6, -5, -4, -1):
        return [int(y)]
    if t in (7, 6, 5, 4, 1):
        return [int(v) for v in y.tolist()]
    if t == 0:
        return [v for i in y for v in _leaves(i)]
    raise KError("type")


def _map_leaves(y, fn):
    """Apply fn to the numeric atoms/vectors of y, keeping y's structure."""
    if qtype(y) == 0:
        return [_map_leaves(i, fn) for i in y]
    return fn(y)


def _base_encode(x, y):
    leaves = _leaves(y)
    if qtype(x) < 0:
        b = int(x)
        if b < 2:
            raise KError("domain")
        m = max((abs(v) for v in leaves), default=0)
        n = 0
        while m:
            n += 1
            m //= b
        radices = [b] * n
    else:
        radices = [int(r) for r in x.tolist()]
        n = len(radices)

    def digits(leaf):
        t = qtype(leaf)
        rt = abs(t) if abs(t) in INTS else J
        v = np.asarray(leaf).astype(np.int64)
        out = np.zeros((n,) + v.shape, dtype=np.int64)
        for i in range(n - 1, -1, -1):
            r = radices[i]
            if r == 0:
                out[i] = v
                v = np.zeros_like(v)
            else:
                out[i] = np.mod(v, r)
                v = np.floor_divide(v, r)
        return out.astype(V.DTYPE[rt]), t < 0

    if qtype(y) < 0:
        d, _ = digits(y)
        return d
    rows = []
    for i in range(n):
        def row(leaf, i=i):
            d, atom = digits(leaf)
            return d[i][()] if atom else d[i]
        rows.append(_map_leaves(y, row))
    return rows


# --------------------------------------------------------------------------
# patterns: like, ss, ssr

@functools.lru_cache(maxsize=512)
def _regex(pat, star=True):
    """Compile a q pattern (bytes) to a bytes regex: ? any char, * any run,
    [abc] [a-z] [^abc] alternatives (the first char in brackets is literal)."""
    out = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if c == 0x2A:  # *
            if not star:
                raise KError("length")
            out.append(b".*")
        elif c == 0x3F:  # ?
            out.append(b".")
        elif c == 0x5B:  # [
            j = i + 1
            neg = j < n and pat[j] == 0x5E
            if neg:
                j += 1
            close = pat.find(b"]", j + 1) if j < n else -1
            if close < 0:
                out.append(re.escape(b"["))
                i += 1
                continue
            body = pat[j:close]
            parts = []
            m = 0
            while m < len(body):
                if m + 2 < len(body) and body[m + 1] == 0x2D and body[m] <= body[m + 2]:
                    parts.append(_cls(body[m]) + b"-" + _cls(body[m + 2]))
                    m += 3
                else:
                    parts.append(_cls(body[m]))
                    m += 1
            out.append(b"[" + (b"^" if neg else b"") + b"".join(parts) + b"]")
            i = close + 1
            continue
        else:
            out.append(re.escape(bytes([c])))
        i += 1
    return re.compile(b"".join(out), re.DOTALL)


def _cls(c):
    b = bytes([c])
    return b"\\" + b if b in b"\\]^-[" else b


def _pattern_bytes(y):
    if qtype(y) not in (10, -10):
        raise KError("type")
    return _bytes_of(y)


@keyword("like", 2, infix=True)
def like(x, y):
    """x like p  1b where string/symbol x matches pattern p (? any char, * any
    run, [ab] [a-z] [^ab] alternatives); maps over lists and dicts."""
    rx = _regex(_pattern_bytes(y))
    return _like(x, rx)


def _like(x, rx):
    t = qtype(x)
    if t == -11:
        return np.bool_(rx.fullmatch(_sym_bytes(x)) is not None)
    if t in (10, -10):
        return np.bool_(rx.fullmatch(_bytes_of(x)) is not None)
    if t == 11:
        return np.array([rx.fullmatch(_sym_bytes(s)) is not None for s in x], dtype=bool)
    if t == 0:
        if not x:
            return np.empty(0, dtype=bool)
        return V.collapse([_like(i, rx) for i in x])
    if t == 99:
        return KDict(x.keys, _like(x.values, rx))
    if t == 98:
        return KTable(x.names, [_like(c, rx) for c in x.cols])
    raise KError("type")


def _search_rx(y):
    p = _pattern_bytes(y)
    if not p:
        raise KError("length")
    return _regex(p, False)


@keyword("ss", 2, infix=True)
def ss(x, y):
    """x ss p  positions in string x where pattern p (no *) matches."""
    rx = _search_rx(y)
    t = qtype(x)
    if t == -11:
        b = _sym_bytes(x)
    elif t in (10, -10):
        b = _bytes_of(x)
    elif t == 0:
        return [ss(i, y) for i in x]
    else:
        raise KError("type")
    return np.array([m.start() for m in rx.finditer(b)], dtype=np.int64)


@keyword("ssr", 3)
def ssr(x, y, z):
    """ssr[s;p;r]  s with each match of pattern p replaced by string r, or by
    r[match] when r is a function."""
    t = qtype(x)
    if t == 0:
        return [ssr(i, y, z) for i in x]
    if t not in (10, -10):
        raise KError("type")
    rx = _search_rx(y)
    b = _bytes_of(x)
    fn = isinstance(z, KFunc) or callable(z)
    if not fn:
        rep = _bytes_of(z)
    out, last, size = [], 0, 0
    for m in rx.finditer(b):
        out.append(b[last:m.start()])
        if fn:
            r = z(_kstr(m.group(0)))
            out.append(_bytes_of(r))
        else:
            out.append(rep)
        size += len(out[-1]) + m.start() - last + 16
        if size > V.WSLIMIT // 2:
            raise KError("wsfull")
        last = m.end()
    out.append(b[last:])
    return _kstr(b"".join(out))


# --------------------------------------------------------------------------
# case, trim, hsym

def _case(x, f, name):
    t = qtype(x)
    if t == 10:
        return _kstr(f(x.tobytes()))
    if t == -10:
        return f(bytes(x))
    if t == -11:
        return _sym_of(f(_sym_bytes(x)))
    if t == 11:
        return V.syms([_sym_of(f(_sym_bytes(s))) for s in x])
    if t == 0:
        return V.collapse([_case(i, f, name) for i in x]) if x else x
    if t == 99:
        return KDict(x.keys, _case(x.values, f, name))
    if t == 98:
        return KTable(x.names, [_case(c, f, name) for c in x.cols])
    raise KError("type")


@keyword("upper", 1)
def upper(x):
    """upper x  string or symbol x in upper case."""
    return _case(x, bytes.upper, "upper")


@keyword("lower", 1)
def lower(x):
    """lower x  string or symbol x in lower case."""
    return _case(x, bytes.lower, "lower")


def _nulls(x, t):
    if t == 10:
        return x == b" "
    if t == 11:
        return x == ""
    if t in INTS:
        return x == V.NULL_INT[t]
    if t in FLOATS:
        return np.isnan(x)
    if t == X:
        return x == 0
    return np.zeros(len(x), dtype=bool)


def _trim(x, left, right):
    t = qtype(x)
    if 0 < t < 20:
        keep = ~_nulls(x, t)
        idx = np.flatnonzero(keep)
        if not len(idx):
            return x[:0]
        a = idx[0] if left else 0
        b = idx[-1] + 1 if right else len(x)
        return x[a:b]
    if t == 0:
        return [_trim(i, left, right) for i in x]
    if t == 99:
        return KDict(x.keys, _trim(x.values, left, right))
    if t == 98:
        return KTable(x.names, [_trim(c, left, right) for c in x.cols])
    return x


@keyword("trim", 1)
def trim(x):
    """trim x  x without leading and trailing spaces (nulls for other lists)."""
    return _trim(x, True, True)


@keyword("ltrim", 1)
def ltrim(x):
    """ltrim x  x without leading spaces (nulls)."""
    return _trim(x, True, False)


@keyword("rtrim", 1)
def rtrim(x):
    """rtrim x  x without trailing spaces (nulls)."""
    return _trim(x, False, True)


# registered by verbs/system.py (same behaviour); kept here for direct use
def hsym(x):
    """hsym s  the file handle of symbol s: `a → `:a."""
    t = qtype(x)
    if t == -11:
        return x if x.startswith(":") else ":" + x
    if t == 11:
        return V.syms([hsym(str(s)) for s in x])
    raise KError("type")
