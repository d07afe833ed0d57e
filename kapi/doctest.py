"""`kapi --doctest FILE...`: check q) console transcripts.

A transcript is lines of ``q)input`` followed by the lines the console
prints for it.  Lines starting with ``/`` are comments and separate cases;
a case passes when every input in it prints exactly what follows it
(trailing spaces ignored).  Each file runs in one fresh interpreter.

A Markdown file (``.md``) is checked through its fenced code blocks, in
order: a block holding ``q)`` lines is a transcript case, a ````python``
block runs in one namespace per file and passes when it raises nothing.
A block right after a line ``<!-- no-test: reason -->`` is skipped.  In a
Markdown file a number of 12 or more digits is a memory address (they
change from run to run): any address matches any other, and an output
showing one compares blank runs and dash rules by shape, not width.
"""

import contextlib
import io
import os
import re
import sys
import traceback

NO_TEST = re.compile(r"<!--\s*no-test:\s*(.*?)\s*-->")
ADDRESS = re.compile(r"(?<![\d.])\d{12,}(?![\d.])")
DASHES = re.compile(r"-+(\.\.)?")


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


def markdown_blocks(text):
    """The fenced code blocks of Markdown ``text`` that ``--doctest`` runs:
    those holding a line that starts with ``q)``, and ````python`` blocks.
    A list of (kind "q" or "python", first body line number, body, the
    reason of a ``no-test`` marker just before the fence or None)."""
    blocks = []
    fence = None
    prev = ""                       # the last non-blank line outside a block
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        s = line.strip()
        if fence is None:
            m = re.match(r"(`{3,}|~{3,})\s*(\S*)", s)
            if m:
                fence, info, start, body = m.group(1), m.group(2), n + 1, []
                r = NO_TEST.fullmatch(prev)
                reason = r.group(1) if r else None
            elif s:
                prev = s
            continue
        if s.startswith(fence) and not s.strip(fence[0]):
            if any(b.startswith("q)") for b in body):
                blocks.append(("q", start, "\n".join(body), reason))
            elif info == "python":
                blocks.append(("python", start, "\n".join(body), reason))
            fence, prev = None, ""
            continue
        body.append(line)
    return blocks


def _markdown_items(text):
    """Steps of a Markdown file in order: ("q", case) for each transcript
    case (line numbers those of the file), ("python", line, source)."""
    items = []
    for kind, start, body, reason in markdown_blocks(text):
        if reason is not None:
            continue
        if kind == "python":
            items.append(("python", start, body))
            continue
        for case in parse_transcript(body):
            items.append(("q", [(src, exp, n + start - 1) for src, exp, n in case]))
    return items


def mask_addresses(lines):
    """An output's lines with memory addresses made comparable: if one shows
    an address, addresses become <address>, blank runs one blank and dash
    rules one dash (column widths follow the address's digits)."""
    if not any(ADDRESS.search(ln) for ln in lines):
        return lines
    out = []
    for ln in lines:
        ln = re.sub(" +", " ", ADDRESS.sub("<address>", ln))
        out.append("-" if DASHES.fullmatch(ln) else ln)
    return out


def _run_python(path, start, src, ns):
    """Run one Python block; None, or the failure report."""
    try:
        code = compile("\n" * (start - 1) + src, path, "exec")
        with contextlib.redirect_stdout(io.StringIO()):
            exec(code, ns)
    except KeyboardInterrupt:
        raise
    except BaseException as e:     # SystemExit too: a doc block must not end the run
        tb = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == path]
        where = tb[-1].lineno if tb else start
        return "%s:%d: python block\n  raised:\n    %s" % (
            path, where, "".join(traceback.format_exception_only(type(e), e)).strip())
    return None


def run_file(path, out=sys.stdout, mask=None, failures=None):
    """Run one transcript file (or Markdown file); returns (passed, failed).
    The first input line number of each failing case is appended to
    ``failures``."""
    from .embed import Interpreter
    from .errors import KExit
    with open(path, encoding="utf-8") as f:
        text = f.read()
    md = path.endswith(".md")
    items = _markdown_items(text) if md else [("q", c) for c in parse_transcript(text)]
    q = Interpreter()
    ns = {"__name__": "__main__"}
    passed = failed = 0
    for item in items:
        if item[0] == "python":
            r = _run_python(path, item[1], item[2], ns)
            if r is None:
                passed += 1
                continue
            failed += 1
            if failures is not None:
                failures.append("%s:%d" % (os.path.basename(path), item[1]))
            print(r, file=out)
            continue
        case = item[1]
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
            if md:
                got_lines = mask_addresses(got_lines)
                exp_lines = mask_addresses(exp_lines)
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
