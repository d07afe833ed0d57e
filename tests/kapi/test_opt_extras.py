"""Optimizer extras: closures, learning-rate schedules,
gradient clipping, accumulation, weight-decay masks, custom optimizers,
sparse gradients."""

import copy
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch.optim import lr_scheduler as L

from kapi.api.convert import to_k
from kapi.api.optim import catalog as C
from kapi.api.optim.custom import needs_closure, register_optimizer, unregister_optimizer
from kapi.errors import KError

from .conftest import fresh
from .test_opt import NET, err, same, setup, snapshot, data


def obj(q, name):
    return q.registry.get(q.globals[name])


def mod(q, name):
    return obj(q, name).module


# --------------------------------------------------------------------------
# closures

def test_closure_general_and_required(q):
    setup(q)
    torch.manual_seed(1)
    q(NET)
    start = copy.deepcopy(mod(q, "q"))
    q("o:opt(`sgd;q;.1;.9)")
    q("f:{r:forward(q;X); l:ce(r;Y); backward l; free r; l}")
    losses = [float(q("step(o;f)")) for _ in range(5)]
    x, y = data()
    m = copy.deepcopy(start)
    o = torch.optim.SGD(m.parameters(), lr=.1, momentum=.9)
    ref = []
    for _ in range(5):
        def closure():
            o.zero_grad()
            loss = F.cross_entropy(m(x), y)
            loss.backward()
            return loss
        ref.append(float(o.step(closure)))
    assert np.allclose(losses, ref, rtol=1e-6)
    for a, b in zip(mod(q, "q").parameters(), m.parameters()):
        assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)
    # optimizers that need a closure
    assert needs_closure("lbfgs") and not needs_closure("sgd")
    q("w:tensor(.5 2.5 3.0;`grad); o:opt(`lbfgs;w)")
    assert err(q, "step o") == "LBFGS optimizer requires model, loss & inputs"
    # the closure must return a loss
    q("o:opt(`sgd;w)")
    s = snapshot(obj(q, "o"))
    assert err(q, "step(o;{backward mse(w;1 2 3.0); `x})") == \
        "step: closure expected to return loss as tensor or number, given symbol scalar"
    same(s, snapshot(obj(q, "o")))


class Newton1(torch.optim.Optimizer):
    """A closure-only optimizer: a damped step using the loss value."""

    def __init__(self, params, lr=0.5):
        super().__init__(params, dict(lr=lr))

    @torch.no_grad()
    def step(self, closure):
        with torch.enable_grad():
            loss = closure()
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is not None:
                    p.add_(p.grad, alpha=-g["lr"])
        return loss


def test_custom_closure_optimizer_error():
    register_optimizer("newton1", Newton1, options=[("lr", "lr", 0.5)],
                       help="closure test", buffers=())
    try:
        assert needs_closure("newton1")
        q = fresh()
        q("w:tensor(.5 2.5 3.0;`grad); o:opt(`newton1;w)")
        assert err(q, "step o") == ("step: newton1 optimizer requires a closure, use step(o;f) "
                                    "with f a function that recomputes the loss, calls backward "
                                    "and returns the loss")
        for _ in range(30):
            q("step(o;{l:mse(w;1 2 3.0); backward l; l})")
        assert np.allclose(q("tensor w"), [1, 2, 3], atol=1e-3)
    finally:
        unregister_optimizer("newton1")


# --------------------------------------------------------------------------
# schedules

N = 40

