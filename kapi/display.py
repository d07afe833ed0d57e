"""Display: q's one-line form (``-3!``, s1) and the console form (``.Q.s``).

The algorithm follows reference/q-language.md §2: atoms and simple vectors
print on one line; general lists, dicts and tables print one line per item
(or as a padded matrix when the items conform); every line is cut at the
console width with ``..`` and long lists at the console height.
"""

import math

import numpy as np

from . import values as V
from .values import KDict, KFunc, KTable


class Settings:
    __slots__ = ("rows", "cols", "precision")

    def __init__(self, rows=25, cols=80, precision=7):
        self.rows = rows
        self.cols = cols
        self.precision = precision


DEFAULT = Settings()


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


def _needs_paren(k):
    return V.qtype(k) == 0 or (V.is_list(k) and len(k) == 0)


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
    return "?"


def func_s1(f, prec=7):
    from .funcs import Builtin, Composition, Derived, Lambda, Prim, Projection, ELIDED
    if isinstance(f, Lambda):
        return f.source
    if isinstance(f, Prim):
        return f.glyph
    if isinstance(f, Builtin):
        return f.name
    if isinstance(f, Derived):
        inner = func_s1(f.f, prec) if isinstance(f.f, KFunc) else s1(f.f, prec)
        return inner + f.glyph
    if isinstance(f, Projection):
        inner = func_s1(f.f, prec)
        args = ";".join("" if a is ELIDED else s1(a, prec) for a in f.args)
        if isinstance(f.f, Prim) and len(f.args) == 2 and f.args[1] is ELIDED:
            return "(" + s1(f.args[0], prec) + inner + ")"
        return inner + "[" + args + "]"
    if isinstance(f, Composition):
        return "'[" + func_s1(f.f, prec) + ";" + func_s1(f.g, prec) + "]"
    return getattr(f, "name", "code")


# --------------------------------------------------------------------------
# the console form

def show_lines(x, settings=DEFAULT):
    """Lines the console prints for a value (empty list for ::)."""
    if x is None:
        return []
    prec = settings.precision
    rows, cols = settings.rows - 2, settings.cols - 1
    t = V.qtype(x)
    if t < 0 or 0 < t < 20:
        if t > 0 and len(x) > cols + 2:
            # only what fits on the line is formatted: every item takes a character
            lines = [s1(x[:cols + 2], prec)]
            if len(lines[0]) <= cols:
                lines = [lines[0] + " " * cols]
        else:
            lines = [s1(x, prec)]
    elif t >= 100:
        lines = s1(x, prec).split("\n")
    else:
        n = rows - (2 if (t == 98 or V.is_keyed(x)) else 0)
        cnt = V.count(x)
        trunc = cnt > n
        if trunc:
            x = _take(x, n - 1)
        try:
            lines = s2(x, prec)
        except Exception:
            lines = [s1(x, prec)]
        if trunc:
            lines.append("..")
    return [ln if len(ln) <= cols else ln[:cols - 2] + ".." for ln in lines]


def _take(x, n):
    if isinstance(x, KTable):
        return KTable(x.names, [c[:n] for c in x.cols])
    if isinstance(x, KDict):
        return KDict(_take(x.keys, n), _take(x.values, n))
    return x[:n]


def show(x, settings=DEFAULT):
    return "\n".join(show_lines(x, settings))


def cell_strs(x, prec):
    """Cell texts of a simple vector (no type decoration)."""
    t = V.qtype(x)
    if t == 10:
        return [bytes(c).decode("latin-1") or " " for c in x]
    if t == 11:
        return [str(s) for s in x]
    if t == 1:
        return ["1" if b else "0" for b in x]
    if t == 4:
        return ["%02x" % v for v in x.tolist()]
    # q's `string` of a null is empty, so null cells show blank
    if t in (5, 6, 7):
        nul = V.NULL_INT[t]
        return ["" if v == nul else _int_text(v, t) for v in x.tolist()]
    if t in (8, 9):
        return ["" if v != v else fmt_float(v, prec) for v in x.astype(np.float64).tolist()]
    return [s1(i, prec) for i in V.items(x)]


def s2(x, prec):
    t = V.qtype(x)
    if t == 99:
        K = s2(x.keys, prec)
        Vl = s2(x.values, prec)
        if not K and not Vl:
            return [s1(x, prec)]
        if len(Vl) > len(K):
            w = len(K[0]) if K else 0
            K = [" " * w, "-" * w] + K
        if len(K) > len(Vl):
            w = len(Vl[0]) if Vl else 0
            Vl = [" " * w, "-" * w] + Vl
        w = max(len(k) for k in K)
        return [k.ljust(w) + "| " + v for k, v in zip(K, Vl)]
    if t == 98:
        cols = [s2(c, prec) if V.count(c) else [] for c in x.cols]
        nrows = len(x)
        rows = [list(x.names)] + [[c[r] if r < len(c) else "" for c in cols] for r in range(nrows)]
        lines = _tab(rows)
        return [lines[0], "-" * len(lines[0])] + lines[1:]
    if V.is_list(x) and len(x) == 0:
        return []
    if 0 < t < 20:
        return cell_strs(x, prec)
    if t == 0:
        its = x
        if any(V.qtype(i) < 0 or V.qtype(i) >= 98 for i in its):
            return [s1(i, prec) for i in its]
        counts = {V.count(i) for i in its}
        types = {V.qtype(i) for i in its}
        if len(counts) > 1 or (len(types) == 1 and next(iter(types)) in (1, 4, 10)):
            return [s1(i, prec) for i in its]
        return _tab([s2(i, prec) for i in its])
    return [s1(x, prec)]


def _tab(rows):
    if not rows:
        return []
    ncol = max(len(r) for r in rows)
    widths = [max(len(r[j]) if j < len(r) else 0 for r in rows) for j in range(ncol)]
    return [" ".join(c.ljust(widths[j]) for j, c in enumerate(r)).rstrip() if False else
            " ".join(c.ljust(widths[j]) for j, c in enumerate(r)) for r in rows]
