"""When is a q) input finished?

Enter submits the input only when every bracket, paren and brace is closed
and no string is open; otherwise the shell keeps reading lines (joined with
newlines), so a lambda can be typed over several lines::

    q)f:{x+
      1}

Brackets inside strings ("..."), symbols and comments (a ``/`` at the start
of a line or preceded by whitespace, running to the end of the line) do not
count.  A closing bracket that matches nothing makes the input "complete":
more lines cannot fix it, so it is handed to the interpreter to report.
"""

__all__ = ["is_complete", "scan", "Scan"]

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}


class Scan:
    """The lexical state at the end of a piece of q source."""

    __slots__ = ("stack", "in_string", "in_comment", "mismatch")

    def __init__(self, stack, in_string, in_comment, mismatch):
        self.stack = stack            # open brackets, innermost last
        self.in_string = in_string    # inside "..."
        self.in_comment = in_comment  # inside a trailing / comment
        self.mismatch = mismatch      # a closer matched nothing

    def __repr__(self):
        return "Scan(stack=%r, in_string=%r, in_comment=%r, mismatch=%r)" % (
            "".join(self.stack), self.in_string, self.in_comment, self.mismatch)


def scan(text):
    """Scan ``text`` and return its :class:`Scan` state at the end."""
    stack = []
    in_string = False
    in_comment = False
    mismatch = False
    i, n = 0, len(text)
    prev = "\n"  # the character before text[i] outside strings ("\n" = line start)
    while i < n:
        c = text[i]
        if in_comment:
            if c == "\n":
                in_comment = False
                prev = c
            i += 1
            continue
        if in_string:
            if c == "\\":
                i += 2          # an escape: \" \\ \n \t \ddd ...
                continue
            if c == '"':
                in_string = False
                prev = c
            i += 1
            continue
        if c == '"':
            in_string = True
        elif c == "/" and prev in " \t\r\n":
            in_comment = True
        elif c == "`":
            # a symbol: `name, `:path/to/file, `a.b -- skip its characters
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "_.:/"):
                j += 1
            prev = text[j - 1]
            i = j
            continue
        elif c in _OPEN:
            stack.append(c)
        elif c in _CLOSE:
            if stack and _OPEN[stack[-1]] == c:
                stack.pop()
            else:
                mismatch = True
        prev = c
        i += 1
    return Scan(stack, in_string, in_comment, mismatch)


def is_complete(text):
    """True if ``text`` is a whole q) input (Enter should submit it)."""
    if not text.strip():
        return True
    first = text.lstrip(" \t").split("\n", 1)[0]
    if text.startswith("\\") or first.startswith("\\"):
        # a system command (\l file, \t expr, \\): never continued
        return True
    st = scan(text)
    if st.mismatch:
        return True
    return not st.stack and not st.in_string


def split_inputs(text):
    """Split pasted/piped text into whole inputs, line by line: lines are
    gathered until they form a complete input.  A trailing incomplete
    piece is returned as the last element."""
    out, buf = [], []
    for line in text.split("\n"):
        buf.append(line)
        chunk = "\n".join(buf)
        if is_complete(chunk):
            out.append(chunk)
            buf = []
    if buf:
        out.append("\n".join(buf))
    return out
