"""Start-up and state-file benchmarks.

* cold start: ``python -m kapi`` spawned in a pseudo-terminal until ``q)``
  is written (scripts/bench_startup.py has the details and a torch-import
  check), against ``python -c pass``; kapi's bytecode is compiled first
  (``compileall``), as an installed package has it;
* saving an AdamW state of 100M elements (a 10000x5000 linear layer: 50M
  parameters, two moment buffers each) with `` `:f set state o `` and
  restoring it with ``opt(get`:f; m)``, in MB/s of the file written, against
  a plain copy of that file (``shutil.copyfile``).

    python scripts/bench_io.py [--quick]
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_util import Row, ftime, perf, section_main  # noqa: E402

SECTION = "4. start-up and state files"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def startup_rows(quick=False):
    from bench_startup import repl_start
    n = 2 if quick else 5
    # bytecode as an installed kapi has it (pip compiles it; an editable
    # install under PYTHONDONTWRITEBYTECODE=1, as in this sandbox, never
    # writes it and recompiles kapi's sources, ~0.15 s, at every start)
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "kapi"),
                    os.path.join(ROOT, "repl")], check=False, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        history = os.path.join(tmp, "history")
        repl_start(history)                      # warm the file cache
        ts = [repl_start(history)[0] for _ in range(n)]
    base = []
    for _ in range(n):
        t0 = perf()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        base.append(perf() - t0)
    t, b = min(ts), min(base)
    return [Row(SECTION, "cold start to q) (pty)", "python -c pass %s" % ftime(b), ftime(t),
                "+%s" % ftime(t - b), "<= 0.5 s", t <= 0.5,
                "(median %s of %d)" % (ftime(statistics.median(ts)), n))]


def state_rows(quick=False, elements=None):
    import torch
    from kapi.embed import Interpreter

    elements = elements or (10_000_000 if quick else 100_000_000)
    cols = 5000
    rows_ = elements // 2 // cols
    q = Interpreter()
    running = q._running()      # what Interpreter.run does around a line
    running.__enter__()
    out = []
    tmp = tempfile.mkdtemp(prefix="kapi-bench-")
    try:
        q.eval("m:module enlist(`linear;%d;%d)" % (cols, rows_))
        q.eval("o:opt(`adamw;m)")
        mo = q.registry.get(q.eval("m"))
        oo = q.registry.get(q.eval("o"))
        with torch.no_grad():
            for p in mo.module.parameters():
                p.grad = torch.full_like(p, 1e-3)
        oo.opt.step()
        nstate = sum(v.numel() for st in oo.opt.state.values() for v in st.values()
                     if hasattr(v, "numel") and v.dim() > 0)
        path = os.path.join(tmp, "state")
        copy = os.path.join(tmp, "copy")
        save = q._compile("`:%s set state o" % path)
        load = q._compile("o2:opt(get`:%s; m)" % path)
        free = q._compile("free o2")
        ts, tl, tc = [], [], []
        for _ in range(1 if quick else 2):
            t0 = perf()
            save.fn(None)
            ts.append(perf() - t0)
            t0 = perf()
            load.fn(None)
            tl.append(perf() - t0)
            free.fn(None)
            t0 = perf()
            shutil.copyfile(path, copy)
            tc.append(perf() - t0)
            os.remove(copy)
        size = os.path.getsize(path)
        mb = size / 1e6
        c = mb / min(tc)
        label = "%dM-element AdamW state (%.0f MB)" % (nstate // 10 ** 6, mb)
        for what, t in (("save `:f set state o", min(ts)), ("restore opt(get`:f;m)", min(tl))):
            out.append(Row(SECTION, "%s, %s" % (what, label), "file copy %.0f MB/s" % c,
                           "%.0f MB/s" % (mb / t), "%.2fx copy" % (mb / t / c), "(no target)",
                           None, "(%s)" % ftime(t)))
    finally:
        running.__exit__(None, None, None)
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def rows(quick=False):
    return startup_rows(quick) + state_rows(quick)


def main():
    section_main(__doc__, rows)


if __name__ == "__main__":
    main()
