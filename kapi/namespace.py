"""Namespaces (contexts): where q's global names live.

The root namespace ``.`` is a plain dict (``interp.globals``), so reading a
global in the root costs one dict lookup.  Every other namespace is a
:class:`Namespace` (a dict too) held by the interpreter's :class:`Workspace`
under its top-level name (``spaces["ns"]`` for ``.ns``); a namespace inside
a namespace (``.fee.fi``) is a :class:`Namespace` entry of its parent.  q
code sees a namespace as a dictionary whose first entry is `` ` `` → ``::``.

A name ``.a.b.c`` is absolute: namespace ``a``, its entry ``b``, then ``c``;
a name ``d.e`` is relative to the current context: ``d`` there, then ``e``.
Past the namespaces, each further part is field access on a value
(:func:`field`): a dictionary is indexed by the symbol.
"""

import numpy as np

from . import temporal, values as V
from .errors import KError
from .values import KDict

_MISSING = object()


class Namespace(dict):
    """A q namespace (context): a mutable table of names to values."""

    __slots__ = ("name",)

    def __init__(self, name, items=()):
        super().__init__(items)
        self.name = name        # the full name without the leading dot: "ns", "fee.fi"

    def computed(self):
        """Names whose values are computed when read (none here; .z has some)."""
        return ()

    def __repr__(self):
        return "Namespace(%r, %d names)" % (self.name, len(self))


def field(v, name):
    """The field ``name`` of value ``v``: the ``x.name`` of a dotted name
    whose base is a value rather than a namespace.  A dictionary is indexed
    by the symbol (a missing key gives the null, as indexing does); a
    temporal value gives its part (x.year, x.minute)."""
    if isinstance(v, Namespace):
        try:
            return v[name]
        except KeyError:
            raise KError(name) from None
    if isinstance(v, KDict):
        from .funcs import index
        return index(v, name)
    t = V.qtype(v)
    if abs(t) in V.TEMPORAL and name in temporal.PARTS:      # x.year x.minute ...
        return temporal.part(v, name, t)
    raise KError("type")


def as_dict(v):
    """What q code sees of a value: a namespace becomes its dictionary
    (`` ` `` → ``::`` first); anything else is itself."""
    if not isinstance(v, Namespace):
        return v
    names = [""] + list(v) + [n for n in v.computed() if n not in v]
    vals = [None]
    for n in names[1:]:
        try:
            vals.append(as_dict(v[n]))
        except KError:           # a computed entry not available here ('nyi)
            vals.append(None)
    return KDict(V.syms(names), vals)


def root_dict(root):
    """The root namespace ``.`` as q code sees it (no `` ` `` entry)."""
    return KDict(V.syms(list(root)), [as_dict(v) for v in root.values()])


def _entries(d):
    """(names, values) of a dictionary assigned to a namespace; 'type unless
    its keys are symbols.  The `` ` `` entry is dropped."""
    if not isinstance(d, KDict) or V.qtype(d.keys) != 11:
        raise KError("type")
    vals = V.items(d.values)
    return [(str(k), v) for k, v in zip(d.keys, vals) if k != ""]


