"""Capabilities: what q code run by an interpreter may reach outside itself.

An interpreter holds one :class:`Caps`; ``Interpreter(sandbox=True)`` blocks
every capability (docs/embedding.md, "Running untrusted q").  A verb that
needs a capability is marked with :func:`needs`; the interpreter makes a
blocked verb raise ``'access`` when it builds its verb table, so the check
costs nothing on the verbs that are allowed.  Verbs that are only partly
blocked (``set`` and ``get`` of a file, but not of a global) call
:meth:`Caps.require` themselves.
"""

from .errors import KError

#: capability -> what it covers (the table in docs/embedding.md)
CAPABILITIES = {
    "files": "files and directories: set/get of a file, \\l, \\cd, read0, read1, 0:, 1:, "
             "hopen of a file, hdel, hcount, save, load",
    "system": "the operating system: system, \\ commands run by the OS",
    "env": "the environment: getenv, setenv",
    "exit": "ending the process: exit, \\\\",
    "net": "sockets and process groups: hopen of a port, distinit and the distributed verbs",
}

_WORDS = {"files": "files are", "system": "system commands are", "env": "the environment is",
          "exit": "exit is", "net": "sockets and process groups are"}


def needs(cap):
    """Mark a verb function as needing capability ``cap``."""
    if cap not in CAPABILITIES:
        raise ValueError("unknown capability %r" % cap)

    def mark(fn):
        fn.kapi_capability = cap
        return fn
    return mark


def capability_of(fn):
    """The capability a verb function needs, or None."""
    return getattr(fn, "kapi_capability", None)


def access_error(cap):
    return KError("access: %s disabled in this interpreter" % _WORDS[cap])


class Caps:
    """The capabilities blocked for one interpreter."""

    __slots__ = ("blocked",)

    def __init__(self, blocked=()):
        bad = set(blocked) - set(CAPABILITIES)
        if bad:
            raise ValueError("unknown capabilities: %s" % ", ".join(sorted(bad)))
        self.blocked = frozenset(blocked)

    def allows(self, cap):
        return cap not in self.blocked

    def require(self, cap):
        """Raise ``'access`` unless ``cap`` is allowed."""
        if cap in self.blocked:
            raise access_error(cap)

    def guard(self, fn):
        """``fn`` itself, or a stand-in raising ``'access`` when the
        capability it needs is blocked (same signature, same help text)."""
        cap = capability_of(fn)
        if cap is None or cap not in self.blocked:
            return fn

        def blocked(*args):
            raise access_error(cap)
        blocked.__doc__ = fn.__doc__
        blocked.__name__ = getattr(fn, "__name__", "blocked")
        blocked.__wrapped__ = fn   # inspect.signature sees the verb's parameters
        return blocked

    def __repr__(self):
        return "Caps(blocked=%s)" % sorted(self.blocked)
