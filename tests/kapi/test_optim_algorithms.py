"""The torch side of the optimizers: the catalogue and LAMB.

The LAMB oracle is a NumPy float64 transcription of the NVLAMB equations
(as ktorch's kopt/lamb.cpp has them), written from those
equations and not from kapi/api/optim/lamb.py.
"""

import copy
import inspect
import io

import numpy as np
import pytest
import torch

from kapi.api import optim as O
from kapi.api.optim import catalog as C
from kapi.api.optim.lamb import Lamb
from kapi.errors import KError

# ktorch's optimizer options (opt.rst): (k name, torch keyword, default, k type)
REF = {
    "adagrad": [("lr", "lr", 0.01, "float"), ("lrdecay", "lr_decay", 0.0, "float"),
                ("decay", "weight_decay", 0.0, "float"),
                ("init", "initial_accumulator_value", 0.0, "float"),
                ("eps", "eps", 1e-10, "float")],
    "adam": [("lr", "lr", 0.001, "float"), ("beta1", ("betas", 0), 0.9, "float"),
             ("beta2", ("betas", 1), 0.999, "float"), ("eps", "eps", 1e-08, "float"),
             ("decay", "weight_decay", 0.0, "float"), ("amsgrad", "amsgrad", False, "bool")],
    "lamb": [("lr", "lr", 0.001, "float"), ("beta1", ("betas", 0), 0.9, "float"),
             ("beta2", ("betas", 1), 0.999, "float"), ("eps", "eps", 1e-08, "float"),
             ("decay", "weight_decay", 0.0, "float"),
             ("unbiased", "bias_correction", True, "bool"),
             ("globalnorm", "global_norm", True, "bool"),
             ("trustclip", "trust_clip", True, "bool"),
             ("trustmin", "trust_min", 0.0, "float"), ("trustmax", "trust_max", 1.0, "float")],
    "lbfgs": [("lr", "lr", 1.0, "float"), ("iter", "max_iter", 20, "long"),
              ("eval", "max_eval", None, "long"),
              ("gradtol", "tolerance_grad", 1e-07, "float"),
              ("changetol", "tolerance_change", 1e-09, "float"),
              ("history", "history_size", 100, "long"),
              ("search", "line_search_fn", None, "symbol")],
    "rmsprop": [("lr", "lr", 0.01, "float"), ("alpha", "alpha", 0.99, "float"),
                ("eps", "eps", 1e-08, "float"), ("decay", "weight_decay", 0.0, "float"),
                ("momentum", "momentum", 0.0, "float"), ("centered", "centered", False, "bool")],
    "sgd": [("lr", "lr", 0.01, "float"), ("momentum", "momentum", 0.0, "float"),
            ("dampening", "dampening", 0.0, "float"), ("decay", "weight_decay", 0.0, "float"),
            ("nesterov", "nesterov", False, "bool")],
}
REF["adamw"] = [r if r[0] != "decay" else ("decay", "weight_decay", 0.01, "float")
                for r in REF["adam"]]
SEVEN = ["adagrad", "adam", "adamw", "lamb", "lbfgs", "rmsprop", "sgd"]
# where ktorch's default differs from the torch class's own default
TORCH_DIFFERS = {("sgd", "lr")}            # ktorch 0.01, torch.optim.SGD 0.001


# --------------------------------------------------------------------------
# catalogue consistency

def test_names_and_help_order():
    # ktorch's seven, in ktorch's (alphabetical) order among the others
    assert O.names() == sorted(O.names())
    assert [n for n in O.names() if n in SEVEN] == SEVEN
    rows = [r for r in O.help_table() if r[0] in SEVEN]
    assert [r[0] for r in rows] == SEVEN
    pytorch = {r[0]: r[1] for r in rows}
    assert pytorch["lamb"] == "" and pytorch["adagrad"] == "torch.optim.Adagrad"
    assert pytorch["sgd"] == "torch.optim.SGD" and pytorch["rmsprop"] == "torch.optim.RMSprop"
    adagrad = rows[0]
    assert adagrad[2] == ["lr", "lrdecay", "decay", "init", "eps"]
    assert adagrad[3] == [0.01, 0, 0, 0, 1e-10]


def test_settings_vocabulary():
    # ktorch's vocabulary is included (the other optimizers add their own)
    assert set(O.settings()) >= set(
        "alpha amsgrad beta1 beta2 centered changetol dampening decay eps eval globalnorm "
        "gradtol history init iter lrdecay lr momentum nesterov search trustclip trustmax "
        "trustmin unbiased".split())
    assert O.settings() == sorted(O.settings())


