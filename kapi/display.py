"""Display: the console form of a value (what the q) prompt prints, ``.Q.s``,
``show``), built on the one-line text of :mod:`kapi.text`.

Atoms and simple vectors print on one line; general lists, dicts and tables print one line per item
(or as a padded matrix when the items conform); every line is cut at the
console width with ``..`` and long lists at the console height.
"""

import numpy as np

from . import temporal, values as V
from .text import fmt_float, _int_text, s1
from .values import KDict, KTable


class Settings:
    __slots__ = ("rows", "cols", "precision", "gc")

    def __init__(self, rows=25, cols=80, precision=7, gc=0):
        self.rows = rows
        self.cols = cols
        self.precision = precision
        self.gc = gc          # \g: q's garbage-collection mode (0 deferred)


DEFAULT = Settings()


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
    elif t == 0 and len(x) == 1 and V.qtype(x[0]) < 0:
        lines = [s1(x, prec)]         # one atom in a general list (a ktorch pointer): ,x
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
    if 11 < t < 20:
        isn = temporal.nullmask(x, t)
        return ["" if n else s for s, n in zip(temporal.strs(x, t, suffix=False), isn.tolist())]
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
    return [" ".join(c.ljust(widths[j]) for j, c in enumerate(r)) for r in rows]
