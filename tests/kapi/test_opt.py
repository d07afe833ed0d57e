"""Optimizer verbs: opt, step, zerograd, nograd, lr, state, module o, help,
storage attributes."""

import copy
import io
import os
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from kapi.api.optim import catalog as C
from kapi.api.optim.lamb import Lamb
from kapi.api.convert import to_k
from kapi.doctest import run_file
from kapi.errors import KError

from .conftest import fresh

HERE = os.path.dirname(os.path.abspath(__file__))
TRANSCRIPT = os.path.join(HERE, "..", "transcripts", "ktorch_opt.txt")


def mask(ln):
    """Pointer values (7+ digits) -> <ptr>; a truncated line is compared up to
    its first pointer; blank runs and dash rules collapsed (pointer widths differ)."""
    ln = re.sub(r"\d{7,}", "<ptr>", ln)
    if ln.endswith("..") and "<ptr>" in ln:
        ln = ln[:ln.index("<ptr>") + 5] + ".."
    if re.fullmatch(r"-+(\.\.)?", ln):
        ln = re.sub("-+", "-", ln)
    return re.sub(" +", " ", ln).rstrip()


KTORCH_SEVEN = ("adagrad", "adam", "adamw", "lamb", "lbfgs", "rmsprop", "sgd")


def test_transcript_appendix_a(monkeypatch):
    # the transcript is ktorch's: help`optimizer lists only ktorch's seven there
    names = C.names
    monkeypatch.setattr(C, "names", lambda: [n for n in names() if n in KTORCH_SEVEN])
    out = io.StringIO()
    fails = []
    p, f = run_file(TRANSCRIPT, out, mask=mask, failures=fails)
    assert f == 0, out.getvalue()[-6000:]
    assert p >= 46


# --------------------------------------------------------------------------
# helpers

def obj(q, name):
    return q.registry.get(q.globals[name])     # q[name] is the Python view (torch objects)


def err(q, src):
    with pytest.raises(KError) as e:
        q(src)
    return e.value.name


def snapshot(oo):
    """Everything a failing call must leave alone."""
    groups = []
    for g in oo.opt.param_groups:
        d = {k: (v if k != "params" else [id(p) for p in v]) for k, v in g.items()}
        groups.append(d)
    state = {}
    for p, st in oo.opt.state.items():
        state[id(p)] = {k: (v.clone() if isinstance(v, torch.Tensor) else copy.copy(v))
                        for k, v in st.items()}
    names = [n for n, _ in oo.module.named_parameters()] if oo.module is not None else None
    return groups, state, id(oo.module), names


def same(a, b):
    ga, sa, ma, na = a
    gb, sb, mb, nb = b
    assert ga == gb and ma == mb and na == nb
    assert sa.keys() == sb.keys()
    for k in sa:
        assert sa[k].keys() == sb[k].keys()
        for j in sa[k]:
            x, y = sa[k][j], sb[k][j]
            if isinstance(x, torch.Tensor):
                assert torch.equal(x, y)
            else:
                assert x == y


NET = "q:module seq(`sequential; (`linear;`a;4;8); `relu`r; (`linear;`b;8;3))"


def data():
    g = torch.Generator().manual_seed(7)
    x = torch.randn(20, 4, generator=g)
    y = torch.randint(0, 3, (20,), generator=g)
    return x, y


def setup(q):
    x, y = data()
    q["X"] = to_k(x)
    q["Y"] = to_k(y)
    return x, y


# (q options of group 0, q options of group 1, torch kwargs 0, torch kwargs 1)
CASES = {
    "sgd": (".05;.9", "`lr`momentum`nesterov!(.02;.8;1b)",
            dict(lr=.05, momentum=.9), dict(lr=.02, momentum=.8, nesterov=True)),
    "adam": (".01;.8;.99", "(`lr,.02),(`decay,.01),(`amsgrad,1b)",
             dict(lr=.01, betas=(.8, .99)), dict(lr=.02, weight_decay=.01, amsgrad=True)),
    "adamw": (".01;`decay,.05", ".003;.85;.95;1e-6;0.0;1b",
              dict(lr=.01, weight_decay=.05),
              dict(lr=.003, betas=(.85, .95), eps=1e-6, weight_decay=0.0, amsgrad=True)),
    "adagrad": (".05;.01;0.0;.1", "`lr`init`decay!(.1;.5;.01)",
                dict(lr=.05, lr_decay=.01, initial_accumulator_value=.1),
                dict(lr=.1, initial_accumulator_value=.5, weight_decay=.01)),
    "rmsprop": (".01;.9;1e-8;0.0;.5;1b", "((`lr;.005);(`momentum;.3))",
                dict(lr=.01, alpha=.9, momentum=.5, centered=True),
                dict(lr=.005, momentum=.3)),
    "lamb": (".02;`decay,.01", "`lr`trustmax`unbiased!(.01;2.0;0b)",
             dict(lr=.02, weight_decay=.01),
             dict(lr=.01, trust_max=2.0, bias_correction=False)),
    "lbfgs": (".5;5", "`lr,.1", dict(lr=.5, max_iter=5, max_eval=25), dict(lr=.1)),
}

