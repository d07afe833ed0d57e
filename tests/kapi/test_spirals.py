"""Acceptance: a ktorch-style training script run with `kapi
file.q` matches its plain-PyTorch twin."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "scripts", "spirals.q")


def twin():
    """The same experiment in plain PyTorch."""
    torch.manual_seed(1234)
    n, k = 1000, 3
    xs = []
    for j in range(k):
        r = np.arange(n) / (n - 1)
        noise = torch.randn(n, dtype=torch.float64).numpy()
        t = 4 * j + 4 * np.arange(n) / (n - 1) + 0.2 * noise
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
    x = torch.tensor(np.concatenate(xs), dtype=torch.float32)
    y = torch.tensor(np.repeat(np.arange(k), n), dtype=torch.int64)
    m = torch.nn.Sequential(torch.nn.Linear(2, 100), torch.nn.ReLU(), torch.nn.Linear(100, 3))
    o = torch.optim.SGD(m.parameters(), lr=0.2, momentum=0.9)
    lossf = torch.nn.CrossEntropyLoss()
    losses = []
    for _ in range(300):
        o.zero_grad()
        loss = lossf(m(x), y)
        loss.backward()
        o.step()
        losses.append(loss.item())
    with torch.no_grad():
        acc = (m(x).argmax(1) == y).double().mean().item()
    return [losses[i] for i in (0, 99, 199, 299)], acc


def test_spirals_script_matches_pytorch():
    r = subprocess.run([sys.executable, "-m", "kapi", SCRIPT], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr + r.stdout
    lines = dict(ln.split(": ", 1) for ln in r.stdout.strip().split("\n") if ": " in ln)
    got_losses = [float(v) for v in lines["loss"].split()]
    got_acc = float(lines["accuracy"])
    losses, acc = twin()
    for a, b in zip(got_losses, losses):
        assert math.isclose(a, b, rel_tol=1e-4), (got_losses, losses)
    assert abs(got_acc - acc) < 1e-3
    assert got_acc > 0.9  # the network learns the spirals
