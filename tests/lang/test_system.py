"""The system (kapi/verbs/system.py): q code run by the interpreter, compared with what
q prints (KX reference, docs/ref)."""

import pytest

@pytest.mark.parametrize("src,out", [
    ('getenv `KAPI_SURELY_UNSET_VAR_', '""'),
])
def test_console(q, src, out):
    assert q.console(src).split("\n")[0] == out


def test_g_answers_as_q(q):
    # q's garbage-collection mode: 0 (deferred) by default, settable to 0 or 1
    assert q.console('system "g"') == "0i"
    assert q.console("\\g 1") == ""
    assert q.console('system "g"') == "1i"
    assert q.console("\\g 7").startswith("'domain")
    assert q.console('system "g"') == "1i"


def test_a_script_prints_what_its_commands_answer(tmp_path):
    from kapi.embed import Interpreter
    f = tmp_path / "s.q"
    f.write_text("\\t:3 sum til 10\n\\g\na:1\n\\P 3\nb:2\n")
    q = Interpreter()
    lines = q.console("\\l " + str(f)).splitlines()
    assert len(lines) == 2 and lines[0].isdigit() and lines[1] == "0i"   # \P 3 answers nothing
    assert q.console("a+b") == "3"