STEP = "f:{zerograd o; r:forward(q;X); l:ce(r;Y); backward l; free(r;l); step o}"
LSTEP = "f:{step(o;{r:forward(q;X); l:ce(r;Y); backward l; free r; l})}"


def kapi_run(name, steps, q=None, init=None):
    q = q or fresh()
    setup(q)
    torch.manual_seed(3)
    q(NET) if init is None else q("q:module get`:%s" % init)
    m = obj(q, "q").module
    start = copy.deepcopy(m)
    o0, o1, _, _ = CASES[name]
    q("o:opt`%s" % name)
    q("opt(o;0;(q;`a);%s)" % o0)
    q("opt(o;1;(q;`b);%s)" % o1)
    q(LSTEP if name == "lbfgs" else STEP)
    for _ in range(steps):
        q("f[]")
    return q, m, start


def torch_run(name, start, steps):
    x, y = data()
    m = copy.deepcopy(start)
    _, _, k0, k1 = CASES[name]
    a = list(m.a.parameters())
    b = list(m.b.parameters())
    if name == "lbfgs":
        o = torch.optim.LBFGS(a, **k0)         # ktorch's lbfgs steps group 0 only
    else:
        cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
               "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
               "lamb": Lamb}[name]
        # the rest of each group from ktorch's defaults for this optimizer
        d = C.to_torch(name)
        o = cls([dict(d, params=a, **k0), dict(d, params=b, **k1)])
        if name == "adagrad":
            # torch.optim.Adagrad starts every sum from the constructor's
            # initial_accumulator_value; libtorch (and ktorch) use the group's
            for g in o.param_groups:
                for p in g["params"]:
                    o.state[p]["sum"].fill_(g["initial_accumulator_value"])

    def closure():
        o.zero_grad()
        loss = F.cross_entropy(m(x), y)
        loss.backward()
        return loss

    for _ in range(steps):
        if name == "lbfgs":
            o.step(closure)
        else:
            closure()
            o.step()
    return m


@pytest.mark.parametrize("name", sorted(CASES))
def test_numerics_two_groups(name):
    q, m, start = kapi_run(name, 50)
    ref = torch_run(name, start, 50)
    # the groups have the options asked for
    oo = obj(q, "o")
    assert len(oo.opt.param_groups) == 2
    for (kn, v), g in zip([(name, CASES[name][2]), (name, CASES[name][3])], oo.opt.param_groups):
        for k, val in v.items():
            assert g[k] == val, (k, g[k], val)
    for (n, p), (n2, r) in zip(m.named_parameters(), ref.named_parameters()):
        assert n == n2
        assert torch.allclose(p, r, rtol=1e-6, atol=1e-7), (name, n, (p - r).abs().max())
    if name == "lbfgs":
        assert torch.equal(m.b.weight, start.b.weight)
    else:
        assert not torch.equal(m.b.weight, start.b.weight)


