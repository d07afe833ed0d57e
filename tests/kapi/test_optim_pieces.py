"""The optimizers' CPU steps a piece at a time (speed):
kapi/api/optim/_work.py, the fast step of torch's optimizers (_common.py's
_FastStep: adadelta adamax nadam radam rmsprop rprop adafactor) and the ``_fast`` paths of kapi's own optimizers and LAMB.

Each is checked against an independent oracle over several steps, in
float64 and float32, with the pieces forced small (``_work.CHUNK`` = 64) so
that every parameter of these shapes is cut into several pieces, plus a
0-d, a small and a non-contiguous parameter (which takes the general path):

* torch's own classes (torch.optim.<Name>, built directly): the same
  numbers to 1e-12 (float64) / 1e-6 (float32) relative, and bit for bit
  for the optimizers whose fast step runs torch's own operations;
* kapi's optimizers: the NumPy transcriptions of tests/kapi/test_optim_oracles.py
  (float64) and LAMB's of test_optim_algorithms.py.
"""

import copy
import math
import pickle

import numpy as np
import pytest
import torch

from kapi.api import optim as O
from kapi.api.optim import _work

from .test_optim_algorithms import nvlamb
from .test_optim_oracles import (np_adagradm_sc, np_dcasgd_mx, np_ftml_mx, np_ftrl_sc,
                                 np_lars_mx, np_laprop_sc, np_signum_mx, np_sparseadamw_recis)

SHAPES = [(1000,), (37, 29), (), (5,), "t"]      # "t": a transposed 30x20
TOL = {torch.float64: 1e-12, torch.float32: 1e-6}


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch):
    monkeypatch.setattr(_work, "CHUNK", 64)


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    d = np.max(np.abs(a - b)) if a.size else 0.0
    return d / max(np.max(np.abs(b)) if b.size else 0.0, 1e-300)


def make_params(dtype, seed=0, shapes=SHAPES):
    g = torch.Generator().manual_seed(seed)
    out = []
    for s in shapes:
        if s == "t":
            x = torch.randn(20, 30, generator=g, dtype=dtype).t()
        else:
            x = torch.randn(s, generator=g, dtype=dtype)
        out.append(torch.nn.Parameter(x))
    return out


