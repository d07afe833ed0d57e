"""The iterator keywords (kapi/verbs/iterate.py): q code run by the interpreter, compared with what
q prints (KX reference, docs/ref)."""

import pytest

@pytest.mark.parametrize("src,out", [
    ('count each (1 2;3 4 5)', '2 3'),
    ('(+) over 1 2 3', '6'),
    ('(+) scan 1 2 3', '1 3 6'),
    ('(-) prior 1 4 9', '1 3 5'),
    ('{x*2} peach 1 2', '2 4'),
])
def test_console(q, src, out):
    assert q.console(src).split("\n")[0] == out