@pytest.mark.parametrize("name", sorted(CASES))
def test_state_round_trip(name, tmp_path):
    q = fresh()
    setup(q)
    torch.manual_seed(5)
    q(NET)
    init = str(tmp_path / "init")
    q("`:%s set state q" % init)
    # uninterrupted: 10 steps
    kapi_run(name, 10, q=q, init=init)
    full = [p.detach().clone() for p in obj(q, "q").module.parameters()]
    q("free[]")
    # 5 steps, save, free, restore, 5 steps
    kapi_run(name, 5, q=q, init=init)
    fm, fo = str(tmp_path / "m"), str(tmp_path / "o")
    q("`:%s set state q" % fm)
    q("`:%s set s:state o" % fo)
    before = obj(q, "o")
    keys = {id(p): set(st) for p, st in before.opt.state.items()}
    q("free[]")
    q("q:module get`:%s" % fm)
    q("o:opt(get`:%s; q)" % fo)
    assert q("s~state o") is not None
    after = obj(q, "o")
    # every buffer restored
    assert sorted(map(sorted, keys.values())) == sorted(sorted(st) for st in after.opt.state.values())
    assert bool(q("(s[`options]~state[o]`options)"))
    assert bool(q("s[`parms;`buffers]~state[o][`parms;`buffers]"))
    q(LSTEP if name == "lbfgs" else STEP)
    for _ in range(5):
        q("f[]")
    got = list(obj(q, "q").module.parameters())
    for a, b in zip(full, got):
        assert torch.equal(a, b), name


# --------------------------------------------------------------------------
# forms

def test_definition_flag_and_setting(q):
    q("m:module enlist(`linear;4;2)")
    q("o:opt(`adamw;m;.01)")
    assert list(q.eval("opt[(o;0b)]`options").names) == ["lr"]
    assert list(q.eval("opt[(o;1b)]`options").names) == ["lr", "beta1", "beta2", "eps", "decay", "amsgrad"]
    assert list(q.eval("state[(o;0b)]`options").names) == ["lr"]
    # opt(o;1) is an edit (new group), opt(o;1b) a get
    q("opt(o;1)")
    assert len(obj(q, "o").opt.param_groups) == 2


def test_lbfgs_options_display(q):
    q("o:opt(`lbfgs;();1.0;10)")
    assert list(q.eval("opt[o]`options").names) == ["lr", "iter", "eval", "gradtol", "changetol", "history"]
    assert int(q("first exec eval from opt[o]`options")) == 12
    q("o:opt(`lbfgs;();`search`strong_wolfe)")
    assert q("first exec search from opt[o]`options") == "strong_wolfe"


def test_pair_forms(q):
    q("o:opt(`sgd;();`lr`momentum`dampening`nesterov`decay!(.1;.9;0;0b;1))")
    g = obj(q, "o").opt.param_groups[0]
    assert (g["lr"], g["momentum"], g["weight_decay"]) == (.1, .9, 1.0)
    q("o:opt(`lbfgs;();`search`strong_wolfe)")
    assert obj(q, "o").opt.param_groups[0]["line_search_fn"] == "strong_wolfe"
    q("o:opt(`sgd;();.1;(`momentum;1i))")     # ints accepted in pairs
    assert obj(q, "o").opt.param_groups[0]["momentum"] == 1.0


def test_step_closure_lbfgs(q):
    q("w:tensor(.5 2.5 3.0;`grad)")
    q("o:opt(`lbfgs;w)")
    assert err(q, "step o") == "LBFGS optimizer requires model, loss & inputs"
    q("n:0")
    r = q.eval("step(o;{n::n+1; l:mse(w;1 2 3.0); backward l; l})")
    assert isinstance(r, np.float64)
    assert np.allclose(q("tensor w"), [1, 2, 3])
    assert int(q("n")) > 1
    # closure returning a number; pointers it returns are freed
    before = len(q.registry)
    q("step(o;{l:mse(w;1 2 3.0); backward l; return l})")
    assert len(q.registry) == before


def test_zerograd_nograd_forms(q):
    q("t:tensor(1 2 3.0;`grad)")
    q("backward mse(t;0 0 0.0)")
    q("zerograd t")
    assert list(q("grad t")) == [0, 0, 0]
    q("nograd t")
    assert q("grad t") is None
    q("v:vector(1 2 3.0; 4 5.0)")
    q("gradflag(v;1b)")
    q("d:dict `a`b!(1 2 3.0;4 5.0)")
    q("gradflag(d;1b)")
    q("m:module enlist(`linear;3;2)")
    for p in ("v", "d", "m"):
        o = obj(q, p)
        ts = o.tensors() if p != "m" else list(o.module.parameters())
        for t in ts:
            (t * t).sum().backward()
        q("zerograd %s" % p)
        assert all(t.grad is not None and not t.grad.any() for t in ts)
        q("nograd %s" % p)
        assert all(t.grad is None for t in ts)
    q("o:opt(`sgd;m)")
    ps = list(obj(q, "m").module.parameters())
    for t in ps:
        (t * t).sum().backward()
    q("zerograd o")
    assert all(t.grad is not None and not t.grad.any() for t in ps)
    q("nograd o")
    assert all(t.grad is None for t in ps)
    assert err(q, "zerograd 1") == "zerograd: not implemented for long scalar"


