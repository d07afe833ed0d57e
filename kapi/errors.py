"""q errors: one exception type carrying q's error text and where it happened."""


class KError(Exception):
    """A q error. ``name`` is q's text (``type``, ``length``, a host message...).

    ``frame`` and ``pos`` locate the failing primitive: ``frame`` is the source
    text shown in the caret block (the top-level line or a lambda's text) and
    ``pos`` the offset of the caret within it; ``depth`` is the call depth.
    They are filled in by the evaluator the first time the error passes a
    compiled node that knows its position.
    """

    __slots__ = ("name", "frame", "pos", "depth")

    def __init__(self, name, frame=None, pos=None, depth=0):
        name = name if isinstance(name, str) else str(name)
        super().__init__(name)
        self.name = name
        self.frame = frame
        self.pos = pos
        self.depth = depth

    def __str__(self):
        return "'" + self.name

    def block(self):
        """The console's error block: message, frame line and caret line."""
        out = "'" + self.name
        if self.frame is not None:
            frame = self.frame.split("\n")[0] if self.pos is None else self.frame
            lines = frame.split("\n")
            pos = self.pos or 0
            # the caret sits under the failing primitive, on the line that holds it
            start = 0
            for i, line in enumerate(lines):
                if pos <= start + len(line) or i == len(lines) - 1:
                    col = pos - start
                    break
                start += len(line) + 1
            head = "  [%d]  " % self.depth
            out += "\n%s%s\n%s^" % (head, self.frame, " " * (len(head) + max(col, 0)))
        return out


class KExit(SystemExit):
    """Raised by ``exit n`` / ``\\\\``: a :class:`SystemExit` carrying status
    ``code``. Uncaught, it ends a Python host as ``sys.exit(n)`` would; a host
    that must outlive its q code catches it (``except kapi.KExit``), and a
    sandboxed interpreter never raises it (``exit`` is a q ``'access`` error)."""

    def __init__(self, code=0):
        super().__init__(code)
        self.code = code
