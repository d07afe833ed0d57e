"""Limits (issue 9, item 5): deep recursion, huge counts and enormous
results give q errors ('stack, 'limit, 'wsfull) instead of a Python
exception or a process killed for want of memory.

'limit: more than kapi.values.LIMIT items (2^30) in one result; 'wsfull:
more than kapi.values.WSLIMIT bytes (env KAPI_WSLIMIT, default half the
physical memory) estimated for one operation. The 'wsfull cases run in a
child process with KAPI_WSLIMIT=64MB and an address-space limit as a safety
net: each must be refused by its guard before allocating (no MemoryError
recorded, peak RSS stays small), and the interpreter keeps working."""

import json
import os
import subprocess
import sys

import pytest

from kapi.embed import Interpreter


def err(q, src):
    out = q.console(src)
    return out.split("\n", 1)[0]


@pytest.fixture
def q():
    return Interpreter()


# --------------------------------------------------------------------------
# in process: nothing here allocates (the checks come first)

STACK = [
    "f:{f x}; f 1",
    "g:{1+g x}; g 1",
    "a:{b x}; b:{a x}; a 1",
    "h:{[n] $[n=0;0;1+h n-1]}; h 100000",
    "value (100000#\"-\"),\"1\"",
    "x:50000 enlist/1; x~x",
    "x:50000 enlist/1; string x",
    "x:50000 enlist/1; x+1",
]


@pytest.mark.parametrize("src", STACK)
def test_deep_recursion_is_stack(q, src):
    q.host_errors = []
    try:
        assert err(q, src) == "'stack"
    finally:
        q.host_errors = None
    assert q.console("1+1") == "2"


def test_recursion_below_the_limit_still_works(q):
    assert q.console("h:{[n] $[n=0;0;1+h n-1]}; h 1500") == "1500"


LIMIT = [
    "til 2000000000",
    "til 0W",
    "10000000000#1",
    "2000000000#\"abc\"",
    "-2000000000#1 2",
    "100000 100000#0",
    "50000 50000 50000#1",
    "where 2000000000",
    "where 100000#100000",
    "2000000000$\"a\"",
    "(til 100000) cross til 100000",
    "x:til 40000; x cross x",
]


@pytest.mark.parametrize("src", LIMIT)
def test_huge_counts_are_limit(q, src):
    assert err(q, src) == "'limit"
    assert q.console("1+1") == "2"


def test_limit_boundary(q, monkeypatch):
    from kapi import values as V
    monkeypatch.setattr(V, "LIMIT", 100)
    assert q.console("count 100#1") == "100"
    assert err(q, "101#1") == "'limit"
    assert err(q, "til 101") == "'limit"


def test_wsfull_boundary(q, monkeypatch):
    from kapi import values as V
    monkeypatch.setattr(V, "WSLIMIT", 8000)
    assert q.console("count til 1000") == "1000"           # 8000 bytes
    assert err(q, "til 1001") == "'wsfull"
    assert q.console("count 8000#\"a\"") == "8000"         # chars: a byte each
    assert err(q, "x:\"ab\"; do[20;x,:x]") == "'wsfull"
    assert q.console("count x") == "4096"                  # the last join that fitted (8192 > 8000)


def test_wslimit_from_environment():
    code = "from kapi import values as V; print(V.WSLIMIT)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "KAPI_WSLIMIT": "123e6"}).stdout
    assert out.strip() == "123000000"


# --------------------------------------------------------------------------
# in a child: enormous results refused by their guards

CHILD = r"""
import json, resource, sys, warnings
warnings.simplefilter("ignore")
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from kapi.errors import KError
from kapi.embed import Interpreter
q = Interpreter()
if sys.argv[2] == "kapi":
    from kapi.api import install
    install(q)
    q.console("tensor 1")                   # import torch before measuring
q.host_errors = []
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = []
for src in json.loads(sys.stdin.read()):
    try:
        q.execute(src)
        r = "ok"
    except KError as e:
        r = "'" + e.name
    except MemoryError:
        r = "MemoryError"
    out.append([src, r, [type(e).__name__ for e in q.host_errors]])
    q.host_errors.clear()
    q.globals.clear()
out.append(["1+1", q.console("1+1"), []])
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024
print(json.dumps({"results": out, "grown": grown}))
"""

WSFULL = [
    "1000000000#\"abc\"",
    "\" \" sv 100000000#enlist\"abcdefghij\"",
    "\" \" sv 10#enlist 10000000#\"a\"",
    "string til 500000000",
    "string til 1000000",
    "x:\"ab\"; do[40;x,:x]",
    "x:(1;`a); do[40;x:x,x]",
    "x:enlist 1; do[40;x:raze (x;x)]",
    "{x,x}/[40;\"ab\"]",
    "{x,x}\\[40;\"ab\"]",
    "s:\"ab\"; while[1;s,:s]",
    "\",\" vs 8000000#\",\"",
    "` vs 8000000#\"\\n\"",
    "ssr[5000000#\"a\";\"a\";40#\"b\"]",
    "0N 1#til 5000000",
    "5000000 0N#til 5000000",
    "1 cut til 1000000",
    "1000000000$\"a\"",
    "where 100000#1000",
    "(til 10000) cross til 10000",
    "{x} each til 1000000",
    "count each 1000000#enlist 1 2",
    "raze 1000000#enlist til 100",
    "flip (til 1000000;til 1000000)",
    "a:5000000?100; group a",
    "til 100000000",
    "100000000?10",
    "10000 10000#1",
]


def _child(cases, mode="lang", aslimit=1200 * 2 ** 20):
    env = {**os.environ, "KAPI_WSLIMIT": str(64 * 2 ** 20), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    p = subprocess.run([sys.executable, "-c", CHILD, str(aslimit), mode], input=json.dumps(cases),
                       capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().split("\n")[-1])


def test_enormous_results_are_refused():
    r = _child(WSFULL)
    *cases, last = r["results"]
    bad = [c for c in cases if c[1] not in ("'wsfull", "'limit") or c[2]]
    assert not bad, bad
    assert last[1] == "2"
    assert r["grown"] < 300, r["grown"]      # MB: refused before allocating


def test_enormous_tensors_are_refused():
    r = _child(["tensor(`zeros;10000 10000)", "tensor(`randn;5000 5000;`double)", "tensor(`eye;100000)",
                "tensor(`full;10000 10000;1.5)", "tensor(`randint;10;10000 10000)",
                "tensor(`randperm;100000000)", "tensor(`linspace;0;1;100000000)"],
               mode="kapi", aslimit=2500 * 2 ** 20)
    *cases, last = r["results"]
    assert all(c[1] == "'wsfull" and not c[2] for c in cases), cases
    assert last[1] == "2"
    assert r["grown"] < 300, r["grown"]
