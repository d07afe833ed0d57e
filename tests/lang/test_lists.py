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


@pytest.mark.parametrize("src,out", [
    # null of the generic null and of functions (KX null.md; ktorch's examples test null(::))
    ("null(::)", "1b"),
    ("null (1;::;0N;`)", "0111b"),
    ("null {x}", "0b"),
    # an atom and a dictionary do not join (q: 'type); lists and dicts still do
    ("(`a`b!1 2),3", "'type"),
    ("3,`a`b!1 2", "'type"),
    ("(`a`b!1 2),`c`d!3 4", "a| 1"),
    # drop: a symbol atom does not drop a column (KX drop.md); a vector does
    ("`a _ ([]a:1 2;b:3 4)", "'type"),
    ("([]a:1 2;b:3 4) _ `a", "'type"),
    ("`a`b _ ([]a:1 2;b:3 4;c:5 6)", "c"),
    ("`a _ `a`b`c!1 2 3", "b| 2"),
    ("(100 200!`a`b) _ 1", "100| a"),
])
def test_q_details(q, src, out):
    assert q.console(src).split("\n")[0] == out