def test_lr(q):
    q("m0:module enlist(`linear;4;3); m1:module enlist(`linear;3;2)")
    q("o:opt(`sgd;m0;.1)")
    q("opt(o;1;m1;.2)")
    assert list(q("lr o")) == [.1, .2]
    q("lr(o;.5)")
    assert list(q("lr o")) == [.5, .5]
    q("lr(o;.3 .4)")
    assert list(q("lr o")) == [.3, .4]
    s = snapshot(obj(q, "o"))
    assert err(q, "lr(o;.1 .2 .3)") == "length error: 3 learning rates given for 2 parameter groups"
    assert err(q, "lr(o;1)") == \
        "lr: unrecognized arg(s), expecting model/optimizer and learning rate(s) as double(s)"
    assert err(q, "lr 1") == "lr: not implemented for long scalar"
    assert err(q, "lr(o;.1;.2)") == "lr: expecting 1-2 args, given 3"
    assert err(q, "lr(m0;.1)") == \
        "lr: unrecognized arg(s), expecting model/optimizer and learning rate(s) as double(s)"
    assert err(q, "lr m0") == "lr: unrecognized arg(s), expecting model/optimizer to query learning rate(s)"
    same(s, snapshot(obj(q, "o")))
    q("o:opt(`sgd;m0)")
    assert err(q, "lr(o;.1 .2)") == "length error: 2 learning rates given for 1 parameter group"


def test_storage_and_module(q):
    q("o:opt`sgd")
    assert err(q, "module o") == "module: no module registered with given optimizer"
    q("m:module enlist(`linear;128;10)")
    q("o:opt(`adamw;m;`amsgrad,1b)")
    q("backward z:ce(y:forward(m; 20 128#1e); 20?10); step o")
    assert list(q("(tensorcount;elements;bytes)@\\:o")) == [6, 3872, 15496]
    q("c:module o")
    assert q.eval("c") != q.eval("m")
    assert obj(q, "c").module is obj(q, "m").module
    assert q("objtype o") == "adamw" and q("class o") == "optimizer" and int(q("size o")) == 2
    # lbfgs: step counters are scalars, deques count their tensors
    q("w:tensor(.5 2.5 3.0;`grad)")
    q("o:opt(`lbfgs;w)")
    q("step(o;{l:mse(w;1 2 3.0); backward l; l})")
    oo = obj(q, "o")
    st = oo.opt.state[oo.opt.param_groups[0]["params"][0]]
    n = len(st["old_dirs"])
    assert int(q("tensorcount o")) >= 2 + 3 * n


def test_help(q):
    q("o:opt(`sgd;();.1)")
    q("opt(o;1;();.2)")
    h = q.eval("help o")
    assert list(h.names) == ["lr", "momentum", "dampening", "decay", "nesterov"]
    assert list(h.cols[0]) == [.1, .2]
    assert list(q("key help`sgd")) == ["lr", "momentum", "dampening", "decay", "nesterov"]
    assert list(q.eval("help`optimizer").cols[0]) == C.names()
    assert "help o" in q("help`help")
    assert err(q, "help`nosuch") == "help: help topic, `nosuch"


# --------------------------------------------------------------------------
# errors: texts, and nothing changes on failure

