"""q's temporal types: timestamp p, month m, date d, datetime z, timespan n,
minute u, second v, time t (type codes 12..19).

Representation (see the table in :mod:`kapi.values`): each type is its own
numpy dtype, so vectors keep numpy speed and types stay distinct through
numpy operations::

    p  datetime64[ns]   m  datetime64[M]   d  datetime64[D]   z  datetime64[ms]
    n  timedelta64[ns]  u  timedelta64[m]  v  timedelta64[s]  t  timedelta64[ms]

Atoms are the numpy scalars of those dtypes.  q counts points from
2000.01.01 (numpy from 1970.01.01); q's value of an item, its *raw* value, is
what :func:`to_raw` gives: days for d, months for m, nanoseconds for p and n,
minutes, seconds, milliseconds for u v t (all integers), and float days for z.
The null of every type is numpy's NaT (int64 min); the infinity is int64 max
and minus infinity its negation.  Raw values use q's own nulls: -2^31 (0Ni)
for the 4-byte types, -2^63 for p and n, nan for z.

Arithmetic, comparison and casts work on raw values (:func:`to_raw`,
:func:`from_raw`, :func:`convert`); the text of values is :func:`strs`;
literals and tok are :func:`parse_literal` and :func:`tok`.
"""

import operator
import re
import time as _time

import numpy as np

from . import values as V
from .errors import KError

P, M, D, Z, N, U, SEC, T = 12, 13, 14, 15, 16, 17, 18, 19
TEMPORAL = (P, M, D, Z, N, U, SEC, T)
POINTS = (P, M, D, Z)
SPANS = (N, U, SEC, T)
DTYPE = {t: V.DTYPE[t] for t in TEMPORAL}
CHARS = {t: V.CHARS[t] for t in TEMPORAL}
NAMES = {t: V.NAMES[t] for t in TEMPORAL}
RAW = {P: V.J, M: V.I, D: V.I, Z: V.F, N: V.J, U: V.I, SEC: V.I, T: V.I}
# storage = raw + offset (numpy's epoch is 1970.01.01, q's 2000.01.01)
OFFSET = {P: 946684800 * 10**9, M: 360, D: 10957, Z: 946684800000,
          N: 0, U: 0, SEC: 0, T: 0}
# nanoseconds in one raw unit (m has none: months are not uniform)
NS = {P: 1, N: 1, D: 86400 * 10**9, Z: 86400 * 10**9, U: 60 * 10**9,
      SEC: 10**9, T: 10**6}
DAY_NS = 86400 * 10**9
NAT = -2**63
MAXI = 2**63 - 1


def is_temporal(t):
    return abs(t) in DTYPE


# --------------------------------------------------------------------------
# raw values

def null(t):
    return np.array([NAT], dtype="i8").view(DTYPE[t])[0]


def inf(t, neg=False):
    return np.array([-MAXI if neg else MAXI], dtype="i8").view(DTYPE[t])[0]


def _i8(x):
    a = np.asarray(x)
    return a.view("i8") if a.dtype.kind in "mM" else a.astype("i8")


def to_raw(x, t):
    """q's values (int32/int64 or float64 days for z) of a temporal atom or vector of type t."""
    a = _i8(x)
    atom = a.ndim == 0
    a = np.atleast_1d(a)
    off = OFFSET[t]
    special = a.size and (a.min() <= -MAXI or a.max() == MAXI)
    if t == Z:
        r = (a - off).astype(np.float64) / 86400000.0
        if special:
            r = np.where(a == NAT, np.nan, np.where(a == MAXI, np.inf, np.where(a == -MAXI, -np.inf, r)))
    else:
        rt = RAW[t]
        r = a - off if off else a
        if special:
            r = np.where(a == NAT, V.NULL_INT[rt], np.where(a == MAXI, V.INF_INT[rt],
                         np.where(a == -MAXI, -V.INF_INT[rt], r)))
        r = r.astype(V.DTYPE[rt])
    return V.SCALAR[RAW[t]](r[0]) if atom else r


def from_raw(r, t, atom=None):
    """A temporal atom/vector of type t from raw values (any numeric; integer
    nulls and infinities of int32 or int64, and float nan/inf, map to 0N/0W)."""
    a = np.asarray(r)
    if atom is None:
        atom = a.ndim == 0
    a = np.atleast_1d(a)
    off = OFFSET[t]
    if a.dtype.kind == "f":
        isn, isw, ism = np.isnan(a), a == np.inf, a == -np.inf
        with np.errstate(all="ignore"):
            scale = 86400000.0 if t == Z else 1.0
            s = np.where(isn | isw | ism, 0, np.floor(a * scale + 0.5)).astype(np.int64) + off
    else:
        a = a.astype(np.int64)
        isn = (a == V.NULL_INT[V.I]) | (a == NAT)
        isw = (a == V.INF_INT[V.I]) | (a == MAXI)
        ism = (a == -V.INF_INT[V.I]) | (a == -MAXI)
        s = a + off if off else a
    if isn.any() or isw.any() or ism.any():
        s = np.where(isn, NAT, np.where(isw, MAXI, np.where(ism, -MAXI, s)))
    out = np.asarray(s, dtype=np.int64).view(DTYPE[t])
    return out[0] if atom else out


def nullmask(x, t):
    """1b where an item of a temporal value is null."""
    return _i8(x) == NAT


# --------------------------------------------------------------------------
# conversions between temporal types (and numbers): q's casts

