"""Ctrl-C (SIGINT): 'stop, never a Python traceback.

At the REPL (in a real pty, sent the SIGINT a terminal's Ctrl-C sends) the session goes on with its globals; a script
run by ``kapi file.q`` stops with 'stop on stderr and a non-zero status; an
embedding host gets Python's KeyboardInterrupt and a usable interpreter."""

import os
import signal
import subprocess
import sys
import time

import pytest

from kapi.embed import Interpreter

from .test_pty import PROMPT, TEST_BUDGET, Term, kapi_env

LOOP = "r:{x+1}/[100000000;0]"


def test_ctrl_c_at_the_repl_during_a_long_loop(tmp_path):
    t = Term([sys.executable, "-m", "kapi"], kapi_env(tmp_path / "h"), time.monotonic() + 2 * TEST_BUDGET)
    try:
        t.expect(PROMPT, timeout=10)
        t.settle()
        t.send("r:42\r")
        t.expect(PROMPT)
        t.settle()
        t.send(LOOP + "\r")
        t.settle(quiet=1.0, timeout=1.5)      # the loop is running
        # the harness's pty is not the child's controlling terminal (a new
        # session), so send the SIGINT a terminal's Ctrl-C would
        os.kill(t.pid, signal.SIGINT)
        t.expect(r"'stop")
        t.expect(PROMPT)
        t.settle()
        t.send("r+1\r")                         # the assignment did not happen; the REPL goes on
        t.expect(r"\n43\n")
        t.expect(PROMPT)
        assert "Traceback" not in t.text and "KeyboardInterrupt" not in t.text
        t.send("\\\\\r")
        assert t.wait_exit() == 0
    finally:
        t.close()


def _interrupt_script(tmp_path, body):
    f = tmp_path / "s.q"
    f.write_text("a:1\n" + body + "\n-1\"not reached\";\n")
    p = subprocess.Popen([sys.executable, "-m", "kapi", str(f)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        time.sleep(2.5)
        assert p.poll() is None, "the script ended before the interrupt"
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    return p.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("body", [
    LOOP,                                                        # inside a verb (over)
    "i:0; while[1b; i+:1]",                                      # a control loop
    "t:tensor(`randn;300 300); do[100000000; free tensor(`randn;300 300)]",   # torch calls
])
def test_ctrl_c_stops_a_script(tmp_path, body):
    rc, out, err = _interrupt_script(tmp_path, body)
    assert rc != 0
    assert err.strip().endswith("'stop"), err
    assert "Traceback" not in err + out and "KeyboardInterrupt" not in err + out
    assert "not reached" not in out


def test_embedding_host_gets_keyboardinterrupt_and_a_usable_interpreter():
    q = Interpreter()
    calls = []

    def boom(x):
        calls.append(x)
        raise KeyboardInterrupt
    q["boom"] = boom
    q.console("v:1 2 3")
    for src in ("v:boom 1", "{boom x} each 1 2", "select boom a from ([]a:1 2)",
                "v,:boom 2"):
        with pytest.raises(KeyboardInterrupt):
            q.console(src)
        assert q.console("v") == "1 2 3"             # the interrupted assignment did not happen
        assert q.console("{x+y}/[til 5]") == "10"    # depth and the qSQL stack were reset
        assert q.depth == 0 and not q.sqlstack
    with pytest.raises(KeyboardInterrupt):
        q.eval("boom 3")
    assert q.console("1+1") == "2"
    assert calls