# (k schedule, torch scheduler class, kwargs)
SCHEDS = [
    ("`constant", L.ConstantLR, {}),
    ("(`constant;.5;10)", L.ConstantLR, dict(factor=.5, total_iters=10)),
    ("(`linear;.1;1.0;8)", L.LinearLR, dict(start_factor=.1, end_factor=1.0, total_iters=8)),
    ("(`step;7;.5)", L.StepLR, dict(step_size=7, gamma=.5)),
    ("(`multistep;3 11 20;.3)", L.MultiStepLR, dict(milestones=[3, 11, 20], gamma=.3)),
    ("(`exponential;.93)", L.ExponentialLR, dict(gamma=.93)),
    ("(`polynomial;30;2)", L.PolynomialLR, dict(total_iters=30, power=2.0)),
    ("(`cosine;25;1e-4)", L.CosineAnnealingLR, dict(T_max=25, eta_min=1e-4)),
    ("(`restarts;6;2;.001)", L.CosineAnnealingWarmRestarts, dict(T_0=6, T_mult=2, eta_min=.001)),
    ("(`onecycle;.5;N)", L.OneCycleLR, dict(max_lr=.5, total_steps=N)),
    ("(`onecycle;`maxlr`total`anneal`threephase!(.5;N;`linear;1b))", L.OneCycleLR,
     dict(max_lr=.5, total_steps=N, anneal_strategy="linear", three_phase=True)),
]


def torch_lrs(cls, kw, opt_cls=torch.optim.SGD, okw=None, n=N):
    p = torch.nn.Parameter(torch.zeros(2))
    o = opt_cls([p], **(okw or dict(lr=.1, momentum=.9)))
    s = cls(o, **kw)
    g = o.param_groups[0]
    lrs, mom = [g["lr"]], [g.get("momentum", g.get("betas", (0,))[0])]
    for _ in range(n):
        p.grad = torch.ones(2)
        o.step()
        s.step()
        lrs.append(g["lr"])
        mom.append(g.get("momentum", g.get("betas", (0,))[0]))
    return lrs, mom


def k_lrs(q, n=N):
    lrs = [float(q("first lr o"))]
    for _ in range(n):
        q("step o")
        lrs.append(float(q("first lr o")))
    return lrs


@pytest.mark.parametrize("src,cls,kw", SCHEDS, ids=[s[0] for s in SCHEDS])
def test_schedule_matches_torch(q, src, cls, kw):
    q("N:%d; w:tensor(0 0e;`grad); o:opt(`sgd;w;.1;.9)" % N)
    q("schedule(o;%s)" % src)
    got = k_lrs(q)
    want, mom = torch_lrs(cls, kw)
    assert np.allclose(got, want, rtol=1e-12, atol=0), (got, want)
    if cls is L.OneCycleLR:
        assert float(q("first exec momentum from opt[o]`options")) == pytest.approx(mom[-1])


def test_onecycle_adam_beta1_and_end(q):
    q("w:tensor(0 0e;`grad); o:opt(`adam;w;.1)")
    q("schedule(o;(`onecycle;.2;10))")
    betas = []
    for _ in range(15):             # past total: the rate holds, no error
        q("step o")
        betas.append(float(q("first exec beta1 from opt[o]`options")))
    p = torch.nn.Parameter(torch.zeros(2))
    o = torch.optim.Adam([p], lr=.1)
    s = L.OneCycleLR(o, max_lr=.2, total_steps=10)
    want = []
    for _ in range(10):             # torch steps up to total, then raises
        o.step()
        s.step()
        want.append(o.param_groups[0]["betas"][0])
    with pytest.raises(ValueError):
        s.step()
    assert np.allclose(betas[:10], want) and betas[10:] == [betas[9]] * 5
    assert float(q("first lr o")) == pytest.approx(o.param_groups[0]["lr"])
    assert bool(q("first exec done from schedule o"))


def test_schedule_per_group(q):
    q("a:tensor(0 0e;`grad); b:tensor(0 0 0e;`grad)")
    q("o:opt(`sgd;a;.1;.9); opt(o;1;b;.05)")
    q("schedule(o;0;(`cosine;20)); schedule(o;1;(`step;5;.5))")
    got = [list(q("lr o"))]
    for _ in range(N):
        q("step o")
        got.append(list(q("lr o")))
    want0, _ = torch_lrs(L.CosineAnnealingLR, dict(T_max=20))
    want1, _ = torch_lrs(L.StepLR, dict(step_size=5, gamma=.5), okw=dict(lr=.05, momentum=.9))
    assert np.allclose([g[0] for g in got], want0)
    assert np.allclose([g[1] for g in got], want1)
    t = q.eval("schedule o")
    assert list(t.names) == ["group", "schedule", "options", "base", "step", "done"]
    assert list(t.cols[0]) == [0, 1] and list(t.cols[1]) == ["cosine", "step"]
    assert list(t.cols[4]) == [N, N]
    # remove group 1's schedule: its rate then holds
    q("schedule(o;1;::)")
    r = float(q("last lr o"))
    q("step o")
    assert float(q("last lr o")) == r
    assert list(q.eval("schedule o").cols[0]) == [0]


