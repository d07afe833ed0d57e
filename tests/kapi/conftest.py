import re

import pytest

from kapi.embed import Interpreter


def fresh():
    from kapi.api import install
    q = Interpreter()
    install(q)          # idempotent: the interpreter may already have done it
    return q


@pytest.fixture
def q():
    return fresh()


def transcript(q, text):
    """Run a q) transcript; return (expected, got) lists of output blocks
    with pointer values masked."""
    exp, got = [], []
    cur = None
    for line in text.strip("\n").split("\n"):
        if line.startswith("q)"):
            if cur is not None:
                exp.append("\n".join(cur).rstrip())
            src = line[2:]
            got.append(q.console(src).rstrip())
            cur = []
        else:
            cur.append(line)
    exp.append("\n".join(cur).rstrip())
    return exp, got