ERRORS = [
    ("opt`foo", "unrecognized optimizer: foo"),
    ("opt(`sgd;();`foo,1)", "unrecognized optimizer setting: foo"),
    ("opt(`sgd;();`amsgrad,1b)", "sgd option: amsgrad not recognized"),
    ("opt(`sgd;();1e)", "sgd lr: expected long/double scalar, given real scalar"),
    ("opt(`sgd;();`lr,1e)", "sgd lr: expected long/double scalar, given real scalar"),
    ("opt(`sgd;();.1;.9;0;0;1)", "sgd nesterov: expected boolean, given long scalar"),
    ("opt(`sgd;();`nesterov,1)", "sgd nesterov: expected boolean scalar, given long scalar"),
    ("opt(`lbfgs;();1;1.5)", "lbfgs iter: expected long scalar, given double scalar"),
    ("opt(`lbfgs;();`search,1)", "lbfgs search: expected symbol, given long scalar"),
    ("opt(`sgd;m;.1;.9;0;0;0b;1)", "sgd: expecting up to 7 positional args, 8 given"),
    ("opt(`sgd;0;m;.1;.9;0;0;0b;1)", "sgd: expecting up to 8 positional args, 9 given"),
    ("opt(`sgd;1;m)", "opt: cannot define group 1 until optimizer is created with initial parameter group"),
    ("opt(`sgd;();-1.0)", "Invalid learning rate: -1"),
    ("opt(`sgd;();.1;`nesterov,1b)", "Nesterov momentum requires a momentum and zero dampening"),
    ("opt(`adam;();.1;1.0)", "Invalid beta parameter at index 0: 1"),
    ("opt(`sgd;();`lr`decay`x)", "uneven no. of symbols for name,value pairs: `lr`decay`x"),
    ("opt(`sgd;();(`lr;.1;`decay))", "uneven no. of elements for name,value pairs in list: (`lr;0.1;`decay)"),
    ("opt(`sgd;();((`lr;.1);(.2;.3)))", "name,value pair[1] has no name symbol"),
    ("opt(`sgd;();((`lr;.1);(`a;.2;.3)))", "name,value pair[1] has 3 elements (expected 2)"),
    ("opt(`sgd;();(`lr;.1;2;.3))", "unrecognized name for pair, element[2], expected symbol, received: long scalar"),
    ("opt(`sgd;();(`lr;\"ab\"))", "name-value pairs not implemented for char list value"),
    ("opt(`sgd;1 2 3)", "opt: expecting module, model or tensors after optimizer & optional group number, given long list"),
    ("opt(`sgd;(m;0;1))", "opt: expecting one arg to select parameters from module but given 2 args"),
    ("opt(`sgd;(m;5))", "opt: module[5] out of bounds, 1 submodule(s)"),
    ("opt(`sgd;(m;-1))", "opt: module[-1] invalid"),
    ("opt(`sgd;(m;`x))", "opt: no module or parameter named `x"),
    ("opt(`sgd;(m;`a`a))", "opt: duplicate parameter(s) with module[`a]"),
    ("opt(`sgd;(m;1.5))", "opt: sequential module supplied with unrecognized double scalar selector(s)"),
    ("opt(`sgd;(v;2))", "opt: vector[2] out of bounds, index must be less than 2"),
    ("opt(`sgd;(v;-1))", "opt: vector[-1] invalid"),
    ("opt(`sgd;(v;1 1))", "opt: duplicate parameter from vector[1]"),
    ("opt(`sgd;(v;`a))", "opt: tensor vector supplied with unrecognized symbol scalar selector(s)"),
    ("opt(`sgd;(d;`z))", "opt: no dictionary parameter named `z"),
    ("opt(`sgd;(d;`a`a))", "opt: duplicate parameter dict[`a]"),
    ("opt(`sgd;(d;1))", "opt: tensor dictionary supplied with unrecognized long scalar selector(s)"),
    ("opt 1", "opt: unrecognized arg(s)"),
    ("step 1", "step: expects model or optimizer, given long scalar"),
    ("step m", "step: expects model or optimizer, given module"),
]


@pytest.mark.parametrize("src,text", ERRORS)
def test_error_texts(q, src, text):
    q("m:module seq(`sequential; (`linear;`a;4;3))")
    q("v:vector(1 2 3e; 4 5e); gradflag(v;1b)")
    q("d:dict `a`b!(1 2 3e;4 5e); gradflag(d;1b)")
    assert err(q, src) == text


