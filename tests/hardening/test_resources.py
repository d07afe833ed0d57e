"""Long training sessions do not leak: registry count and RSS stay flat;
free[] releases every torch object."""

import gc
import resource
import weakref

import pytest

torch = pytest.importorskip("torch")

from kapi.embed import Interpreter  # noqa: E402
from kapi.api.registry import registry  # noqa: E402


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def test_training_steps_keep_memory_flat():
    q = Interpreter()
    q.console("seed 1;m:module seq(`sequential;(`linear;8;16);`relu;(`linear;16;3))")
    q.console("o:opt(`adam;m;.001);L:loss`ce;X:tensor(`randn;32 8);Y:tensor 32?3")
    q.console("f:{zerograd o; r:forward(m;X); l:loss(L;r;Y); backward l; free r; step o; use[X;tensor X]; return l}")
    q.console("do[500;f[]]")  # warm up allocator caches
    gc.collect()
    n0, m0 = len(registry(q)), rss_mb()
    q.console("do[10000;f[]]")
    gc.collect()
    n1, m1 = len(registry(q)), rss_mb()
    assert n1 == n0
    assert m1 <= m0 * 1.05 + 2, (m0, m1)


def test_free_all_releases_torch_objects():
    q = Interpreter()
    q.console("t:tensor 1 2 3e;v:vector(1 2;3 4e);m:module enlist(`linear;4;2);o:opt(`sgd;m)")
    reg = registry(q)
    held = []
    for obj in reg.objs.values():
        for t in obj.tensors():
            if t is not None:
                held.append(weakref.ref(t))
    del obj, t  # the loop variables would keep the last ones alive
    assert len(held) >= 5  # tensor, 2 vector items, module weight and bias
    q.console("free[]")
    gc.collect()
    assert len(reg) == 0
    assert all(r() is None for r in held)