def test_k_function_schedule(q):
    q("w:tensor(0 0e;`grad); o:opt(`sgd;w;.1)")
    q("schedule(o;{.2*.9 xexp x})")
    got = k_lrs(q, 10)
    assert np.allclose(got, [.2 * .9 ** i for i in range(11)])
    # with the base rate: warmup then inverse square root
    q("o:opt(`sgd;w;.3)")
    q("schedule(o;{[n;lr0] lr0*min(1;(1+n)%5)%sqrt 1|n%5})")
    got = k_lrs(q, 20)
    want = [.3 * min(1, (1 + n) / 5) / math.sqrt(max(1, n / 5)) for n in range(21)]
    assert np.allclose(got, want)
    # a failing function: the step fails and nothing changes
    q("w2:tensor(1 2e;`grad); o:opt(`sgd;w2;.1); schedule(o;{$[x<3;.1;`bad]})")
    q("backward mse(w2;0 0e)")
    q("step o; step o")
    before = q("tensor w2").copy()
    s = snapshot(obj(q, "o"))
    with pytest.raises(KError):
        q("step o")
    same(s, snapshot(obj(q, "o")))
    assert np.array_equal(q("tensor w2"), before)


@pytest.mark.parametrize("src", ["(`cosine;12;.001)", "(`onecycle;.4;20)", "{.1*.8 xexp x}",
                                 "(`restarts;3;2)", "(`exponential;.9)", "(`linear;.2;1;6)"])
def test_schedule_survives_state(tmp_path, src):
    def run(q, k):
        return [float(v) for _ in range(k) for v in [q("step o; first lr o")]]

    q = fresh()
    q("w:tensor(0 0e;`grad); o:opt(`adamw;w;.1)")
    q("schedule(o;%s); onstep(o;`accumulate`clipnorm!(1;5.0))" % src)
    full = run(q, 20)
    q = fresh()
    q("w:tensor(0 0e;`grad); o:opt(`adamw;w;.1)")
    q("schedule(o;%s); onstep(o;`clipnorm,5.0)" % src)
    part = run(q, 8)
    f = str(tmp_path / "o")
    q("`:%s set s:state o" % f)
    q("m:module o; free o")
    q("o:opt(get`:%s;m)" % f)
    assert bool(q("(s`options)~(state o)`options"))
    assert float(q("onstep[o]`clipnorm")) == 5.0
    t0, t1 = q.eval("s[`extras;`schedule]"), q.eval("schedule o")
    assert list(t0.cols[4]) == list(t1.cols[4]) == [8]
    part += run(q, 12)
    assert np.allclose(part, full, rtol=1e-12), (part, full)


def test_schedule_errors_change_nothing(q):
    q("w:tensor(0 0e;`grad); o:opt(`sgd;w;.1;.9); opt(o;1;();.2)")
    q("schedule(o;(`cosine;10))")
    s = snapshot(obj(q, "o"))
    t = q.eval("schedule o")
    cases = [
        ("schedule(o;`nosuch)", "schedule: unrecognized schedule `nosuch"),
        ("schedule(o;`cosine)", "schedule: cosine requires option `tmax"),
        ("schedule(o;(`cosine;1.5))", "schedule: cosine tmax expected long scalar, given double scalar"),
        ("schedule(o;(`cosine;10;0.0;1))", "schedule: cosine expects up to 2 positional options, 3 given"),
        ("schedule(o;(`step;`size`foo!1 2))", "schedule: step option `foo not recognized"),
        ("schedule(o;2;`constant)", "schedule: group 2 invalid, 2 group(s) defined"),
        ("schedule(o;(`linear;2.0))", "schedule: linear: Starting multiplicative factor"),
        ("schedule(o;{`x})", "schedule: function returned symbol scalar for step 0"),
        ("schedule(o;1 2)", "schedule: expecting a function of the step, a schedule name or"),
    ]
    for src, text in cases:
        assert err(q, src).startswith(text), (src, err(q, src))
        same(s, snapshot(obj(q, "o")))
    assert str(q.eval("schedule o").cols[1][0]) == str(t.cols[1][0])
    q("o2:opt(`adagrad;w)")
    assert err(q, "schedule(o2;(`onecycle;.1;10))").startswith(
        "schedule: optimizer must support momentum or beta1")
    q("schedule(o2;(`onecycle;`maxlr`total`cyclemom!(.1;10;0b)))")


