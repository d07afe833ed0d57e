"""Dictionaries: ! key/dict (enumerations, keyed tables, internal n!x); the
keyword key.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype
from .atomic import INTLIKE
from .lists import til
from .registry import dyad, keyword, monad, takes_interp


# --------------------------------------------------------------------------
# dict / enkey

@dyad("!")
@takes_interp
def bang(interp, x, y):
    """x!y  dict from keys and values; n!t enkeys a table (0!t unkeys)."""
    tx, ty = qtype(x), qtype(y)
    if tx in (-7, -6, -5) and (int(x) < 0 or int(x) == V.NULL_INT[-tx]):
        return internal(interp, int(x), y, int(x) == V.NULL_INT[-tx])
    if ty == 98 and tx in (-7, -6, -5):
        n = int(x)
        if n == 0:
            return y
        return KDict(KTable(y.names[:n], y.cols[:n]), KTable(y.names[n:], y.cols[n:]))
    if ty == 99 and V.is_keyed(y) and tx in (-7, -6, -5) and int(x) == 0:
        from .tables import unkey
        return unkey(y)
    if tx == 98 and ty == 98:
        if len(x) != len(y):
            raise KError("length")
        return KDict(x, y)
    if tx < 0 and ty < 0:
        return KDict(V.enlist(x), V.enlist(y))
    if tx < 0 or ty < 0 and tx != 98:
        if tx < 0:
            raise KError("length" if 0 <= ty < 98 and V.count(y) != 1 else "type")
        if tx == 0 or (0 < tx < 20):
            return KDict(x, _fill_to(y, V.count(x)))
    if V.count(x) != V.count(y):
        raise KError("length")
    return KDict(x, y)


def internal(interp, n, y, is_null=False):
    """The n!x internal functions: 0N!x prints x (one-line form) and returns
    it; -3!x the one-line form as a string; -8!x / -9!x serialize and
    deserialize (q IPC bytes)."""
    from ..text import s1
    if is_null:
        it = interp
        it.write(s1(y, it.settings.precision) + "\n")
        return y
    if n == -3:
        return V.string(s1(y, interp.settings.precision))
    if n == -8:
        from ..files import to_ipc
        return np.frombuffer(to_ipc(y), dtype=np.uint8).copy()
    if n == -9:
        from ..compile import lambda_from_source
        from ..files import from_ipc
        if qtype(y) != 4:
            raise KError("type")
        it = interp
        return from_ipc(y.tobytes(), lambda src: lambda_from_source(it, src))
    raise KError("nyi")


def _fill_to(y, n):
    return V.collapse([y] * n)


@monad("!")
@takes_interp
def _key_m(interp, x):
    """!x  til of an atom, key of anything else (k form)."""
    return til(x) if qtype(x) < 0 else key(interp, x)


@keyword("key")
@takes_interp
def key(interp, x):
    """key x  keys of a dict (key columns of a keyed table); key n is til n."""
    t = qtype(x)
    if t == 99:
        return x.keys
    if t in INTLIKE:
        return til(x)
    if t == 98:
        return V.empty(11)
    if t > 0 and t < 20:
        return V.NAMES[t]
    if t == -11:
        return _key_name(interp, x)
    raise KError("type")


def _key_name(interp, x):
    """key `name: ` lists the namespaces, `. the root's names, `.ns the
    namespace's (` first); a global's key is its value's; else x itself."""
    if x == "":
        return V.syms(interp.ws.listed())
    if x == ".":
        return V.syms(list(interp.ws.root))
    try:
        v = interp.lookup(x)
    except KError:
        return x
    return key(interp, v) if v is not None else x
