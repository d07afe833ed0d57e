"""Interpreters are independent of each other and of the host process
: no current interpreter shared between threads, no
numpy error state, recursion limit or warning filter changed outside calls."""

import os
import subprocess
import sys
import threading

import pytest

import kapi
from kapi import Interpreter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(kapi.__file__)))  # the kapi under test

# the same names in both interpreters, different values and settings
SETUP = {
    "A": ["\\P 3", "\\S 11", "a:1.2345678901", "b:2", "g:{x*a}", "h:{x+y*a}",
          "t:([] c:1 2 3f)"],
    "B": ["\\P 12", "\\S 99", "a:7.6543210987", "b:5", "g:{x*a}", "h:{x+y*a}",
          "t:([] c:4 5 6f)"],
}

LINES = [
    "a*b+1",
    "a%3",
    "{x+a} 10",
    "value `a",
    "get `b",
    "`g each 1 2 3",
    "`h/[0;1 2 3]",
    "g/[2;1]",
    "show a%7",
    "string a%3",
    "-3!a%7",
    "-1 string a;",
    "3?100",
    "exec c*a from t",
    "a:a+1;a",
]


def _run(tag, n):
    """n rounds of LINES in a fresh interpreter set up as tag; every output."""
    q = Interpreter()
    for s in SETUP[tag]:
        assert q.console(s) == ""
    return [q.console(s) for _ in range(n) for s in LINES]


def test_two_interpreters_in_two_threads():
    n = 300
    expected = {tag: _run(tag, n) for tag in SETUP}
    assert expected["A"] != expected["B"]
    got = {}
    errors = []

    def work(tag):
        try:
            got[tag] = _run(tag, n)
        except Exception as e:  # reported below
            errors.append(e)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        threads = [threading.Thread(target=work, args=(tag,)) for tag in SETUP]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors
    for tag in SETUP:
        bad = [(i, LINES[i % len(LINES)], e, g)
               for i, (e, g) in enumerate(zip(expected[tag], got[tag])) if e != g]
        assert not bad, (tag, len(bad), bad[:3])


_PROCESS_STATE = r"""
import sys, warnings
import numpy as np
def state():
    return (np.geterr(), sys.getrecursionlimit(), [str(f) for f in warnings.filters])
before = state()
from kapi import Interpreter
q = Interpreter()
inside = {}
q["probe"] = lambda x: inside.update(err=np.geterr(), limit=sys.getrecursionlimit()) or 0
outs = [q.console(s) for s in ("0%0", "1%0", "5 mavg 0N 2 0N 5 7 0N", "5 mdev 0N 2 0N 5 7 0N",
                               "f:{$[x>0;1+f x-1;0]}", "f 1500", "probe 1")]
after = state()
print(repr((before == after, before, after, outs, inside["err"]["divide"], inside["limit"] >= 10000)))
"""


def test_interpreter_leaves_process_state_alone():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-W", "default", "-c", _PROCESS_STATE],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    same, before, after, outs, divide_inside, deep_inside = eval(r.stdout.strip().splitlines()[-1])
    assert same, (before, after)
    assert outs[:2] == ["0n", "0w"]
    assert outs[5] == "1500"
    # inside a call numpy is quiet and the recursion limit is raised
    assert divide_inside == "ignore" and deep_inside
    # q's float arithmetic warns about nothing on stderr
    assert "RuntimeWarning" not in r.stderr


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
