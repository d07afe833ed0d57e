"""Losses (ce, mse, loss modules) and backward."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from .conftest import transcript

EXAMPLES = {
"mse k": r"""
q)mse(1 3 6 9.0; 1 2 4 8.0)
1.5
q)mse(1 3 6 9.0; 1 2 4 8.0; `none)
0 1 4 1f
""",
"mse tensors": r"""
q)x:tensor .5 2 5e; y:tensor 1 2 3e
q)tensor z:mse(x;y)
1.416667e
q)use[z]mse(x;y;`none)
q)tensor z
0.25 0 4e
""",
"backward grad": r"""
q)x:tensor(.5 1 4.0; `grad)
q)y:tensor 1 2 3.0
q)backward z:mse(x;y)
q)grad x
-0.3333333 -0.6666667 0.6666667
""",
"loss module": r"""
q)l:loss(`mse;`none)
q)show tensor t:loss(l; 1 2 3e; 0 2 4e); free(l;t)
1 0 1e
q)l:loss(`mse;`sum)
q)show tensor t:loss(l; 1 2 3e; 0 2 4e); free(l;t)
2e
q)l:loss(`mse;`mean)
q)show tensor t:loss(l; 1 2 3e; 0 2 4e); free(l;t)
0.6666667e
""",
"loss definition": r"""
q)l:loss(`ce; (); -100; .1; `none)
q)loss l
module | `ce
options| `weight`ignore`smoothing`reduce!(::;-100;0.1;`none)
q)loss(l;0b)
module | `ce
options| `smoothing`reduce!(0.1;`none)
q)class l
`loss
q)objtype l
`ce
q)size l
0
""",
"loss named": r"""
q)l1:loss(`ce; `smoothing`reduce!(.1;`none))
q)l2:loss(`ce; (`smoothing;.1;`reduce;`none))
q)l3:loss(`ce; ((`smoothing;.1); (`reduce;`none)))
q)(loss l1)~loss l2
1b
q)(loss l1)~loss l3
1b
""",
"return": r"""
q)x:tensor(.5 2 4e; `grad)
q)l:loss`mse
q)backward z:loss(l;x;1 2 3e); return z
0.4166667e
""",
"retain": r"""
q)x:tensor(1 2 3e;`grad)
q)y:tensor(1 2 3e)
q)z:mse(x;y)
q)backward(z;`retain)
q)backward z
q)backward z
'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
  [0]  backward z
       ^
q)backward 1 2 3
'backward: expects tensor or model as 1st arg, e.g. backward(tensor) or backward(model;inputs;targets)
  [0]  backward 1 2 3
       ^
""",
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example(q, name):
    exp, got = transcript(q, EXAMPLES[name])
    assert got == exp


def test_ce_mse_against_torch(q):
    x = np.random.randn(6, 4).astype(np.float32)
    y = np.array([0, 3, 1, 2, 2, 0], dtype=np.int64)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    q.eval("x:tensor 6 4#0e; y:tensor 6#0")
    q.registry.get(q.eval("x")).t = X.clone()
    q.registry.get(q.eval("y")).t = Y.clone()
    for red in ("mean", "sum", "none"):
        got = q.eval("tensor ce(x;y;`%s)" % red)
        assert np.allclose(got, F.cross_entropy(X, Y, reduction=red).numpy(), atol=1e-6)
    got = q.eval("ce(x;y;`smoothing,.2)")
    assert q.console("class ce(x;y)") == "`tensor"
    got = q.eval("tensor ce(x;y;`smoothing,.2)")
    assert np.allclose(got, F.cross_entropy(X, Y, label_smoothing=.2).numpy(), atol=1e-6)
    got = q.eval("tensor ce(x;y;.1 .2 .3 .4e;1)")
    w = torch.tensor([.1, .2, .3, .4])
    assert np.allclose(got, F.cross_entropy(X, Y, weight=w, ignore_index=1).numpy(), atol=1e-6)
    t = np.random.randn(6, 4).astype(np.float32)
    q.eval("t:tensor 6 4#0e")
    q.registry.get(q.eval("t")).t = torch.from_numpy(t.copy())
    for red in ("mean", "sum", "none"):
        got = q.eval("tensor mse(x;t;`%s)" % red)
        assert np.allclose(got, F.mse_loss(X, torch.from_numpy(t), reduction=red).numpy(), atol=1e-6)
    # k arrays in -> k value out
    v = q.eval("ce(2 3#1 2 3 4 5 6e;0 2)")
    assert isinstance(v, np.float32)
    ref = F.cross_entropy(torch.tensor([[1., 2, 3], [4, 5, 6]]), torch.tensor([0, 2]))
    assert abs(float(v) - float(ref)) < 1e-6


def test_backward_against_autograd(q):
    q.eval("m:module seq(`sequential; (`linear;`a;5;4); `relu; (`linear;`b;4;3))")
    m = q.registry.get(q.eval("m")).module
    x = torch.randn(7, 5)
    y = torch.randint(0, 3, (7,))
    q.eval("x:tensor 7 5#0e; y:tensor 7#0")
    q.registry.get(q.eval("x")).t = x.clone()
    q.registry.get(q.eval("y")).t = y.clone()
    q.eval("backward z:ce(forward(m;x);y)")
    got = {n: p.grad.clone() for n, p in m.named_parameters()}
    for p in m.parameters():
        p.grad = None
    F.cross_entropy(m(x), y).backward()
    for n, p in m.named_parameters():
        assert torch.allclose(got[n], p.grad, atol=1e-6)


def test_backward_with_gradient(q):
    q.eval("x:tensor(1 2 3e;`grad); y:tensor 0 0 0e")
    X = q.registry.get(q.eval("x")).t
    q.registry.get(q.eval("y")).t = X * X
    q.eval("backward(y;1e;`retain)")
    assert q.console("grad x") == "2 4 6e"
    X.grad = None
    q.eval("backward(y;1 0 2e)")
    assert q.console("grad x") == "2 0 12e"
    # vector of tensors
    q.eval("a:tensor(1 2e;`grad); b:tensor(3e;`grad)")
    A, B = (q.registry.get(q.eval(n)).t for n in "ab")
    q.eval("v:vector(1 2e;3e)")
    q.registry.get(q.eval("v")).v[:] = [(A * A).sum(), B * 2]
    q.eval("backward v")
    assert q.console("grad a") == "2 4e" and q.console("grad b") == "2e"


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_backward_create(q):
    q.eval("x:tensor(1 2 3e;`grad); y:tensor 0e")
    X = q.registry.get(q.eval("x")).t
    q.registry.get(q.eval("y")).t = (X ** 3).sum()
    q.eval("backward(y;`create)")
    assert X.grad.requires_grad
    assert q.console("backward(y;`bogus)").split("\n")[0].startswith("'backward: unrecognized mode `bogus")


def test_loss_free_cycles(q):
    for _ in range(500):
        q.eval("l:loss`ce; free l")
    assert len(q.registry) == 0
