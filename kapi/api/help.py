"""help: the help text of every k-api verb (its docstring) and a hook for
other help topics (module types, loss types, later optimizers).

A help provider is a function ``name -> k value or None`` registered with
:func:`help_provider`; ``help`name`` tries the verbs first, then each
provider in registration order -- except that a topic wins over a verb
declared as a row (kapi/api/rows.py) of the same name: ``help`sigmoid`` is
the sigmoid module's options, as before the ``sigmoid`` function existed.
"""

from .. import values as V
from ..errors import KError
from ..values import KDict, qtype
from .base import VERBS, verb

PROVIDERS = []


def help_provider(fn):
    """Register ``fn(name) -> k value or None`` as a source of help topics."""
    if fn not in PROVIDERS:
        PROVIDERS.append(fn)
    return fn


def text(name):
    """The help text of verb ``name`` (its docstring), or None."""
    v = VERBS.get(name)
    if v is None:
        return None
    return (v[0].__doc__ or "").strip()


def summary(name):
    """First line of a verb's help text."""
    t = text(name) or ""
    return t.split("\n")[0]


@verb("help")
def help_(reg, x):
    """help[]  dictionary of k-api verbs and a one-line summary of each.
help`name  the help text of a k-api verb as a string (-1 help`name; prints it),
or, for other topics, what the topic gives, e.g. help`linear (example options
of a module type), help`ce (loss options)."""
    if x is None or (type(x) is list and not x) or (qtype(x) == -11 and not x):
        names = sorted(VERBS)
        return KDict(V.syms(names), [V.string(summary(n)) for n in names])
    if qtype(x) != -11:
        raise KError("help: expecting symbol topic, given " + _kname(reg, x))
    v = VERBS.get(str(x))
    if v is not None and hasattr(v[0], "row"):
        # a function declared as a row (Abs, sigmoid, tanh ...) that shares its
        # name with a topic (the sigmoid module) leaves the topic its help
        for p in PROVIDERS:
            r = p(str(x))
            if r is not None:
                return r
    t = text(str(x))
    if t is not None:
        return V.string(t)
    for p in PROVIDERS:
        r = p(str(x))
        if r is not None:
            return r
    raise KError("help: help topic, `" + str(x))


def _kname(reg, x):
    from .registry import kname
    return kname(reg, x)