def make_grads(params, steps, seed=1, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    return [[torch.randn(p.shape, generator=g, dtype=p.dtype) * scale for p in params]
            for _ in range(steps)]


def run(opt, params, grads):
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = g.clone()
        opt.step()
    return [p.detach().clone() for p in params]


def clone(params):
    return [torch.nn.Parameter(p.detach().clone()) for p in params]


# --------------------------------------------------------------------------
# torch.optim's classes: kapi's subclass against torch's own

TORCH_CASES = [
    ("adadelta", {"lr": .5, "rho": .8, "decay": .01}),
    ("adadelta", {"eps": 1e-5}),
    ("adamax", {"lr": .01, "beta1": .8, "decay": .02}),
    ("nadam", {"lr": .01, "mdecay": .01, "decay": .01}),
    ("nadam", {"decay": .05, "decoupled": True, "beta2": .99}),
    ("nadam", {"beta1": 0.0}),                   # no momentum: torch's operations
    ("nadam", {"lr": 0.0}),
    ("radam", {"lr": .01, "decay": .01}),
    ("radam", {"decay": .05, "decoupled": True, "beta2": .9}),
    ("rmsprop", {"lr": .01, "decay": .01}),
    ("rmsprop", {"momentum": .9, "decay": .01}),
    ("rmsprop", {"centered": True, "momentum": .5, "alpha": .9}),
    ("rmsprop", {"alpha": 0.0}),
    ("rprop", {"lr": .02}),
    ("rprop", {"etaminus": .4, "etaplus": 1.3, "stepmax": 1.0, "stepmin": 1e-3}),
    ("adafactor", {"lr": .02, "decay": .01}),
    ("adafactor", {"eps2": 1e-2, "beta2decay": -0.6, "d": 1.5}),
]
EXACT = {"adamax", "rprop"}        # torch's own operations: bit for bit
TORCH_CLASS = {"adadelta": torch.optim.Adadelta, "adamax": torch.optim.Adamax,
               "nadam": torch.optim.NAdam, "radam": torch.optim.RAdam,
               "rmsprop": torch.optim.RMSprop, "rprop": torch.optim.Rprop,
               "adafactor": getattr(torch.optim, "Adafactor", None)}


def _vs_torch(name, kopts, dtype, grads_fn=make_grads, steps=25):
    params = make_params(dtype)
    ref = clone(params)
    grads = grads_fn(params, steps)
    mine = O.create(name, params, kopts)
    assert type(mine) is not TORCH_CLASS[name] and isinstance(mine, TORCH_CLASS[name])
    theirs = TORCH_CLASS[name](ref, **O.to_torch(name, kopts))
    got, want = run(mine, params, grads), run(theirs, ref, grads)
    worst = max(rel(a.numpy(), b.numpy()) for a, b in zip(got, want))
    for p, r in zip(params, ref):                # the state: same keys, same values
        sa, sb = mine.state[p], theirs.state[r]
        assert sorted(sa) == sorted(sb)
        for k in sa:
            if isinstance(sa[k], torch.Tensor):
                assert sa[k].dtype == sb[k].dtype and sa[k].shape == sb[k].shape, k
                worst = max(worst, rel(sa[k].numpy(), sb[k].numpy()))
    return worst


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("name,kopts", TORCH_CASES)
def test_torch_classes_match_torch(name, kopts, dtype):
    if TORCH_CLASS[name] is None:
        pytest.skip("no torch.optim.Adafactor")
    worst = _vs_torch(name, kopts, dtype)
    if name in EXACT:
        assert worst == 0.0
    else:
        assert worst < TOL[dtype]


def test_rprop_nonfinite_gradient_as_torch():
    def grads(params, steps):
        gs = make_grads(params, steps)
        gs[3][0][7] = float("inf")
        gs[4][0][7] = -float("inf")
        gs[5][1][2, 3] = float("nan")
        return gs
    for dtype in (torch.float64, torch.float32):
        params = make_params(dtype)
        ref = clone(params)
        gs = grads(params, 8)
        got = run(O.create("rprop", params), params, gs)
        want = run(torch.optim.Rprop(ref, **O.to_torch("rprop")), ref, gs)
        for a, b in zip(got, want):
            assert torch.equal(a, b) or torch.allclose(a, b, equal_nan=True, rtol=0, atol=0)


def test_fallbacks_are_torch():
    """foreach, maximize, a tensor lr: torch's own step, bit for bit."""
    for name, extra in (("adadelta", dict(foreach=True)), ("nadam", dict(maximize=True)),
                        ("radam", dict(lr=torch.tensor(.01)))):
        params = make_params(torch.float64)
        ref = clone(params)
        grads = make_grads(params, 5)
        kw = dict(O.to_torch(name), **extra)
        got = run(O.get(name).cls(params, **kw), params, grads)
        want = run(TORCH_CLASS[name](ref, **kw), ref, grads)
        assert all(torch.equal(a, b) for a, b in zip(got, want)), name


# --------------------------------------------------------------------------
# kapi's optimizers: NumPy transcriptions of the published equations

KAPI_CASES = [
    ("ftrl", {"lr": .1, "l1": .05, "l2": .01, "beta": .5}, np_ftrl_sc),
    ("ftrl", {"lr": .05, "lrpower": -0.7, "init": .2, "l2": .02, "multlr": True}, np_ftrl_sc),
    ("ftrl", {"linear": .1, "multlr": True, "l1": .01}, np_ftrl_sc),
    ("laprop", {"lr": .01, "init": .3}, np_laprop_sc),
    ("laprop", {"lr": .01, "rmsclip": .5, "beta2": .9}, np_laprop_sc),
    ("adagradm", {"lr": .05}, np_adagradm_sc),
    ("adagradm", {"lr": .05, "beta2": .95, "exponent": 3.0, "nesterov": True, "minit": .1,
                  "eps": 1e-6}, np_adagradm_sc),
    ("adagradm", {"exponent": 1.0, "momentum": .5}, np_adagradm_sc),
    ("signum", {"decay": .1, "wdlh": .05}, np_signum_mx),
    ("signum", {"momentum": 0.0, "decay": .1}, np_signum_mx),
    ("dcasgd", {"lr": .02, "momentum": .5}, np_dcasgd_mx),
    ("dcasgd", {"lambda": .1, "decay": .01}, np_dcasgd_mx),
    ("ftml", {"lr": .02}, np_ftml_mx),
    ("ftml", {"beta1": .7, "decay": .01}, np_ftml_mx),
    ("lars", {"lr": .1, "momentum": .9, "eta": .01}, np_lars_mx),
    ("lars", {"lr": .05, "decay": .01, "eps": 1e-9}, np_lars_mx),
    ("sparseadamw", {"lr": .01}, np_sparseadamw_recis),
    ("sparseadamw", {"decay": .1, "beta1": .8, "eps": 1e-6}, np_sparseadamw_recis),
]


def _vs_numpy(name, kopts, oracle, dtype, grads, params):
    w0 = [p.detach().double().numpy().copy() for p in params]
    got = run(O.create(name, params, kopts), params, grads)
    full = O.resolve(name, kopts)
    return max(rel(mine.double().numpy(),
                   oracle(w.copy(), [gs[i].double().numpy() for gs in grads], full))
               for i, (w, mine) in enumerate(zip(w0, got)))


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("name,kopts,oracle", KAPI_CASES)
def test_kapi_optimizers_match_equations(name, kopts, oracle, dtype):
    params = make_params(dtype)
    steps = 30 if dtype == torch.float64 else 10
    grads = make_grads(params, steps, scale=.5)
    assert _vs_numpy(name, kopts, oracle, dtype, grads, params) < TOL[dtype]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_sparseadamw_untouched_rows(dtype):
    """Dense gradients with zero rows: a few (the fused step, rows put
    back), most (the rows gathered), zero elements of a vector."""
    params = make_params(dtype, shapes=[(40, 6), (30, 5), (500,)])
    gen = torch.Generator().manual_seed(9)
    grads = []
    for s in range(20):
        gs = make_grads(params, 1, seed=100 + s)[0]
        gs[0][torch.rand(40, generator=gen) < .1] = 0        # a few rows
        gs[1][torch.rand(30, generator=gen) < .8] = 0        # most rows
        gs[2][torch.rand(500, generator=gen) < .2] = 0       # vector elements
        gs[0][3, 2] = 0                                      # a zero in a touched row
        grads.append(gs)
    worst = _vs_numpy("sparseadamw", {"lr": .01, "decay": .1}, np_sparseadamw_recis, dtype,
                      grads, params)
    assert worst < TOL[dtype]


def test_sgld_draws_torch_normals():
    """torch.randn's draws, parameter after parameter in group order (the
    non-contiguous one, stepped by the general path, in the middle)."""
    params = make_params(torch.float64, shapes=[(1000,), "t", (37, 29), ()])
    w0 = [p.detach().numpy().copy() for p in params]
    grads = make_grads(params, 10)
    o = O.create("sgld", params, {"lr": .01, "decay": .1})
    torch.manual_seed(5)
    got = run(o, params, grads)
    torch.manual_seed(5)
    noise = [[torch.randn(p.shape, dtype=torch.float64).numpy() for p in params]
             for _ in range(10)]
    for i, w in enumerate(w0):
        for s in range(10):
            w = w - .01 / 2 * (grads[s][i].numpy() + .1 * w) + noise[s][i] * math.sqrt(.01)
        assert rel(got[i].numpy(), w) < 1e-12


LAMB_GROUPS = [
    {"lr": .01, "decay": .01},
    {"lr": .005, "beta1": .8, "beta2": .99, "eps": 1e-6, "unbiased": False, "trustclip": False},
    {"lr": .02, "globalnorm": False, "trustmin": .3, "trustmax": 2.0, "decay": .1},
]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("kopts", LAMB_GROUPS)
def test_lamb_matches_nvlamb(kopts, dtype):
    params = make_params(dtype)
    steps = 20 if dtype == torch.float64 else 8
    grads = make_grads(params, steps, scale=.5)
    w0 = [p.detach().double().numpy().copy() for p in params]
    o = O.create("lamb", params, kopts)
    got = run(o, params, grads)
    full = O.resolve("lamb", kopts)
    P, M, V = nvlamb(w0, [[g.double().numpy() for g in gs] for gs in grads],
                     [(list(range(len(params))), full)], globalnorm=full["globalnorm"])
    for i, p in enumerate(params):
        assert rel(got[i].numpy(), P[i]) < TOL[dtype]
        assert rel(o.state[p]["exp_avg"].numpy(), M[i]) < TOL[dtype]
        assert rel(o.state[p]["exp_avg_sq"].numpy(), V[i]) < TOL[dtype]
    # ktorch divides the gradient by the global norm in place
    if full["globalnorm"]:
        norm = math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads[-1]))
        assert rel(params[0].grad.numpy(), grads[-1][0].double().numpy() / norm) < TOL[dtype]


