"""The .q and .Q namespaces.

``.q`` holds q's keywords that q itself defines in q (``key `.q``); the
words of the k layer (``.Q.res``: control words and k keywords) are not in
it.  ``.Q`` holds q's utilities that need no database: display (s s1),
number formats (f fmt), names (id res dd), command lines (opt def x),
encodings (x10 j10 x12 j12 btoa atob sha1), types (ty t qt), constants (n
a A an nA b6 k M), memory (w gc) and a few helpers (v fu fc ts).  Each is a
Python function with the help text of its docstring; building them costs
nothing at start.
"""

import base64
import hashlib
import math

import numpy as np

from . import values as V
from .errors import KError
from .funcs import Builtin, call
from .namespace import Namespace
from .values import KDict, KTable, qtype

# control words and k keywords: reserved, and not in .q
RES = ("abs acos asin atan avg bin binr cor cos cov delete dev div do enlist exec exit exp "
       "getenv hopen if in insert last like log max min prd select setenv sin sqrt ss sum "
       "tan update var wavg while within wsum xexp").split()

ALPHA = "abcdefghijklmnopqrstuvwxyz"
UPPER = ALPHA.upper()
DIGITS = "0123456789"
B6 = UPPER + ALPHA + DIGITS + "+/"
NA = DIGITS + UPPER
AN = ALPHA + UPPER + "_" + DIGITS
TYPE_CHARS = " bg xhijefcspmdznuvts"


def _str(x, what="type"):
    """A Python str from a q string or char atom ('type otherwise)."""
    if qtype(x) in (10, -10):
        return V.pystr(x)
    raise KError(what)


def _int(x):
    if qtype(x) not in (-7, -6, -5, -4, -1):
        raise KError("type")
    return int(x)


def _num(y):
    t = qtype(y)
    if t not in (-9, -8, -7, -6, -5, -4, -1):
        raise KError("type")
    v = float(y)
    if t in (-7, -6, -5) and int(y) == V.NULL_INT[-t]:
        v = math.nan
    return v


# ----------------------------------------------------------------------
# formats

def fixed(x, y):
    """y (a number) as a string with x decimals, rounded half away from zero;
    scientific notation where y*10^x reaches 1e17 (past a double's digits)."""
    if x < 0:
        raise KError("domain")
    if math.isnan(y):
        return ""
    if math.isinf(y):
        return "-0w" if y < 0 else "0w"
    scaled = abs(y) * 10.0 ** x
    if scaled >= 1e17:
        return "%.*e" % (x, y)
    n = int(math.floor(scaled + 0.5))
    s = str(n).rjust(x + 1, "0")
    body = s[:len(s) - x] + ("." + s[len(s) - x:] if x else "")
    return ("-" if y < 0 or (y == 0 and math.copysign(1, y) < 0) else "") + body


def q_f(x, y):
    """.Q.f[x;y]  y (a numeric atom) as a string with x decimal places."""
    return V.string(fixed(_int(x), _num(y)))


def q_fmt(x, y, z):
    """.Q.fmt[x;y;z]  z as a string of length x with y decimal places
    (padded on the left; x stars if it does not fit)."""
    w = _int(x)
    s = fixed(_int(y), _num(z))
    if w < 0:
        raise KError("domain")
    return V.string(s.rjust(w) if len(s) <= w else "*" * w)


# ----------------------------------------------------------------------
# names

def _sanitize(s):
    t = "".join(c for c in s if c in AN)
    if not t or not t[0].isalpha():
        t = "a" + t
    return t


def _dedupe(names):
    seen, out = {}, []
    for n in names:
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else n + str(k))
    return out