EDIT_ERRORS = [
    ("opt(o;-1;())", "opt: group -1 invalid, cannot be negative"),
    ("opt(o;3;())", "opt: group 3 invalid, cannot be greater than number of groups(2)"),
    ("opt(o;0;();.1;`foo,1)", "unrecognized optimizer setting: foo"),
    ("opt(o;0;(m;`b);.1;.2;0;0;0b;1)", "sgd: expecting up to 8 positional args, 9 given"),
    ("opt(o;1;(m;`b);.5;`amsgrad,1b)", "sgd option: amsgrad not recognized"),
    ("opt(o;0;(m;`a))", "opt: parameter[0] already in group 0 (linear module parameter `0.a.weight)"),
    ("opt(o;2;(m;`b`a))", "opt: parameter[2] already in group 0 (linear module parameter `0.a.weight)"),
    ("opt(o;(v;0 1 0))", "opt: duplicate parameter from vector[0]"),
    ("opt(o;(v;5))", "opt: vector[5] out of bounds, index must be less than 2"),
    ("opt(o;n)", "opt: a linear module named `n already registered with the optimizer"),
    ("opt(o;0;(m;`d))", "opt: no module or parameter named `d"),
    ("lr(o;1 2 3.0)", "length error: 3 learning rates given for 2 parameter groups"),
]


@pytest.mark.parametrize("src,text", EDIT_ERRORS)
def test_failed_edit_changes_nothing(q, src, text):
    q("m:module seq(`sequential; (`linear;`a;4;3); `relu`r; (`linear;`b;3;2); (`linear;`c;2;2))")
    q("v:vector(1 2 3e; 4 5e); gradflag(v;1b)")
    q("n:module enlist(`linear;`n;2;2); n2:module enlist(`linear;`n;2;2)")
    q("o:opt(`sgd;(m;`a);.1;.9)")
    q("opt(o;1;n2;.2)")
    q("backward z:mse(y:forward(m;5 4#1e);5 2#0e); step o")
    s = snapshot(obj(q, "o"))
    assert err(q, src) == text
    same(s, snapshot(obj(q, "o")))


def test_container_rules(q):
    q("q1:module enlist(`linear;`A;2;2); q2:module enlist(`linear;2;2)")
    q("v:vector(1 2e; 3 4e); d:dict `x`y!(1e;2 3e)")
    q("o:opt(`sgd;v)")
    q("opt(o;(d;`y))")
    q("opt(o;1;q1)")
    q("opt(o;1;q2)")
    assert list(q("names module o")) == ["parms", "A", "2"]
    assert list(q("exec name from opt[o]`parms")) == \
        ["parms.0", "parms.1", "parms.y", "A.weight", "A.bias", "2.weight", "2.bias"]
    assert list(q("exec module from opt[o]`parms")) == ["parmdict"] * 3 + ["linear"] * 4
    # a tensor added after a module: the module is wrapped, the parmdict added
    q("t:tensor(1 2e;`grad); m:module enlist(`linear;2;2)")
    q("o:opt(`sgd;m)")
    q("opt(o;t)")
    assert list(q("childnames module o")) == ["0", "parms"]
    # a submodule of the container is not added again
    q("s:module seq(`sequential; (`linear;`a;2;2); (`linear;`b;2;2))")
    q("o:opt(`sgd;(s;`a))")
    q("opt(o;1;(s;`b))")
    assert q("objtype module o") == "sequential"
    # duplicate parameters in one call, by name
    assert err(q, "opt(`sgd;(s;`a`a.weight))") == "opt: duplicate parameter `a.weight"


def test_restore_errors(q, tmp_path):
    q("m:module seq(`sequential; (`linear;`a;4;3); (`linear;`b;3;2))")
    q("o:opt(`sgd;(m;`a);.1;.9)")
    q("opt(o;1;(m;`b);.2)")
    q("s:state o")
    q("m2:module seq(`sequential; (`linear;`a;4;3); (`linear;`c;3;2))")
    assert err(q, "opt(s;m2)") == "opt: unable to find linear parameter `b.weight"
    q("m3:module seq(`sequential; (`linear;`a;4;5); (`linear;`b;5;2))")
    assert err(q, "opt(s;m3)") == "opt: size mismatch for linear parameter `a.weight, expected [5, 4], given [3, 4]"
    assert err(q, "opt(@[s;`options;1#];m)") == \
        "opt: group[1] for linear parameter `b.weight is invalid, 1 group(s) defined"
    assert err(q, "opt(@[s;`options;0#];m)") == \
        "opt: empty table of settings supplied for sgd optimizer, need at least one row"
    assert err(q, "opt(@[s;`options;:;1];m)") == \
        "opt: unrecognized settings for sgd optimizer, expecting table, given long scalar"
    q("o2:opt(s;m)")
    assert bool(q("(opt[o]`options)~opt[o2]`options"))
