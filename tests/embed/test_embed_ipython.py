"""The IPython extension: %load_ext kapi, then %%q cells and %q lines.

In-process tests load ``kapi.ipython`` (under pytest the name ``kapi`` can
be shadowed by the tests/kapi package); the acceptance test runs
``%load_ext kapi`` in a fresh Python process."""

import json
import subprocess
import sys
import textwrap

import pytest

IPython = pytest.importorskip("IPython")


@pytest.fixture(scope="module")
def shell():
    from IPython.core.interactiveshell import InteractiveShell
    sh = InteractiveShell.instance()
    r = sh.run_cell("%load_ext kapi.ipython", store_history=False)
    assert r.success
    yield sh
    InteractiveShell.clear_instance()


def run(shell, capsys, src):
    capsys.readouterr()
    r = shell.run_cell(src, store_history=False)
    assert r.error_in_exec is None and r.error_before_exec is None, r
    return capsys.readouterr().out


def test_acceptance_load_ext_kapi_in_interactive_shell():
    prog = textwrap.dedent('''
        import contextlib, io, json
        from IPython.core.interactiveshell import InteractiveShell
        sh = InteractiveShell.instance()
        outs = []
        for cell in ["%load_ext kapi", "%%q\\nx:til 10\\nsum x*x", "%q x+1",
                     "print(type(q).__name__, q['x'].sum())"]:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                r = sh.run_cell(cell, store_history=False)
            outs.append([r.success, buf.getvalue()])
        print(json.dumps(outs))
    ''')
    p = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    outs = json.loads(p.stdout.strip().split("\n")[-1])
    assert outs == [[True, ""], [True, "285\n"], [True, "1 2 3 4 5 6 7 8 9 10\n"],
                    [True, "Interpreter 45\n"]]


def test_cells_and_lines_share_one_interpreter(shell, capsys):
    out = run(shell, capsys, "%%q\nx:til 10\nsum x*x\n`a`b!1 2")
    assert out == "285\na| 1\nb| 2\n"
    assert run(shell, capsys, "%q x+1") == "1 2 3 4 5 6 7 8 9 10\n"
    out = run(shell, capsys, "%%q\nf:{x+\n  1}\nf 2\nt:([]n:`x`y;p:1 2)\nselect from t where p>1")
    assert out == "3\nn p\n---\ny 2\n"


def test_error_prints_and_stops_the_cell(shell, capsys):
    out = run(shell, capsys, '%%q\n2+"a"\nafter:1')
    assert out == "'type\n  [0]  2+\"a\"\n        ^\n"
    assert run(shell, capsys, "%q after").startswith("'after")


def test_printing_and_exit(shell, capsys):
    assert run(shell, capsys, '%%q\n-1 "hello";\n1 2') == "hello\n1 2\n"
    assert run(shell, capsys, "%q \\\\") == "'exit\n"


def test_python_sees_the_same_interpreter(shell, capsys):
    from kapi.embed import Interpreter
    from kapi.ipython import interpreter
    q = interpreter(shell)
    assert shell.user_ns["q"] is q and isinstance(q, Interpreter)
    run(shell, capsys, "%q y:42")
    assert run(shell, capsys, "print(q['y'] + 1)") == "43\n"
    run(shell, capsys, "q['z'] = [1.5, 2.5]")
    assert run(shell, capsys, "%q z*2") == "3 5f\n"


def test_torch_model_from_a_python_cell(shell, capsys):
    pytest.importorskip("torch")
    run(shell, capsys, "import torch; net = torch.nn.Linear(3, 1); q['net'] = net")
    assert run(shell, capsys, "%q objtype net") == "`linear\n"
    assert run(shell, capsys, "print(q.object('net') is net)") == "True\n"
