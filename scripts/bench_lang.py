"""Interpreter benchmarks.

Each case runs kapi's compiled closure for the q text (parsed and compiled
once, as a lambda body or a repeated console line is) side by side with the
same work in numpy or in KlongPy 0.7.1 (parsed once with ``klong.prog``;
each call is ``klong.call`` on the parsed program).  Parsing is timed
separately: a ~1 MB script of varied statements, one statement at a time
(as a script loads), against KlongPy's parser on the equivalent Klong.
Reading dates ("D"$ on a million strings) is timed against pandas.read_csv
of the same dates (a bench-only extra, like KlongPy; the row is left out
without it).

    python scripts/bench_lang.py [--quick]
"""

import os
import random
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_util import Row, best, chunked, ftime, interleaved, section_main  # noqa: E402

SECTION = "2. interpreter"


# --------------------------------------------------------------------------
# a script of varied statements, q and the equivalent Klong

_TEMPLATES = [
    ("f{i}:{[a;b] a+b*{i}}", "f{i}::{x+y*{i}}"),
    ("x{i}:f{i}[1;2]+til 10", "x{i}::f{i}(1;2)+!10"),
    ("v{i}:1 2 3 4 5*{i}", "v{i}::[1 2 3 4 5]*{i}"),
    ("s{i}:sum v{i} where v{i}>2", "s{i}::+/v{i}@&v{i}>2"),
    ("r{i}:$[s{i}>10;`big;`small]", "r{i}:::[s{i}>10;:big;:small]"),
    ("m{i}:{x*y} over 1+til {j}", "m{i}::{x*y}/1+!{j}"),
    ("c{i}:count each (\"abc\";\"de\";\"f{i}\")", "c{i}::#'[\"abc\" \"de\" \"f{i}\"]"),
    ("d{i}:`a`b`c!{i} {j} 3", "d{i}:::{[:a {i}] [:b {j}] [:c 3]}"),
    ("y{i}:x{i}-1 / last item {i}", "y{i}::x{i}-1 :\"last item {i}\""),
    ("g{i}:{[n] $[n<2;n;(.z.s n-1)+.z.s n-2]}", "g{i}::{:[x<2;x;g{i}(x-1)+g{i}(x-2)]}"),
    ("z{i}:raze {x,'y}[1 2;3 4]", "z{i}::,/{x,'y}([1 2];[3 4])"),
    ("t{i}:([] a:til {j}; b:{j}#1.5)", "t{i}::[[:a !{j}] [:b {j}#1.5]]"),
    ("u{i}:select a, b from t{i} where a>{j}", None),
]


def script(nbytes=1_000_000, seed=1):
    """(q statements, Klong statements), each list about ``nbytes`` long."""
    rnd = random.Random(seed)
    q, k = [], []
    qn = kn = 0
    i = 0
    while qn < nbytes:
        for qt, kt in _TEMPLATES:
            j = rnd.randint(2, 99)
            s = qt.replace("{i}", str(i)).replace("{j}", str(j))
            q.append(s)
            qn += len(s) + 1
            if kt is not None:
                s = kt.replace("{i}", str(i)).replace("{j}", str(j))
                k.append(s)
                kn += len(s) + 1
        i += 1
    return q, k


# --------------------------------------------------------------------------

def klong():
    try:
        from klongpy import KlongInterpreter
    except ImportError:
        return None
    return KlongInterpreter()