# --------------------------------------------------------------------------
# clipping

def grads_setup(q, seed=11):
    setup(q)
    torch.manual_seed(seed)
    q(NET)
    q("o:opt(`sgd;(q;`a);.1); opt(o;1;(q;`b);.1)")
    q("backward l:ce(r:forward(q;X);Y); free(r;l)")
    m = mod(q, "q")
    return m, [p.grad.clone() for p in m.parameters()]


@pytest.mark.parametrize("args,p,pergroup", [("1.0", 2.0, False), (".5;1", 1.0, False),
                                             (".1;0w", math.inf, False), (".2;1b", 2.0, True),
                                             (".3;3.0;1b", 3.0, True)])
def test_clip_now_matches_torch(q, args, p, pergroup):
    m, g0 = grads_setup(q)
    maxnorm = float(args.split(";")[0])
    r = q("clip(o;%s)" % args)
    ps = [torch.nn.Parameter(g.clone()) for g in g0]
    for a, g in zip(ps, g0):
        a.grad = g.clone()
    groups = [ps[:2], ps[2:]] if pergroup else [ps]
    want = [float(torch.nn.utils.clip_grad_norm_(gs, maxnorm, p)) for gs in groups]
    assert np.allclose(np.atleast_1d(r), want)
    assert (np.ndim(r) == 1) == pergroup
    for a, b in zip(m.parameters(), ps):
        assert torch.allclose(a.grad, b.grad)


def test_clipv_and_module_targets(q):
    m, g0 = grads_setup(q)
    q("clipv(o;.01)")
    for a, g in zip(m.parameters(), g0):
        assert torch.equal(a.grad, g.clamp(-.01, .01))
    # a module, a tensor
    r = q("clip(q;.001)")
    assert float(r) == pytest.approx(float(torch.cat([g.clamp(-.01, .01).flatten() for g in g0]).norm()))
    q("t:tensor(3 4e;`grad); backward mse(t;0 0e)")
    assert float(q("clip(t;1.0)")) == pytest.approx(5.0)      # mse: grad = 2t/2
    assert np.allclose(q("grad t"), np.array([3, 4]) / 5, rtol=1e-5)
    assert err(q, "clip(o;-1.0)") == "clip: max norm expected as positive long or double, given -1f"
    assert err(q, "clip(q;1.0;1b)") == "clip: group flag is only for optimizers"
    assert err(q, "clipv(o;`a)") == "clipv: clip value expected as positive long or double, given `a"


def test_clip_on_step_matches_torch(q):
    setup(q)
    torch.manual_seed(2)
    q(NET)
    start = copy.deepcopy(mod(q, "q"))
    q("o:opt(`adam;q;.01); onstep(o;`clipnorm`clipvalue!(.5;.05))")
    q("f:{zerograd o; r:forward(q;X); l:ce(r;Y); backward l; free(r;l); step o}")
    for _ in range(10):
        q("f[]")
    x, y = data()
    m = copy.deepcopy(start)
    o = torch.optim.Adam(m.parameters(), lr=.01)
    for _ in range(10):
        o.zero_grad()
        F.cross_entropy(m(x), y).backward()
        torch.nn.utils.clip_grad_value_(m.parameters(), .05)
        torch.nn.utils.clip_grad_norm_(m.parameters(), .5)
        o.step()
    for a, b in zip(mod(q, "q").parameters(), m.parameters()):
        assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)
    d = q.eval("onstep o")
    assert list(d.keys) == ["accumulate", "clipnorm", "clipp", "clipgroup", "clipvalue", "pending"]
    q("onstep(o;`clipnorm`clipvalue!0n 0n)")
    assert math.isnan(q("onstep[o]`clipnorm")) and math.isnan(q("onstep[o]`clipvalue"))
    s = snapshot(obj(q, "o"))
    assert err(q, "onstep(o;`accumulate,0)") == "onstep: accumulate expected as a positive long, given 0"
    assert err(q, "onstep(o;`foo,1)").startswith("onstep: unrecognized setting `foo")
    same(s, snapshot(obj(q, "o")))


