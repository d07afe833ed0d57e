"""kapi's benchmarks: one table, each case against its baseline.

    scripts/bench [--quick] [--only train,lang,optim,io] [--markdown] [--threads N]

Sections (each also runs alone: scripts/bench_<name>.py):

1. train  -- the spirals training loop, a k lambda against plain PyTorch
2. lang   -- interpreter: scalar, lambda, each, reductions and vector
             arithmetic against numpy/KlongPy 0.7.1; parsing throughput
3. optim  -- a step of every optimizer in the catalogue (10 x 1M) against
             the memory-bandwidth bound and torch's fused AdamW
4. io     -- cold start to q); saving/restoring a 100M-element AdamW state

Every time is a minimum over repeats (see bench_util.py); the header line
gives the machine, the versions and the host load, which matter on a shared
2-core box.  ``--quick`` cuts repeats and sizes (10M-element state, 0.25 MB
script); the full run takes about 40 s on an idle host, 1-3 minutes on
a busy one.  On a busy host
(load average at least the core count) torch runs one thread unless
``--threads`` says otherwise.  Exit status 1 when a target is missed.
"""

import argparse
import gc
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_util import machine, table  # noqa: E402

SECTIONS = ("train", "lang", "optim", "io")


def auto_threads(arg):
    """Torch threads to use, or None for torch's default.  OpenMP threads
    that spin against other busy processes make multi-threaded timings
    meaningless (300 spirals steps: 1.4 s on 1 thread, 8-22 s on 2 at load
    7 on this 2-core box), so on a busy host torch gets one thread."""
    if arg != "auto":
        return int(arg)
    try:
        load = os.getloadavg()[0]
    except OSError:
        return None
    if load >= (os.cpu_count() or 1):
        print("[host load %.1f on %d cores: torch uses 1 thread; --threads N to override]"
              % (load, os.cpu_count() or 1), file=sys.stderr)
        return 1
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, smaller sizes")
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help="comma-separated sections: " + " ".join(SECTIONS))
    ap.add_argument("--markdown", action="store_true", help="print the table as markdown")
    ap.add_argument("--threads", default="auto",
                    help="torch threads: a number, or auto (default): torch's own choice "
                         "on an idle host, 1 when the load average is at least the core count")
    ns = ap.parse_args()
    only = [s.strip() for s in ns.only.split(",") if s.strip()]
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        ap.error("unknown section(s): " + " ".join(bad))
    threads = auto_threads(ns.threads)
    if threads:
        import torch
        torch.set_num_threads(threads)
    t0 = time.perf_counter()
    rows = []
    for name in SECTIONS:
        if name not in only:
            continue
        mod = __import__("bench_" + name)
        rows += mod.rows(ns.quick)
        gc.collect()
        print("[%s done, %.0f s]" % (name, time.perf_counter() - t0), file=sys.stderr, flush=True)
    print(machine())
    print(table(rows, markdown=ns.markdown))
    missed = [r for r in rows if r.ok is False]
    print("%d of %d targets met%s; %.0f s" % (
        sum(1 for r in rows if r.ok), sum(1 for r in rows if r.ok is not None),
        " (missed: %s)" % "; ".join(r.case for r in missed) if missed else "",
        time.perf_counter() - t0))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
