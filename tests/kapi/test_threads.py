"""Two interpreters in two threads (the k-api side): each
k-api verb finds its own interpreter's objects, however often threads switch."""

import sys
import threading

import numpy as np

from kapi.api import install
from kapi.embed import Interpreter

N = 300
LOOP = "r:tensor t; x:tensor r; s:sum tensor x; free x; u:tensor(v;1); w:tensor u; free u; (s;count r;sum w)"


def _make(vals):
    q = install(Interpreter())
    q("t:tensor %s; v:vector(1 2 3e;%s)" % (vals, vals))
    return q


def _run(q, out):
    for _ in range(N):
        out.append(q(LOOP))


def test_two_interpreters_in_two_threads():
    qa, qb = _make("1 2 3 4.0"), _make("10 20.0")
    want_a, want_b = qa(LOOP), qb(LOOP)
    assert want_a[0] != want_b[0]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        out_a, out_b = [], []
        ths = [threading.Thread(target=_run, args=(qa, out_a)),
               threading.Thread(target=_run, args=(qb, out_b))]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
    finally:
        sys.setswitchinterval(old)
    assert len(out_a) == N and len(out_b) == N
    for got, want in ((out_a, want_a), (out_b, want_b)):
        assert all(all(np.array_equal(a, b) for a, b in zip(g, want)) for g in got)
    # and each registry holds just its own two objects
    assert len(qa.registry) == 2 and len(qb.registry) == 2