def test_clip_per_group_on_step(q):
    setup(q)
    torch.manual_seed(4)
    q(NET)
    start = copy.deepcopy(mod(q, "q"))
    q("o:opt(`sgd;(q;`a);.1); opt(o;1;(q;`b);.2)")
    q("onstep(o;`clipnorm`clipp`clipgroup!(.3;1;1b))")
    q("f:{r:forward(q;X); l:ce(r;Y); backward l; free r; l}")
    for _ in range(5):
        q("step(o;f)")          # clipping inside the closure too
    x, y = data()
    m = copy.deepcopy(start)
    ga, gb = list(m.a.parameters()), list(m.b.parameters())
    o = torch.optim.SGD([dict(params=ga, lr=.1), dict(params=gb, lr=.2)])
    for _ in range(5):
        o.zero_grad()
        F.cross_entropy(m(x), y).backward()
        torch.nn.utils.clip_grad_norm_(ga, .3, 1.0)
        torch.nn.utils.clip_grad_norm_(gb, .3, 1.0)
        o.step()
    for a, b in zip(mod(q, "q").parameters(), m.parameters()):
        assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)


# --------------------------------------------------------------------------
# accumulation

@pytest.mark.parametrize("zero", [True, False])
def test_accumulate_equals_summed_gradients(q, zero):
    setup(q)
    torch.manual_seed(6)
    q(NET)
    start = copy.deepcopy(mod(q, "q"))
    q("o:opt(`adamw;q;.01); onstep(o;`accumulate,3)")
    q("schedule(o;(`exponential;.5))")
    q("f:{[i] %s r:forward(q;X i); l:ce(r;Y i); backward l; free(r;l); step o}"
      % ("zerograd o;" if zero else ""))
    x, y = data()
    batches = [list(range(i, 20, 6)) for i in range(6)]
    lrs = []
    for b in batches:
        q.eval("f[%s]" % " ".join(map(str, b)))
        lrs.append(float(q("first lr o")))
        if b is batches[0]:
            assert int(q("onstep[o]`pending")) == 1
    assert lrs == [.01, .01, .005, .005, .005, .0025]
    m = copy.deepcopy(start)
    o = torch.optim.AdamW(m.parameters(), lr=.01)
    for k in (0, 3):
        o.zero_grad()
        for b in batches[k:k + 3]:
            F.cross_entropy(m(x[b]), y[b]).backward()     # summed gradients
        o.step()
        for g in o.param_groups:
            g["lr"] *= .5
    for a, b in zip(mod(q, "q").parameters(), m.parameters()):
        assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)


# --------------------------------------------------------------------------
# weight-decay masks

