"""End-to-end: the q) REPL in a real pseudo-terminal.

``python -m kapi`` runs under ``pty.fork`` with TERM=xterm, so it takes the
prompt_toolkit path (highlighting, completion menu, key bindings, file
history) exactly as a person at a terminal would.  The harness answers the
terminal's cursor-position requests (ESC[6n) as xterm would, reads with
``select`` under strict deadlines, and always kills the child in a
``finally`` block: the test cannot hang.

The screen is checked as a stream: everything the child wrote, with ANSI
escape sequences stripped.  prompt_toolkit redraws incrementally, so a
line that was typed piecewise is only contiguous in the stream once it is
redrawn whole (on submit or Ctrl-C) -- the assertions look for text that
the shell or the interpreter prints at such points.
"""

import os
import re
import select
import signal
import struct
import subprocess
import sys
import time

import pytest

pty = pytest.importorskip("pty", reason="needs a POSIX pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TEST_BUDGET = 20.0      # seconds for the whole test, both processes
STEP_TIMEOUT = 6.0      # seconds to wait for one expected piece of output

# CSI ... final byte, OSC ... BEL/ST, and two-byte escapes (ESC =, ESC > ...)
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_=>78]")


def strip_ansi(s):
    s = _ANSI.sub("", s)
    return s.replace("\r", "").replace("\x08", "")


class Term:
    """A child process on a pty, with expect-style reading."""

    CPR = b"\x1b[6n"

    def __init__(self, argv, env, deadline, cols=100, rows=30):
        self.deadline = deadline
        self.raw = b""
        self.mark = 0                  # start of the unread part of the stripped text
        self.status = None
        # openpty + subprocess (C-level fork/exec): no Python-level fork of a
        # process whose other libraries (jax, torch) run threads
        fd, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.pid, self.fd = self.proc.pid, fd

    # -- reading ---------------------------------------------------------
    def _pump(self, timeout):
        """Read whatever arrives within ``timeout`` seconds; False on EOF."""
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:                # EIO: the child closed the pty
            return False
        if not data:
            return False
        n = self.raw.count(self.CPR)
        self.raw += data
        # answer each new cursor-position request like xterm would
        for _ in range(self.raw.count(self.CPR) - n):
            os.write(self.fd, b"\x1b[1;1R")
        return True

    @property
    def text(self):
        return strip_ansi(self.raw.decode("utf-8", "replace"))

    def expect(self, pattern, timeout=STEP_TIMEOUT):
        """Wait until ``pattern`` (a regex) shows up after the last match;
        return the match.  Fails (never hangs) on timeout or EOF."""
        rx = re.compile(pattern)
        end = min(time.monotonic() + timeout, self.deadline)
        alive = True
        while True:
            m = rx.search(self.text, self.mark)
            if m:
                self.mark = m.end()
                return m
            now = time.monotonic()
            if not alive or now >= end:
                pytest.fail("no %r on screen within %.1fs%s; screen since last match:\n%s"
                            % (pattern, timeout, "" if alive else " (child exited)",
                               self.text[self.mark:][-2000:]))
            alive = self._pump(min(0.1, end - now))

    def settle(self, quiet=0.3, timeout=2.0):
        """Read until nothing has arrived for ``quiet`` seconds."""
        end = min(time.monotonic() + timeout, self.deadline)
        while time.monotonic() < end:
            before = len(self.raw)
            if not self._pump(min(quiet, end - time.monotonic())):
                return
            if len(self.raw) == before:
                return

    def send(self, s):
        os.write(self.fd, s.encode())

    # -- ending ----------------------------------------------------------
    def wait_exit(self, timeout=STEP_TIMEOUT):
        """Wait for the child to exit on its own; return its exit status."""
        end = min(time.monotonic() + timeout, self.deadline)
        while time.monotonic() < end:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(st)
                return self.status
            self._pump(0.05)           # keep draining so the child can't block
        pytest.fail("kapi did not exit; screen:\n" + self.text[-2000:])

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.status = -9
        try:
            os.close(self.fd)
        except OSError:
            pass


def kapi_env(history):
    env = dict(os.environ)
    env.update(TERM="xterm", KAPI_HISTORY=str(history), COLUMNS="100", LINES="30",
               PYTHONUNBUFFERED="1")
    for k in ("NO_COLOR", "PROMPT_TOOLKIT_NO_CPR"):
        env.pop(k, None)
    return env


PROMPT = r"q\)"


def test_repl_in_a_pty(tmp_path):
    history = tmp_path / "history"
    env = kapi_env(history)
    argv = [sys.executable, "-m", "kapi"]
    deadline = time.monotonic() + TEST_BUDGET

    # -- first session --------------------------------------------------
    t = Term(argv, env, deadline)
    try:
        t.expect(PROMPT, timeout=10)
        t.settle()

        # a lambda over two lines: Enter inside the open brace continues
        t.send("f:{x+\r")
        t.settle()
        t.send("1}\r")
        t.expect(PROMPT)
        t.send("f 2\r")
        t.expect(r"\n3\n")
        t.expect(PROMPT)

        # completion after a backtick: Tab completes `adag to `adagrad
        t.send("opt(`adag")
        t.settle()
        t.send("\t")
        t.expect(r"adagrad")
        t.settle()
        # the menu shows `adagrad as soon as Tab is pressed, so seeing the word
        # proves little; Esc-Enter forces the (unbalanced) line in, and the
        # interpreter's error frame echoes the buffer ("  [0]  opt(`adagrad"),
        # proving the completion went into it.  Whatever the error is called,
        # the echoed source is what is checked.
        t.send("\x1b\r")
        t.expect(r"opt\(`adagrad")
        t.expect(PROMPT)

        # an error shows the caret frame; the session goes on
        t.send('2+"a"\r')
        t.expect(r"'type\n\s*\[0\]\s+2\+\"a\"\n\s*\^")
        t.expect(PROMPT)
        t.send("3*4\r")
        t.expect(r"\n12\n")
        t.expect(PROMPT)
        t.settle()

        t.send("\\\\\r")
        assert t.wait_exit() == 0
    finally:
        t.close()

    saved = history.read_text()
    assert "3*4" in saved and "f:{x+" in saved

    # -- a new process with the same history file -------------------------
    t = Term(argv, env, deadline)
    try:
        t.expect(PROMPT, timeout=10)
        t.settle()
        # prompt_toolkit redraws only what changed, so the recalled text
        # shows up after the prompt without "q)" in front of it
        t.send("\x1b[A")               # Up: the last line entered, \\ itself
        t.expect(r"\\\\")
        t.settle()
        t.send("\x1b[A")               # Up again: 3*4
        t.expect(r"3\*4")
        t.settle()
        t.send("\r")                   # and it runs
        t.expect(r"\n12\n")
        t.expect(PROMPT)
        t.send("\x04")                 # Ctrl-D on an empty line leaves
        assert t.wait_exit() == 0
    finally:
        t.close()
