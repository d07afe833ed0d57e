import io

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from kapi.embed import Interpreter
from kapi.repl import shell
from kapi.repl.history import default_history_path, make_history
from kapi.repl.lexer import QLexer, q_lexer


def drive(keys, history_file=False, **kw):
    q = Interpreter()
    out = io.StringIO()
    with create_pipe_input() as inp:
        inp.send_text(keys)
        code = shell.run(q, input=inp, output=out, history_file=history_file, **kw)
    return code, out.getvalue(), q


def test_end_to_end():
    keys = "1+1\r" "f:{x+\r" "1}\r" "f 2\r" '2+"a"\r' "3*4\r" "\\\\\r"
    code, text, q = drive(keys)
    assert code == 0
    assert text == "2\n3\n'type\n  [0]  2+\"a\"\n        ^\n12\n"
    assert "f" in q.globals


def test_ctrl_d_exits_zero():
    code, text, _ = drive("1+2\r\x04")
    assert (code, text) == (0, "3\n")


def test_ctrl_c_cancels_line():
    code, text, _ = drive("1+\x03" "5\r" "\\\\\r")
    assert (code, text) == (0, "5\n")


def test_kexit_code(monkeypatch):
    from kapi.errors import KExit

    q = Interpreter()
    real = q.console

    def console(src):
        if src == "bye":
            raise KExit(3)
        return real(src)
    monkeypatch.setattr(q, "console", console)
    out = io.StringIO()
    with create_pipe_input() as inp:
        inp.send_text("1\rbye\r2\r")
        assert shell.run(q, input=inp, output=out, history_file=False) == 3
    assert out.getvalue() == "1\n"


def test_interrupt_during_eval_prints_stop(monkeypatch):
    q = Interpreter()
    real = q.console

    def console(src):
        if src == "slow":
            raise KeyboardInterrupt
        return real(src)
    monkeypatch.setattr(q, "console", console)
    out = io.StringIO()
    with create_pipe_input() as inp:
        inp.send_text("slow\r7\r\x04")
        assert shell.run(q, input=inp, output=out, history_file=False) == 0
    assert out.getvalue() == "'stop\n7\n"


def test_history_file_written(tmp_path):
    h = tmp_path / "sub" / "history"
    code, _, _ = drive("1+1\r\\\\\r", history_file=str(h))
    assert code == 0
    assert "1+1" in h.read_text()


def test_history_falls_back_to_memory(tmp_path):
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert isinstance(make_history(str(blocker / "history")), InMemoryHistory)
    assert isinstance(make_history(False), InMemoryHistory)
    assert isinstance(make_history(str(tmp_path / "h")), FileHistory)


def test_default_history_path(monkeypatch, tmp_path):
    monkeypatch.delenv("KAPI_HISTORY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_history_path() == str(tmp_path / "kapi" / "history")


def test_plain_loop_piped():
    q = Interpreter()
    out = io.StringIO()
    src = io.StringIO('1+1\nf:{x+\n1}\nf 2\n2+"a"\n3*4\n\\\\\n99\n')
    assert shell.run(q, input=src, output=out) == 0
    assert out.getvalue() == "2\n3\n'type\n  [0]  2+\"a\"\n        ^\n12\n"


def test_plain_loop_eof_and_prompt():
    out = io.StringIO()
    assert shell.run_plain(Interpreter(), io.StringIO("1+1"), out, prompt=True) == 0
    assert out.getvalue() == "q)2\nq)\n"


def test_lexer():
    from pygments.token import Token
    assert QLexer.__module__ == "pygments.lexers.q"
    toks = list(QLexer().get_tokens("til 10"))
    assert any(t[1] == "til" and t[0] in Token.Name for t in toks)
    assert q_lexer() is not None
