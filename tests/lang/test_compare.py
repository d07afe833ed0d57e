"""Comparison, logic and order (kapi/verbs/compare.py): q code run by the interpreter, compared with what
q prints (KX reference, docs/ref)."""

import pytest

@pytest.mark.parametrize("src,out", [
    ('1 2 3=1 5 3', '101b'),
    ('1 2 3<>2', '101b'),
    ('1 2 3<2', '100b'),
    ('1 2 3>=2', '011b'),
    ('1 2~1 2', '1b'),
    ('1 2~1 2f', '0b'),
    ('not 0 1 2', '100b'),
    ('1 0 1&0 1 1', '0 0 1'), ('101b&011b', '001b'),
    ('2 5|3 4', '3 5'),
    ('2 and 3', '2'),
    ('2 or 3', '3'),
    ('&1 0 2', '0 2 2'),
    ('where 0 1 1', '1 2'),
    ('|1 2 3', '3 2 1'),
    ('reverse "abc"', '"cba"'),
    ('iasc 3 1 2', '1 2 0'),
    ('<3 1 2', '1 2 0'),
    ('idesc 3 1 2', '0 2 1'),
    ('desc 3 1 2', '3 2 1'),
    ('rank 30 10 20', '2 0 1'),
    ('differ 1 1 2 2 3', '10101b'),
    ('3 within 1 5', '1b'),
    ('1 7 within 2 6', '00b'),
])
def test_console(q, src, out):
    assert q.console(src).split("\n")[0] == out
