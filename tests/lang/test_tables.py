"""Tables (kapi/verbs/tables.py): q code run by the interpreter, compared with what
q prints (KX reference, docs/ref)."""

import pytest

@pytest.mark.parametrize("src,out", [
    ('cols ([]a:1 2;b:3 4)', '`a`b'),
    ('count ([]a:1 2 3)', '3'),
    ('keys ([k:1 2]v:3 4)', ',`k'),
    ('exec a from `a xdesc ([]a:1 3 2)', '3 2 1'),
    ('cols `b xcols ([]a:1 2;b:3 4)', '`b`a'),
    ('cols `x`y xcol ([]a:1 2;b:3 4)', '`x`y'),
    ('count ungroup ([]a:1 2;b:(3 4;5 6))', '4'),
])
def test_console(q, src, out):
    assert q.console(src).split("\n")[0] == out
