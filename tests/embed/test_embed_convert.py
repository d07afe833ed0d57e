"""Python <-> k conversions: the Python view and q["name"] assignment."""

import math

import numpy as np
import pytest

from kapi.embed import Interpreter
from kapi.embed import KeyedTable, Symbol, Table


@pytest.fixture
def q():
    return Interpreter()


@pytest.mark.parametrize("value,qtype,text", [
    (None, "101h", "::"),
    (True, "-1h", "1b"),
    (42, "-7h", "42"),
    (2.5, "-9h", "2.5"),
    ("abc", "10h", '"abc"'),
    (b"xy", "10h", '"xy"'),
    (Symbol("abc"), "-11h", "`abc"),
    (np.int32(7), "-6h", "7i"),
    (np.int16(7), "-5h", "7h"),
    (np.float32(1.5), "-8h", "1.5e"),
    (np.uint8(255), "-4h", "0xff"),
    (np.bytes_(b"a"), "-10h", '"a"'),
    ([1, 2, 3], "7h", "1 2 3"),
    ([1.0, 2.0], "9h", "1 2f"),
    ([True, False], "1h", "10b"),
    ([Symbol("a"), Symbol("b")], "11h", "`a`b"),
    (["ab", "cd"], "0h", '("ab";"cd")'),
    ([1, "a"], "0h", '(1;,"a")'),
    ((1, 2), "7h", "1 2"),
    (range(3), "7h", "0 1 2"),
    (np.array([1, 2], dtype=np.int32), "6h", "1 2i"),
    (np.array([1, 2], dtype=np.float32), "8h", "1 2e"),
    (np.array([1, 2], dtype=np.uint8), "4h", "0x0102"),
    (np.array([1, 2], dtype=np.int8), "5h", "1 2h"),
    (np.array([1, 2], dtype=np.uint32), "7h", "1 2"),
    (np.array(["a", "b"]), "11h", "`a`b"),
    (np.array(3.0), "-9h", "3f"),
])
def test_python_to_q(q, value, qtype, text):
    q["v"] = value
    assert q.console("type v") == qtype
    assert q.console("-3!v") == '"%s"' % text.replace('"', '\\"')


def test_matrix_in_and_out(q):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    q["a"] = a
    assert q.console("type a") == "0h"
    assert q.console("type each a") == "8 8h"
    assert q.console("a") == "0 1 2\n3 4 5"
    b = q["a"]
    assert isinstance(b, np.ndarray) and b.dtype == np.float32 and (b == a).all()
    c = np.arange(24).reshape(2, 3, 4)
    q["c"] = c
    assert q.console("count each c") == "3 3"
    assert (q["c"] == c).all() and q["c"].shape == (2, 3, 4)
    assert q("(1 2;3 4)").tolist() == [[1, 2], [3, 4]]
    ragged = q("(1 2;3 4 5)")
    assert isinstance(ragged, list) and [r.tolist() for r in ragged] == [[1, 2], [3, 4, 5]]


@pytest.mark.parametrize("src", [
    "1b", "42", "42i", "7h", "0x1f", "2.5", "1.5e", "`abc", '"abc"', "til 5",
    "1 2 3i", "1.5 2.5e", "101b", "`a`b`c", "(1;`a;\"xy\")", "(1 2;3 4)",
    "`a`b!1 2", "`a`b!(1 2;\"xy\")", "1 2!`x`y", "([]a:1 2;b:`x`y)",
    "([k:1 2]v:`x`y)", "()", "0N", "0n", "(`a;1 2)", "::",
])
def test_round_trip(q, src):
    q["y"] = q(src)
    assert q.console("(%s)~y" % src) == "1b", (src, q.console("y"))


def test_view_types(q):
    assert q("1b") is True
    assert type(q("42")) is int and q("42") == 42
    assert type(q("2.5")) is float
    assert type(q("42i")) is np.int32 and type(q("1.5e")) is np.float32
    assert type(q("0x1f")) is np.uint8 and type(q("7h")) is np.int16
    assert q("`a") == "a" and type(q("`a")) is Symbol
    assert q('"abc"') == "abc" and type(q('"abc"')) is str
    assert q('"a"') == "a"
    v = q("til 3")
    assert isinstance(v, np.ndarray) and v.dtype == np.int64 and v.tolist() == [0, 1, 2]
    assert q("`a`b") == ["a", "b"] and all(type(s) is Symbol for s in q("`a`b"))
    assert q("`a`b!1 2") == {"a": 1, "b": 2}
    assert q("(1;`a)") == [1, "a"]
    assert math.isnan(q("0n"))
    assert q("0N") == -2**63
    assert q("::") is None
    t = q("([]a:1 2;b:`x`y)")
    assert isinstance(t, Table) and t["a"].tolist() == [1, 2] and t["b"] == ["x", "y"]
    kt = q("([k:1 2]v:`x`y)")
    assert isinstance(kt, KeyedTable) and kt.key["k"].tolist() == [1, 2]


def test_vectors_are_copies(q):
    q("x:til 3")
    v = q["x"]
    v[0] = 99
    assert q.console("x") == "0 1 2"
    a = np.arange(3)
    q["y"] = a
    a[0] = 99
    assert q.console("y") == "0 1 2"


def test_tables_from_python(q):
    q["t"] = Table(a=[1, 2], b=[Symbol("x"), Symbol("y")])
    assert q.console("t") == "a b\n---\n1 x\n2 y"
    q["kt"] = KeyedTable({"k": [1, 2]}, {"v": [3.5, 4.5]})
    assert q.console("kt 2") == "v| 4.5"
    with pytest.raises(ValueError):
        q["bad"] = Table(a=[1, 2], b=[1])


def test_dicts(q):
    q["d"] = {"a": 1, "b": 2}
    assert q.console("d`b") == "2"
    assert q.console("key d") == "`a`b"
    q["e"] = {1: "xx", 2: "yy"}
    assert q.console("e 2") == '"yy"'
    q["f"] = {Symbol("a"): [1, 2], "b": [3, 4]}
    assert q.console("f") == "a| 1 2\nb| 3 4"


def test_unconvertible(q):
    with pytest.raises(TypeError):
        q["x"] = object()
    with pytest.raises(TypeError):
        q["x"] = np.array([1 + 2j])
    with pytest.raises(OverflowError):
        q["x"] = 2**70
