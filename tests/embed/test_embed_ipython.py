"""The IPython extension: %load_ext kapi, then %%q cells and %q lines."""

import pytest

IPython = pytest.importorskip("IPython")


@pytest.fixture(scope="module")
def shell():
    from IPython.core.interactiveshell import InteractiveShell
    sh = InteractiveShell.instance()
    sh.run_cell("%load_ext kapi", store_history=False)
    yield sh
    InteractiveShell.clear_instance()


def run(shell, capsys, src):
    capsys.readouterr()
    r = shell.run_cell(src, store_history=False)
    assert r.error_in_exec is None and r.error_before_exec is None, r
    return capsys.readouterr().out


def test_cells_and_lines_share_one_interpreter(shell, capsys):
    out = run(shell, capsys, "%%q\nx:til 10\nsum x*x\n`a`b!1 2")
    assert out == "285\na| 1\nb| 2\n"
    assert run(shell, capsys, "%q x+1") == "1 2 3 4 5 6 7 8 9 10\n"
    out = run(shell, capsys, "%%q\nf:{x+\n  1}\nf 2\nt:([]n:`x`y;p:1 2)\nselect from t where p>1")
    assert out == "3\nn p\n---\ny 2\n"


def test_error_prints_and_stops_the_cell(shell, capsys):
    out = run(shell, capsys, '%%q\n2+"a"\nafter:1')
    assert out == "'type\n  [0]  2+\"a\"\n        ^\n"
    assert run(shell, capsys, "%q after") .startswith("'after")


def test_printing_and_exit(shell, capsys):
    assert run(shell, capsys, '%%q\n-1 "hello";\n1 2') == "hello\n1 2\n"
    assert run(shell, capsys, "%q \\\\") == "'exit\n"


def test_python_sees_the_same_interpreter(shell, capsys):
    import kapi
    from kapi.ipython import interpreter
    q = interpreter(shell)
    assert shell.user_ns["q"] is q and isinstance(q, kapi.Interpreter)
    run(shell, capsys, "%q y:42")
    assert run(shell, capsys, "print(q['y'] + 1)") == "43\n"
    run(shell, capsys, "q['z'] = [1.5, 2.5]")
    assert run(shell, capsys, "%q z*2") == "3 5f\n"


def test_torch_model_from_a_python_cell(shell, capsys):
    pytest.importorskip("torch")
    run(shell, capsys, "import torch; net = torch.nn.Linear(3, 1); q['net'] = net")
    assert run(shell, capsys, "%q objtype net") == "`linear\n"
    assert run(shell, capsys, "print(q.object('net') is net)") == "True\n"
