"""Opt-in rich table rendering and progress bars (never the default)."""

import io

from kapi.embed import Interpreter
from kapi.repl.shell import evaluate


def test_rich_toggle_and_default_unchanged():
    q = Interpreter()
    out = io.StringIO()
    evaluate(q, "t:([]a:1 2;b:`x`y)", out)
    evaluate(q, "t", out)
    assert out.getvalue() == "a b\n---\n1 x\n2 y\n"
    out = io.StringIO()
    evaluate(q, "\\rich", out)
    evaluate(q, "t", out)
    text = out.getvalue()
    assert "rich tables on" in text and "┃" in text or "│" in text
    evaluate(q, "1+1", out)
    assert out.getvalue().endswith("2\n")
    evaluate(q, "2+`a", out)
    assert "'type" in out.getvalue()
    out = io.StringIO()
    evaluate(q, "\\rich", out)
    evaluate(q, "t", out)
    assert out.getvalue() == "rich tables off\na b\n---\n1 x\n2 y\n"


def test_progress_only_when_asked(capsys):
    q = Interpreter()
    assert q.console("\\t:5 til 10").isdigit()
    assert capsys.readouterr().err == ""
    q.progress = True
    assert q.console("\\t:5 til 10").isdigit()
