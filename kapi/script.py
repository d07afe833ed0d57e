"""Scripts: q's rules for `\\l file` and `kapi file.q`."""

import os

from .text import s1
from .errors import KError
from .files import read_regular


def chunks(text):
    """Split script text into (line number, source) statements: a line that
    starts with white space continues the previous one; `/` alone opens a
    block comment closed by `\\` alone; a lone `\\` outside a comment ends
    the script."""
    out = []
    in_comment = False
    cur, start = None, 0
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        stripped = line.rstrip()
        if in_comment:
            if stripped == "\\":
                in_comment = False
            continue
        if stripped == "/":
            in_comment = True
            continue
        if stripped == "\\":
            break
        if not stripped or stripped.lstrip().startswith("/") and (line[:1] in " \t" and cur is None or line.startswith("/")):
            if line.startswith("/") or not stripped:
                continue
        if line[:1] in (" ", "\t") and cur is not None:
            cur += "\n" + line
            continue
        if cur is not None:
            out.append((start, cur))
        cur, start = line, n
    if cur is not None:
        out.append((start, cur))
    return [(n, c) for n, c in out if c.strip()]


def load_script(interp, path, echo=True):
    """Run a script file; bare results print in one-line form."""
    path = path.strip()
    if not os.path.exists(path) and os.path.exists(path + ".q"):
        path = path + ".q"
    try:
        text = read_regular(path).decode("utf-8")
    except UnicodeDecodeError:
        raise KError(path + ": not UTF-8 text") from None
    ws = interp.ws
    saved = ws.current      # a script's \\d lasts until its end, as in q
    try:
        run_script_text(interp, text, path, echo)
    finally:
        ws.current = saved


def run_script_text(interp, text, path="", echo=True):
    for lineno, src in chunks(text):
        try:
            if src.startswith("\\"):
                # a command's value prints, as q prints \t's time from a script
                v, quiet = interp.system_command(src[1:]), False
            else:
                v, quiet = interp.run(src, (path, lineno) if path else None)
        except KError as e:
            if e.frame is not None and not getattr(e, "_scripted", False):
                e.frame = "%s:%d: %s" % (path, lineno, e.frame) if e.depth == 0 else e.frame
                if e.depth == 0 and e.pos is not None:
                    e.pos += len("%s:%d: " % (path, lineno))
                e._scripted = True
            raise
        if not quiet and v is not None and echo:
            line = s1(v, interp.settings.precision)
            cols = interp.settings.cols - 1
            if len(line) > cols:
                line = line[:cols - 2] + ".."
            interp.write(line + "\n")
