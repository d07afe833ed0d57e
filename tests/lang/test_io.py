"""read0 read1 hcount hdel, `:f 0: strings and `:f 1: bytes (kapi/verbs/io.py),
checked against the bytes Python itself reads and writes."""

import os

import pytest

from kapi.embed import Interpreter


@pytest.fixture
def q():
    return Interpreter()


def test_text_lines_round_trip(q, tmp_path):
    f = tmp_path / "t.txt"
    assert q.console('`:%s 0: ("hello";"goodbye";"")' % f) == "`:%s" % f
    assert f.read_bytes() == b"hello\ngoodbye\n\n"
    assert q.console("read0`:%s" % f) == '"hello"\n"goodbye"\n""'
    assert q.console('`:%s 0: enlist "hello world"' % f) == "`:%s" % f
    assert q.console("read0 (`:%s;6;5)" % f) == '"world"'
    assert q.console("read0 (`:%s;6;500)" % f) == '"world\\n"'


def test_read0_strips_crlf_and_keeps_last_line_without_newline(q, tmp_path):
    f = tmp_path / "crlf"
    f.write_bytes(b"a\r\nbc\r\nlast")
    assert q.console("read0`:%s" % f) == ',"a"\n"bc"\n"last"'
    assert q.console("count read0`:%s" % f) == "3"
    f.write_bytes(b"")
    assert q.console("read0`:%s" % f) == ""
    assert q.console("count read0`:%s" % f) == "0"


def test_bytes_round_trip(q, tmp_path):
    f = tmp_path / "b"
    data = bytes(range(256))
    f.write_bytes(data)
    assert q.console("-3!read1`:%s" % f) == q.console("-3!0x" + data.hex())
    assert q.console("256=count read1`:%s" % f) == "1b"
    assert q.console("(read1`:%s)~`byte$til 256" % f) == "1b"
    assert q.console("read1 (`:%s;254;10)" % f) == "0xfeff"
    assert q.console("`:%s 1: 0x0a0b" % f) == "`:%s" % f
    assert f.read_bytes() == b"\x0a\x0b"
    assert q.console('`:%s 1: "hi"' % f) == "`:%s" % f
    assert f.read_bytes() == b"hi"
    assert q.console("hcount`:%s" % f) == "2"
    assert q.console("hcount`:%s" % f) == str(os.path.getsize(f))


def test_hdel(q, tmp_path):
    f = tmp_path / "gone"
    f.write_bytes(b"x")
    assert q.console("hdel`:%s" % f) == "`:%s" % f
    assert not f.exists()
    assert "No such file or directory" in q.console("hdel`:%s" % f)
    d = tmp_path / "dir"
    d.mkdir()
    assert q.console("hdel`:%s" % d) == "`:%s" % d and not d.exists()


@pytest.mark.parametrize("src", ["read0 1", "read0 `a", "read1 (`:x;1)", "read0 (`:x;1.5;2)",
                                 "`:x 0: 1 2", "`:x 1: 1 2", "`:x 0: (\"a\";1)", "hcount 1"])
def test_type_errors(q, src, tmp_path):
    os.chdir(tmp_path)
    assert q.console(src).startswith("'type"), src
    assert os.listdir(tmp_path) == []


def test_bad_offsets(q, tmp_path):
    f = tmp_path / "f"
    f.write_bytes(b"abc")
    assert q.console("read1 (`:%s;-1;2)" % f).startswith("'domain")
    assert q.console("read1 (`:%s;10;2)" % f) == "`byte$()"