def test_lamb_nonfinite_does_not_leak():
    """A NaN update leaves NaN in its own parameter only (no global norm)."""
    params = make_params(torch.float64)
    ref = clone(params)
    kopts = {"globalnorm": False}
    o, r = O.create("lamb", params, kopts), O.create("lamb", ref[1:], kopts)
    grads = make_grads(params, 3)
    grads[1][0][5] = float("nan")
    run(o, params, grads)
    run(r, ref[1:], [gs[1:] for gs in grads])
    assert torch.isnan(params[0]).any()
    assert all(torch.equal(a, b) for a, b in zip(params[1:], ref[1:]))


# --------------------------------------------------------------------------
# the workspace

@pytest.mark.parametrize("name", ["adadelta", "ftml", "lamb", "rprop", "laprop"])
def test_workspace_is_not_state(name):
    params = make_params(torch.float32)
    grads = make_grads(params, 6)
    a = O.create(name, params)
    run(a, params, grads[:3])
    assert a.__dict__.get("_kapi_workspace") is not None
    sd = a.state_dict()
    assert "_kapi_workspace" not in sd and set(sd) == {"state", "param_groups"}
    # copies and pickles carry no workspace and step on the same
    b = copy.deepcopy(a)
    c = pickle.loads(pickle.dumps(a))
    assert "_kapi_workspace" not in b.__dict__ and "_kapi_workspace" not in c.__dict__
    pb = b.param_groups[0]["params"]
    pc = c.param_groups[0]["params"]
    for o, ps in ((a, params), (b, pb), (c, pc)):
        run(o, ps, grads[3:])
    for x, y, z in zip(params, pb, pc):
        assert torch.equal(x, y) and torch.equal(x, z)


def test_fused_kernels_used_by_default(monkeypatch):
    """The default (foreach unset) steps of these optimizers go through
    torch's fused kernels; foreach true or false do not."""
    calls = []
    for k in ("_fused_adam_", "_fused_adamw_"):
        real = getattr(torch, k)

        def f(*a, _real=real, **kw):
            calls.append(1)
            return _real(*a, **kw)
        monkeypatch.setattr(torch, k, f)
    for name in ("nadam", "radam", "rmsprop", "ftml", "lamb", "sparseadamw"):
        params = make_params(torch.float32, shapes=[(300,)])
        grads = make_grads(params, 8)
        calls.clear()
        run(O.create(name, params), params, grads)
        assert calls, name
        if name in ("ftml", "lamb", "sparseadamw"):
            calls.clear()
            params = make_params(torch.float32, shapes=[(300,), (5,)])
            o = O.get(name).cls(params, foreach=False, **O.to_torch(name))
            run(o, params, grads[:2] if False else make_grads(params, 3))
            assert not calls, name