def _months_to_days(mr):
    """Raw months (int64) → raw days of the first of each month."""
    y, m = np.divmod(mr + 24000, 12)          # from year 0
    d = (np.asarray(y - 2000 + 30, "i8").astype("M8[Y]").astype("M8[M]") + m.astype("m8[M]"))
    return d.astype("M8[D]").view("i8") - 10957


def _days_to_months(dr):
    return (np.asarray(dr + 10957, "i8").view("M8[D]").astype("M8[M]").view("i8") - 360)


def convert(x, src, dst):
    """Cast a simple value of type src (positive code) to temporal or numeric
    type dst, at least one being temporal.  Points convert by instant (a
    date is its midnight), spans by duration; a point cast to a span type is
    its time of day (u v t from p or z), numbers are raw values."""
    if src == dst:
        return x
    atom = np.ndim(x) == 0
    if src in DTYPE:
        r = to_raw(x, src)
        isn = np.atleast_1d(nullmask(x, src))
    else:
        if src not in V.NUMERIC:
            raise KError("type")
        r = x
        if src in V.INTS:
            isn = np.atleast_1d(np.asarray(x) == V.NULL_INT[src])
        elif src in V.FLOATS:
            isn = np.atleast_1d(np.isnan(np.asarray(x, dtype=np.float64)))
        else:
            isn = np.zeros(np.atleast_1d(x).shape, bool)
    if dst not in DTYPE:
        # temporal → number: the raw value
        return _cast_num(r, RAW[src] if src in DTYPE else src, dst, atom)
    a = np.atleast_1d(np.asarray(r))
    if src not in DTYPE:
        if a.dtype.kind == "f":
            if dst == Z:
                out = a
            else:
                out = np.where(np.isnan(a), 0, np.where(np.isinf(a), 0, np.floor(a + 0.5)))
                out = out.astype(np.int64)
                out = np.where(a == np.inf, MAXI, np.where(a == -np.inf, -MAXI, out))
        else:
            out = a.astype(np.int64)
            if src in V.INTS:
                out = np.where(a == V.INF_INT[src], MAXI, np.where(a == -V.INF_INT[src], -MAXI, out))
        out = np.where(isn, V.NULL_INT[V.J], out) if dst != Z else np.where(isn, np.nan, out)
        if dst != Z:
            out = out.astype(np.int64)
        return from_raw(out, dst, atom)
    special = _specials(x, src)
    a = np.where(isn, 0, a)
    a = np.where(special != 0, 0, a)
    sp, dp = src in POINTS, dst in POINTS
    if sp and dp:
        if dst == P:
            out = _to_ns(a, src)
        else:
            # by days: m d z never leave the calendar through nanoseconds
            days = np.floor_divide(np.asarray(a, "i8"), DAY_NS) if src == P else \
                _months_to_days(np.asarray(a, "i8")) if src == M else a
            if src == P and dst == Z:
                days = np.asarray(a, np.float64) / DAY_NS
            if dst == M:
                out = _days_to_months(np.asarray(np.floor(days), "i8"))
            elif dst == D:
                out = np.floor(days).astype(np.int64)
            else:
                out = np.asarray(days, np.float64)
    elif not sp and not dp:
        out = _from_ns(_to_ns(a, src), dst)
    elif sp and not dp:
        # a point as a span: time of day (timespan: since 2000.01.01)
        if src in (M, D):
            raise KError("type")
        ns = _to_ns(a, src)
        if dst != N:
            ns = np.mod(ns, DAY_NS)
        out = _from_ns(ns, dst)
    else:
        if src != N or dst == M:
            raise KError("type")
        out = _from_ns(_to_ns(a, src), dst)
    out = np.asarray(out)
    if dst == Z:
        out = np.where(isn, np.nan, np.where(special > 0, np.inf, np.where(special < 0, -np.inf, out)))
    else:
        out = np.where(isn, NAT, np.where(special > 0, MAXI, np.where(special < 0, -MAXI, out)))
        out = out.astype(np.int64)
    return from_raw(out, dst, atom)


def _specials(x, t):
    a = np.atleast_1d(_i8(x))
    return np.where(a == MAXI, 1, np.where(a == -MAXI, -1, 0))


_NS_LIMIT = float(MAXI)      # beyond: outside the timestamp range, ±0W


def _to_ns(a, t):
    """Raw values of type t (nulls already zeroed) → int64 ns (points since
    2000); values outside the timestamp range become ±(2^63-1), infinities."""
    if t in (P, N):
        return np.asarray(a, "i8")
    if t == M:
        a, t = _months_to_days(np.asarray(a, "i8")), D
    if t == Z:
        f = np.floor(np.asarray(a, np.float64) * 86400000.0 + 0.5) * 1e6
    else:
        f = np.asarray(a, np.float64) * NS[t]
    big = np.abs(f) >= _NS_LIMIT
    with np.errstate(all="ignore"):
        if t == Z:
            ns = np.where(big, 0, f).astype(np.int64)
        else:
            ns = np.where(big, 0, np.asarray(a, "i8")) * NS[t]
    if big.any():
        ns = np.where(f >= _NS_LIMIT, MAXI, np.where(f <= -_NS_LIMIT, -MAXI, ns))
    return ns


def _from_ns(ns, t):
    if t == Z:
        return np.asarray(ns, np.float64) / DAY_NS
    if t == M:
        return _days_to_months(np.floor_divide(ns, DAY_NS))
    return np.floor_divide(ns, NS[t])