def make_id(reserved):
    def q_id(x):
        """.Q.id x  a symbol made a valid q name (characters outside .Q.an
        dropped; "a" in front of one that would start with a digit or _);
        for a table or dictionary, its column names or keys so, with 1
        added to any that is a q keyword and repeats numbered."""
        t = qtype(x)
        if t == -11:
            return _sanitize(x)
        if t == 11:
            return V.syms([_sanitize(s) for s in x])

        def fix(names):
            out = [_sanitize(n) for n in names]
            out = [n + "1" if n in reserved else n for n in out]
            return _dedupe(out)
        if t == 98:
            return KTable(fix(x.names), x.cols)
        if t == 99 and isinstance(x.keys, KTable):
            return KDict(q_id(x.keys), q_id(x.values))
        if t == 99 and qtype(x.keys) == 11:
            return KDict(V.syms(fix(list(x.keys))), x.values)
        raise KError("type")
    return q_id


def make_dd(interp):
    sv = interp.keywords["sv"].fn
    string = interp.keywords["string"].fn

    def q_dd(x, y):
        """.Q.dd[x;y]  x joined to y by a dot (by / for a file handle `:dir):
        ` sv x,`$string y."""
        if qtype(x) != -11:
            raise KError("type")
        s = string(y)
        parts = [V.pystr(s)] if qtype(s) == 10 else [V.pystr(p) for p in V.items(s)]
        return sv("", V.syms([x] + parts))
    return q_dd


# ----------------------------------------------------------------------
# command lines

def make_opt(interp, dotq):
    def q_opt(x):
        """.Q.opt x  command-line arguments (a list of strings, e.g. .z.x) as a
        dictionary: each -name to the string after it, a list of the strings
        if several, () if none.  Sets .Q.x to the arguments before the first
        -name."""
        args = [x] if qtype(x) == 10 else V.items(x) if qtype(x) == 0 else None
        if args is None or any(qtype(a) not in (10, -10) for a in args):
            raise KError("type")
        strs = [V.pystr(a) for a in args]
        keys, vals, cur, before = [], [], None, []
        for s in strs:
            if s.startswith("-") and len(s) > 1:
                keys.append(s[1:])
                cur = []
                vals.append(cur)
            elif cur is None:
                before.append(s)
            else:
                cur.append(s)
        dotq["x"] = [V.string(s) for s in before]
        out = [V.string(v[0]) if len(v) == 1 else [V.string(s) for s in v] for v in vals]
        return KDict(V.syms(keys), out)
    return q_opt


def make_def(interp):
    dollar = interp.prims["$"].dyad

    def q_def(x, y):
        """.Q.def[x;y]  defaults x (a dictionary of atoms) overridden by the
        strings in y (from .Q.opt), each read as the type of its default
        ("I"$ and so on; a null where it does not parse); a bare -name gives
        1b for a boolean default."""
        if not (isinstance(x, KDict) and isinstance(y, KDict)):
            raise KError("type")
        given = dict(zip([str(k) for k in V.items(y.keys)], V.items(y.values)))
        out = []
        for k, d in zip(V.items(x.keys), V.items(x.values)):
            if str(k) not in given:
                out.append(d)
                continue
            v, t = given[str(k)], qtype(d)
            if t == 10:
                out.append(v)
            elif t == -1 and qtype(v) == 0 and not v:
                out.append(np.True_)          # a bare -flag switches a boolean on
            elif t < 0 and -t < len(TYPE_CHARS) and TYPE_CHARS[-t] != " ":
                out.append(dollar(TYPE_CHARS[-t].upper().encode(), v))
            else:
                raise KError("type")
        return KDict(x.keys, V.collapse(out))
    return q_def


# ----------------------------------------------------------------------
# encodings

def _digits(n, alphabet, width):
    base = len(alphabet)
    out = []
    for _ in range(width):
        n, r = divmod(n, base)
        out.append(alphabet[r])
    return "".join(reversed(out))


def _undigits(s, alphabet, width):
    if len(s) > width:
        raise KError("length")
    base = len(alphabet)
    n = 0
    for c in s:
        i = alphabet.find(c)
        if i < 0:
            raise KError("domain")
        n = n * base + i
    return n


