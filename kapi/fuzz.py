"""Fuzzing the language: random token streams and mutated conformance lines
through Interpreter.console. Used by tests/hardening (a fast subset) and
scripts/fuzz (the long run)."""

import glob
import os
import random

TOKENS = ['1', '2', '3', '1 2 3', '0N', '0n', '0w', '1.5', '2e', '`a', '`a`b', '"abc"', '"a"', 'x', 'y',
          't', 'd', 'l', 'k', '+', '-', '*', '%', '#', '_', ',', '!', '?', '$', '@', '.', '&', '|', '^',
          '=', '<', '>', '~', "'", '/', '\\:', '/:', "':", '(', ')', '[', ']', '{', '}', ';', ':', '::',
          'til', 'count', 'first', 'each', 'over', 'sum', 'enlist', 'flip', 'key', 'value', 'string',
          'where', 'in', 'like', 'reverse', 'raze', 'group', 'distinct', 'asc', 'type', 'neg', 'not',
          'null', 'select', 'from', 'by', 'exec', 'update', 'delete', '0b', '101b', '0x0a', '()', 'i',
          'max', 'avg', 'cols', 'xexp', 'mod', 'div', 'sv', 'vs', '2 3', '"i"', 'cut', 'sublist',
          'rotate', 'except', 'inter', 'union', 'within', 'deltas', 'msum', 'rank', '.5', '-1', '$[',
          'if[', 'do[', 'while[', '{[a;b]', '-3!', '0N!']

SETUP = 'x:1 2 3;y:`a`b`c;t:([]a:1 2 3;b:`x`y`z);d:`a`b!1 2;l:(1;`a;"b");k:([k:1 2]v:3 4)'


def random_source(rng, max_tokens=7):
    return " ".join(rng.choice(TOKENS) for _ in range(rng.randint(1, max_tokens)))


def conformance_lines(root=None):
    root = root or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "..", "shared", "conformance", "q")
    lines = []
    for f in sorted(glob.glob(os.path.join(root, "*.txt"))):
        with open(f, encoding="utf-8") as fh:
            lines += [ln[2:].rstrip("\n") for ln in fh if ln.startswith("q)")]
    return lines


def mutate(rng, line):
    """Delete, duplicate, swap or insert a character or a token."""
    if not line:
        return rng.choice(TOKENS)
    i = rng.randrange(len(line))
    op = rng.randrange(4)
    if op == 0:
        return line[:i] + line[i + 1:]
    if op == 1:
        return line[:i] + line[i] + line[i:]
    if op == 2:
        j = rng.randrange(len(line))
        chars = list(line)
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)
    return line[:i] + rng.choice(TOKENS) + line[i:]


def check_console(q, src):
    """Run src; return the output. Raises AssertionError if a Python
    exception escapes or the output names a host exception."""
    from .errors import KExit
    try:
        out = q.console(src)
    except KExit:
        return ""
    assert isinstance(out, str)
    first = out.split("\n", 1)[0]
    assert first not in HOST_NAMES, (src, out)
    return out


# what the console's last line of defence prints for a Python exception
HOST_NAMES = {"'" + n.lower() for n in ("TypeError", "ValueError", "KeyError", "IndexError", "AttributeError",
                                         "RuntimeError", "AssertionError", "NameError", "StopIteration",
                                         "UnboundLocalError", "ZeroDivisionError", "OverflowError")}


def run(n, seed=0, report=None):
    """The long run: n cases; returns (cases, counter of host exceptions
    mapped to q errors by location, plus "ESCAPED": outputs naming a host
    exception, which are bugs)."""
    import collections
    import signal
    from . import compile as C
    from .interp import Interpreter
    rng = random.Random(seed)
    lines = conformance_lines()
    q = Interpreter()
    q.console(SETUP)
    C.HOST_ERRORS = []
    counts = collections.Counter()
    examples = {}

    def alarm(*_):
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    done = 0
    for _ in range(n):
        src = random_source(rng) if rng.random() < 0.5 or not lines else mutate(rng, rng.choice(lines))
        if src.lstrip().startswith("\\"):
            continue
        C.HOST_ERRORS.clear()
        signal.alarm(2)
        try:
            check_console(q, src)
        except TimeoutError:  # a legitimate endless loop (e.g. converge that never settles)
            q = Interpreter()
            q.console(SETUP)
            continue
        except AssertionError:  # a host exception reached the console: a bug
            counts["ESCAPED"] += 1
            examples.setdefault("ESCAPED", src)
            continue
        finally:
            signal.alarm(0)
        done += 1
        for e in C.HOST_ERRORS:
            tb = e.__traceback__
            while tb and tb.tb_next:
                tb = tb.tb_next
            where = "%s:%d %s" % (os.path.basename(tb.tb_frame.f_code.co_filename), tb.tb_lineno,
                                  type(e).__name__) if tb else type(e).__name__
            counts[where] += 1
            examples.setdefault(where, src)
    C.HOST_ERRORS = None
    if report:
        for k, v in counts.most_common(30):
            report("%6d %s | %s" % (v, k, examples[k]))
    return done, counts
