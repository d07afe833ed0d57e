"""Interpreter micro-benchmarks (issue A's first figures; issue G grows this).

Prints a table: case, kapi time, and a baseline measured in the same run
(plain Python for the same work) so the ratio holds on a noisy machine."""

import time

import numpy as np

from kapi.interp import Interpreter
from kapi.parse import parse


def per_call(fn, n):
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn(None)
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def main():
    q = Interpreter()
    rows = []

    def case(name, src, n, per=1, baseline=None):
        code = q._compile(src)
        t = per_call(code.fn, n) / per
        b = baseline() / per if baseline else None
        rows.append((name, t, b))

    def py_add():
        f = lambda a, b: a + b  # noqa: E731
        t0 = time.perf_counter()
        for _ in range(100000):
            f(1, 2)
        return (time.perf_counter() - t0) / 100000

    case("1+2", "1+2", 50000, baseline=py_add)
    q.eval("f:{x+y+z}")
    case("3-arg lambda f[1;2;3]", "f[1;2;3]", 50000)
    q.eval("g:{x+1}")
    case("{x+1} each til 10000 (per item)", "g each til 10000", 20, per=10000)
    case("sum til 1000000", "sum til 1000000", 20,
         baseline=lambda: _np_time(lambda: np.arange(1000000).sum()))
    q.eval("a:1000000?1.0;b:1000000?1.0")
    a, b = q.eval("a"), q.eval("b")
    case("a+b on 1e6 floats", "a+b", 50, baseline=lambda: _np_time(lambda: a + b))
    src = "\n".join("f%d:{[a;b] a+b*%d};x%d:f%d[1;2]+til 10" % (i, i, i, i) for i in range(20000))
    lines = src.split("\n")
    t0 = time.perf_counter()
    for ln in lines:
        parse(ln)
    dt = time.perf_counter() - t0
    mbs = len(src) / dt / 1e6
    print("%-36s %12s %12s %8s" % ("case", "kapi", "baseline", "ratio"))
    for name, t, b in rows:
        print("%-36s %10.3f us %10s %8s" % (name, t * 1e6, "%.3f us" % (b * 1e6) if b else "-",
                                             "%.2fx" % (t / b) if b else "-"))
    print("%-36s %9.2f MB/s (%d bytes, line by line)" % ("parse a script", mbs, len(src)))


def _np_time(fn, n=50):
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


if __name__ == "__main__":
    main()