@pytest.mark.parametrize("name", SEVEN)
def test_positional_order_and_defaults(name):
    rows = [(o.name, o.torch, o.default, o.ktype) for o in O.options(name)]
    assert rows == REF[name]
    assert list(O.defaults(name)) == [r[0] for r in REF[name]]
    for (_, _, d, _), o in zip(REF[name], O.options(name)):
        assert type(o.default) is type(d)


@pytest.mark.parametrize("name", SEVEN)
def test_torch_keywords_accepted(name):
    cls = O.get(name).cls
    assert issubclass(cls, torch.optim.Optimizer)
    sig = inspect.signature(cls.__init__).parameters
    for o in O.options(name):
        key, idx = o.torch if isinstance(o.torch, tuple) else (o.torch, None)
        assert key in sig, (name, o.name, key)
        d = sig[key].default
        if idx is not None:
            d = d[idx]
        if (name, o.name) in TORCH_DIFFERS:
            assert d != o.default
        elif o.derive is None:
            assert d == o.default and type(d) in (type(o.default), int, float), (name, o.name, d)
        else:
            assert d is None and o.default is None          # lbfgs eval: derived later
    # the class accepts exactly the keywords the catalogue produces
    p = torch.nn.Parameter(torch.zeros(2))
    cls([p], **O.to_torch(name))


def test_adagrad_class_is_torch_adagrad():
    assert issubclass(O.get("adagrad").cls, torch.optim.Adagrad)
    assert O.get("lamb").cls is Lamb


def test_lbfgs_eval_derived():
    assert O.to_torch("lbfgs")["max_eval"] == 25
    assert O.to_torch("lbfgs", {"iter": np.int64(8)})["max_eval"] == 10
    assert O.to_torch("lbfgs", {"iter": 8, "eval": 3})["max_eval"] == 3
    assert O.to_torch("lbfgs", {"search": "strong_wolfe"})["line_search_fn"] == "strong_wolfe"
    assert O.to_torch("lbfgs", {"search": ""})["line_search_fn"] is None


def test_to_torch_transforms():
    kw = O.to_torch("adam", {"lr": .0002, "beta1": .85, "beta2": .99, "decay": .02})
    assert kw == {"lr": .0002, "betas": (.85, .99), "eps": 1e-8, "weight_decay": .02,
                  "amsgrad": False}
    assert list(kw) == ["lr", "betas", "eps", "weight_decay", "amsgrad"]
    kw = O.to_torch("sgd", {"momentum": np.float64(.9), "nesterov": np.bool_(True),
                            "dampening": np.int64(0), "decay": .0005})
    assert kw == {"lr": .01, "momentum": .9, "dampening": 0.0, "weight_decay": .0005,
                  "nesterov": True}
    assert type(kw["dampening"]) is float and type(kw["nesterov"]) is bool
    # base: a group's current options, overlaid
    base = O.from_torch("adamw", {"lr": .1, "betas": (.8, .9), "eps": 1e-6,
                                  "weight_decay": 0.0, "amsgrad": True}, k=False)
    assert O.to_torch("adamw", {"lr": .5}, base=base) == {
        "lr": .5, "betas": (.8, .9), "eps": 1e-6, "weight_decay": 0.0, "amsgrad": True}


NONDEFAULT = {
    "adagrad": {"lr": .1, "lrdecay": .01, "decay": .02, "init": .3, "eps": 1e-6},
    "adam": {"lr": .0002, "beta1": .85, "beta2": .99, "eps": 1e-7, "decay": .02, "amsgrad": True},
    "adamw": {"lr": .0002, "beta1": .85, "beta2": .99, "eps": 1e-7, "decay": 0.0, "amsgrad": True},
    "lamb": {"lr": .01, "beta1": .8, "beta2": .95, "eps": 1e-6, "decay": .01, "unbiased": False,
             "globalnorm": False, "trustclip": False, "trustmin": .1, "trustmax": 10.0},
    "lbfgs": {"lr": .5, "iter": 10, "eval": 15, "gradtol": 1e-5, "changetol": 1e-8,
              "history": 7, "search": "strong_wolfe"},
    "rmsprop": {"lr": .001, "alpha": .9, "eps": 1e-6, "decay": .01, "momentum": .9,
                "centered": True},
    "sgd": {"lr": .1, "momentum": .9, "dampening": 0.0, "decay": .001, "nesterov": True},
}


