"""Scripts: `kapi file.q`, `\\l`, q's script rules, system commands."""

import os
import subprocess
import sys

import pytest

from kapi.embed import Interpreter

SCRIPT = r'''/ a comment line
f:{[a;b]
  c:a+b;
  c*2}
/
block comment: not run
1+`a
\
g:{x+1}
f[1;2]
g 10
`a`b!1 2
x:5
til 3;
show 1 2
'''


def run_kapi(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kapi", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_script_rules(tmp_path):
    p = tmp_path / "s.q"
    p.write_text(SCRIPT + "\\\n9999\n")
    r = run_kapi(str(p))
    assert r.returncode == 0, r.stderr
    # bare results print in one-line form; assignments and `;` lines print nothing
    assert r.stdout.split("\n")[:4] == ["6", "11", "`a`b!1 2", "1 2"]
    assert "9999" not in r.stdout


def test_script_error_exit_status(tmp_path):
    p = tmp_path / "bad.q"
    p.write_text("a:1\nb:a+`x\nc:3\n")
    r = run_kapi(str(p))
    assert r.returncode == 1
    assert "'type" in r.stderr
    assert "bad.q:2:" in r.stderr


def test_script_args(tmp_path):
    p = tmp_path / "args.q"
    p.write_text(".z.x\n")
    r = run_kapi(str(p), "alpha", "beta")
    assert r.stdout.strip() == '("alpha";"beta")'


def test_load_command(tmp_path):
    p = tmp_path / "lib.q"
    p.write_text("sq:{x*x}\n")
    q = Interpreter()
    assert q.console("\\l " + str(p)) == ""
    assert q.console("sq 7") == "49"


def test_system_commands():
    q = Interpreter()
    assert q.console("\\c") == "25 80i"
    q.console("\\c 30 100")
    assert q.console("\\c") == "30 100i"
    assert q.console("\\P") == "7i"
    q.console("\\P 3")
    assert q.console("1%3") == "0.333"
    q.console("\\P 0")
    assert q.console("1%3") == "0.33333333333333331"
    t = q.eval("\\t til 100000")
    assert int(t) >= 0
    ts = q.eval("\\ts:10 til 1000")
    assert len(ts) == 2
    q.console("\\c 5 5")
    assert q.console("\\c") == "10 10i"


def test_console_width_cut():
    q = Interpreter()
    out = q.console("til 100")
    assert len(out) == 79 and out.endswith("..")
    lines = q.console("til each 30+til 30").split("\n")
    assert len(lines) == 23 and lines[-1] == ".."


def test_version_and_doctest_exit(tmp_path):
    r = run_kapi("--version")
    assert r.stdout.startswith("kapi ")
    good = tmp_path / "good.txt"
    good.write_text("q)1+1\n2\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("q)1+1\n3\n")
    assert run_kapi("--doctest", str(good)).returncode == 0
    r = run_kapi("--doctest", str(bad))
    assert r.returncode == 1 and "0 passed, 1 failed" in r.stdout