def rows(quick=False):
    from kapi.embed import Interpreter
    from kapi.parse import parse

    q = Interpreter()
    running = q._running()      # what Interpreter.run does around a line
    running.__enter__()
    k = klong()
    reps = 3 if quick else 7
    out = []

    def kapi_time(src, n, per=1):
        code = q._compile(src)
        return best(lambda: code.fn(None), reps=reps, number=n) / per

    def klong_time(src, n, per=1):
        if k is None:
            return None
        prog = k.prog(src)[1]

        def run():
            for e in prog:
                k.call(e)
        return best(run, reps=reps, number=n) / per

    def vs_klong(name, qsrc, ksrc, n, limit, per=1, unit="per call"):
        t = kapi_time(qsrc, n, per)
        b = klong_time(ksrc, max(1, n // 4), per)
        ok = t <= limit
        ratio = "-"
        if b is not None:
            ratio = "%.1fx faster" % (b / t)
            ok = ok and b / t >= 6
        out.append(Row(SECTION, name, "KlongPy %s" % ftime(b) if b else "KlongPy -",
                       ftime(t), ratio, "<= %s %s; >= 6x KlongPy" % (ftime(limit), unit), ok))

    vs_klong("1+2", "1+2", "1+2", 20000 if quick else 100000, 1e-6)
    q.eval("f:{x+y+z}")
    if k is not None:
        k("f::{x+y+z}")
    vs_klong("3-argument lambda f[1;2;3]", "f[1;2;3]", "f(1;2;3)", 20000 if quick else 100000, 4e-6)
    vs_klong("{x+1} each til 10000, per item", "{x+1} each til 10000", "{x+1}'!10000",
             4 if quick else 20, 1e-6, per=10000, unit="per item")

    def vs_numpy(name, qsrc, npfn, ksrc=None, n=20):
        code = q._compile(qsrc)
        kfn = None
        if k is not None and ksrc is not None:
            prog = k.prog(ksrc)[1]

            def kfn():
                for e in prog:
                    k.call(e)
        fns = [lambda: code.fn(None), npfn] + ([kfn] if kfn else [])
        def many(f):
            def run():
                for _ in range(n):
                    f()             # each result dropped, as a console line's is
            return run
        ts = interleaved([many(f) for f in fns], reps=reps)
        t, b = ts[0] / n, ts[1] / n
        note = "(KlongPy %s)" % ftime(ts[2] / n) if kfn else ""
        out.append(Row(SECTION, name, "numpy %s" % ftime(b), ftime(t), "%.2fx" % (t / b),
                       "<= 1.1x numpy", t / b <= 1.1, note))

    vs_numpy("sum til 1000000", "sum til 1000000", lambda: np.arange(1000000).sum(), "+/!1000000")
    q.eval("a:1000000?1.0;b:1000000?1.0")
    a, b = np.asarray(q.eval("a")), np.asarray(q.eval("b"))
    if k is not None:
        k["a"], k["b"] = a, b
    vs_numpy("a+b, 1e6 floats", "a+b", lambda: a + b, "a+b")
    vs_numpy("a*b-a, 1e6 floats", "a*b-a", lambda: a * (b - a), "a*b-a")

    # "D"$ on a million strings against pandas reading a date column of a CSV
    try:
        import io
        import pandas as pd
    except ImportError:
        pd = None
    if pd is not None:
        q.eval("ds:string 2000.01.01+1000000?10000")
        # pandas' fastest case: the same dates as ISO yyyy-mm-dd, one CSV column
        iso = ("d\n" + "\n".join(s.tobytes().decode() for s in q.eval("ds"))).replace(".", "-").encode()
        code = q._compile('"D"$ds')
        ts = interleaved([lambda: code.fn(None),
                          lambda: pd.read_csv(io.BytesIO(iso), parse_dates=["d"])], reps=reps)
        out.append(Row(SECTION, '"D"$ on 1e6 date strings', "pandas.read_csv %s" % ftime(ts[1]),
                       ftime(ts[0]), "%.2fx" % (ts[0] / ts[1]), "<= 3x pandas", ts[0] / ts[1] <= 3,
                       "(pandas reads a 1e6-row CSV of ISO dates)"))

    # parsing
    qs, ks = script(250_000 if quick else 1_000_000)
    qbytes = sum(len(s) + 1 for s in qs)
    kbytes = sum(len(s) + 1 for s in ks)

    def qparse(part):
        for s in part:
            parse(s)
    tq = chunked(qparse, qs, reps=3 if quick else 5)
    mq = qbytes / tq / 1e6
    mk = None
    if k is not None:
        def kparse(part):
            for s in part:
                k.prog(s)
        # KlongPy is slow: a sample of the script is enough for its rate
        sample = ks[: len(ks) // (4 if quick else 2)]
        mk = sum(len(s) + 1 for s in sample) / chunked(kparse, sample, reps=3) / 1e6
    ok = mq >= 3 and (mk is None or mq / mk >= 6)
    out.append(Row(SECTION, "parse a %.1f MB script, per statement" % (qbytes / 1e6),
                   "KlongPy %.2f MB/s" % mk if mk else "KlongPy -", "%.2f MB/s" % mq,
                   "%.1fx faster" % (mq / mk) if mk else "-", ">= 3 MB/s; >= 6x KlongPy", ok,
                   "(%d statements; Klong %.1f MB)" % (len(qs), kbytes / 1e6)))
    running.__exit__(None, None, None)
    return out


def main():
    section_main(__doc__, rows)


if __name__ == "__main__":
    main()