class Workspace:
    """All the namespaces of one interpreter and its current context.

    ``root`` is the root dict; ``spaces`` maps top-level names (``"q"``,
    ``"Q"``, ``"z"``, ``"ns"``) to :class:`Namespace`; ``current`` is the
    current context's name, ``""`` for the root."""

    __slots__ = ("root", "spaces", "current")

    def __init__(self, root):
        self.root = root
        self.spaces = {}
        self.current = ""

    # -- contexts ---------------------------------------------------------
    def space(self, name):
        """The namespace ``name`` (``"ns"`` or ``"a.b"``), created if missing."""
        top, _, rest = name.partition(".")
        ns = self.spaces.get(top)
        if ns is None:
            ns = self.spaces[top] = Namespace(top)
        path = top
        for p in rest.split(".") if rest else ():
            path += "." + p
            nxt = ns.get(p, _MISSING)
            if nxt is _MISSING:
                nxt = ns[p] = Namespace(path)
            elif not isinstance(nxt, Namespace):
                raise KError("type")
            ns = nxt
        return ns

    def context(self, name=None):
        """The dict of unqualified names of context ``name`` (default: the
        current one); the root dict for ``""``."""
        if name is None:
            name = self.current
        return self.root if not name else self.space(name)

    def set_context(self, name):
        """``\\d name``: ``"."`` (or ``""``) is the root, ``".ns"`` a namespace."""
        name = name.strip()
        if name in ("", "."):
            self.current = ""
            return
        if not name.startswith(".") or len(name) < 2 or not all(_valid(p) for p in name[1:].split(".")):
            raise KError("type")
        self.space(name[1:])            # the context's names go here (hidden while empty)
        self.current = name[1:]

    def context_name(self):
        """`` `. `` or `` `.ns `` (what ``\\d`` shows)."""
        return "." + self.current if self.current else "."

    def listed(self):
        """The namespaces ``key `` `` lists: q and Q, then those holding names
        (not .z, as q)."""
        out = [n for n in ("q", "Q") if n in self.spaces]
        out += [n for n, ns in self.spaces.items() if n not in ("q", "Q", "z") and ns]
        return out

    # -- names ------------------------------------------------------------
    def _start(self, name, ctx):
        """(container, first key, the remaining parts) of a q name."""
        if name.startswith("."):
            parts = name[1:].split(".")
            ns = self.spaces.get(parts[0])
            if ns is None:
                raise KError(name)
            return ns, None, parts[1:]
        parts = name.split(".")
        return self.context(ctx), parts[0], parts[1:]

    def lookup(self, name, ctx=None):
        """The value of q name ``name`` (absolute, or relative to context
        ``ctx``, default the current one) as q code sees it; ``'name`` if it
        is not defined."""
        if name == ".":
            return root_dict(self.root)
        if not name:
            raise KError(name)
        d, k, rest = self._start(name, ctx)
        if k is None:
            v = d
        else:
            v = d.get(k, _MISSING) if type(d) is dict else _get(d, k)
            if v is _MISSING:
                raise KError(name)
        for p in rest:
            if isinstance(v, Namespace):
                v = _get(v, p)
                if v is _MISSING:
                    raise KError(name)
            else:
                v = field(v, p)
        return as_dict(v)

    def assign(self, name, value, amend, ctx=None):
        """Assign q name ``name`` (absolute, or relative to context ``ctx``).
        A part past the namespaces amends the dictionary there
        (``amend(d, path, None, value)``, as ``d[`k]:value``); missing
        namespaces on the way are created.  Assigning a dictionary to a
        namespace itself (``.ns``, or ``.`` for the root) replaces its names."""
        if name == ".":
            items = _entries(value)
            self.root.clear()
            self.root.update(items)
            return
        if not name or name.endswith(".") or ".." in name:
            raise KError("type")
        if name.startswith("."):
            parts = name[1:].split(".")
            if len(parts) == 1:
                items = _entries(value)
                ns = self.space(parts[0])
                ns.clear()
                ns.update(items)
                return
            d = self.space(parts[0])
            parts = parts[1:]
        else:
            parts = name.split(".")
            d = self.context(ctx)
        _put_path(d, parts, value, amend)

    def delete(self, name, ctx=None):
        """``\\x name``: remove a global; nothing happens if it is not there
        (the system namespaces themselves stay)."""
        if name.startswith("."):
            parts = name[1:].split(".")
            if len(parts) == 1:
                if parts[0] not in ("q", "Q", "z"):
                    self.spaces.pop(parts[0], None)
                return
            d = self.spaces.get(parts[0])
            parts = parts[1:]
        else:
            parts = name.split(".")
            d = self.context(ctx)
        for p in parts[:-1]:
            d = d.get(p) if isinstance(d, dict) else None
        if isinstance(d, dict):
            d.pop(parts[-1], None)


def _valid(p):
    return bool(p) and (p[0].isalpha()) and all(c.isalnum() or c == "_" for c in p)


def _get(ns, k):
    """ns[k] for a namespace, computed entries included; _MISSING if none."""
    try:
        return ns[k]
    except KeyError:
        return _MISSING


def _put_path(d, parts, value, amend):
    k = parts[0]
    if len(parts) == 1:
        d[k] = value
        return
    cur = d.get(k, _MISSING)
    if cur is _MISSING:
        base = getattr(d, "name", "")
        cur = d[k] = Namespace((base + "." if base else "") + k)
    if isinstance(cur, Namespace):
        _put_path(cur, parts[1:], value, amend)
    elif isinstance(cur, KDict):
        d[k] = amend(cur, list(parts[1:]), None, value)
    else:
        raise KError("type")


def symbols(ns):
    """The names of a namespace dict as a symbol vector, in order."""
    return V.syms(list(ns))


def is_function(v):
    return isinstance(v, V.KFunc)


def _is_table(v):
    return isinstance(v, V.KTable) or (isinstance(v, KDict) and isinstance(v.keys, V.KTable))


def names_of(d, kind):
    """Sorted names in namespace dict ``d``: ``"v"`` variables (not
    functions), ``"f"`` functions, ``"a"`` tables (\\v \\f \\a)."""
    out = []
    for n, v in d.items():
        if kind == "f":
            ok = is_function(v)
        elif kind == "a":
            ok = _is_table(v)
        else:
            ok = not is_function(v) and not isinstance(v, Namespace)
        if ok:
            out.append(n)
    return V.syms(sorted(out)) if out else np.empty(0, dtype=object)