def _cast_num(r, src, dst, atom):
    a = np.atleast_1d(np.asarray(r))
    if dst == V.B:
        out = a != 0
    elif dst in V.FLOATS:
        out = a.astype(np.float64)
        if src in V.INTS:
            out = np.where(a == V.NULL_INT[src], np.nan, out)
        out = out.astype(V.DTYPE[dst])
    elif dst in V.INTS:
        if a.dtype.kind == "f":
            isn = np.isnan(a)
            big, small = a >= V.INF_INT[dst], a <= -V.INF_INT[dst]
            safe = np.where(isn | big | small, 0.0, a)
            out = np.where(safe < 0, -np.floor(-safe + 0.5), np.floor(safe + 0.5)).astype(V.DTYPE[dst])
            out = np.where(isn, V.NULL_INT[dst], np.where(big, V.INF_INT[dst], np.where(small, -V.INF_INT[dst], out)))
        else:
            isn = a == V.NULL_INT[src]
            isw, ism = a == V.INF_INT[src], a == -V.INF_INT[src]
            out = np.where(isn, V.NULL_INT[dst], np.where(isw, V.INF_INT[dst], np.where(ism, -V.INF_INT[dst], a)))
        out = out.astype(V.DTYPE[dst])
    elif dst == V.X:
        out = a.astype(np.int64).astype(np.uint8)
    else:
        raise KError("type")
    return out[0] if atom else out


# --------------------------------------------------------------------------
# parts: `year$x, x.mm ...

PARTS = ("year", "month", "mm", "week", "dd", "hh", "uu", "ss", "minute", "second",
         "date", "time", "timestamp", "timespan", "datetime")


def part(x, name, t=None):
    """Part ``name`` of temporal value x (type t): year mm dd hh uu ss (ints),
    month minute second date time (typed), week (the Monday starting it)."""
    if t is None:
        t = abs(V.qtype(x))
    t = abs(t)
    if name in NAMES.values():
        return convert(x, t, {v: k for k, v in NAMES.items()}[name])
    if t not in DTYPE:
        raise KError("type")
    atom = np.ndim(x) == 0
    isn = np.atleast_1d(nullmask(x, t))
    r = np.atleast_1d(np.asarray(to_raw(x, t)))
    r0 = np.where(isn, 0, r)
    if name in ("year", "mm", "dd", "week"):
        if t in SPANS:
            raise KError("type")
        if t == M:
            if name in ("dd", "week"):
                raise KError("type")
            y, m = np.divmod(r0.astype("i8") + 24000, 12)
            out = y if name == "year" else m + 1
        else:
            days = r0 if t == D else np.floor_divide(_to_ns(r0, t), DAY_NS)
            dd = (np.asarray(days, "i8") + 10957).view("M8[D]")
            if name == "week":
                # q's week: the Monday of the week (2000.01.03 was a Monday)
                mon = days - np.mod(days - 2, 7)
                return from_raw(np.where(isn, V.NULL_INT[V.I], mon), D, atom)
            if name == "year":
                out = dd.astype("M8[Y]").view("i8") + 1970
            elif name == "mm":
                out = dd.astype("M8[M]").view("i8") % 12 + 1
            else:
                out = (dd - dd.astype("M8[M]").astype("M8[D]")).view("i8") + 1
    elif name in ("hh", "uu", "ss"):
        if t in (M, D):
            raise KError("type")
        ns = np.mod(_to_ns(r0, t), DAY_NS) if t in POINTS else np.abs(_to_ns(r0, t))
        div = {"hh": 3600 * 10**9, "uu": 60 * 10**9, "ss": 10**9}[name]
        out = ns // div
        if name != "hh" or t in POINTS:
            out = out % (24 if name == "hh" else 60)
        if t in SPANS:
            out = np.where(r0 < 0, -out, out)
    elif name == "month":
        return convert(x, t, M)
    else:
        raise KError(name)
    out = np.where(isn, V.NULL_INT[V.I], out).astype(np.int32)
    return out[0] if atom else out


# --------------------------------------------------------------------------
# text

def _pad(a, w):
    """int array → S-array of zero-padded decimal text of width w."""
    a = np.asarray(a, "i8")
    out = np.zeros((a.size, w), np.uint8)
    v = a.copy()
    for j in range(w - 1, -1, -1):
        out[:, j] = v % 10 + 48
        v //= 10
    return out


def _date_bytes(days):
    """Raw days → (n,10) uint8 'yyyy.mm.dd'."""
    dd = (np.asarray(days, "i8") + 10957).view("M8[D]")
    mon = dd.astype("M8[M]")
    y = mon.astype("M8[Y]").view("i8") + 1970
    m = mon.view("i8") % 12 + 1
    d = (dd - mon.astype("M8[D]")).view("i8") + 1
    bad = (y < 1) | (y > 9999)
    y, m, d = np.where(bad, 0, y), np.where(bad, 0, m), np.where(bad, 0, d)
    out = np.empty((len(dd), 10), np.uint8)
    out[:, 0:4] = _pad(y, 4)
    out[:, 4] = out[:, 7] = ord(".")
    out[:, 5:7] = _pad(m, 2)
    out[:, 8:10] = _pad(d, 2)
    return out


