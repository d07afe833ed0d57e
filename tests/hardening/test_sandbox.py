"""Interpreter(allow_system=False, allow_files=False) refuses the outside world."""

from kapi.embed import Interpreter


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


# ---------------------------------------------------------------------------
# Interpreter(sandbox=True): each capability, tried every way q code can reach it

import os  # noqa: E402

import pytest  # noqa: E402

from kapi.errors import KError, KExit  # noqa: E402


def _sandboxed():
    return Interpreter(sandbox=True)


def _escapes(tmp_path):
    f = tmp_path / "f"
    d = tmp_path / "d"
    return {
        "files": ["`:%s set 1 2 3" % f, "get `:%s" % f, "\\l %s" % f, "system \"l %s\"" % f,
                  "(hsym`$\"%s\") set 1" % f, "\\cd %s" % tmp_path, "\\cd", "set[`:%s;1]" % f,
                  "(set)[`:%s;1]" % f, "`:%s set' 1 2" % f, ".[set;(`:%s;1)]" % f,
                  "{`:%s set x} 1" % f, "value \"\\\\l %s\"" % f, "get each enlist `:%s" % f,
                  "`:%s set `:%s" % (d, f), "read0 `:/etc/hostname", "read1 `:/etc/hostname",
                  "read0 (`:/etc/hostname;0;2)", "hcount `:/etc/hostname", "hdel `:%s" % f,
                  "`:%s 0: enlist \"x\"" % f, "`:%s 1: 0x00" % f, "0:[`:%s;enlist \"x\"]" % f,
                  "read0 each `:/etc/hostname`:/etc/passwd", "(read1)`:/etc/hostname"],
        "system": ["system \"echo hi\"", "system \"pwd\"", "system each (\"ls\";\"pwd\")",
                   "@[system;\"ls\";{'x}]", "(system)\"ls\""],
        "env": ["getenv `HOME", "`KAPI_SANDBOX_T setenv \"1\"", "getenv each `HOME`PATH",
                "setenv[`KAPI_SANDBOX_T;\"1\"]", "getenv@`HOME", "getenv . enlist`HOME", ".[setenv;(`KAPI_SANDBOX_T;\"1\")]"],
        "exit": ["exit 0", "exit 3", "\\\\", "{exit x} 2", "exit each 1 2", "value \"exit 4\"",
                 "@[exit;5;{x}]"],
        "net": ["distinit[]", "distinit`gloo", "barrier[]", "allreduce 1 2f", "broadcast 1 2f",
                "distrank[]", "worldsize[]", "distclose[]", "allranks 1b", "ddp 0", "zero 0",
                "{distinit[]}[]", "(`ktorch 2:`fns,1)[][`distinit][]"],
    }


@pytest.mark.parametrize("cap", ["files", "system", "env", "exit", "net"])
def test_sandbox_blocks(tmp_path, cap):
    q = _sandboxed()
    env_before = dict(os.environ)
    cwd = os.getcwd()
    for src in _escapes(tmp_path)[cap]:
        try:
            out = q.console(src)
        except KExit:           # the host must never see an exit
            pytest.fail("sandbox raised KExit for %r" % src)
        if src.startswith("@["):    # a trap returns the error's text or signals it again
            assert out.startswith(("'access", '"access')), (src, out)
        else:
            assert out.startswith("'access"), (src, out)
        assert not (tmp_path / "f").exists() and not (tmp_path / "d").exists()
        assert dict(os.environ) == env_before and os.getcwd() == cwd
    # and from the host: eval raises KError (never KExit), call goes through the same block
    with pytest.raises(KError) as e:
        q.eval(_escapes(tmp_path)[cap][0])
    assert e.value.name.startswith("access")


def test_sandbox_error_texts():
    q = _sandboxed()
    assert q.console("getenv `HOME") == ("'access: the environment is disabled in this interpreter\n"
                                          "  [0]  getenv `HOME\n"
                                          "       ^")
    assert q.console("exit 0").startswith("'access: exit is disabled in this interpreter")
    assert q.console("\\\\").startswith("'access: exit is disabled")
    assert q.console("distinit[]").startswith("'access: sockets and process groups are disabled")
    assert q.console("system \"ls\"").startswith("'access: system commands are disabled")
    with pytest.raises(KError):
        q.call("getenv", q.to_py(q.eval("`HOME")))     # a kapi.Symbol


def test_sandbox_leaves_the_language_alone(tmp_path):
    q = _sandboxed()
    assert q.console("`x set 42") == "`x"
    assert q.console("get `x") == "42"
    assert q.console("{x+y}/[til 10]") == "45"
    assert q.console("-9!-8!1 2 3") == "1 2 3"
    assert q.console("\\P 3") == "" and q.console("1%3") == "0.333"
    assert q.console("t:tensor 1 2 3f; tensor t") == "1 2 3f"
    assert q.console("help`distinit").startswith('"distinit[]')     # help text kept


def test_finer_flags_block_one_capability_each(tmp_path):
    q = Interpreter(allow_env=False)
    assert q.console("getenv `HOME").startswith("'access")
    p = tmp_path / "z"
    assert q.console("`:%s set 1" % p) == "`:%s" % p
    assert Interpreter(allow_exit=False).console("exit 0").startswith("'access")
    assert Interpreter(allow_net=False).console("distrank[]").startswith("'access")
    assert Interpreter().caps.blocked == frozenset()
    assert Interpreter(sandbox=True).caps.blocked == {"files", "system", "env", "exit", "net"}


def test_exit_outside_the_sandbox_is_a_system_exit():
    q = Interpreter()
    with pytest.raises(SystemExit) as e:
        q.console("exit 3")
    assert isinstance(e.value, KExit) and e.value.code == 3
    with pytest.raises(SystemExit) as e:
        q.eval("\\\\")
    assert e.value.code == 0


def test_setenv_outside_the_sandbox(monkeypatch):
    monkeypatch.delenv("KAPI_T_SETENV", raising=False)
    q = Interpreter()
    assert q.console("`KAPI_T_SETENV setenv \"abc\"") == ""
    assert os.environ["KAPI_T_SETENV"] == "abc"
    assert q.console("getenv `KAPI_T_SETENV") == "\"abc\""
    assert q.console("`KAPI_T_SETENV setenv 1").startswith("'type")
    assert os.environ["KAPI_T_SETENV"] == "abc"
