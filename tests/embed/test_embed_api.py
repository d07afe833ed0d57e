"""The Interpreter embedding API: q(src), eval, console, q[name], call,
function, Python callables in q, q functions in Python.

Tests here import from kapi's submodules (kapi.interp, kapi.embed...): under
pytest the tests/kapi package can shadow the top-level name ``kapi``."""

import numpy as np
import pytest

from kapi.embed import Interpreter
from kapi.embed import QFunction, Symbol, Table
from kapi.errors import KError


@pytest.fixture
def q():
    return Interpreter()


def test_three_ways_in(q):
    assert q.console("1 2 3+10") == "11 12 13"
    v = q.eval("1 2 3+10")
    assert isinstance(v, np.ndarray) and v.tolist() == [11, 12, 13]
    assert q("1 2 3+10").tolist() == [11, 12, 13]
    assert q.console("x:5") == ""
    assert q("x") == 5
    assert q.console("1+`a").startswith("'type")
    with pytest.raises(KError) as e:
        q("1+`a")
    assert str(e.value).startswith("type") or "type" in str(e.value)


def test_globals(q):
    q["x"] = 10
    assert q.console("x*2") == "20"
    assert "x" in q and "nosuch" not in q
    assert q["x"] == 10
    assert q.get("nosuch", 7) == 7
    with pytest.raises(KeyError):
        q["nosuch"]
    del q["x"]
    assert "x" not in q
    q("y:til 3")
    assert q["y"].tolist() == [0, 1, 2]
    with pytest.raises(TypeError):
        q[3] = 1


def test_call(q):
    assert q.call("til", 4).tolist() == [0, 1, 2, 3]
    assert q.call("+", 1, 2) == 3
    assert q.call("sum", [1, 2, 3]) == 6
    q("f:{x*y}")
    assert q.call("f", 6, 7) == 42
    assert q.call("f", np.arange(3), 2).tolist() == [0, 2, 4]
    p = q.call("f", 3)                      # fewer args: a projection
    assert isinstance(p, QFunction) and p(5) == 15
    assert q.call("count", "abc") == 3      # a str is a q string
    assert q.call("string", Symbol("abc")) == "abc"
    with pytest.raises(KError):
        q.call("nosuch", 1)
    with pytest.raises(KError):
        q.call("til", "x")


def test_q_functions_from_python(q):
    add = q.function("{x+y}")
    assert add(1, 2) == 3
    assert add(np.array([1.5, 2.5]), 1).tolist() == [2.5, 3.5]
    f = q("{x,y}")
    assert isinstance(f, QFunction)
    assert f("ab", "cd") == "abcd"
    assert f([Symbol("a")], Symbol("b")) == ["a", "b"]
    assert repr(q.function("{x+y}")) == "QFunction({x+y})"
    q("g:{[a;b;c] a+b*c}")
    g = q["g"]
    assert g(1, 2, 3) == 7
    assert q.function("g")(1, 2, 3) == 7
    assert q.function("+")(2, 3) == 5
    assert q.function("til")(3).tolist() == [0, 1, 2]
    with pytest.raises(TypeError):
        q.function("1 2 3")
    with pytest.raises(KError):
        add("a", 1)
    # the k value itself, called with k values
    assert q.eval("{x+y}")(np.int64(1), np.int64(2)) == 3
    # a q function passed back in is the same function
    q["h"] = add
    assert q.console("h") == "{x+y}"


def test_python_callables_in_q(q):
    q["f"] = lambda x: x * 2
    assert q.console("f 21") == "42"
    assert q.console("f 1 2 3") == "2 4 6"        # numpy array in, array out
    assert q.console("f each 1 2 3") == "2 4 6"
    q["g"] = lambda x, y: x + y
    assert q.console("g[1;2]") == "3"
    assert q.console("g[10] 5") == "15"           # projection
    assert q.console("3 g/ 1 2 3") == "9"
    assert q.console("type g") == "112h"
    q["s"] = lambda x: Symbol(x.upper())
    assert q.console('s "abc"') == "`ABC"
    q["n"] = lambda: 7
    assert q.console("n[]") == "7"
    q["v"] = lambda *a: len(a)
    assert q.console("v[1;2;3]") == "3"
    q["d"] = lambda d: {k: v + 1 for k, v in d.items()}
    assert q.console("d `a`b!1 2") == "a| 2\nb| 3"

    def bad(x):
        raise ValueError("no good")
    q["bad"] = bad
    out = q.console("bad 1")
    assert out.split("\n")[0] == "'ValueError: no good"
    assert q.console("@[bad;1;{x}]") == '"ValueError: no good"'
    assert q["bad"] is bad                        # the same callable comes back


def test_reentrant(q):
    """A Python callable called from q may call back into the interpreter."""
    q["py"] = lambda x: q("x") + x
    q("x:100")
    assert q.console("py each 1 2 3") == "101 102 103"
    q["t"] = Table(a=[1, 2, 3])
    q["big"] = lambda v: v > q("1")
    assert q.console("select from t where big a") == "a\n-\n2\n3"
    q["deep"] = lambda n: 0 if n == 0 else 1 + q.call("deep", n - 1)
    assert q.console("deep 20") == "20"


def test_q_error_block(q):
    with pytest.raises(KError):
        q.eval("'oops")
    assert q.console("'oops").split("\n")[0] == "'oops"
