"""Cold start of the kapi REPL: how long until the q) prompt is ready?

    python scripts/bench_startup.py [-n 5] [--budget 0.5]

* ``REPL to q)``: spawn ``python -m kapi`` in a pseudo-terminal (TERM=xterm,
  so the prompt_toolkit shell starts, exactly as for a person) and time from
  the fork until ``q)`` is written to the terminal; then leave with ``\\\\``.
* ``import + Interpreter()``: ``python -c "import kapi; kapi.Interpreter()"``
  (process wall time, no REPL).
* ``python -c pass``: the interpreter's own floor, for scale.
* ``scripts/run to q)``: the same as the first, through ``scripts/run``
  (its check that kapi is installed, then the venv's ``kapi``); measured
  when the venv (``$KAPI_VENV`` or ``.venv``) is installed.

Each is run ``-n`` times; min and median are printed.  Finally one REPL is
started under ``python -X importtime`` to check that torch is *not*
imported before the prompt (it is loaded on first use).  Exit status 1 if
torch was imported at start or the median REPL start exceeds ``--budget``.
"""

import argparse
import os
import pty
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT = re.compile(rb"q\)")
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]")


def _env(history):
    env = dict(os.environ, TERM="xterm", KAPI_HISTORY=history)
    env.pop("PROMPT_TOOLKIT_NO_CPR", None)
    return env


def repl_start(history, extra=(), timeout=20.0, argv=None):
    """Seconds from fork to the q) prompt; and everything the child wrote
    (until it exits after ``\\\\``)."""
    argv = argv or [sys.executable, *extra, "-m", "kapi"]
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.chdir(ROOT)
            os.execvpe(argv[0], argv, _env(history))
        finally:
            os._exit(127)
    raw = b""
    ready = None
    end = t0 + timeout
    exited = False
    try:
        while time.perf_counter() < end:
            r, _, _ = select.select([fd], [], [], 0.01)
            if not r:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            n = raw.count(b"\x1b[6n")
            raw += data
            for _ in range(raw.count(b"\x1b[6n") - n):
                os.write(fd, b"\x1b[1;1R")       # answer cursor-position requests
            if ready is None and PROMPT.search(ANSI.sub(b"", raw)):
                ready = time.perf_counter() - t0
                os.write(fd, b"\\\\\r")           # leave
        if ready is None:
            raise RuntimeError("no q) prompt within %.0fs:\n%r" % (timeout, raw[-500:]))
        # drain until the child has gone
        while time.perf_counter() < end:
            p, _ = os.waitpid(pid, os.WNOHANG)
            if p:
                exited = True
                break
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    raw += os.read(fd, 65536)
                except OSError:
                    pass
    finally:
        if not exited:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
        os.close(fd)
    return ready, raw


def wall(argv):
    t0 = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=5, help="runs of each measurement (default 5)")
    ap.add_argument("--budget", type=float, default=0.5,
                    help="median seconds allowed to the q) prompt (default 0.5)")
    ns = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        history = os.path.join(tmp, "history")
        repl_start(history)                       # warm the OS file cache once
        rows = [
            ("REPL to q) (pty)", [repl_start(history)[0] for _ in range(ns.n)]),
            ("import + Interpreter()",
             [wall([sys.executable, "-c", "import kapi; kapi.Interpreter()"]) for _ in range(ns.n)]),
            ("python -c pass", [wall([sys.executable, "-c", "pass"]) for _ in range(ns.n)]),
        ]
        venv = os.environ.get("KAPI_VENV") or os.path.join(ROOT, ".venv")
        if os.path.exists(os.path.join(venv, "bin", "kapi")):
            run = [os.path.join(ROOT, "scripts", "run")]
            repl_start(history, argv=run)         # warm (and finish any pending install)
            rows.append(("scripts/run to q) (pty)",
                         [repl_start(history, argv=run)[0] for _ in range(ns.n)]))
        _, trace = repl_start(history, extra=("-X", "importtime"))

    imported = sorted({m.group(1).decode() for m in
                       re.finditer(rb"import time:.*\|\s*(torch[\w.]*)\s*$", trace, re.M)})
    torch_at_start = bool(imported)

    print("kapi cold start  (%d runs, %d cores, python %s)" % (
        ns.n, os.cpu_count() or 0, sys.version.split()[0]))
    print()
    print("%-24s %8s %8s" % ("", "min s", "median s"))
    print("%-24s %8s %8s" % ("-" * 24, "-" * 8, "-" * 8))
    for name, ts in rows:
        print("%-24s %8.3f %8.3f" % (name, min(ts), statistics.median(ts)))
    print()
    print("torch imported before q): %s" % ("YES (" + ", ".join(imported[:3]) + ")"
                                             if torch_at_start else "no"))
    med = statistics.median(rows[0][1])
    ok = not torch_at_start and med <= ns.budget
    print("median to q) vs budget %.2f s: %s" % (
        ns.budget, "ok" if med <= ns.budget else "EXCEEDED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
