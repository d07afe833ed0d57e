"""sum/max/min/avg on vectors with and without nulls (their one-pass fast
paths and the null-skipping slow paths) against a plain-Python reading of
q's rules: nulls are skipped; an all-null (or empty) vector gives max -0W /
min 0W for integers, -0w / 0w for max/min of floats, 0n for avg."""

import math

import pytest

import numpy as np
from hypothesis import given, settings, strategies as st

from kapi.embed import Interpreter

Q = Interpreter()
NULL = -2**63
INF = 2**63 - 1


def ints():
    return st.lists(st.one_of(st.integers(-10**6, 10**6), st.just(None)), max_size=30)


def floats():
    return st.lists(st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(None)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(ints())
def test_long_aggregates(xs):
    Q["v"] = np.array([NULL if x is None else x for x in xs], dtype=np.int64)
    vals = [x for x in xs if x is not None]
    assert int(Q("sum v")) == sum(vals)
    assert int(Q("max v")) == (max(vals) if vals else -INF)
    assert int(Q("min v")) == (min(vals) if vals else INF)
    a = float(Q("avg v"))
    if vals:
        assert math.isclose(a, sum(vals) / len(vals), rel_tol=1e-12, abs_tol=1e-9)
    else:
        assert math.isnan(a)


@settings(max_examples=150, deadline=None)
@given(floats())
def test_float_aggregates(xs):
    Q["v"] = np.array([math.nan if x is None else x for x in xs], dtype=np.float64)
    vals = [x for x in xs if x is not None]
    assert math.isclose(float(Q("sum v")), math.fsum(vals), rel_tol=1e-9, abs_tol=1e-6)
    assert float(Q("max v")) == (max(vals) if vals else -math.inf)
    assert float(Q("min v")) == (min(vals) if vals else math.inf)
    a = float(Q("avg v"))
    if vals:
        assert math.isclose(a, math.fsum(vals) / len(vals), rel_tol=1e-9, abs_tol=1e-6)
    else:
        assert math.isnan(a)


@pytest.mark.parametrize("src,out", [
    # all/any over a list of lists work item-wise (q: and/or over the items)
    ("all (101b;111b)", "101b"),
    ("any (100b;000b)", "100b"),
    ("all (1;101b)", "101b"),
    ("all (1 2;1 2 3)", "'length"),
    ("all 1 2 0", "0b"),
    ("any ()", "0b"),
    ("any `a", "'type"),
    # avg: numeric atoms in a general list as a vector (nulls skipped);
    # a list of lists item-wise with nulls kept (KX avg.md)
    ("avg (1;0n;2)", "1.5"),
    ("avg (1;0N;2.5)", "1.75"),
    ("avg (1 2;0N 4)", "0n 3"),
])
def test_q_details(src, out):
    assert Q.console(src).split("\n")[0] == out
