import pytest

from kapi.repl.validate import is_complete, scan, split_inputs


@pytest.mark.parametrize("text", [
    "", "   ", "1+1", "f:{x+y}", "f:{x+\n1}", "a:(1;2\n;3)", "x[1]",
    '"abc"', '"a{b"', '"esc \\" {"', "x / a comment with {",
    "/ whole line comment (", "`a`b", "`:path/to/file", "\\l foo.q",
    "\\cd \"x", "1+1]", "f:{x)", ")",
    '"multi\nline"',
])
def test_complete(text):
    assert is_complete(text)


@pytest.mark.parametrize("text", [
    "f:{x+", "f:{x+\n", "(1;2", "x[1", "{[a;b]", '"abc', '"a\\"',
    "f:{x / comment }\n", "f:{\n  x+y / add }\n", "{(", '"{', "`a{",
])
def test_incomplete(text):
    assert not is_complete(text)


def test_slash_without_whitespace_is_not_a_comment():
    # x/y is an iterator, not a comment: the brace after it counts
    assert not is_complete("{x+/y")
    assert is_complete("{x+/y}")


def test_scan_state():
    st = scan('{"a')
    assert st.stack == ["{"] and st.in_string
    assert scan("1 / c").in_comment


def test_split_inputs():
    assert split_inputs("1+1\nf:{x+\n1}\nf 2") == ["1+1", "f:{x+\n1}", "f 2"]
    assert split_inputs("(1") == ["(1"]