@pytest.mark.parametrize("name", SEVEN)
def test_round_trip(name):
    p = torch.nn.Parameter(torch.zeros(3))
    for kopts in ({}, NONDEFAULT[name]):
        o = O.create(name, [p], kopts)
        full = O.resolve(name, kopts)
        got = O.from_torch(name, o.param_groups[0], k=False)
        if full.get("search", 1) is None:
            del full["search"]                  # search is listed only when set
        assert got == full
        # k atoms of ktorch's types
        katoms = O.from_torch(name, o.param_groups[0])
        for k, v in katoms.items():
            t = O.setting(name, k).ktype
            assert isinstance(v, {"float": np.float64, "long": np.int64, "bool": np.bool_,
                                  "symbol": str}[t])
        # and back again
        assert O.to_torch(name, got) == {k: v for k, v in o.defaults.items()
                                          if k in O.to_torch(name)}


def test_from_torch_non_default_only():
    p = torch.nn.Parameter(torch.zeros(3))
    o = O.create("adamw", [p], {"lr": .0002})
    assert O.from_torch("adamw", o.param_groups[0], all=False) == {"lr": .0002}
    o = O.create("adamw", [p], {"decay": 0.0})
    assert list(O.from_torch("adamw", o.param_groups[0], all=False)) == ["lr", "decay"]
    o = O.create("sgd", [p], {"lr": .1, "momentum": .99})
    assert O.from_torch("sgd", o.param_groups[0]) == {
        "lr": .1, "momentum": .99, "dampening": 0.0, "decay": 0.0, "nesterov": False}
    # lbfgs: eval listed when set (always, after parsing), search only when set
    o = O.create("lbfgs", [p])
    assert list(O.from_torch("lbfgs", o.param_groups[0], all=False)) == ["lr", "eval"]
    assert "search" not in O.from_torch("lbfgs", o.param_groups[0], all=True)


# --------------------------------------------------------------------------
# k values and errors

def err(f, *a, **k):
    with pytest.raises(KError) as e:
        f(*a, **k)
    return e.value.name


def test_kvalue_types():
    kv = O.kvalue
    assert kv("sgd", "lr", np.float64(.1)) == .1
    assert kv("sgd", "dampening", np.int64(0)) == 0.0
    assert type(kv("sgd", "dampening", np.int64(0))) is float
    assert err(kv, "sgd", "lr", np.float32(.1)) == "sgd lr: expected long/double scalar, given real scalar"
    assert err(kv, "sgd", "lr", np.int32(1)) == "sgd lr: expected long/double scalar, given int scalar"
    assert kv("sgd", "lr", np.int32(1), pair=True) == 1.0
    assert err(kv, "sgd", "lr", np.float32(1), pair=True) == \
        "sgd lr: expected long/double scalar, given real scalar"
    assert kv("sgd", "nesterov", np.bool_(True)) is True
    assert err(kv, "sgd", "nesterov", np.int64(1)) == "sgd nesterov: expected boolean, given long scalar"
    assert err(kv, "sgd", "nesterov", np.int64(1), pair=True) == \
        "sgd nesterov: expected boolean scalar, given long scalar"
    assert kv("lbfgs", "iter", np.int64(5)) == 5
    assert err(kv, "lbfgs", "iter", np.float64(5)) == "lbfgs iter: expected long scalar, given double scalar"
    assert kv("lbfgs", "iter", np.int16(5), pair=True) == 5
    assert kv("lbfgs", "eval", np.int64(-2**63)) is None
    assert kv("lbfgs", "search", "strong_wolfe") == "strong_wolfe"
    assert kv("lbfgs", "search", "") is None
    assert err(kv, "lbfgs", "search", np.int64(1)) == "lbfgs search: expected symbol, given long scalar"


def test_name_errors():
    assert err(O.get, "foo") == "unrecognized optimizer: foo"
    assert err(O.setting, "sgd", "foo") == "unrecognized optimizer setting: foo"
    assert err(O.setting, "sgd", "amsgrad") == "sgd option: amsgrad not recognized"
    assert err(O.to_torch, "sgd", {"amsgrad": True}) == "sgd option: amsgrad not recognized"
    assert err(O.check_positional, "sgd", 6, lead=2) == "sgd: expecting up to 7 positional args, 8 given"
    O.check_positional("sgd", 5, lead=2)


