"""Lists (kapi/verbs/lists.py): q code run by the interpreter, compared with what
q prints (KX reference, docs/ref)."""

import pytest

@pytest.mark.parametrize("src,out", [
    ('til 4', '0 1 2 3'),
    ('count 1 2 3', '3'),
    ('#"abcd"', '4'),
    ('3#1 2', '1 2 1'),
    ('-2#til 5', '3 4'),
    ('2 3#til 6', '0 1 2'),
    ('2_til 5', '2 3 4'),
    ('-2_til 5', '0 1 2'),
    ('1 2,3', '1 2 3'),
    (',5', ',5'),
    ('last 1 2 3', '3'),
    ('raze (1 2;3 4)', '1 2 3 4'),
    ('distinct 1 2 1 3', '1 2 3'),
    ('?1 1 2', '1 2'),
    ('1 2 3?2', '1'),
    ('1 2 3?9', '3'),
    ('2 in 1 2 3', '1b'),
    ('1 2 3 except 2', '1 3'),
    ('1 2 3 inter 2 3 4', '2 3'),
    ('1 2 union 2 3', '1 2 3'),
    ('2 cut til 5', '0 1'),
    ('2 sublist til 5', '0 1'),
    ('1 rotate 1 2 3', '2 3 1'),
    ('_2.7 -2.7', '2 -3'),
    ('floor 2.5', '2'),
    ('fills 1 0N 3 0N', '1 1 3 3'),
    ('0^1 0N 3', '1 0 3'),
    ('null 1 0N', '01b'),
    ('next 1 2 3', '2 3 0N'),
    ('prev 1 2 3', '0N 1 2'),
    ('2 xprev 1 2 3', '0N 0N 1'),
    ('count 1 2 cross 3 4', '4'),
])
def test_console(q, src, out):
    assert q.console(src).split("\n")[0] == out
