"""System commands: \\l \\t \\ts \\c \\P \\S \\g \\cd \\d \\v \\f \\a \\x \\w \\\\ (and `system`)."""

import os
import re
import time
import tracemalloc

import numpy as np

from . import values as V
from .errors import KError, KExit


def system_command(interp, cmd):
    """Run a system command (the text after the backslash); returns a k value
    or None."""
    cmd = cmd.strip()
    if cmd == "\\" or cmd == "":
        if cmd == "\\":
            interp.caps.require("exit")
            raise KExit(0)
        return None
    name, _, rest = cmd.partition(" ")
    rest = rest.strip()
    if not (name.startswith("t") or rest.startswith("/")):
        # a trailing " /" comment, as after any q line (\d .ns / comment)
        rest = re.split(r"\s/", rest, maxsplit=1)[0].rstrip() if re.search(r"\s/", rest) else rest
    if name.startswith("t:") or name.startswith("ts:") or name in ("t", "ts"):
        return _timer(interp, name, rest)
    if name == "c":
        if not rest:
            return np.array([interp.settings.rows, interp.settings.cols], dtype=np.int32)
        parts = rest.split()
        try:
            r, c = int(parts[0]), int(parts[1])
        except (ValueError, IndexError):
            raise KError("type") from None
        interp.settings.rows = min(max(r, 10), 2000)
        interp.settings.cols = min(max(c, 10), 2000)
        return None
    if name == "P":
        if not rest:
            return np.int32(interp.settings.precision)
        try:
            p = int(rest)
        except ValueError:
            raise KError("type") from None
        if p < 0:
            raise KError("domain")
        interp.settings.precision = min(p, 17)
        return None
    if name == "g":
        # garbage-collection mode (0 deferred, 1 immediate): Python collects
        # as it goes, so the mode is kept only to answer as q does
        if not rest:
            return np.int32(interp.settings.gc)
        if rest not in ("0", "1"):
            raise KError("domain")
        interp.settings.gc = int(rest)
        return None
    if name == "S":
        if rest:
            interp.rng = np.random.default_rng(int(rest))
        return None
    if name == "l":
        if not rest:
            raise KError("type")
        interp.caps.require("files")
        from .script import load_script
        load_script(interp, rest)
        return None
    if name == "d":
        if not rest:
            return interp.ws.context_name()
        interp.ws.set_context(rest)
        return None
    if name in ("v", "f", "a"):
        return _names(interp, name, rest)
    if name == "x":
        if rest:
            interp.ws.delete(rest)
        return None
    if name == "w" and not rest:
        from .dotq import workspace
        return workspace()
    if name == "cd":
        interp.caps.require("files")
        if rest:
            try:
                os.chdir(rest)
            except OSError as e:
                raise KError("%s. OS reports: %s" % (rest, e.strerror or e)) from None
            return None
        return V.string(os.getcwd())
    raise KError("nyi: system command \\" + name)


def _names(interp, kind, ns):
    """\\v \\f \\a [ns]: sorted names of variables, functions or tables in
    namespace ns (default the current context)."""
    from .namespace import Namespace, names_of
    ws = interp.ws
    if not ns:
        d = ws.context()
    elif ns == ".":
        d = ws.root
    else:
        if not ns.startswith("."):
            raise KError("type")
        d = ws.spaces.get(ns[1:].split(".")[0])
        for p in ns[1:].split(".")[1:]:
            d = d.get(p) if isinstance(d, Namespace) else None
        if not isinstance(d, Namespace):
            raise KError(ns)
    return names_of(d, kind)


def _progress(interp, n):
    """A rich progress bar on stderr for \\t:n / \\ts:n, only when the
    interactive shell asked for it (never in scripts or embedding)."""
    if not getattr(interp, "progress", False) or n < 2:
        return None
    import sys
    from rich.console import Console
    from rich.progress import Progress
    return Progress(console=Console(file=sys.stderr), transient=True)


def _timer(interp, name, expr):
    n = 1
    if ":" in name:
        name, _, k = name.partition(":")
        try:
            n = int(k)
        except ValueError:
            raise KError("type") from None
    code = interp._compile(expr)
    if name == "ts":
        tracemalloc.start()
    bar = _progress(interp, n)
    t0 = time.perf_counter()
    try:
        if bar is None:
            for _ in range(n):
                interp.run(expr)
        else:
            with bar:
                task = bar.add_task(expr[:40], total=n)
                for _ in range(n):
                    interp.run(expr)
                    bar.advance(task)
    finally:
        elapsed = time.perf_counter() - t0
        peak = 0
        if name == "ts":
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    ms = int(round(elapsed * 1000))
    if name == "ts":
        return np.array([ms, peak], dtype=np.int64)
    return np.int64(ms)
