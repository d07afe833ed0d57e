"""Dictionaries (kapi/verbs/dicts.py): q code run by the interpreter, compared with what
q prints (KX reference, docs/ref)."""

import pytest

@pytest.mark.parametrize("src,out", [
    ('key `a`b!1 2', '`a`b'),
    ('value `a`b!1 2', '1 2'),
    ('(`a`b!1 2)`b', '2'),
    ('!3', '0 1 2'),
    ('key 3', '0 1 2'),
    ('count `a`b`c!1 2 3', '3'),
])
def test_console(q, src, out):
    assert q.console(src).split("\n")[0] == out