def _clock_bytes(ns, digits, hour_w=2):
    """ns of day (non-negative) → hh:mm[:ss[.fff…]] bytes (digits: 0 = minutes only,
    -1 = seconds, else decimal places)."""
    ns = np.asarray(ns, "i8")
    h, rem = np.divmod(ns, 3600 * 10**9)
    mi, rem = np.divmod(rem, 60 * 10**9)
    s, frac = np.divmod(rem, 10**9)
    parts = [_pad(h, hour_w), np.full((len(ns), 1), 58, np.uint8), _pad(mi, 2)]
    if digits:
        parts += [np.full((len(ns), 1), 58, np.uint8), _pad(s, 2)]
    if digits > 0:
        parts += [np.full((len(ns), 1), 46, np.uint8), _pad(frac // 10**(9 - digits), digits)]
    return np.concatenate(parts, axis=1)


def _point_bytes(r, t):
    """Raw timestamps (ns) or datetimes (float days) → date D|T clock bytes."""
    if t == P:
        ns = np.asarray(r, "i8")
        days = np.floor_divide(ns, DAY_NS)
        clock = ns - days * DAY_NS
    else:
        f = np.asarray(r, np.float64)
        ms = np.floor(f * 86400000.0 + 0.5)
        days = np.floor_divide(ms, 86400000.0)
        clock = ((ms - days * 86400000.0) * 1e6).astype(np.int64)
        days = days.astype(np.int64)
    return np.concatenate([_date_bytes(days), np.full((len(days), 1), ord("D" if t == P else "T"), np.uint8),
                           _clock_bytes(clock, 9 if t == P else 3)], axis=1)


def strs(x, t, suffix=True):
    """Text of each item of a temporal vector (or atom, as a 1-list): q's
    form without the vector suffix; nulls are 0N<c>, infinities 0W<c>
    (without the type letter when ``suffix`` is false)."""
    a = np.atleast_1d(_i8(x))
    n = len(a)
    if n == 0:
        return []
    c = CHARS[t] if suffix else ""
    isn, isw, ism = a == NAT, a == MAXI, a == -MAXI
    spec = isn | isw | ism
    r = np.atleast_1d(to_raw(x, t))
    r = np.where(spec, 0, r)
    if t == D:
        b = _date_bytes(r)
    elif t == M:
        b = _date_bytes(_months_to_days(np.asarray(r, "i8")))[:, :7]
    elif t in (P, Z):
        b = _point_bytes(r, t)
    else:
        ns = np.asarray(_to_ns(r, t), "i8")
        neg = ns < 0
        ns = np.abs(ns)
        if t == N:
            days, rem = np.divmod(ns, DAY_NS)
            out = []
            clock = _clock_bytes(rem, 9).view("S18").ravel()
            for i in range(n):
                out.append(("-" if neg[i] else "") + str(int(days[i])) + "D" + clock[i].decode())
        else:
            hw = 2
            hmax = int(ns.max() // (3600 * 10**9)) if n else 0
            if hmax >= 100:
                hw = len(str(hmax))
            b = _clock_bytes(ns, {U: 0, SEC: -1, T: 3}[t], hw)
            w = b.shape[1]
            txt = b.view("S%d" % w).ravel()
            out = [("-" if neg[i] else "") + txt[i].decode() for i in range(n)]
        if spec.any():
            for i in np.flatnonzero(spec):
                out[i] = _special(isn[i], isw[i], c)
        return out
    w = b.shape[1]
    out = b.view("S%d" % w).ravel().astype("U%d" % w).tolist()
    if spec.any():
        for i in np.flatnonzero(spec):
            out[i] = _special(isn[i], isw[i], c, t)
    return out


def _special(isn, isw, c, t=None):
    if isn:
        return "0N" + c
    w = "0w" if t == Z else "0W"
    return (w if isw else "-" + w) + c


def atom_s1(x, t):
    """One-line text of a temporal atom of type t (positive)."""
    s = strs(x, t)[0]
    if t == M and not s.startswith(("0N", "0W", "-0W")):
        s += "m"
    return s


def vec_s1(x, t):
    n = len(x)
    if n == 0:
        return "`" + NAMES[t] + "$()"
    ss = strs(x, t, suffix=False)
    # nulls inside a vector are 0N; the type letter ends the text when only
    # it tells the type (a month vector, a vector of nulls and infinities)
    body = " ".join(ss)
    if t == M or all(s.startswith(("0N", "0W", "-0W", "0w", "-0w")) for s in ss):
        body += CHARS[t]
    return ("," if n == 1 else "") + body


def string_bytes(x, t):
    """`string` of a temporal vector: a list of char vectors (fixed-width
    types in one vectorised pass)."""
    if t in (D, M, P, Z):
        a = np.atleast_1d(_i8(x))
        spec = (a == NAT) | (a == MAXI) | (a == -MAXI)
        if not spec.any():
            r = np.atleast_1d(to_raw(x, t))
            if t == D:
                b = _date_bytes(r)
            elif t == M:
                b = _date_bytes(_months_to_days(np.asarray(r, "i8")))[:, :7]
            else:
                b = _point_bytes(r, t)
            return list(b.view("S1"))
    return [np.frombuffer(s.encode(), "S1").copy() for s in strs(x, t, suffix=False)]


# --------------------------------------------------------------------------
# literals

_CLOCK = r"(\d+)(?::(\d\d)(?::(\d\d)(?:\.(\d*))?)?)?"
_LIT = re.compile(r"""(-)?(?:
     (?P<date>\d{4}\.\d\d\.\d\d)(?:(?P<sep>[DT])(?P<clock>\d\d(?::\d\d(?::\d\d(?:\.\d*)?)?)?)?)?
    |(?P<month>\d{4}\.\d\d)m
    |(?P<days>\d+)D(?P<spanclock>\d\d(?::\d\d(?::\d\d(?:\.\d*)?)?)?)?
    |(?P<hm>\d+:\d\d(?::\d\d(?:\.\d*)?)?)
    |0(?P<nw>[NnWw])(?P<c>[pmdznuvt])
    |(?P<pint>\d+)p
    )(?P<suf>[pmdznuvt])?\Z""", re.X)

# what a lexer item of temporal form looks like (kapi/lexer.py)
LEX = (r"(?:\d{4}\.\d\d\.\d\d(?:[DT](?:\d\d(?::\d\d(?::\d\d(?:\.\d*)?)?)?)?)?"
       r"|\d{4}\.\d\dm|\d+D(?:\d\d(?::\d\d(?::\d\d(?:\.\d*)?)?)?)?"
       r"|\d+:\d\d(?::\d\d(?:\.\d*)?)?|0[NnWw][pmdznuvt]|\d+p)[pmdznuvt]?")

_CHAR_TYPE = {v: k for k, v in CHARS.items()}


def _clock_ns(s):
    """'hh[:mm[:ss[.fff]]]' → (ns, type by form)."""
    m = re.fullmatch(_CLOCK, s)
    if not m:
        return None, None
    h, mi, se, fr = m.groups()
    ns = int(h) * 3600 * 10**9
    t = U
    if mi is not None:
        ns += int(mi) * 60 * 10**9
    if se is not None:
        ns += int(se) * 10**9
        t = SEC
    if fr is not None:
        ns += int((fr + "000000000")[:9])
        t = T if len(fr) <= 3 else N
    return ns, t


def _date_days(s):
    y, m, d = int(s[0:4]), int(s[5:7]), int(s[8:10])
    try:
        dd = np.datetime64("%04d-%02d-%02d" % (y, m, d), "D")
    except ValueError:
        return None
    return int(dd.view("i8")) - 10957


def parse_item(text):
    """(type, raw) of one temporal literal item, or None if it is not one;
    raw None means null, 'inf'/'-inf' infinities."""
    m = _LIT.match(text)
    if not m:
        return None
    neg = m.group(1) is not None
    g = m.groupdict()
    suf = g["suf"]
    if g["nw"]:
        if suf:
            return None
        t = _CHAR_TYPE[g["c"]]
        if g["nw"] in "Nn":
            return t, None
        return t, ("-inf" if neg else "inf")
    if g["pint"] is not None:
        t, raw = P, int(g["pint"])          # 0p: a timestamp of that many nanoseconds
    elif g["date"]:
        days = _date_days(g["date"])
        if g["sep"] is None:
            t, raw = D, days
        else:
            t = P if g["sep"] == "D" else Z
            ns, _ = _clock_ns(g["clock"]) if g["clock"] else (0, None)
            if days is None:
                raw = None
            elif t == P:
                raw = days * DAY_NS + ns
            else:
                raw = days + (ns // 10**6) / 86400000.0
    elif g["month"]:
        s = g["month"]
        y, mo = int(s[:4]), int(s[5:7])
        t, raw = M, ((y - 2000) * 12 + mo - 1) if 1 <= mo <= 12 else None
    elif g["days"] is not None:
        ns, _ = _clock_ns(g["spanclock"]) if g["spanclock"] else (0, None)
        t, raw = N, int(g["days"]) * DAY_NS + ns
    else:
        ns, t = _clock_ns(g["hm"])
        raw = ns // NS[t]
    if neg:
        if t in POINTS:
            return None
        raw = -raw
    if suf:
        st = _CHAR_TYPE[suf]
        if st != t:
            v = convert(from_raw(_raw_fill(raw, t), t), t, st)
            return st, ("value", v)
    return t, raw


def _raw_fill(raw, t):
    if raw is None:
        return np.nan if t == Z else V.NULL_INT[V.J]
    return raw


def literal(items, src=None, pos=0):
    """The k value of a temporal vector literal from its items' text."""
    plain = {"0N": None, "0W": "inf", "-0W": "-inf"}
    if items[-1].endswith("m"):
        # 2024.01 2024.02m: the suffix types the whole vector
        items = [s + "m" if re.fullmatch(r"\d{4}\.\d\d", s) else s for s in items]
    elif re.fullmatch(r"\d+p", items[-1]):
        items = [s + "p" if s.isdigit() else s for s in items]
    parsed = [parse_item(s) if s not in plain else (None, plain[s]) for s in items]
    if any(p is None for p in parsed):
        raise KError("parse", src, pos)
    types = [p[0] for p in parsed if p[0] is not None]
    if not types:
        raise KError("parse", src, pos)
    t = types[0]
    parsed = [(t if ti is None else ti, raw) for ti, raw in parsed]
    vals = []
    for (ti, raw) in parsed:
        if isinstance(raw, tuple):
            v = raw[1]
        elif raw is None:
            v = null(ti)
        elif raw == "inf":
            v = inf(ti)
        elif raw == "-inf":
            v = inf(ti, True)
        else:
            v = from_raw(np.float64(raw) if ti == Z else np.int64(raw), ti)
        if ti != t:
            v = convert(v, ti, t)
        vals.append(v)
    if len(vals) == 1:
        return vals[0]
    return np.array([_i8(v) for v in vals], dtype="i8").view(DTYPE[t])


# --------------------------------------------------------------------------
# tok: "D"$"2024.01.02"

_TOKFORM = re.compile(r"\s*(-)?(\d{4})[.-](\d\d)[.-](\d\d)(?:[DT ](.*))?\s*\Z")


def _tok_one(s, t):
    """Raw value of text s read as type t (None for null)."""
    s = s.strip()
    if not s:
        return None
    if s in ("0N", "0n") or s[:2] in ("0N",) and s[2:] == CHARS[t]:
        return None
    if s.lstrip("-") in ("0W", "0w", "0W" + CHARS[t]):
        return "-inf" if s[0] == "-" else "inf"
    if t in (D, P, Z, M):
        if t == M:
            m = re.fullmatch(r"(\d{4})[.-]?(\d\d)(?:[.-]\d\d)?m?", s)
            if not m:
                return None
            y, mo = int(m.group(1)), int(m.group(2))
            return (y - 2000) * 12 + mo - 1 if 1 <= mo <= 12 else None
        m = _TOKFORM.match(s)
        u = re.fullmatch(r"(\d{9,11})(?:\.(\d*))?", s) if t in (P, Z) else None
        if u:
            # 9 to 11 digits: seconds since 1970.01.01 (and parts of a second)
            ns = (int(u.group(1)) - 946684800) * 10**9 + int(((u.group(2) or "") + "0" * 9)[:9])
            return ns if t == P else (ns // 10**6) / 86400000.0
        if m:
            days = _date_days("%s.%s.%s" % m.group(2, 3, 4))
            rest = m.group(5)
        else:
            m = re.fullmatch(r"(\d{4})(\d\d)(\d\d)(?:[DT-](.*))?", s)
            if not m:
                return None
            days = _date_days("%s.%s.%s" % m.group(1, 2, 3))
            rest = m.group(4)
        if days is None:
            return None
        ns = 0
        if rest:
            ns, _ = _clock_ns(rest.strip())
            if ns is None:
                return None
        if t == D:
            return days
        if t == P:
            return days * DAY_NS + ns
        return days + (ns // 10**6) / 86400000.0
    # spans
    neg = s.startswith("-")
    body = s[1:] if neg else s
    m = re.fullmatch(r"(\d+)D(.*)", body)
    if m:
        if t != N:
            return None
        ns, _ = _clock_ns(m.group(2)) if m.group(2) else (0, None)
        if ns is None:
            return None
        ns += int(m.group(1)) * DAY_NS
    elif re.fullmatch(r"\d+", body):
        # digits only: hhmm[ss[mmm]] as q reads them
        d = body
        if len(d) <= 2:
            ns = int(d) * 3600 * 10**9
        else:
            hh, mm, ss, ff = d[:2], d[2:4], d[4:6] or "0", d[6:] or "0"
            ns = (int(hh) * 3600 + int(mm or 0) * 60 + int(ss)) * 10**9 + int((ff + "000000000")[:9]) if len(d) > 6 else \
                (int(hh) * 3600 + int(mm or 0) * 60 + int(ss)) * 10**9
    else:
        ns, _ = _clock_ns(body)
        if ns is None:
            return None
    r = ns // NS[t]
    return -r if neg else r


_DTYPE_OF = operator.attrgetter("dtype")
_S1 = {np.dtype("S1")}


def tok(strings, t):
    """Read each string of a list (Python list of char vectors) as type t:
    a vector of type t, null where the text is not of the type's form;
    None when an item is not a string."""
    n = len(strings)
    if n == 0:
        return np.empty(0, DTYPE[t])
    try:
        # one pass in C over the items: all char vectors?
        if set(map(_DTYPE_OF, strings)) != _S1:
            return None
    except AttributeError:
        return None
    if t == D:
        r = _tok_dates(strings)
        if r is not None:
            return r
    vals = [_tok_one(V.pystr(s), t) for s in strings]
    return _assemble(vals, t)


def tok1(s, t):
    """One string (bytes) as a temporal atom of type t."""
    return _assemble([_tok_one(s.decode("latin-1"), t)], t)[0]


def _assemble(vals, t):
    out = np.empty(len(vals), "i8")
    for i, v in enumerate(vals):
        if v is None:
            out[i] = NAT
        elif v == "inf":
            out[i] = MAXI
        elif v == "-inf":
            out[i] = -MAXI
        elif t == Z:
            out[i] = int(np.floor(v * 86400000.0 + 0.5)) + OFFSET[Z]
        else:
            # timestamps past 2262 wrap in storage; to_raw unwraps them (int64 arithmetic)
            out[i] = (int(v) + OFFSET[t] + 2**63) % 2**64 - 2**63
    return out.view(DTYPE[t])


def _tok_dates(strings):
    """The vectorised path of "D"$: every string 10 chars yyyy.mm.dd or
    yyyy-mm-dd, or 8 digits yyyymmdd; None (use the general path) otherwise.
    Digits become numbers by byte arithmetic, a date its day count by the
    civil-calendar formula; impossible dates are null."""
    n = len(strings)
    lens = set(map(len, strings))
    if len(lens) != 1:
        return None
    w = lens.pop()
    if w not in (8, 10):
        return None
    b = np.frombuffer(b"".join(strings), np.uint8).reshape(n, w)
    # column by column in bytes: cheap strided passes, no n×w int copies
    cols = (0, 1, 2, 3, 5, 6, 8, 9) if w == 10 else range(8)
    z = [b[:, c] - np.uint8(48) for c in cols]      # digits 0..9; anything else wraps above
    ok = z[0] < 10
    for c in z[1:]:
        ok &= c < 10
    if w == 10:
        s1, s2 = b[:, 4], b[:, 7]
        ok &= ((s1 == 46) | (s1 == 45)) & (s1 == s2)
    i16 = np.int16
    y = ((z[0].astype(i16) * 10 + z[1]) * 10 + z[2]) * 10 + z[3]
    m = z[4] * np.uint8(10) + z[5]
    dd = z[6] * np.uint8(10) + z[7]
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    mi = np.minimum(m, 13)
    ok &= (mi >= 1) & (mi <= 12) & (dd >= 1) & (dd <= _MDAYS[mi] + (leap & (m == 2)))
    out = _days_from_civil(y, m, dd)
    if not ok.all():
        out = np.where(ok, out, NAT)
    return out.view(DTYPE[D])


_MDAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0], np.uint8)


def _days_from_civil(y, m, d):
    """Days since 1970.01.01 of proleptic Gregorian dates (int arrays; years
    0..9999, so no era arithmetic is needed below year 0)."""
    y = y.astype(np.int32) - (m <= 2)
    m = m.astype(np.int32)
    mp = np.where(m > 2, m - 3, m + 9)
    doy = (153 * mp + 2) // 5 + d - 1
    # days from 0000.03.01 (a leap-year cycle start), y >= -1 here
    y = y + 400
    days = y * 365 + y // 4 - y // 100 + y // 400 + doy
    return days.astype(np.int64) - 719468 - 146097


# --------------------------------------------------------------------------
# the clock: .z.p .z.d ...

def now(code, local_offset=None):
    """The clock as q's .z.<code>: p P (timestamp), d D (date), t T (time),
    n N (timespan), z Z (datetime); lower case is UTC, upper case local."""
    ns = _time.time_ns() - OFFSET[P]
    if code.isupper():
        off = local_offset if local_offset is not None else _time.localtime().tm_gmtoff
        ns += off * 10**9
    p = from_raw(np.int64(ns), P)
    t = {"p": P, "d": D, "t": T, "n": N, "z": Z}[code.lower()]
    return p if t == P else convert(p, P, t)


# --------------------------------------------------------------------------
# arithmetic: + - (q's table of result types), and the raw forms that
# comparison and xbar work on

_INTLIKE = (V.B, V.X, V.H, V.I, V.J, V.C)
_FINER = {U: 0, SEC: 1, T: 2, N: 3}


def _operand_null(x, t):
    if t in DTYPE:
        return nullmask(x, t)
    a = np.asarray(x)
    if t in V.INTS:
        return a == V.NULL_INT[t]
    if t in V.FLOATS:
        return np.isnan(a.astype(np.float64))
    return np.zeros(a.shape, bool)


def sum_type(ax, ay, subtract):
    """Result type of x+y (x-y when ``subtract``), at least one temporal;
    'type where q has none."""
    if ax not in DTYPE:
        return sum_type(ay, ax, subtract) if not subtract else _sub_num_first(ax, ay)
    if ay not in DTYPE:
        if ay in _INTLIKE or ay == V.E:
            return ax
        if ay == V.F:
            return Z if ax in (D, Z) else V.F
        raise KError("type")
    if ax == ay and ax in POINTS:
        # q's table for + and - alike: p p → n, m m → i, d d → i, z z → f
        return {P: N, M: V.I, D: V.I, Z: V.F}[ax]
    if ax in POINTS and ay in POINTS:
        raise KError("type")
    if ax in SPANS and ay in SPANS:
        return ax if _FINER[ax] >= _FINER[ay] else ay
    pt, sp = (ax, ay) if ax in POINTS else (ay, ax)
    if pt == Z:
        return P if sp == N else Z
    return P


def _sub_num_first(ax, ay):
    if ax in _INTLIKE or ax == V.E:
        return ay
    if ax == V.F:
        return Z if ay in (D, Z) else V.F
    raise KError("type")


def _raw_in(x, tx, rt):
    """Raw values of x (type tx) in the units of result type rt (nulls zeroed)."""
    if tx not in DTYPE:
        a = np.asarray(x)
        if tx == V.C:
            a = a.view(np.uint8) if a.ndim else np.uint8(ord(bytes(x) or b" "))
        if tx in V.INTS:
            a = np.where(a == V.NULL_INT[tx], 0, a)
        elif tx in V.FLOATS:
            a = np.where(np.isnan(a), 0, a.astype(np.float64))
        return np.asarray(a, np.float64 if (rt in (Z, V.F) or tx in V.FLOATS) else np.int64)
    isn = nullmask(x, tx)
    if rt not in DTYPE:       # p-p → n and such: raw of its own type
        r = to_raw(x, tx)
        return np.where(isn, 0, r)
    if tx == rt:
        r = np.asarray(to_raw(x, tx))
        return np.where(isn, 0, r)
    if tx in SPANS:
        ns = np.where(isn, 0, np.asarray(to_raw(x, tx), np.int64) * NS[tx])
        if rt == Z:
            return ns / DAY_NS
        return np.floor_divide(ns, NS[rt])
    r = np.asarray(to_raw(convert(x, tx, rt), rt))
    return np.where(isn, 0, r)


def add(x, y, tx, ty, subtract=False):
    """x+y or x-y with a temporal operand (tx, ty signed types)."""
    ax, ay = abs(tx), abs(ty)
    rt = sum_type(ax, ay, subtract)
    if rt not in DTYPE and ax in DTYPE and ay in DTYPE:
        # point - point of one type: the raw difference (p-p is a timespan)
        xr, yr = np.asarray(to_raw(x, ax)), np.asarray(to_raw(y, ay))
        if rt == N:
            rt = N
    else:
        unit = rt if rt in DTYPE else (V.F if rt == V.F else rt)
        xr, yr = _raw_in(x, ax, unit), _raw_in(y, ay, unit)
    if rt == V.F or rt == Z:
        xr, yr = np.asarray(xr, np.float64), np.asarray(yr, np.float64)
    else:
        xr, yr = np.asarray(xr, np.int64), np.asarray(yr, np.int64)
    with np.errstate(all="ignore"):
        r = xr - yr if subtract else xr + yr
    isn = _operand_null(x, ax) | _operand_null(y, ay)
    atom = tx < 0 and ty < 0
    return _result(r, isn, rt, atom)


def _result(r, isn, rt, atom):
    r = np.asarray(r)
    if rt in DTYPE:
        if rt == Z:
            r = np.where(isn, np.nan, r)
        else:
            r = np.where(isn, NAT, r.astype(np.int64))
        return from_raw(r, rt, atom)
    if rt == V.F:
        r = np.where(isn, np.nan, r.astype(np.float64))
    else:
        r = np.where(isn, V.NULL_INT[rt], r).astype(V.DTYPE[rt])
    r = np.asarray(r, V.DTYPE[rt])
    return r[()] if atom else r


def multiply(x, y, tx, ty):
    """A span times a number: a span (rounded); other temporal products are 'type."""
    ax, ay = abs(tx), abs(ty)
    if ax in DTYPE and ay in DTYPE or ax in POINTS or ay in POINTS:
        raise KError("type")
    (s, st, o, ot) = (x, ax, y, ay) if ax in DTYPE else (y, ay, x, ax)
    if ot not in V.NUMERIC:
        raise KError("type")
    sr = np.asarray(to_raw(s, st), np.float64 if ot in V.FLOATS else np.int64)
    sr = np.where(nullmask(s, st), 0, sr)
    with np.errstate(all="ignore"):
        r = sr * _raw_in(o, ot, V.F if ot in V.FLOATS else V.J)
    if ot in V.FLOATS:
        r = np.floor(r + 0.5)
    isn = nullmask(s, st) | _operand_null(o, ot)
    return _result(np.nan_to_num(r).astype(np.int64) if ot in V.FLOATS else r, isn, st, tx < 0 and ty < 0)


def as_float(x, t):
    """Raw values as floats (nulls nan): temporal operands of % and such."""
    r = np.asarray(to_raw(x, t), np.float64)
    return np.where(nullmask(x, t), np.nan, r)


def compare_form(x, tx, other):
    """A comparable form of temporal x (type tx, positive) against an operand of
    type ``other``: ('i', int64) or ('f', float64); nulls are the smallest."""
    isn = nullmask(x, tx)
    if other == tx or other not in DTYPE:
        if tx == Z or other in V.FLOATS:
            return "f", np.where(isn, -np.inf if other not in DTYPE else np.nan, np.asarray(to_raw(x, tx), np.float64)) \
                if other in DTYPE else np.where(isn, np.nan, np.asarray(to_raw(x, tx), np.float64))
        r = np.asarray(to_raw(x, tx), np.int64)
        return "i", np.where(isn, NAT, r)
    # two temporal types: both as nanoseconds (points since 2000.01.01)
    a = _i8(x)
    spec = np.where(a == MAXI, 1, np.where(a == -MAXI, -1, 0))
    r = np.where(isn | (spec != 0), 0, np.asarray(to_raw(x, tx)))
    with np.errstate(all="ignore"):
        ns = _to_ns(r, tx)
    return "i", np.where(isn, NAT, np.where(spec > 0, MAXI, np.where(spec < 0, -MAXI, ns)))


def xbar(x, y, tx, ty):
    """x xbar y for temporal y: y rounded down to a multiple of x (x a number
    of y's units, or a span)."""
    ax, ay = abs(tx), abs(ty)
    if ay not in DTYPE:
        raise KError("type")
    if ax in DTYPE:
        if ax != N or ay == M:      # q's table: of the temporal types only a timespan x
            raise KError("type")
        xn = np.asarray(to_raw(x, ax), np.int64) * NS[ax]
        xr = xn / DAY_NS if ay == Z else np.floor_divide(xn, NS[ay])
    elif ax in V.NUMERIC:
        xr = _raw_in(x, ax, V.F if (ax in V.FLOATS or ay == Z) else V.J)
    else:
        raise KError("type")
    yr = np.asarray(to_raw(y, ay))
    isn = nullmask(y, ay) | _operand_null(x, ax)
    yr = np.where(isn, 0, yr)
    with np.errstate(all="ignore"):
        if ay == Z or np.asarray(xr).dtype.kind == "f":
            safe = np.where(np.asarray(xr) == 0, 1, xr)
            r = np.asarray(xr) * np.floor(yr / safe)
            if ay != Z:
                r = np.floor(r + 0.5).astype(np.int64)
        else:
            safe = np.where(np.asarray(xr) == 0, 1, xr)
            r = np.asarray(xr) * np.floor_divide(yr.astype(np.int64), safe)
    return _result(r, isn, ay, tx < 0 and ty < 0)


def mod(x, y, tx, ty):
    """x mod y, x temporal and y an integer: the remainder in x's units, x's type."""
    ax, ay = abs(tx), abs(ty)
    if ay not in V.INTS + (V.B, V.X) or ax not in DTYPE or ax == Z:
        raise KError("type")
    xr = np.asarray(to_raw(x, ax), np.int64)
    yr = _raw_in(y, ay, V.J)
    isn = nullmask(x, ax) | _operand_null(y, ay)
    safe = np.where(yr == 0, 1, yr)
    r = np.mod(np.where(isn, 0, xr), safe)
    return _result(r, isn, ax, tx < 0 and ty < 0)
