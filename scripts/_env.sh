# Shared by scripts/run and scripts/test: make (or reuse) .venv with kapi installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${KAPI_VENV:-$root/.venv}"
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
fi
pip="$venv/bin/python -m pip"
if ! "$venv/bin/python" -c "import torch" >/dev/null 2>&1; then
  # a small CPU build where one is at hand; otherwise the platform's default build
  $pip install -q "torch==2.13.0" >/dev/null 2>&1 || $pip install -q "torch>=2.2,<3"
fi
extra="${1:-}"
stamp="$venv/.kapi-installed$extra"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  $pip install -q -e "$root$extra" 2>&1 | grep -v "^WARNING: Location" || true
  if [ "$extra" = "[test]" ]; then
    # timm is an oracle only; without --no-deps its torchvision would replace torch
    $pip install -q --no-deps "timm>=1.0" 2>&1 | grep -v "^WARNING: Location" || true
  fi
  touch "$stamp"
fi
