"""Opt-in rich rendering of tables (`\\rich` in the REPL toggles it).

The default console text never changes: this is only used when the user
asks for it, and only for tables, keyed tables and dicts."""

import io

from kapi import values as V
from kapi.display import cell_strs
from kapi.text import s1


def _cells(col, prec):
    t = V.qtype(col)
    if 0 < t < 20:
        return cell_strs(col, prec)
    return [s1(v, prec) for v in V.items(col)]


def render(value, settings, width=None):
    """Rich text of a table / keyed table / dict, or None for other values."""
    from rich.console import Console
    from rich.table import Table
    prec = settings.precision
    if isinstance(value, V.KTable):
        keys, vals = None, value
    elif V.is_keyed(value):
        keys, vals = value.keys, value.values
    elif isinstance(value, V.KDict):
        tab = Table(show_header=False)
        tab.add_column(style="bold")
        tab.add_column()
        for k, v in zip(V.items(value.keys), V.items(value.values)):
            tab.add_row(s1(k, prec).lstrip("`"), s1(v, prec))
        return _to_text(tab, width)
    else:
        return None
    tab = Table()
    cols = []
    for t, style in ((keys, "bold cyan"), (vals, None)):
        if t is None:
            continue
        for name, col in zip(t.names, t.cols):
            tab.add_column(name, style=style)
            cols.append(_cells(col, prec))
    n = len(vals)
    limit = max(settings.rows - 4, 1)
    for r in range(min(n, limit)):
        tab.add_row(*[c[r] for c in cols])
    if n > limit:
        tab.add_row(*([".."] * len(cols)))
    return _to_text(tab, width)


def _to_text(tab, width):
    from rich.console import Console
    buf = io.StringIO()
    Console(file=buf, width=width or 120, force_terminal=True).print(tab)
    return buf.getvalue().rstrip("\n")
