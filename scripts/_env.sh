# Shared by scripts/run and scripts/test: make (or reuse) .venv with kapi installed.
#
# A successful install writes a stamp in the venv recording the checkout and
# torch it installed.  Later starts only read the stamp (plain bash, no
# Python: importing torch to check for it took a second at every start) and
# install again when the venv, its kapi script or torch is gone, the stamp is
# older than pyproject.toml, or the venv was installed from another checkout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${KAPI_VENV:-$root/.venv}"
py="${PYTHON:-python3}"
extra="${1:-}"
stamp="$venv/.kapi-installed$extra"

# true if stamp $1 says this checkout is installed in $venv and still is
_kapi_stamp_ok() {
  local s="$1" r="" t=""
  [ -f "$s" ] && [ ! "$root/pyproject.toml" -nt "$s" ] || return 1
  { IFS= read -r r && IFS= read -r t; } < "$s" || return 1
  [ "$r" = "root=$root" ] && [ -f "${t#torch=}" ] && [ -x "$venv/bin/kapi" ]
}

# the test extra includes everything a plain run needs
if _kapi_stamp_ok "$stamp" || { [ -z "$extra" ] && _kapi_stamp_ok "$venv/.kapi-installed[test]"; }; then
  return 0
fi

if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
fi
pip="$venv/bin/python -m pip"
# pip install, quiet but for errors; fails if pip fails (then no stamp is written)
_kapi_pip() {
  local out rc=0
  out="$($pip install -q "$@" 2>&1)" || rc=$?
  out="$(printf '%s\n' "$out" | grep -v "^WARNING: Location" || true)"
  [ -z "$out" ] || printf '%s\n' "$out"
  return $rc
}
# torch first, so that installing kapi (which needs torch>=2.2) keeps this build
if ! "$venv/bin/python" -c "import importlib.util as u, sys; sys.exit(u.find_spec('torch') is None)" \
    >/dev/null 2>&1; then
  # a small CPU build where one is at hand; otherwise the platform's default build
  $pip install -q "torch==2.13.0" >/dev/null 2>&1 || _kapi_pip "torch>=2.2,<3"
fi
_kapi_pip -e "$root$extra"
if [ "$extra" = "[test]" ]; then
  # timm is an oracle only; without --no-deps its torchvision would replace torch
  _kapi_pip --no-deps "timm>=1.0" || echo "timm (an optimizer-test oracle) not installed"
fi
# bytecode for the checkout (an editable install leaves it uncompiled): a faster start
"$venv/bin/python" -m compileall -q "$root/kapi" "$root/repl" >/dev/null 2>&1 || true
# the stamp: line 1 the checkout, line 2 torch's __init__.py, then what was installed
torch_init="$("$venv/bin/python" -c "import importlib.util as u; print(u.find_spec('torch').origin)")"
{
  echo "root=$root"
  echo "torch=$torch_init"
  "$venv/bin/python" -c "from importlib.metadata import version as v; print('torch ' + v('torch')); print('kapi ' + v('kapi'))"
} > "$stamp.tmp"
mv "$stamp.tmp" "$stamp"