def _encoder(alphabet, width, name):
    def x_(x):
        t = qtype(x)
        if t in (-7, -6, -5):
            n = int(x)
            if n < 0:
                raise KError("domain")
            return V.string(_digits(n, alphabet, width))
        if t in (7, 6, 5):
            return [x_(np.int64(v)) for v in x]
        raise KError("type")
    x_.__doc__ = ".Q.%s x  long x as a string of %d digits of %s (its inverse is .Q.%s)." % (
        name, width, ".Q.b6" if alphabet is B6 else ".Q.nA", "j" + name[1:])
    return x_


def _decoder(alphabet, width, name):
    def j_(x):
        t = qtype(x)
        if t in (10, -10):
            return np.int64(_undigits(V.pystr(x), alphabet, width))
        if t == 0:
            return V.collapse([j_(v) for v in x])
        raise KError("type")
    j_.__doc__ = ".Q.%s s  the long a string s of up to %d digits of %s stands for." % (
        name, width, ".Q.b6" if alphabet is B6 else ".Q.nA")
    return j_


def _bytes(x):
    t = qtype(x)
    if t == 10 or t == 4:
        return np.asarray(x).tobytes()
    if t in (-10, -4):
        return bytes(np.asarray(x).tobytes())
    raise KError("type")


def q_btoa(x):
    """.Q.btoa x  the base-64 encoding of string (or bytes) x."""
    return V.string(base64.b64encode(_bytes(x)))


def q_atob(x):
    """.Q.atob x  the string that base-64 text x encodes."""
    try:
        return V.string(base64.b64decode(_bytes(x), validate=True))
    except ValueError:
        raise KError("domain") from None


def q_sha1(x):
    """.Q.sha1 x  the SHA-1 hash of string x, as bytes."""
    return np.frombuffer(hashlib.sha1(_bytes(x)).digest(), dtype=np.uint8).copy()


# ----------------------------------------------------------------------
# types

def q_ty(x):
    """.Q.ty x  the type letter of x: lower case for a vector, upper case for
    a list of vectors of one type, a blank otherwise."""
    t = qtype(x)
    if t < 0:
        return TYPE_CHARS[-t].encode() if -t < len(TYPE_CHARS) else b" "
    if 0 < t < len(TYPE_CHARS):
        return TYPE_CHARS[t].encode()
    if t == 0 and x:
        ts = {qtype(i) for i in x}
        if len(ts) == 1:
            u = ts.pop()
            if 0 < u < len(TYPE_CHARS):
                return TYPE_CHARS[u].upper().encode()
    return b" "


def q_qt(x):
    """.Q.qt x  1b if x is a table (keyed or not), else 0b."""
    return np.bool_(qtype(x) == 98 or V.is_keyed(x))


# ----------------------------------------------------------------------
# memory

def _statm():
    """(resident bytes, physical memory) of this process and machine."""
    import os
    page = os.sysconf("SC_PAGE_SIZE")
    rss = 0
    try:
        with open("/proc/self/statm") as f:
            rss = int(f.read().split()[1]) * page
    except (OSError, ValueError, IndexError):
        pass
    try:
        phys = page * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        phys = 0
    return rss, phys


def workspace():
    """\\w: used heap peak wmax mmap mphy as longs: the process's resident
    memory (used, heap), its peak, kapi's workspace limit (V.WSLIMIT), 0
    mapped bytes, and the machine's physical memory."""
    import resource
    rss, phys = _statm()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return np.array([rss, rss, max(peak, rss), V.WSLIMIT, 0, phys], dtype=np.int64)


def q_w(_=None):
    """.Q.w[]  memory statistics (\\w) as a dictionary: used heap peak wmax
    mmap mphy syms symw."""
    w = workspace()
    return KDict(V.syms("used heap peak wmax mmap mphy syms symw".split()),
                 np.concatenate([w, np.zeros(2, dtype=np.int64)]))


