"""Amending a dict by key keeps a typed vector of values typed, as x[i]:v
does for vectors: a value of another type is q's 'type, and the dict is left
as it was.  General values take anything."""

import pytest

from kapi.embed import Interpreter


@pytest.mark.parametrize("src", ["d[`a]:`x", "d[`c]:3.5", "d[`a`c]:(1;`x)", "d[`c]:\"s\""])
def test_typed_values_refuse_other_types(src):
    q = Interpreter()
    q("d:`a`b!1 2")
    assert q.console(src).startswith("'type")
    assert q.console("d") == "a| 1\nb| 2"


def test_same_type_and_general_values():
    q = Interpreter()
    q("d:`a`b!1 2; d[`a]:10; d[`c]:3; d[`a]+:1")
    assert q.console("d") == "a| 11\nb| 2\nc| 3"
    q("g:`a`b!(1;`x); g[`a]:\"s\"; g[`c]:2.5")
    assert q.console("g") == 'a| "s"\nb| `x\nc| 2.5'
