"""Errors inside functions defined in a script name the script's file and the
line the function's definition starts on, with the console's frame and caret."""

import subprocess
import sys

import pytest

from kapi.embed import Interpreter


@pytest.fixture
def script(tmp_path):
    f = tmp_path / "lib.q"
    f.write_text("/ a library\n"
                 "f:{x+`a}\n"
                 "g:{[a]\n"
                 "  b:a*2;\n"
                 "  b+\"c\"}\n"
                 "h:{f x}\n"
                 "ok:{x+1}\n")
    return f


def test_one_line_lambda(script):
    q = Interpreter()
    assert q.console("\\l %s" % script) == ""
    head = "  [1]  %s:2: " % script
    assert q.console("f 1") == "'type\n%sf:{x+`a}\n%s^" % (head, " " * (len(head) + 4))


def test_multi_line_lambda(script):
    q = Interpreter()
    q.console("\\l %s" % script)
    out = q.console("g 2")
    assert out.startswith("'type\n  [1]  %s:3: g:{[a]\n  b:a*2;\n  b+\"c\"}\n" % script), out


def test_called_from_another_function_and_from_the_repl(script):
    q = Interpreter()
    q.console("\\l %s" % script)
    head = "  [2]  %s:2: " % script
    assert q.console("h 3") == "'type\n%sf:{x+`a}\n%s^" % (head, " " * (len(head) + 4))
    assert q.console("ok 1") == "2"


def test_repl_definitions_keep_their_frames(script):
    q = Interpreter()
    q.console("\\l %s" % script)
    q.console("f:{x+`a}")         # the same text typed at the console
    assert q.console("f 1") == "'type\n  [1]  f:{x+`a}\n" + " " * 11 + "^"


def test_script_run_by_the_kapi_command(script, tmp_path):
    main = tmp_path / "main.q"
    main.write_text("\\l %s\nf 1\n" % script)
    p = subprocess.run([sys.executable, "-m", "kapi", str(main)], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 1
    assert "%s:2: f:{x+`a}" % script in p.stderr and "Traceback" not in p.stderr
