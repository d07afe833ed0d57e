"""Live torch objects handed to kapi: the same objects on both sides."""

import numpy as np
import pytest

from kapi.embed import Pointer
from kapi.errors import KError
from kapi.embed import Interpreter

torch = pytest.importorskip("torch")


@pytest.fixture
def q():
    return Interpreter()


def test_module_is_a_pointer(q):
    m = torch.nn.Linear(4, 2)
    q["m"] = m
    assert q.console("class m") == "`module"
    assert q.console("objtype m") == "`linear"
    assert q.console("size m") == "2"
    assert q.object(q.eval("m")) is m
    assert q.object("m") is m
    assert q["m"] is m
    assert q.console("module m") == "depth  | 0\nmodule | `linear\nname   | `\noptions| `in`out`bias!(4;2;1b)"
    s = q.eval("state m")
    w = q.to_py(s)["parms"]["weight"]
    assert np.allclose(w, m.weight.detach().numpy())
    # assigning the same object again reuses its pointer
    q["m2"] = m
    assert q.console("m~m2") == "1b"
    assert q.console("count obj[]") == "1"


def test_forward_from_q(q):
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    q["m"] = m
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    q["x"] = x
    y = q("evaluate(m;x)")
    assert isinstance(y, np.ndarray) and y.shape == (4, 2) and y.dtype == np.float32
    with torch.no_grad():
        assert np.allclose(y, m(torch.from_numpy(x)).numpy(), atol=1e-6)
    assert q.console("module m").split("\n")[2].split()[:2] == ["0", "sequential"]
    r = q("forward(m;x)")                       # a tensor pointer's view is the tensor
    assert isinstance(r, torch.Tensor) and r.requires_grad


def test_tensor_is_a_pointer(q):
    t = torch.arange(6.0).reshape(2, 3)
    q["t"] = t
    assert q.console("class t") == "`tensor"
    assert q.console("size t") == "2 3"
    assert q.console("tensor t") == "0 1 2\n3 4 5"
    assert q.object(q.eval("t")) is t
    q("use[t;10 20 30e]")                       # re-pointed: a new tensor object
    assert q.object("t") is not t
    assert q["t"].tolist() == [10.0, 20.0, 30.0]
    q["u"] = t
    q("free u")
    with pytest.raises(KError):
        q.object(q.eval("u"))
    assert isinstance(q["u"], Pointer)     # a stale pointer
    # tensors made in q come out as torch tensors
    z = q("tensor(`zeros;2 2)")
    assert isinstance(z, torch.Tensor) and z.shape == (2, 2)


def test_torch_optimizer_handed_in(q):
    m = torch.nn.Linear(2, 1)
    o = torch.optim.SGD(m.parameters(), lr=0.5, momentum=0.9)
    q["m"] = m
    q["o"] = o
    assert q.console("class o") == "`optimizer"
    assert q.console("objtype o") == "`sgd"
    assert q.object("o") is o
    assert q("lr o").tolist() == [0.5]
    q("o2:opt o")
    assert q("(opt o)[`options;`momentum]").tolist() == [0.9]

    class Mine(torch.optim.SGD):
        pass
    with pytest.raises(TypeError):
        q["bad"] = Mine(m.parameters(), lr=0.1)


def _data():
    g = torch.Generator().manual_seed(7)
    x = torch.randn(64, 2, generator=g)
    y = (x[:, :1] * x[:, 1:] + 0.5 * x[:, :1]).contiguous()
    return x, y


def _model():
    torch.manual_seed(3)
    return torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))


def test_acceptance_train_python_model_from_q(q):
    """A Python program builds a torch model, hands it to kapi, trains it
    with opt/step from k code and reads the trained weights back from the
    same torch object; the result matches the same loop in plain PyTorch."""
    x, y = _data()
    model = _model()
    first = model[0].weight
    w0 = first.detach().clone()

    q["model"] = model
    q["X"] = x
    q["Y"] = y
    q("L:loss`mse; o:opt(`adam;model;.01)")
    q("f:{zerograd o; r:forward(model;X); l:loss(L;r;Y); backward l; free r; step o; return l}")
    losses = q("f each til 200")
    assert isinstance(losses, np.ndarray) and losses.shape == (200,)
    assert losses[-1] < 0.2 * losses[0]

    assert q.object("model") is model and model[0].weight is first   # same objects, trained in place
    assert not torch.equal(first.detach(), w0)

    twin = _model()
    opt = torch.optim.Adam(twin.parameters(), lr=0.01)
    lossf = torch.nn.MSELoss()
    for _ in range(200):
        opt.zero_grad()
        loss = lossf(twin(x), y)
        loss.backward()
        opt.step()
    for a, b in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(a, b, atol=1e-5)
    assert abs(losses[-1] - loss.item()) < 1e-5


def test_train_with_closure_and_python_optimizer(q):
    """step(o;f) with a closure written in q; the optimizer made in Python."""
    x, y = _data()
    model = _model()
    o = torch.optim.SGD(model.parameters(), lr=0.1)
    q["model"], q["o"], q["X"], q["Y"] = model, o, x, y
    q("L:loss`mse; c:{r:forward(model;X); l:loss(L;r;Y); backward l; free r; l}")
    l0 = q("step(o;c)")
    for _ in range(50):
        last = q("step(o;c)")
    assert last < l0
    assert q.object("o") is o and len(o.state) == 0     # plain sgd: no buffers


def test_python_loss_function_from_q(q):
    """A Python callable used inside q training code."""
    model = _model()
    q["model"] = model
    q["sq"] = lambda t: float((t ** 2).mean())
    assert q.console("type sq") == "112h"
    v = q("sq evaluate(model;2 2#1 2 3 4e)")
    assert isinstance(v, float)
