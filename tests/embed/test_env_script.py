"""scripts/_env.sh (behind scripts/run and scripts/test): a fresh checkout
installs torch first, then kapi, and writes a stamp; later starts read the
stamp in plain bash and run no Python; a changed pyproject.toml, a missing
torch, another checkout or a failed install each lead to a new install.

Python is a stand-in here (FAKE below): it logs each call and fakes venv and
pip, so the test installs nothing."""

import os
import shutil
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FAKE = r'''#!/usr/bin/env bash
# stand-in python: logs its arguments; fakes `-m venv`, `-m pip install`, the -c probes
echo "$*" >> "$FAKE_LOG"
venv="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0
fi
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
  case "$*" in
    *torch*) mkdir -p "$venv/lib/torch"; : > "$venv/lib/torch/__init__.py" ;;
    *" -e "*)
      [ -z "${FAKE_PIP_FAIL:-}" ] || { echo "ERROR: no such package"; exit 1; }
      printf '#!/usr/bin/env bash\necho "kapi $*"\n' > "$venv/bin/kapi"; chmod +x "$venv/bin/kapi" ;;
  esac
  exit 0
fi
if [ "$1" = "-m" ]; then exit 0; fi
case "$2" in
  *"is None"*) [ -f "$venv/lib/torch/__init__.py" ]; exit $? ;;
  *origin*) echo "$venv/lib/torch/__init__.py" ;;
  *version*) echo "torch 2.13.0+cpu"; echo "kapi 0.1.0" ;;
esac
'''


@pytest.fixture
def env(tmp_path):
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    for f in ("_env.sh", "run"):
        shutil.copy(os.path.join(ROOT, "scripts", f), root / "scripts" / f)
    (root / "pyproject.toml").write_text("[project]\nname = 'kapi'\n")
    past = time.time() - 100
    os.utime(root / "pyproject.toml", (past, past))
    fake = tmp_path / "python3"
    fake.write_text(FAKE)
    fake.chmod(0o755)
    log = tmp_path / "log"
    log.write_text("")
    e = dict(os.environ, PYTHON=str(fake), KAPI_VENV=str(tmp_path / "venv"), FAKE_LOG=str(log))
    e.pop("FAKE_PIP_FAIL", None)
    return root, tmp_path / "venv", log, e


def source(root, env, extra="", **more):
    return subprocess.run(["bash", "-c", 'source "$0/scripts/_env.sh" "$1"; echo ready', str(root), extra],
                          env=dict(env, **more), capture_output=True, text=True)


def calls(log):
    return [ln for ln in log.read_text().split("\n") if ln]


def test_fresh_checkout_installs_torch_then_kapi(env):
    root, venv, log, e = env
    r = source(root, e)
    assert r.returncode == 0 and r.stdout.endswith("ready\n"), r.stdout + r.stderr
    c = calls(log)
    assert c[0] == "-m venv " + str(venv)
    pip = [x for x in c if x.startswith("-m pip")]
    assert pip == ["-m pip install -q torch==2.13.0", "-m pip install -q -e " + str(root)]
    assert c.index(pip[0]) < c.index(pip[1])
    stamp = (venv / ".kapi-installed").read_text().split("\n")
    assert stamp[:4] == ["root=" + str(root), "torch=%s/lib/torch/__init__.py" % venv,
                         "torch 2.13.0+cpu", "kapi 0.1.0"]


def test_installed_start_runs_no_python(env):
    root, venv, log, e = env
    source(root, e)
    n = len(calls(log))
    assert source(root, e).stdout == "ready\n"
    assert len(calls(log)) == n
    # scripts/run starts the venv's kapi with the arguments given
    r = subprocess.run([str(root / "scripts" / "run"), "fit.q", "1"], env=e, capture_output=True, text=True)
    assert r.stdout == "kapi fit.q 1\n" and len(calls(log)) == n


def test_changed_pyproject_reinstalls_kapi_only(env):
    root, venv, log, e = env
    source(root, e)
    n = len(calls(log))
    os.utime(root / "pyproject.toml", None)
    os.utime(venv / ".kapi-installed", (time.time() - 50,) * 2)
    source(root, e)
    new = calls(log)[n:]
    assert [x for x in new if x.startswith("-m pip")] == ["-m pip install -q -e " + str(root)]
    assert not any("venv" in x.split()[:2] for x in new)


@pytest.mark.parametrize("damage", ["torch", "kapi", "root", "venv"])
def test_a_broken_install_is_redone(env, damage):
    root, venv, log, e = env
    source(root, e)
    if damage == "torch":
        os.remove(venv / "lib" / "torch" / "__init__.py")
    elif damage == "kapi":
        os.remove(venv / "bin" / "kapi")
    elif damage == "root":          # the venv was installed from another checkout
        s = venv / ".kapi-installed"
        s.write_text(s.read_text().replace("root=" + str(root), "root=/elsewhere"))
    else:
        shutil.rmtree(venv)
    n = len(calls(log))
    assert source(root, e).returncode == 0
    pip = [x for x in calls(log)[n:] if x.startswith("-m pip")]
    assert ("-m pip install -q torch==2.13.0" in pip) == (damage in ("torch", "venv"))
    assert pip[-1] == "-m pip install -q -e " + str(root)
    n = len(calls(log))
    source(root, e)
    assert len(calls(log)) == n


def test_a_failed_install_writes_no_stamp(env):
    root, venv, log, e = env
    r = source(root, e, FAKE_PIP_FAIL="1")
    assert r.returncode != 0 and "ready" not in r.stdout and "ERROR: no such package" in r.stdout
    assert not (venv / ".kapi-installed").exists()
    assert source(root, e).returncode == 0 and (venv / ".kapi-installed").exists()


def test_the_test_extra_serves_a_plain_run(env):
    root, venv, log, e = env
    source(root, e, "[test]")
    pip = [x for x in calls(log) if x.startswith("-m pip")]
    assert pip[1:] == ["-m pip install -q -e %s[test]" % root, "-m pip install -q --no-deps timm>=1.0"]
    assert (venv / ".kapi-installed[test]").exists() and not (venv / ".kapi-installed").exists()
    n = len(calls(log))
    source(root, e)
    assert len(calls(log)) == n
