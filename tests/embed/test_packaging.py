"""A non-editable install carries every package: build the wheel, install it
into a bare directory and run kapi (language, k-api, grammar, shell modules)
from there, with no access to the source tree."""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def source_packages():
    out = set()
    for top, dest in (("kapi", "kapi"), ("grammar", "kapi/grammar"), ("repl", "kapi/repl")):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            if "__init__.py" in files and "__pycache__" not in d:
                out.add(dest + d[len(os.path.join(ROOT, top)):].replace(os.sep, "/"))
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    pytest.importorskip("setuptools")
    d = tmp_path_factory.mktemp("wheel")
    # a clean copy: a build/ folder left in the checkout would hide missing packages
    src = tmp_path_factory.mktemp("src")
    for f in ("pyproject.toml", "README.md"):
        shutil.copy(os.path.join(ROOT, f), src / f)
    for top in ("kapi", "grammar", "repl"):
        shutil.copytree(os.path.join(ROOT, top), src / top,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                        "-q", "-w", str(d), str(src)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    (whl,) = [p for p in d.iterdir() if p.suffix == ".whl"]
    return whl


def test_wheel_has_every_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    pkgs = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    assert source_packages() <= pkgs, source_packages() - pkgs
    assert "kapi/grammar/q.lark" in names


def test_installed_wheel_runs_without_the_source(wheel, tmp_path):
    target = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                        str(target), str(wheel)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    site = sysconfig.get_paths()["purelib"]
    code = ("import sys; sys.path[:0] = [%r, %r]; import kapi; "
            "assert kapi.__file__.startswith(%r), kapi.__file__; "
            "q = kapi.Interpreter(); "
            "print(q.console('sum til 10')); "
            "print(q.console('t:tensor 1 2 3e; tensor t')); "
            "print(q.console('m:module enlist(`linear;2;1); o:opt(`adam;m); class o')); "
            "import kapi.repl.shell, kapi.grammar") % (str(target), site, str(target))
    env = dict(os.environ, PYTHONPATH="")
    # -S: no site-packages .pth files, so the editable install's finder is not used
    r = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                       timeout=300, cwd=str(tmp_path), env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:3] == ["45", "1 2 3e", "`optimizer"]
