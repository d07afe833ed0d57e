"""Text of k values: q's one-line form (``-3!x``, :func:`s1`) and the text of
atoms (``string``, table cells).

The bottom of the text stack: it needs only :mod:`kapi.values`.  A function
writes its own text (:meth:`~kapi.values.KFunc.s1`), so this module knows no
function kinds; the console form (:mod:`kapi.display`) builds on it.
"""

import math

import numpy as np

from . import temporal, values as V
from .values import KFunc, KTable


# --------------------------------------------------------------------------
# atoms as text

def fmt_float(v, prec):
    """Float text: printf %.{P}g (P=0 means 17 digits); null and infinities."""
    f = float(v)
    if f != f:
        return "0n"
    if f == math.inf:
        return "0w"
    if f == -math.inf:
        return "-0w"
    s = ("%." + str(prec if prec else 17) + "g") % f
    if s == "-0":
        s = "-0"
    return s


def _int_text(v, t):
    n = int(v)
    if n == V.NULL_INT[t]:
        return "0N"
    if n == V.INF_INT[t]:
        return "0W"
    if n == -V.INF_INT[t]:
        return "-0W"
    return str(n)


def _needs_f(s):
    return not any(c in s for c in ".enw")


def atom_str(x, t, prec):
    """`string`-like text of an atom without type decoration (a table cell)."""
    if t == -1:
        return "1" if x else "0"
    if t == -4:
        return "%02x" % int(x)
    if t in (-5, -6, -7):
        return _int_text(x, -t)
    if t == -8:
        return fmt_float(np.float64(x), prec)
    if t == -9:
        return fmt_float(x, prec)
    if t == -10:
        return x.decode("latin-1")
    if t == -11:
        return str(x)
    if -20 < t < -11:
        return temporal.strs(x, -t, suffix=False)[0]
    return s1(x, prec)


def s1(x, prec=7):
    """The one-line k form of any value (`-3!x`)."""
    t = V.qtype(x)
    if t < 0:
        return _atom_s1(x, t, prec)
    if t == 101 and x is None:
        return "::"
    if 0 < t < 20:
        return _vec_s1(x, t, prec)
    if t == 0:
        if len(x) == 0:
            return "()"
        if len(x) == 1:
            return "," + s1(x[0], prec)
        return "(" + ";".join(s1(i, prec) for i in x) + ")"
    if t == 98:
        return _table_s1(x, prec)
    if t == 99:
        if isinstance(x.keys, KTable):
            vals = _table_s1(x.values, prec) if isinstance(x.values, KTable) else s1(x.values, prec)
            return "(" + _table_s1(x.keys, prec) + ")!" + vals
        k = s1(x.keys, prec)
        if V.count(x.keys) == 1 or (type(x.keys) is np.ndarray and len(x.keys) == 0):
            k = "(" + k + ")"
        return k + "!" + s1(x.values, prec)
    if isinstance(x, KFunc):
        return func_s1(x, prec)
    return str(x)


def _table_s1(x, prec):
    names = V.syms(x.names)
    ks = s1(names, prec)
    if len(x.names) == 1:
        ks = "(" + ks + ")"
    return "+" + ks + "!" + s1(list(x.cols), prec)


def _atom_s1(x, t, prec):
    if t == -1:
        return "1b" if x else "0b"
    if t == -4:
        return "0x%02x" % int(x)
    if t == -5:
        return _int_text(x, 5) + "h"
    if t == -6:
        return _int_text(x, 6) + "i"
    if t == -7:
        return _int_text(x, 7)
    if t == -8:
        s = fmt_float(np.float64(x), prec)
        return s + "e"
    if t == -9:
        s = fmt_float(x, prec)
        return s + "f" if _needs_f(s) else s
    if t == -10:
        return '"' + _esc(x) + '"'
    if t == -11:
        return "`" + str(x)
    if -20 < t < -11:
        return temporal.atom_s1(x, -t)
    return "?"


def _esc(b):
    out = []
    for c in b:
        ch = chr(c)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif c < 32 or c == 127:
            out.append("\\%03o" % c)
        else:
            out.append(ch)
    s = "".join(out)
    try:
        return s.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return s


def _vec_s1(x, t, prec):
    n = len(x)
    if n == 0:
        return '""' if t == 10 else "`" + V.NAMES[t] + "$()"
    pre = "," if n == 1 else ""
    if t == 10:
        return pre + '"' + _esc(x.tobytes()) + '"'
    if t == 11:
        return pre + "".join("`" + str(s) for s in x)
    if t == 1:
        return pre + "".join("1" if b else "0" for b in x) + "b"
    if t == 4:
        return pre + "0x" + x.tobytes().hex()
    if t in (5, 6, 7):
        body = " ".join(_int_text(v, t) for v in x.tolist())
        return pre + body + {5: "h", 6: "i", 7: ""}[t]
    if t == 8:
        return pre + " ".join(fmt_float(v, prec) for v in x.astype(np.float64).tolist()) + "e"
    if t == 9:
        strs = [fmt_float(v, prec) for v in x.tolist()]
        body = " ".join(strs)
        if all(_needs_f(s) for s in strs):
            body += "f"
        return pre + body
    if 11 < t < 20:
        return temporal.vec_s1(x, t)
    return "?"


def func_s1(f, prec=7):
    """The text of a function: each kind of function writes its own
    (:meth:`kapi.values.KFunc.s1`), using :func:`s1` for its parts."""
    return f.s1(prec)
