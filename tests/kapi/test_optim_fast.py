"""The fused CPU kernels `step` uses for adam, adamw, sgd and adagrad
(kapi/api/optim/fast.py): used when a group qualifies, not otherwise, and
the same trajectory as torch's default (per-tensor loop) implementation."""

import numpy as np
import pytest
import torch

from .conftest import fresh

NET = "m:module seq(`sequential; (`linear;`a;4;8); `relu`r; (`linear;`b;8;3))"
KERNELS = {"adam": "_fused_adam_", "adamw": "_fused_adamw_", "sgd": "_fused_sgd_",
           "adagrad": "_fused_adagrad_"}
OPTS = {"adam": ("adam", "(`adam;m;.01)", dict(lr=.01)),
        "adamw": ("adamw", "(`adamw;m;.01;.8;.9;1e-6;.1)",
                  dict(lr=.01, betas=(.8, .9), eps=1e-6, weight_decay=.1)),
        "sgd": ("sgd", "(`sgd;m;.1;.9;0;.01;1b)",
                dict(lr=.1, momentum=.9, weight_decay=.01, nesterov=True)),
        "adagrad": ("adagrad", "(`adagrad;m;.1;0.01;0;0.3)",
                    dict(lr=.1, lr_decay=.01, initial_accumulator_value=.3))}


def counting(monkeypatch, name):
    calls = []
    real = getattr(torch, name)

    def k(*a, **kw):
        calls.append(name)
        return real(*a, **kw)
    monkeypatch.setattr(torch, name, k)
    return calls


def train(q, steps, double=False):
    g = torch.Generator().manual_seed(3)
    x = torch.randn(16, 4, generator=g, dtype=torch.float64 if double else torch.float32)
    y = torch.randint(0, 3, (16,), generator=g)
    q["X"], q["Y"] = x.numpy(), y.numpy()
    q("X:tensor X; Y:tensor Y; L:loss`ce")
    for _ in range(steps):
        q("zerograd o; l:loss(L;forward(m;X);Y); backward l; free l; step o")
    return x, y


@pytest.mark.parametrize("name", sorted(KERNELS))
@pytest.mark.parametrize("double", [False, True])
def test_fused_kernel_used_and_matches_torch_loop(monkeypatch, name, double):
    calls = counting(monkeypatch, KERNELS[name])
    q = fresh()
    q(NET)
    if double:
        q("to(m;`double)")
    torch_net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    with torch.no_grad():
        for a, b in zip(torch_net.parameters(), q["m"].parameters()):
            a.data = b.detach().clone()
    kname, kargs, tkw = OPTS[name]
    q("o:opt" + kargs)
    x, y = train(q, 5, double)
    assert len(calls) == 5                          # one fused call per step
    # the oracle: torch's own class, default (loop) implementation
    cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD,
           "adagrad": torch.optim.Adagrad}[name]
    o = cls(torch_net.parameters(), foreach=False, **tkw)
    for _ in range(5):
        o.zero_grad()
        torch.nn.functional.cross_entropy(torch_net(x), y).backward()
        o.step()
    tol = 1e-12 if double else 1e-6
    for (n, a), b in zip(q["m"].named_parameters(), torch_net.parameters()):
        assert a.dtype == b.dtype
        assert torch.allclose(a, b, rtol=tol, atol=tol), n
    # the groups' settings are as they were: fused is a per-step choice
    assert all(g["fused"] is None for g in q.registry.get(q.globals["o"]).opt.param_groups)


def test_sparse_gradients_use_the_loop(monkeypatch):
    calls = counting(monkeypatch, "_fused_sgd_")
    q = fresh()
    q("e:module enlist(`embed;10;3;`sparse,1b); o:opt(`sgd;e;.1)")
    w0 = q["e"].weight.detach().clone()
    q("i:tensor 1 2 2 5; l:forward(e;i); b:tensor(`ones;4 3); backward(l;b); free b; step o")
    assert calls == []
    assert q["e"].weight.grad.is_sparse
    ref = torch.nn.Embedding(10, 3, sparse=True)
    ref.weight.data.copy_(w0)
    o = torch.optim.SGD(ref.parameters(), lr=.1)
    ref(torch.tensor([1, 2, 2, 5])).backward(torch.ones(4, 3))
    o.step()
    assert torch.equal(ref.weight, q["e"].weight)
    assert not torch.equal(w0, q["e"].weight)


def test_user_choice_of_foreach_is_kept(monkeypatch):
    calls = counting(monkeypatch, "_fused_adam_")
    q = fresh()
    q(NET + "; o:opt(`adam;m)")
    oo = q.registry.get(q.globals["o"])
    oo.opt.param_groups[0]["foreach"] = True     # set from Python: kapi leaves it alone
    train(q, 2)
    assert calls == []
    assert oo.opt.param_groups[0]["foreach"] is True


def test_failing_closure_leaves_groups_alone():
    q = fresh()
    q(NET + "; o:opt(`sgd;m;.1;.9)")
    oo = q.registry.get(q.globals["o"])
    before = [dict((k, v) for k, v in g.items() if k != "params") for g in oo.opt.param_groups]
    with pytest.raises(Exception):
        q("step(o;{'`boom})")
    after = [dict((k, v) for k, v in g.items() if k != "params") for g in oo.opt.param_groups]
    assert before == after
    assert np.isfinite(q("1+1"))