def test_constructor_checks():
    t = O.to_torch
    assert err(t, "sgd", {"lr": -1}) == "Invalid learning rate: -1"
    assert err(t, "sgd", {"momentum": -.5}) == "Invalid momentum value: -0.5"
    assert err(t, "sgd", {"nesterov": True}) == "Nesterov momentum requires a momentum and zero dampening"
    assert err(t, "sgd", {"nesterov": True, "momentum": .9, "dampening": .1}) == \
        "Nesterov momentum requires a momentum and zero dampening"
    assert err(t, "adam", {"eps": -1e-8}) == "Invalid epsilon value: -1e-08"
    assert err(t, "adamw", {"beta1": 1.0}) == "Invalid beta parameter at index 0: 1"
    assert err(t, "lamb", {"beta2": -0.1}) == "Invalid beta parameter at index 1: -0.1"
    assert err(t, "lamb", {"decay": -1}) == "Invalid weight_decay value: -1"
    assert err(t, "adagrad", {"lrdecay": -1}) == "Invalid lr_decay value: -1"
    assert err(t, "rmsprop", {"alpha": -1}) == "Invalid alpha value: -1"
    # order: libtorch checks lr, eps, betas, decay
    assert err(t, "adam", {"decay": -1, "eps": -1}) == "Invalid epsilon value: -1"
    # group edits are not checked
    assert t("sgd", {"lr": -1}, check=False)["lr"] == -1


def test_register_custom():
    spec = O.register("mysgd", torch.optim.SGD,
                      [("lr", "lr", .05), ("mom", "momentum", 0.0), ("nest", "nesterov", False)],
                      help="test optimizer", buffers=["momentum_buffer"])
    try:
        assert [o.ktype for o in spec.options] == ["float", "float", "bool"]
        assert "mysgd" in O.names() and "mom" in O.settings()
        assert O.to_torch("mysgd", {"mom": .9}) == {"lr": .05, "momentum": .9, "nesterov": False}
        assert err(O.setting, "mysgd", "decay") == "mysgd option: decay not recognized"
        p = torch.nn.Parameter(torch.ones(2))
        o = O.create("mysgd", [p], {"mom": .5})
        p.grad = torch.ones(2)
        o.step()
        assert [n for n, _, _ in O.buffer_items("mysgd", o.state[p])] == ["momentum_buffer"]
        assert O.help_table()[[r[0] for r in O.help_table()].index("mysgd")][2] == ["lr", "mom", "nest"]
    finally:
        del O.CATALOG["mysgd"]
        C._SETTINGS.difference_update({"mom", "nest"})


# --------------------------------------------------------------------------
# state buffers

def _step(o, ps, n=1, closure=None):
    for _ in range(n):
        for p in ps:
            p.grad = p.detach() * 2 + 1
        o.step(closure)


def test_buffer_names():
    p = torch.nn.Parameter(torch.ones(3))
    o = O.create("adam", [p])
    _step(o, [p])
    items = O.buffer_items("adam", o.state[p])
    assert [n for n, _, _ in items] == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    assert items[3][2] is None                   # shown as :: without amsgrad
    o = O.create("rmsprop", [p], {"momentum": .9})
    _step(o, [p])
    items = O.buffer_items("rmsprop", o.state[p])
    assert [n for n, _, v in items if v is not None] == ["step", "square_avg", "momentum"]
    assert O.torch_key("rmsprop", "momentum") == "momentum_buffer"
    assert O.torch_key("rmsprop", "momentum_buffer") == "momentum_buffer"
    assert O.buffer_name("rmsprop", "momentum_buffer") == "momentum"
    o = O.create("lbfgs", [p])
    _step(o, [p], closure=lambda: (p * p).sum())
    names = [n for n, _, _ in O.buffer_items("lbfgs", o.state[p])]
    assert names[:10] == ["func_evals", "n_iter", "t", "prev_loss", "d", "h_diag",
                          "prev_flag_grad", "old_dirs", "old_stps", "ro"]
    assert O.torch_key("lbfgs", "H_diag") == "H_diag" == O.torch_key("lbfgs", "h_diag")
    assert O.torch_state("lbfgs", {"prev_flat_grad": 1, "h_diag": 2, "al": None}) == \
        {"prev_flat_grad": 1, "H_diag": 2}
    assert err(O.torch_state, "sgd", {"foo": 1}) == "opt: unrecognized buffer foo for sgd optimizer"
    o = O.create("sgd", [p])
    _step(o, [p])
    assert O.buffer_items("sgd", o.state[p]) == []       # no momentum, no state


