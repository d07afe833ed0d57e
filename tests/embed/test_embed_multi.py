"""Several interpreters in one process are independent: globals,
registries (api-pointers), settings and callables."""

import pytest

from kapi.errors import KError
from kapi.embed import Interpreter

torch = pytest.importorskip("torch")


def test_globals_are_separate():
    a, b = Interpreter(), Interpreter()
    a["x"] = 1
    b("x:2")
    assert a["x"] == 1 and b["x"] == 2
    a("f:{x+100}")
    assert "f" not in b
    assert b.console("f 1").startswith("'f")
    a("\\P 3")
    assert a.console("1%3") == "0.333"
    assert b.console("1%3") == "0.3333333"


def test_registries_are_separate():
    a, b = Interpreter(), Interpreter()
    ma, mb = torch.nn.Linear(2, 2), torch.nn.Linear(3, 3)
    a["m"] = ma
    b["m"] = mb
    pa, pb = a.eval("m"), b.eval("m")
    assert int(pa[0]) == int(pb[0])            # same id, different registries
    assert a.object(pa) is ma and b.object(pb) is mb
    a("t:tensor 1 2 3")
    assert a.console("count obj[]") == "2"
    assert b.console("count obj[]") == "1"
    a("free[]")
    assert a.console("count obj[]") == "0"
    assert b.object("m") is mb                 # untouched by a's free[]
    with pytest.raises(KError):
        a.object(pa)


def test_functions_cross_interpreters():
    """A q function of one interpreter given to another still runs in (and
    sees the globals of) its own interpreter."""
    a, b = Interpreter(), Interpreter()
    a("k:10; f:{x+k}")
    b("k:1000")
    b["g"] = a["f"]
    assert b.console("g 1") == "11"
    assert b.console("g each 1 2") == "11 12"
    b["h"] = lambda x: a.call("f", x) * 2
    assert b.console("h 1") == "22"


def test_interleaved_use():
    a, b = Interpreter(), Interpreter()
    a("n:0"); b("n:0")
    for i in range(5):
        a("n+:1")
        b("n+:10")
    assert (a["n"], b["n"]) == (5, 50)