def q_gc(_=None):
    """.Q.gc[]  collect garbage; returns the bytes given back to the OS (0:
    Python keeps its heap)."""
    import gc
    gc.collect()
    return np.int64(0)


# ----------------------------------------------------------------------

def make_s(interp):
    def q_s(x):
        """.Q.s x  x as the console shows it (obeys \\c), as a string ending
        in a newline ("" for ::)."""
        txt = interp.show_text(x)
        return V.string(txt + "\n" if txt else "")
    return q_s


def make_s1(interp):
    from .text import s1

    def q_s1(x):
        """.Q.s1 x  x as a one-line string (-3!x)."""
        return V.string(s1(x, interp.settings.precision))
    return q_s1


def make_v(interp):
    def q_v(x):
        """.Q.v x  the global named by symbol x (a file's value for a file
        symbol); anything else is itself."""
        if qtype(x) == -11:
            return interp.keywords["get"].fn(x)
        return x
    return q_v


def make_fu(interp):
    def q_fu(x, y):
        """.Q.fu[x;y]  x[y] computed on the distinct items of y only."""
        if not V.is_list(y):
            return call(x, [y], interp)
        u = interp.keywords["distinct"].fn(y)
        r = call(x, [u], interp)
        return interp.prims["@"].dyad(r, interp.prims["?"].dyad(u, y))
    return q_fu


def make_fc(interp):
    def q_fc(x, y):
        """.Q.fc[x;y]  x applied to list y (q cuts y across threads; kapi
        applies x once)."""
        return call(x, [y], interp)
    return q_fc


def make_ts(interp):
    def q_ts(x, y):
        """.Q.ts[x;y]  (milliseconds and bytes, as \\ts; the result of .[x;y])."""
        import time
        import tracemalloc
        args = V.items(y) if V.is_list(y) else [y]
        tracemalloc.start()
        t0 = time.perf_counter()
        try:
            r = call(x, args, interp)
        finally:
            ms = int(round((time.perf_counter() - t0) * 1000))
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        return [np.array([ms, peak], dtype=np.int64), r]
    return q_ts


# ----------------------------------------------------------------------

def install(interp):
    """Make the interpreter's .q and .Q namespaces."""
    from .dotz import VERSION
    ws = interp.ws
    res = set(RES)
    q = Namespace("q")
    for name, b in interp.keywords.items():
        if name not in res:
            q[name] = b
    ws.spaces["q"] = q
    Q = Namespace("Q")
    ws.spaces["Q"] = Q

    def b(name, fn, rank=1):
        Q[name] = Builtin(".Q." + name, fn, rank)

    b("s", make_s(interp))
    b("s1", make_s1(interp))
    b("f", q_f, 2)
    b("fmt", q_fmt, 3)
    b("id", make_id(res | set(q)))
    b("dd", make_dd(interp), 2)
    b("opt", make_opt(interp, Q))
    b("def", make_def(interp), 2)
    b("x10", _encoder(B6, 10, "x10"))
    b("j10", _decoder(B6, 10, "j10"))
    b("x12", _encoder(NA, 12, "x12"))
    b("j12", _decoder(NA, 12, "j12"))
    b("btoa", q_btoa)
    b("atob", q_atob)
    b("sha1", q_sha1)
    b("ty", q_ty)
    b("qt", q_qt)
    b("w", q_w)
    b("gc", q_gc)
    b("v", make_v(interp))
    b("fu", make_fu(interp), 2)
    b("fc", make_fc(interp), 2)
    b("ts", make_ts(interp), 2)
    Q.update({
        "n": V.string(DIGITS), "a": V.string(ALPHA), "A": V.string(UPPER), "an": V.string(AN),
        "nA": V.string(NA), "b6": V.string(B6), "t": V.string(TYPE_CHARS),
        "res": V.syms(RES), "k": np.float64(VERSION), "M": V.WJ, "x": [],
    })
    return Q
