"""Tables as values: columns from atoms, rows of a column, table literals,
keying and unkeying.  Below the language: the compiler (table literals), qSQL
and the table verbs all build tables with these.
"""

import numpy as np

from . import values as V
from .errors import KError
from .values import KDict, KTable, qtype


def is_column_value(v):
    """True when v is a list (vector or general list) usable as a column."""
    return type(v) is np.ndarray or type(v) is list


def fill(v, n):
    """An atom (or any non-list value) repeated n times as a column."""
    t = qtype(v)
    if t < 0:
        if t == -V.S:
            a = np.empty(n, dtype=object)
            a[:] = str(v)
            return a
        if t == -V.C:
            return np.full(n, bytes(v) if v else b" ", dtype="S1")
        return np.full(n, v, dtype=V.DTYPE[-t])
    return [v] * n


def take_rows(col, idx):
    """Rows idx (an int64 array, or None for all) of a column."""
    if idx is None:
        return col
    if type(col) is np.ndarray:
        return col[idx]
    if isinstance(col, KTable):
        return KTable(col.names, [take_rows(c, idx) for c in col.cols])
    return [col[k] for k in idx.tolist()]


def _names(kvals):
    return [str(n) for n, _ in kvals]


def make_table(kvals, cvals):
    """A table literal ``([k:..] c:..)`` from lists of (name, value).

    Atoms are extended to the common column count; all lists must have equal
    counts (``'length``).  With key columns the result is a keyed table."""
    allv = [v for _, v in kvals] + [v for _, v in cvals]
    lens = {len(v) for v in allv if is_column_value(v)}
    if len(lens) > 1:
        raise KError("length")
    n = lens.pop() if lens else 1

    def col(v):
        return v if is_column_value(v) else fill(v, n)
    ct = KTable(_names(cvals), [col(v) for _, v in cvals])
    if not kvals:
        return ct
    kt = KTable(_names(kvals), [col(v) for _, v in kvals])
    return KDict(kt, ct)


def unkey(x):
    """0!kt: a keyed table as a plain table (key columns first)."""
    if V.is_keyed(x):
        return KTable(x.keys.names + x.values.names, x.keys.cols + x.values.cols)
    return x


def enkey(n, t):
    """n!t: the first n columns of t become the key."""
    t = unkey(t)
    if not isinstance(t, KTable):
        raise KError("type")
    if n == 0:
        return t
    if n < 0 or n > len(t.names):
        raise KError("length")
    return KDict(KTable(t.names[:n], t.cols[:n]), KTable(t.names[n:], t.cols[n:]))
