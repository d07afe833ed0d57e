"""`kapi --doctest FILE...`: check q) console transcripts.

A transcript is lines of ``q)input`` followed by the lines the console
prints for it.  Lines starting with ``/`` are comments and separate cases;
a case passes when every input in it prints exactly what follows it
(trailing spaces ignored).  Each file runs in one fresh interpreter.
"""

import os
import sys


def parse_transcript(text):
    """List of cases; a case is a list of (input, expected lines, lineno)."""
    cases, cur = [], []
    step = None
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if line.startswith("/"):
            if step:
                cur.append(step)
                step = None
            if cur:
                cases.append(cur)
                cur = []
            continue
        if line.startswith("q)"):
            if step:
                cur.append(step)
            step = (line[2:], [], n)
            continue
        if step is not None and (line.strip() or step[1]):
            step[1].append(line)
    if step:
        cur.append(step)
    if cur:
        cases.append(cur)
    # a blank trailing line belongs to no output
    for case in cases:
        for _, exp, _ in case:
            while exp and not exp[-1].strip():
                exp.pop()
    return cases


def run_file(path, out=sys.stdout, mask=None, failures=None):
    """Run one transcript file; returns (passed, failed). The first input
    line number of each failing case is appended to ``failures``."""
    from .interp import Interpreter
    from .errors import KExit
    with open(path, encoding="utf-8") as f:
        cases = parse_transcript(f.read())
    q = Interpreter()
    passed = failed = 0
    for case in cases:
        ok = True
        report = []
        for src, expected, lineno in case:
            try:
                got = q.console(src)
            except KExit:
                got = ""
            got_lines = [ln.rstrip() for ln in got.split("\n")] if got else []
            exp_lines = [ln.rstrip() for ln in expected]
            if mask:
                got_lines = [mask(ln) for ln in got_lines]
                exp_lines = [mask(ln) for ln in exp_lines]
            if got_lines != exp_lines:
                ok = False
                report.append("%s:%d: q)%s\n  expected:\n%s\n  got:\n%s" % (
                    path, lineno, src, "\n".join("    " + e for e in exp_lines),
                    "\n".join("    " + g for g in got_lines)))
        if ok:
            passed += 1
        else:
            failed += 1
            if failures is not None:
                failures.append("%s:%d" % (os.path.basename(path), case[0][2]))
            for r in report:
                print(r, file=out)
    return passed, failed


def main(paths, out=sys.stdout):
    total_p = total_f = 0
    for p in paths:
        a, b = run_file(p, out)
        total_p += a
        total_f += b
    print("%d passed, %d failed" % (total_p, total_f), file=out)
    return 1 if total_f else 0