def test_nodecay_matches_torch_groups(q):
    setup(q)
    torch.manual_seed(8)
    q("q:module seq(`sequential; (`linear;`a;4;8); (`layernorm;,8); `relu`r; (`linear;`b;8;3))")
    start = copy.deepcopy(mod(q, "q"))
    q("o:opt(`adamw;q;.01;`decay,.1)")
    q("schedule(o;{.01*.95 xexp x})")
    q("nodecay(o;(\"*.bias\";`layernorm))")
    t = q.eval("opt o")
    assert list(q("exec decay from opt[o]`options")) == [.1, 0.0]
    assert list(q("exec name from opt[o]`parms where parmgroup=1")) == \
        ["0.a.bias", "1.weight", "1.bias", "3.b.bias"] or \
        sorted(q("exec name from opt[o]`parms where parmgroup=1")) == \
        sorted(n for n in q("exec name from opt[o]`parms") if n.endswith("bias") or n.startswith("1."))
    assert list(q.eval("schedule o").cols[0]) == [0, 1]
    q("f:{zerograd o; r:forward(q;X); l:ce(r;Y); backward l; free(r;l); step o}")
    for _ in range(20):
        q("f[]")
    x, y = data()
    m = copy.deepcopy(start)
    dec, nodec = [], []
    ln = m[1]
    for n, p in m.named_parameters():
        (nodec if n.endswith("bias") or any(p is r for r in ln.parameters()) else dec).append(p)
    o = torch.optim.AdamW([dict(params=dec, weight_decay=.1), dict(params=nodec, weight_decay=0.0)],
                          lr=.01)
    for i in range(20):
        o.zero_grad()
        F.cross_entropy(m(x), y).backward()
        o.step()
        for g in o.param_groups:
            g["lr"] = .01 * .95 ** (i + 1)
    for a, b in zip(mod(q, "q").parameters(), m.parameters()):
        assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)
    # string patterns; a group whose parameters all match has decay set in place
    q("o:opt(`adamw;(q;`a);.01); opt(o;1;(q;`b))")
    q("nodecay(o;(\"b.*\";\"nomatch\"))")
    assert list(q("exec decay from opt[o]`options")) == [.01, 0.0]
    assert err(q, "nodecay(o;1)") == "nodecay: expecting pattern(s) as symbol(s) or string(s), given long scalar"
    q("o:opt(`lbfgs;q)")
    assert err(q, "nodecay(o;\"*\")") == "nodecay: lbfgs optimizer has no decay option"


# --------------------------------------------------------------------------
# custom optimizers

class SignMomentum(torch.optim.Optimizer):
    """Sign descent with momentum and decoupled weight decay."""

    def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay,
                                      nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if not st:
                    st["step"] = torch.tensor(0.0)
                    st["buf"] = torch.zeros_like(p)
                st["step"] += 1
                b = st["buf"].mul_(g["momentum"]).add_(p.grad)
                d = p.grad.add(b, alpha=g["momentum"]) if g["nesterov"] else b
                p.mul_(1 - g["lr"] * g["weight_decay"]).add_(d.sign(), alpha=-g["lr"])
        return loss


@pytest.fixture
def signm():
    spec = register_optimizer("signm", SignMomentum,
                              options=[("lr", "lr", 0.01), ("momentum", "momentum", 0.9),
                                       ("decay", "weight_decay", 0.0), ("nesterov", "nesterov", False)],
                              help="sign descent with momentum")
    yield spec
    unregister_optimizer("signm")


def test_custom_optimizer_end_to_end(signm, tmp_path):
    assert [b.name for b in signm.buffers] == ["step", "buf"]
    assert [b.kind for b in signm.buffers] == ["step", "tensor"]
    q = fresh()
    assert list(q("key help`signm")) == ["lr", "momentum", "decay", "nesterov"]
    assert list(q("value help`signm")) == [.01, .9, 0.0, False]
    h = q.eval("help`optimizer")
    assert "signm" in list(h.cols[0])
    assert "SignMomentum" in bytes(h.cols[1][list(h.cols[0]).index("signm")]).decode()
    setup(q)
    torch.manual_seed(9)
    q(NET)
    start = copy.deepcopy(mod(q, "q"))
    q("o:opt(`signm;(q;`a);.01;`nesterov,1b); opt(o;1;(q;`b);`lr`decay!(.02;.1))")
    q("f:{zerograd o; r:forward(q;X); l:ce(r;Y); backward l; free(r;l); step o}")
    for _ in range(5):
        q("f[]")
    fm, fo = str(tmp_path / "m"), str(tmp_path / "o")
    q("`:%s set state q; `:%s set s:state o" % (fm, fo))
    st = q.eval("first s[`parms;`buffers]")
    assert list(st.keys) == ["step", "buf"] and int(st.values[0]) == 5
    for _ in range(5):
        q("f[]")
    full = [p.detach().clone() for p in mod(q, "q").parameters()]
    # torch directly
    x, y = data()
    m = copy.deepcopy(start)
    # a new group starts from the creation options (nesterov), as in ktorch
    o = SignMomentum([dict(params=m.a.parameters(), nesterov=True),
                      dict(params=m.b.parameters(), lr=.02, weight_decay=.1, nesterov=True)], lr=.01)
    for _ in range(10):
        o.zero_grad()
        F.cross_entropy(m(x), y).backward()
        o.step()
    for a, b in zip(full, m.parameters()):
        assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)
    # restore and continue
    q("free[]")
    q("q:module get`:%s; o:opt(get`:%s;q)" % (fm, fo))
    assert bool(q("s[`parms;`buffers]~state[o][`parms;`buffers]"))
    assert bool(q("s[`options]~state[o]`options"))
    for _ in range(5):
        q("f[]")
    for a, b in zip(full, mod(q, "q").parameters()):
        assert torch.equal(a, b)


