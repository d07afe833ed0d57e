"""Interpreter(allow_system=False, allow_files=False) refuses the outside world."""

from kapi.interp import Interpreter


def test_files_refused(tmp_path):
    q = Interpreter(allow_files=False)
    p = tmp_path / "x"
    for src in ["`:%s set 1 2 3" % p, "get `:%s" % p, "\\l %s" % p, "hsym[`a] set 1"]:
        out = q.console(src)
        assert out.startswith("'"), (src, out)
        assert not p.exists()
    assert q.console("`:%s set 1" % p).startswith("'access")


def test_system_refused():
    q = Interpreter(allow_system=False, allow_files=False)
    for src in ['system "ls"', "\\ls", "\\cd /", 'system "cd /"']:
        out = q.console(src)
        assert out.startswith("'"), (src, out)


def test_defaults_allow_files(tmp_path):
    q = Interpreter()
    p = tmp_path / "y"
    assert q.console("`:%s set 1 2 3" % p) == "`:%s" % p
    assert q.console("get `:%s" % p) == "1 2 3"