def test_state_counts_as_ktorch():
    # reference 1.11: adamw on linear 64->10 after a step: 4 tensors, 1302 elements, 5216 bytes
    lin = torch.nn.Linear(64, 10)
    for amsgrad, counts in ((False, (4, 1302, 5216)),):
        o = O.create("adamw", list(lin.parameters()), {"amsgrad": amsgrad})
        lin(torch.randn(2, 64)).sum().backward()
        o.step()
        tot = np.sum([O.state_counts("adamw", o.state[p]) for p in lin.parameters()], axis=0)
        assert tuple(tot) == counts
    lin = torch.nn.Linear(128, 10)                      # pointers.rst: 6 3872 15496
    o = O.create("adamw", list(lin.parameters()), {"amsgrad": True})
    lin(torch.randn(2, 128)).sum().backward()
    o.step()
    tot = np.sum([O.state_counts("adamw", o.state[p]) for p in lin.parameters()], axis=0)
    assert tuple(tot) == (6, 3872, 15496)


# --------------------------------------------------------------------------
# adagrad steps (ktorch's asserts), lazily, with each group's init

def test_adagrad_lazy_per_group_init():
    a = torch.nn.Parameter(torch.ones(2, dtype=torch.float64))
    b = torch.nn.Parameter(torch.ones(2, dtype=torch.float64))
    o = O.create("adagrad", [{"params": []}], {"init": .1})    # ktorch: empty group first
    o.param_groups[0]["params"].append(a)
    base = O.defaults("adagrad") | {"init": .1}
    o.add_param_group({"params": [b], **O.to_torch("adagrad", {"init": .5}, base=base)})
    a.grad = torch.full_like(a, 2.0)
    b.grad = torch.full_like(b, 2.0)
    o.step()
    assert torch.allclose(o.state[a]["sum"], torch.full_like(a, 4.1))
    assert torch.allclose(o.state[b]["sum"], torch.full_like(b, 4.5))
    assert torch.allclose(a.detach(), 1 - .01 * 2 / (4.1 ** .5 + 1e-10) * torch.ones(2, dtype=torch.float64))


# --------------------------------------------------------------------------
# LAMB against a NumPy transcription of the NVLAMB equations

def nvlamb(params, grad_seq, groups, globalnorm):
    """NVLAMB, float64.  groups: [(param indices, options dict)]."""
    P = [np.array(x, dtype=np.float64) for x in params]
    M = [np.zeros_like(x) for x in P]
    V = [np.zeros_like(x) for x in P]
    T = [0] * len(P)
    for grads in grad_seq:
        G = [np.array(g, dtype=np.float64) for g in grads]
        if globalnorm:
            norm = np.sqrt(sum(float(np.sum(g * g)) for g in G))
            G = [g / norm for g in G]
        for idx, o in groups:
            b1, b2 = o["beta1"], o["beta2"]
            for i in idx:
                T[i] += 1
                t = T[i]
                M[i] = b1 * M[i] + (1 - b1) * G[i]
                V[i] = b2 * V[i] + (1 - b2) * G[i] ** 2
                if o["unbiased"]:
                    u = (M[i] / (1 - b1 ** t)) / (np.sqrt(V[i]) / np.sqrt(1 - b2 ** t) + o["eps"])
                else:
                    u = M[i] / (np.sqrt(V[i]) + o["eps"])
                if o["decay"] != 0:
                    u = u + o["decay"] * P[i]
                w, r = np.linalg.norm(P[i].ravel()), np.linalg.norm(u.ravel())
                trust = w / r if (w > 0 and r > 0) else 1.0
                if o["trustclip"]:
                    trust = min(max(trust, o["trustmin"]), o["trustmax"])
                P[i] = P[i] - o["lr"] * trust * u
    return P, M, V


SHAPES = [(), (7,), (4, 5), (2, 3, 4), (6,)]
SCALES = [3.0, 0.5, 0.05, 1.0, 2.0]            # trust ratios below and above the clip


def _problem(seed=0, steps=50):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s) * c for s, c in zip(SHAPES, SCALES)]
    grads = [[rng.standard_normal(s) * rng.uniform(.01, 5) for s in SHAPES]
             for _ in range(steps)]
    return params, grads