def test_custom_optimizer_registration_errors(signm):
    with pytest.raises(ValueError, match="already defined"):
        register_optimizer("sgd", SignMomentum, options=[("lr", "lr", .1)])
    with pytest.raises(TypeError):
        register_optimizer("notopt", dict, options=[("lr", "lr", .1)])
    with pytest.raises(ValueError, match="first option must be lr"):
        register_optimizer("nolr", SignMomentum, options=[("momentum", "momentum", .9)])
    assert "nolr" not in C.CATALOG

    @register_optimizer("signm2", options=[("lr", "lr", .05)], help="decorated")
    class S2(SignMomentum):
        pass
    try:
        q = fresh()
        assert list(q("key help`signm2")) == ["lr"]
        q("w:tensor(1 2e;`grad); o:opt(`signm2;w); backward mse(w;0 0e); step o")
        assert np.allclose(q("tensor w"), [.95, 1.95])
    finally:
        unregister_optimizer("signm2")


# --------------------------------------------------------------------------
# sparse gradients

@pytest.mark.parametrize("name", ["sgd", "adagrad", "sparseadam", "sparseadamw"])
def test_sparse_embedding_trains_from_k(q, name):
    if name not in C.CATALOG:
        pytest.skip("%s not in the catalogue" % name)
    torch.manual_seed(0)
    q("e:module enlist(`embed;20;4;`sparse,1b)")
    target = torch.randn(20, 4)
    q["T"] = to_k(target[:10])
    w0 = mod(q, "e").weight.detach().clone()
    lr = 2.0 if name == "sgd" else .1
    q("o:opt(`%s;e;%r)" % (name, lr))
    q("f:{zerograd o; h:forward(e;til 10); l:mse(h;T); backward l; free h; r:tensor l; free l; r}")
    l0 = float(q("f[]"))
    assert mod(q, "e").weight.grad.is_sparse
    q("step o")
    for _ in range(150):
        q("f[]; step o")
    assert float(q("f[]")) < .1 * l0
    assert torch.equal(mod(q, "e").weight.detach()[10:], w0[10:])
    if name in ("sgd", "adagrad"):
        emb = torch.nn.Embedding(20, 4, sparse=True)
        with torch.no_grad():
            emb.weight.copy_(w0)
        o = C.get(name).cls(emb.parameters(), **C.to_torch(name, {"lr": lr}))
        for _ in range(151):
            o.zero_grad()
            F.mse_loss(emb(torch.arange(10)), target[:10]).backward()
            o.step()
        assert torch.allclose(emb.weight, mod(q, "e").weight, rtol=1e-6, atol=1e-7)
    # accumulation and clipping with sparse gradients
    q("o:opt(`%s;e;.1); onstep(o;`accumulate`clipvalue!(2;.5))" % name)
    q("f[]; step o; f[]; step o")


def test_new_verbs_have_help(q):
    from kapi.api import VERBS
    for v in ("clip", "clipv", "onstep", "schedule", "nodecay", "step"):
        assert VERBS[v][0].__doc__.strip()
        assert "help" not in err_or_none(q, "help`%s" % v)


def err_or_none(q, src):
    try:
        q(src)
        return ""
    except KError as e:
        return e.name
