"""Optimizer-step benchmarks.

10 tensors x 1M float32 parameters with random gradients.  Every optimizer
in kapi's catalogue (enumerated at run time: ``kapi.api.optim.catalog``)
is created with ``opt`` and stepped with ``step o`` (a compiled q line),
against

* the memory-bandwidth bound: bytes moved per parameter x parameters /
  measured copy bandwidth (``dst.copy_(src)`` on 64 MB tensors, read +
  write bytes).  Bytes per parameter: fp32 parameter, gradient and the
  state tensors the optimizer keeps (read p, g, state; write p, state:
  ``4 * (3 + 2 * n)`` for n state tensors of the parameter's size), LAMB 44
  (two passes and a global-norm pre-pass).  Target: at least 50% of the bound.
* torch's fused AdamW (``torch.optim.AdamW(fused=True)``); LAMB's target
  is at most 2x its time.  timm's Lamb is timed too where timm is there.

Optimizers that ``step o`` refuses on dense gradients without a closure
(lbfgs, sophia, sparseadam) are listed, not timed.

    python scripts/bench_optim.py [--quick] [--tensors 10] [--size 1000000]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_util import Row, best, ftime, machine, perf, table  # noqa: E402

SECTION = "3. optimizer steps"

# options for a representative step (k names); the rest are the defaults
OPTIONS = {"sgd": "(`momentum;.9)"}
# bytes per parameter where the single-pass formula does not hold
BYTES = {"lamb": 44}


def copy_bandwidth(torch, reps=10):
    """Bytes per second of a large tensor copy (read + write)."""
    n = 16 * 2 ** 20
    a = torch.rand(n)
    b = torch.empty_like(a)
    b.copy_(a)
    t = best(lambda: b.copy_(a), reps=reps)
    return 2 * 4 * n / t


def make_params(torch, ntensors, size, seed=0):
    g = torch.Generator().manual_seed(seed)
    ps = []
    for _ in range(ntensors):
        p = torch.randn(size, generator=g).requires_grad_(True)
        p.grad = torch.randn(size, generator=g) * 1e-2
        ps.append(p)
    return ps


def state_bytes(opt, params):
    """Bytes per parameter moved by one single-pass step."""
    p = params[0]
    st = opt.state.get(p, {})
    n = sum(1 for v in st.values() if hasattr(v, "numel") and v.numel() == p.numel())
    return p.element_size() * (3 + 2 * n)


def timm_lamb():
    """timm's Lamb class, without importing the timm package (whose
    __init__ needs torchvision); None where timm is not installed."""
    import importlib
    import importlib.util
    import types
    try:
        spec = importlib.util.find_spec("timm")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    root = spec.submodule_search_locations[0]
    saved = {k: sys.modules.get(k) for k in ("timm", "timm.optim")}
    try:
        for name, path in (("timm", root), ("timm.optim", os.path.join(root, "optim"))):
            m = types.ModuleType(name)
            m.__path__ = [path]
            sys.modules[name] = m
        return importlib.import_module("timm.optim.lamb").Lamb
    except Exception:
        return None
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def rows(quick=False, ntensors=10, size=1_000_000):
    import torch
    from kapi.api.optim import catalog as C
    from kapi.api.registry import VectorObj, registry
    from kapi.errors import KError
    from kapi.embed import Interpreter

    reps = 4 if quick else 10
    budget = 0.5 if quick else 2.0
    nparam = ntensors * size
    bw = copy_bandwidth(torch)
    label = "%dx%s" % (ntensors, "%dM" % (size // 10 ** 6) if size % 10 ** 6 == 0 else size)
    out = [Row(SECTION, "copy bandwidth (64 MB tensor copy, read+write)", "-",
               "%.1f GB/s" % (bw / 1e9), "-", "-", None)]

    def timed_step(step):
        # one warm-up step (state is created lazily); then the minimum of
        # up to ``reps`` steps, fewer for a slow optimizer
        t0 = perf()
        step()
        first = perf() - t0
        b = float("inf")
        spent = 0.0
        for k in range(reps):
            if k >= 1 and spent > budget:
                break
            t0 = perf()
            step()
            dt = perf() - t0
            b = min(b, dt)
            spent += dt
        return min(b, first) if b == float("inf") else b

    # torch's fused AdamW: the reference step
    ps = make_params(torch, ntensors, size)
    fused = torch.optim.AdamW(ps, lr=1e-3, fused=True)
    t_fused = timed_step(fused.step)
    bound = 28 * nparam / bw
    out.append(Row(SECTION, "torch fused AdamW, %s" % label, "bound %s (28 B/param)" % ftime(bound),
                   ftime(t_fused), "%.0f%% of bound" % (100 * bound / t_fused), "(reference)", None))
    del fused, ps

    q = Interpreter()
    running = q._running()      # what Interpreter.run does around a line
    running.__enter__()
    try:
        for name in C.names():
            ps = make_params(torch, ntensors, size)
            q.globals["v"] = registry(q).add(VectorObj(ps))
            extra = ";" + OPTIONS[name] if name in OPTIONS else ""
            q.eval("o:opt(`%s;v%s)" % (name, extra))
            code = q._compile("step o")
            try:
                code.fn(None)
            except KError as e:
                out.append(Row(SECTION, "%s, %s" % (name, label), "-", "-", "-", "-", None,
                               "(not timed: 'step o' says '%s)" % e.name.split(",")[0]))
                q.eval("free o; free v")
                continue
            oo = q.registry.get(q.eval("o"))
            B = BYTES.get(name) or state_bytes(oo.opt, ps)
            t = timed_step(lambda: code.fn(None))
            bound = B * nparam / bw
            frac = bound / t
            target = ">= 50% of bound"
            ok = frac >= 0.5
            note = "(%.2fx fused AdamW)" % (t / t_fused)
            if name == "lamb":
                target += "; <= 2x fused AdamW"
                ok = ok and t <= 2 * t_fused
            out.append(Row(SECTION, "%s %s, %s" % (name, "step o", label),
                           "bound %s (%d B/param)" % (ftime(bound), B), ftime(t),
                           "%.0f%% of bound" % (100 * frac), target, ok, note))
            q.eval("free o; free v")
            del oo, ps
    finally:
        running.__exit__(None, None, None)

    Lamb = timm_lamb()
    if Lamb is not None:
        ps = make_params(torch, ntensors, size)
        o = Lamb(ps, lr=1e-3)
        t = timed_step(o.step)
        bound = 44 * nparam / bw
        out.append(Row(SECTION, "timm Lamb, %s" % label, "bound %s (44 B/param)" % ftime(bound),
                       ftime(t), "%.0f%% of bound" % (100 * bound / t), "(reference)", None,
                       "(%.2fx fused AdamW)" % (t / t_fused)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--tensors", type=int, default=10)
    ap.add_argument("--size", type=int, default=1_000_000)
    ns = ap.parse_args()
    print(machine())
    print(table(rows(ns.quick, ns.tensors, ns.size)))


if __name__ == "__main__":
    main()
