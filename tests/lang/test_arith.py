"""Arithmetic (kapi/verbs/arith.py): q code run by the interpreter, compared with what
q prints (KX reference, docs/ref)."""

import pytest

@pytest.mark.parametrize("src,out", [
    ('2+3', '5'),
    ('1 2 3+10', '11 12 13'),
    ('10-3', '7'),
    ('-5', '-5'),
    ('neg 1 -2', '-1 2'),
    ('2*3', '6'),
    ('*3 4 5', '3'),
    ('6%4', '1.5'),
    ('%4', '0.25'),
    ('reciprocal 2', '0.5'),
    ('7 div 2', '3'),
    ('-7 div 2', '-4'),
    ('7 mod 3', '1'),
    ('-7 mod 3', '2'),
    ('abs -3 4', '3 4'),
    ('signum -2 0 5', '-1 0 1i'),
    ('ceiling 1.2 -1.2', '2 -1'),
    ('sqrt 4', '2f'),
    ('2 xexp 3', '8f'),
    ('5 xbar 3 7 12', '0 5 10'),
    ('1b+1b', '2i'),
])
def test_console(q, src, out):
    assert q.console(src).split("\n")[0] == out


@pytest.mark.parametrize("src,out", [
    # div keeps x's type, but boolean, byte, short, char give int and real
    # gives float (KX div.md's table); chars divide by their codes
    ("7 div 3", "2"),
    ("7 div 2 3 4", "3 2 1"),
    ("-7 7 div/:\\:-2.5 -2 2 2.5", "2  3  -4 -3"),
    ("7f div 2", "3f"),
    ("7e div 2", "3f"),
    ("6i div 4", "1i"),
    ("7h div 3", "2i"),
    ("0x80 div 16", "8i"),
    ("\"\\023\" div 8", "2i"),
    ("7 div 2.5", "2"),
    ("1b div 1", "1i"),
    ("(10;20 30)div(3 4; -5)", "3  2"),
    ("`a div 2", "'type"),
    ("2014.10.13 div 365", "2000.01.15"),      # temporal x keeps its type (KX div.md)
    ("0Nd div 2", "0Nd"),
    ("0N 7i div 2", "0N 3i"),
    ("7 div 0N", "0N"),
])
def test_div_types(q, src, out):
    assert q.console(src).split("\n")[0].rstrip() == out


def test_inv_and_lsq_against_numpy(q):
    import numpy as np
    rng = np.random.default_rng(7)
    a = rng.normal(size=(4, 4))
    x = rng.normal(size=(3, 6))
    y = rng.normal(size=(4, 6))
    q["a"], q["x"], q["y"] = a, x, y
    np.testing.assert_allclose(np.array(q("inv a")), np.linalg.inv(a), rtol=1e-10)
    want = np.linalg.lstsq(y.T, x.T, rcond=None)[0].T          # min |x - w y|
    np.testing.assert_allclose(np.array(q("x lsq y")), want, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(np.array(q("x[0] lsq y")), want[0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(np.array(q("x$flip y")), x @ y.T, rtol=1e-12)
    assert q.console("inv 1 2 3f").startswith("'length")
    assert q.console("x lsq 2 2#1f").startswith("'length")


@pytest.mark.parametrize("src,out", [
    # chars take part in arithmetic only with floats (KX add.md's table)
    ('"a"+1f', "98f"),
    ('"ab"-1f', "96 97f"),
    ('"a"+1', "'type"),
    ('"a"+1e', "'type"),
    ('1e*"a"', "'type"),
])
def test_char_arithmetic_types(q, src, out):
    assert q.console(src).split("\n")[0] == out
