"""Apply, index and amend (kapi/verbs/amend.py): q code run by the interpreter, compared with what
q prints (KX reference, docs/ref)."""

import pytest

@pytest.mark.parametrize("src,out", [
    ('@[1 2 3;1;neg]', '1 -2 3'),
    ('@[1 2 3;0 2;+;10]', '11 2 13'),
    ('.[(1 2;3 4);0 1;neg]', '1 -2'),
    ('(1 2 3)@1', '2'),
    ('{x+y} . 1 2', '3'),
    ('type 1', '-7h'),
    ('@[{x+1};`a;{"err"}]', '"err"'),
    ('.[{x+y};(1;`a);{x}]', '"type"'),
    ('value "1+2"', '3'),
    ('x:1 2 3;@[`x;1;:;9];x', '1 9 3'),
])
def test_console(q, src, out):
    assert q.console(src).split("\n")[0] == out
