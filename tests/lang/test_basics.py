"""Core language behaviour through Interpreter.console / eval."""

import numpy as np
import pytest

from kapi.embed import Interpreter
from kapi.errors import KError


@pytest.fixture
def q():
    return Interpreter()


@pytest.mark.parametrize("src,out", [
    ("1+1", "2"),
    ("2*3+4", "14"),
    ("2 3 * 4 5 - 6 7", "-4 -6"),
    ("x:10;(x+5; x:20; x-5)", "25 20 5"),
    ("3+a:til 5", "3 4 5 6 7"),
    ("1 2 3e", "1 2 3e"),
    ("0N 7 10", "0N 7 10"),
    ("8 8f", "8 8f"),
    ("0n 3", "0n 3"),
    ("101b", "101b"),
    ("0x0a", "0x0a"),
    ("`a`b", "`a`b"),
    ("enlist 1", ",1"),
    ("\"a\"", "\"a\""),
    ("x:1 2 3;x -1", "0N"),
    ("x:5;x-1", "4"),
    ("3.5 -1", "3.5 -1"),
    ("{x+y}[1;2]", "3"),
    ("f:{[a;b;c] a+b*c};f[1;2;3]", "7"),
    ("{x}[;1]", "'rank"),
])
def test_console(q, src, out):
    got = q.console(src)
    assert got.split("\n")[0] == out


def test_eval_raises_kerror(q):
    with pytest.raises(KError) as e:
        q.eval("2+`a")
    assert e.value.name == "type"


def test_console_never_raises_on_garbage(q):
    for src in ["(", ")", "{", "]", "1+", "\"abc", "'", "`a`b!", "$[", "f[;", "::::"]:
        assert isinstance(q.console(src), str)


def test_python_view(q):
    assert list(q("til 3")) == [0, 1, 2]
    assert q("`a`b!1 2") == {"a": 1, "b": 2}


def test_error_frame_in_lambda(q):
    q.console("g:{a:x*2;a+y}")
    q.console("f:{g[x;2#y]}")
    assert q.console('f[3;"hello"]') == "'type\n  [2]  g:{a:x*2;a+y}\n                 ^"


@pytest.mark.parametrize("src,call,out", [
    # a chain ending in :: is a composition of its functions (funq's idiom)
    ("f:sum abs::", "f -1 2", "3"),
    ("f:sum (<>)::", "f[1 2 3;1 0 3]", "1i"),
    ("f:first where 1<count each group::", "f 1 2 2 3 3", "2"),
    ("f:group::", "f `a`b`a", "a| 0 2"),
    ("f:(sum abs::) each", "f (1 -2;-3 4)", "3 7"),
])
def test_composition_ending_in_dcolon(q, src, call, out):
    assert q.console(src) == ""
    assert q.console(call).split("\n")[0] == out


def test_one_atom_general_list_shows_its_comma(q):
    # a ktorch pointer is a general list holding one long: the console shows ,n
    assert q.console("1#(1;`a)") == ",1"
    assert q.console("enlist til 3") == "0 1 2"          # one list item: its lines
    assert q.console("enlist {x}[]") == "::"