GROUP_SETS = {
    "defaults+plain": (
        {"lr": .01, "decay": .01},
        {"lr": .005, "beta1": .8, "beta2": .99, "eps": 1e-6, "decay": 0.0,
         "unbiased": False, "trustclip": False}),
    "nonorm+clip": (
        {"lr": .02, "globalnorm": False, "trustmin": .3, "trustmax": 2.0, "decay": .1},
        {"lr": .001, "beta1": .5, "beta2": .9, "unbiased": True, "trustclip": True,
         "trustmin": 0.0, "trustmax": .8}),
}


def _torch_lamb(params, groups, foreach, dtype=torch.float64):
    ts = [torch.nn.Parameter(torch.tensor(p, dtype=dtype)) for p in params]
    g0, g1 = groups
    o = Lamb([{"params": ts[:3]},
              {"params": ts[3:], **O.to_torch("lamb", g1, base=O.resolve("lamb", g0))}],
             foreach=foreach, **O.to_torch("lamb", g0))
    return ts, o


def _run(ts, o, grads):
    for gs in grads:
        for t, g in zip(ts, gs):
            t.grad = torch.tensor(g, dtype=t.dtype)
        o.step()


def _rel(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))) if a.size else 0.0


MEASURED = {}


@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("case", list(GROUP_SETS))
def test_lamb_matches_numpy_oracle(case, foreach):
    params, grads = _problem()
    groups = GROUP_SETS[case]
    ts, o = _torch_lamb(params, groups, foreach)
    _run(ts, o, grads)
    full = [O.resolve("lamb", groups[0]),
            O.resolve("lamb", groups[1], base=O.resolve("lamb", groups[0]))]
    P, M, V = nvlamb(params, grads, [([0, 1, 2], full[0]), ([3, 4], full[1])],
                     globalnorm=full[0]["globalnorm"])
    worst = 0.0
    for i, t in enumerate(ts):
        st = o.state[t]
        worst = max(worst, _rel(t.detach().numpy(), P[i]),
                    _rel(st["exp_avg"].numpy(), M[i]), _rel(st["exp_avg_sq"].numpy(), V[i]))
        assert int(st["step"]) == 50
    MEASURED[(case, foreach)] = worst
    assert worst < 1e-6, worst
    # the parameters moved: the oracle comparison is not trivially true
    assert max(_rel(t.detach().numpy(), p0) for t, p0 in zip(ts, params)) > 1e-3


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("case", list(GROUP_SETS))
def test_lamb_paths_identical(case, dtype):
    params, grads = _problem(seed=1, steps=20)
    runs = []
    for foreach in (False, True):
        ts, o = _torch_lamb(params, GROUP_SETS[case], foreach, dtype)
        _run(ts, o, grads)
        runs.append((ts, o))
    (a, oa), (b, ob) = runs
    for x, y in zip(a, b):
        assert torch.equal(x, y)
        for k in ("exp_avg", "exp_avg_sq", "step"):
            assert torch.equal(oa.state[x][k], ob.state[y][k])


def test_lamb_default_foreach_and_quirks():
    params, grads = _problem(seed=2, steps=3)
    groups = GROUP_SETS["defaults+plain"]
    ts, o = _torch_lamb(params, groups, None)
    _run(ts, o, grads)
    # the default on the CPU is the fused-kernel path: the oracle's numbers
    full = [O.resolve("lamb", groups[0]),
            O.resolve("lamb", groups[1], base=O.resolve("lamb", groups[0]))]
    P, M, V = nvlamb(params, grads, [([0, 1, 2], full[0]), ([3, 4], full[1])],
                     globalnorm=full[0]["globalnorm"])
    assert max(_rel(t.detach().numpy(), P[i]) for i, t in enumerate(ts)) < 1e-12
    # ktorch divides p.grad by the global norm in place
    norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads[-1]))
    assert np.allclose(ts[1].grad.numpy(), grads[-1][1] / norm)
    # an all-zero gradient stays finite (ktorch: NaN)
    for t in ts:
        t.grad = torch.zeros_like(t)
    o.step()
    assert all(torch.isfinite(t).all() for t in ts)


