"""Shared pieces of kapi's benchmarks: rows, timers and the table.

Every timing is the *minimum* over repeated runs (or over repeated short
chunks of a long run): on a busy 2-core host the minimum is what the code
costs when it is not preempted, and it is what makes a kapi/baseline ratio
measured side by side hold from run to run.
"""

import os
import platform
import sys
import time

perf = time.perf_counter


class Row:
    """One table row.  ``ok`` is True/False against the target, None for an
    informational row (no target)."""

    __slots__ = ("section", "case", "baseline", "kapi", "ratio", "target", "ok", "note")

    def __init__(self, section, case, baseline="-", kapi="-", ratio="-", target="-",
                 ok=None, note=""):
        self.section = section
        self.case = case
        self.baseline = baseline
        self.kapi = kapi
        self.ratio = ratio
        self.target = target
        self.ok = ok
        self.note = note


def best(fn, reps=5, number=1):
    """Minimum seconds per call of ``fn()`` over ``reps`` runs of ``number`` calls."""
    b = float("inf")
    for _ in range(reps):
        t0 = perf()
        for _ in range(number):
            fn()
        b = min(b, (perf() - t0) / number)
    return b


def interleaved(fns, reps=5, budget=None):
    """Minimum seconds of each of ``fns`` (called round-robin ``reps`` times,
    so that a noisy stretch of the host hits all of them alike; after two
    rounds, no new round starts once ``budget`` seconds are spent)."""
    out = [float("inf")] * len(fns)
    start = perf()
    for k in range(reps):
        if budget is not None and k >= 2 and perf() - start > budget:
            break
        for i, f in enumerate(fns):
            t0 = perf()
            f()
            out[i] = min(out[i], perf() - t0)
    return out


def chunked(fn, items, chunk=200, reps=7):
    """Seconds for ``fn(part)`` over all of ``items``: the sum over chunks of
    the minimum time of each chunk (a long run on a busy host, de-noised)."""
    tot = 0.0
    for c in range(0, len(items), chunk):
        part = items[c:c + chunk]
        b = float("inf")
        for _ in range(reps):
            t0 = perf()
            fn(part)
            b = min(b, perf() - t0)
        tot += b
    return tot


def ftime(s):
    """Seconds in a readable unit."""
    if s is None:
        return "-"
    if s < 1e-6:
        return "%.3f us" % (s * 1e6)
    if s < 1e-3:
        return "%.2f us" % (s * 1e6)
    if s < 1:
        return "%.2f ms" % (s * 1e3)
    return "%.2f s" % s


def status(ok):
    return {True: "ok", False: "MISS", None: ""}[ok]


def machine():
    """One line: CPU, cores, Python and library versions, host load."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    cpu = ln.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    from importlib import metadata
    vers = ["python %s" % sys.version.split()[0]]
    for mod in ("numpy", "torch", "lark", "klongpy", "timm"):
        try:
            vers.append("%s %s" % (mod, metadata.version(mod)))
        except metadata.PackageNotFoundError:
            vers.append("%s -" % mod)
    try:
        import torch
        vers.append("torch threads %d" % torch.get_num_threads())
    except ImportError:
        pass
    try:
        load = "load %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = ""
    return "%s, %d cores; %s; %s" % (cpu, os.cpu_count() or 0, ", ".join(vers), load)


def table(rows, markdown=False):
    """The table as text (fixed columns) or as a markdown table."""
    head = ("case", "baseline", "kapi", "ratio", "target", "")
    if markdown:
        out = ["| " + " | ".join(head[:5]) + " | met |", "|---|---:|---:|---:|---|---|"]
        sec = None
        for r in rows:
            if r.section != sec:
                sec = r.section
                out.append("| **%s** | | | | | |" % sec)
            case = r.case.replace("|", "\\|")
            out.append("| %s | %s | %s | %s | %s | %s |" % (
                case, r.baseline.replace("|", "\\|"), r.kapi, r.ratio,
                r.target, status(r.ok) + (" " + r.note if r.note else "")))
        return "\n".join(out)
    w = [max([len(head[0])] + [len(r.case) for r in rows]) + 2,
         max([len(head[1])] + [len(r.baseline) for r in rows]),
         max([len(head[2])] + [len(r.kapi) for r in rows]),
         max([len(head[3])] + [len(r.ratio) for r in rows]),
         max([len(head[4])] + [len(r.target) for r in rows])]
    fmt = "%%-%ds  %%%ds  %%%ds  %%%ds  %%-%ds  %%s" % tuple(w)
    out = [fmt % head, fmt % tuple("-" * x for x in w + [4])]
    sec = None
    for r in rows:
        if r.section != sec:
            sec = r.section
            out.append(sec)
        out.append((fmt % ("  " + r.case, r.baseline, r.kapi, r.ratio, r.target,
                           status(r.ok) + (" " + r.note if r.note else ""))).rstrip())
    return "\n".join(out)


def section_main(doc, rows):
    """The command line of one benchmark section: ``--quick``, then print the
    machine line and the section's table."""
    import argparse
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ns = ap.parse_args()
    print(machine())
    print(table(rows(ns.quick)))