def test_lamb_globalnorm_from_defaults():
    # per-group globalnorm is ignored: the optimizer's creation options decide
    params, grads = _problem(seed=3, steps=5)
    g0, g1 = GROUP_SETS["defaults+plain"]
    ts, o = _torch_lamb(params, (g0, dict(g1, globalnorm=False)), True)
    _run(ts, o, grads)
    ref, oref = _torch_lamb(params, (g0, g1), True)
    _run(ref, oref, grads)
    assert all(torch.equal(x, y) for x, y in zip(ts, ref))


def test_lamb_errors():
    p = torch.nn.Parameter(torch.ones(2))
    with pytest.raises(ValueError, match="Invalid learning rate: -1$"):
        Lamb([p], lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1$"):
        Lamb([p], betas=(.9, 1.0))
    e = torch.nn.Embedding(4, 2, sparse=True)
    o = Lamb(e.parameters())
    e(torch.tensor([1])).sum().backward()
    assert err(o.step) == "lamb: sparse gradients not implemented"


@pytest.mark.parametrize("foreach", [False, True])
def test_lamb_state_dict_round_trip(foreach):
    params, grads = _problem(seed=4, steps=10)
    groups = GROUP_SETS["defaults+plain"]
    full, ofull = _torch_lamb(params, groups, foreach)
    _run(full, ofull, grads)

    a, oa = _torch_lamb(params, groups, foreach)
    _run(a, oa, grads[:5])
    buf = io.BytesIO()
    torch.save({"params": [t.detach() for t in a], "opt": oa.state_dict()}, buf)
    buf.seek(0)
    saved = torch.load(buf)
    b = [torch.nn.Parameter(t.clone()) for t in saved["params"]]
    ob = Lamb([{"params": b[:3]}, {"params": b[3:]}])        # options come from the state
    ob.load_state_dict(saved["opt"])
    assert ob.param_groups[1]["bias_correction"] is False
    _run(b, ob, grads[5:])
    for x, y in zip(full, b):
        assert torch.equal(x, y)
        assert torch.equal(ofull.state[x]["exp_avg_sq"], ob.state[y]["exp_avg_sq"])


# --------------------------------------------------------------------------
# every optimizer, built through the catalogue, minimises a quadratic

A = torch.tensor([1.0, 2.0, 3.0, 0.5, 1.5], dtype=torch.float64)
CENTRE = torch.tensor([1.0, -2.0, 0.5, 3.0, -1.0], dtype=torch.float64)
TUNED = {"sgd": {"momentum": .9}, "adam": {"lr": .05}, "adamw": {"lr": .05},
         "adagrad": {"lr": .5}, "rmsprop": {}, "lamb": {"lr": .02}, "lbfgs": {}}


def _quadratic(x):
    return 0.5 * (A * (x - CENTRE) ** 2).sum()


@pytest.mark.parametrize("name", SEVEN)
def test_quadratic(name):
    x = torch.nn.Parameter(torch.zeros(5, dtype=torch.float64))
    o = O.create(name, [x], TUNED[name])
    f0 = _quadratic(x).item()

    def closure():
        o.zero_grad()
        loss = _quadratic(x)
        loss.backward()
        return loss

    for _ in range(1 if name == "lbfgs" else 300):
        o.step(closure)
    f = _quadratic(x).item()
    assert f < 1e-2 * f0, (name, f0, f)
    if name == "lbfgs":
        assert f < 1e-8


@pytest.mark.parametrize("name", SEVEN)
def test_defaults_descend(name):
    x = torch.nn.Parameter(torch.zeros(5, dtype=torch.float64))
    o = O.create(name, [x])
    losses = []

    def closure():
        o.zero_grad()
        loss = _quadratic(x)
        loss.backward()
        return loss

    for _ in range(20):
        losses.append(o.step(closure).item())
    assert losses[-1] < losses[0]


@pytest.mark.parametrize("name", SEVEN)
def test_state_dict_round_trip_all(name):
    def make():
        x = torch.nn.Parameter(torch.zeros(5, dtype=torch.float64))
        return x, O.create(name, [x], NONDEFAULT[name] if name != "lbfgs" else {})

    def run(x, o, n):
        def closure():
            o.zero_grad()
            loss = _quadratic(x)
            loss.backward()
            return loss
        for _ in range(n):
            o.step(closure)

    x, o = make()
    run(x, o, 10)
    y, oy = make()
    run(y, oy, 5)
    sd = copy.deepcopy(oy.state_dict())
    z, oz = make()
    with torch.no_grad():
        z.copy_(y)
    oz.load_state_dict(sd)
    run(z, oz, 5)
    assert torch.equal(x, z)
