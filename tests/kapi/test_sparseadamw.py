"""sparseadamw counts a step for a parameter only when the step
updates at least one of its rows.

The oracle is a float64 NumPy transcription of RecIS's SparseAdamW
(the rule kapi's module docstring and
docs/catalogue.md state), not of kapi's code.  Per parameter ("table") it
keeps the running products β1^t, β2^t, advanced only by a step that has a
non-empty row set ("counts only steps with grads"); such a step updates the
touched rows only:

    α = lr·sqrt(1-β2^t)/(1-β1^t)
    w_i = w_i·(1 - lr·decay);  m_i = β1·m_i + (1-β1)·g_i;  v_i = β2·v_i + (1-β2)·g_i²
    w_i = w_i - α·m_i/(sqrt(v_i) + eps)

A row is touched when its gradient row has a non-zero element (a 0-d or
1-d parameter's rows are its elements).  kapi is driven through q code.
"""

import numpy as np
import pytest
import torch

from kapi.api.convert import to_k

from .conftest import fresh

TOL = 1e-12
MEASURED = {}       # case -> max relative difference vs the oracle


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    d = np.max(np.abs(a - b)) if a.size else 0.0
    return d / max(np.max(np.abs(b)) if b.size else 0.0, 1e-300)


def note(case, r):
    MEASURED[case] = max(MEASURED.get(case, 0.0), r)
    return r


def recis(w0, grads, lr=1e-3, beta1=.9, beta2=.999, eps=1e-8, decay=0.0):
    """RecIS SparseAdamW on one parameter: ``grads`` are the gradients the
    updates see (None: the parameter has none).  Returns (weights, t)."""
    w0 = np.asarray(w0, dtype=np.float64)
    shape = w0.shape
    rows = shape[0] if shape else 1
    w = w0.reshape(rows, int(np.prod(shape[1:])) if len(shape) > 1 else 1).copy()
    m, v = np.zeros_like(w), np.zeros_like(w)
    b1t = b2t = 1.0
    t = 0
    for g in grads:
        if g is None:
            continue
        g = np.asarray(g, dtype=np.float64).reshape(w.shape)
        rows = np.flatnonzero(np.any(g != 0, axis=1))
        if rows.size == 0:
            continue                    # no row updated: the table's step stays
        t += 1
        b1t, b2t = b1t * beta1, b2t * beta2
        alpha = lr * np.sqrt(1 - b2t) / (1 - b1t)
        for i in rows:
            w[i] = w[i] * (1 - lr * decay)
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            w[i] = w[i] - alpha * m[i] / (np.sqrt(v[i]) + eps)
    return w.reshape(shape), t


# --------------------------------------------------------------------------
# driving kapi from q

def kopts(o):
    """q name-value pairs for the options of a group."""
    names = list(o)
    vals = ";".join(repr(float(o[k])) if k != "accumulate" else str(int(o[k])) for k in names)
    return "`%s!(%s)" % ("`".join(names), vals)


class Session:
    """Tensors a0, a1, .. in q, one optimizer o with a group per tensor."""

    def __init__(self, w0s, groups, q=None, onstep=None):
        self.q = q = q or fresh()
        self.n = len(w0s)
        for i, w in enumerate(w0s):
            q["W%d" % i] = to_k(torch.as_tensor(w, dtype=torch.float64))
            q("a%d:tensor(W%d;`grad)" % (i, i))
        q("o:opt(`sparseadamw;a0;%s)" % kopts(groups[0]))
        for i in range(1, self.n):
            q("opt(o;%d;a%d;%s)" % (i, i, kopts(groups[i])))
        if onstep:
            q("onstep(o;`accumulate,%d)" % onstep)

    def call(self, gs):
        """zerograd, the gradients given (None: no backward), step."""
        q = self.q
        q("zerograd o")
        for i, g in enumerate(gs):
            if g is not None:
                q["G"] = to_k(torch.as_tensor(g, dtype=torch.float64))
                q("backward(a%d;G)" % i)
        q("step o")

    def weights(self):
        return [np.asarray(self.q("tensor a%d" % i), dtype=np.float64) for i in range(self.n)]

    def steps(self):
        """Each tensor's step count as `state o` has it (0 before a first step)."""
        out = self.q("{$[99h=type x;x`step;0]} each (state o)[`parms;`buffers]")
        return [int(x) for x in out]


def counted(grads):
    """The steps the RecIS rule counts: those whose gradient has a non-zero."""
    return sum(1 for g in grads if g is not None and np.any(np.asarray(g) != 0))


def module(q, name):
    v = q[name]
    return v if isinstance(v, torch.nn.Module) else q.registry.get(v).module


def check(case, got, w0s, applied, groups, steps=None):
    """The oracle on each tensor; its t against ``steps``; the max relative difference."""
    worst = 0.0
    for i, (w0, o) in enumerate(zip(w0s, groups)):
        ref, t = recis(w0, [gs[i] for gs in applied],
                       **{k: v for k, v in o.items() if k != "accumulate"})
        worst = max(worst, rel(got[i], ref))
        if steps is not None:
            assert steps[i] == t, (case, i, steps[i], t)
    assert note(case, worst) < TOL, (case, worst)
    return worst


# --------------------------------------------------------------------------
# a step without gradient rows between two steps with them

GAPPED_GRADS = [[1., 0., 2.], [0., 0., 0.], [.5, 1., 0.]]


def test_oracle_reproduces_the_gapped_numbers():
    w, t = recis([1., -2., 3.], GAPPED_GRADS, lr=.1)
    assert t == 2
    assert np.allclose(w[:2], [0.80678209, -2.07441366], rtol=0, atol=5e-9)
    # the second step changes nothing
    w1, t1 = recis([1., -2., 3.], GAPPED_GRADS[:1], lr=.1)
    w2, t2 = recis([1., -2., 3.], GAPPED_GRADS[:2], lr=.1)
    assert t1 == t2 == 1 and np.array_equal(w1, w2)


def test_gapped_steps_minimal_case(q):
    q("w:tensor(1 -2 3f;`grad); o:opt(`sparseadamw;w;.1;`decay,0f)")
    q("zerograd o; backward(w;1 0 2f); step o")
    w1 = np.array(q("tensor w"))
    assert int(q("(state o)[`parms;`buffers;0;`step]")) == 1
    q("zerograd o; step o")              # zerograd leaves an all-zero gradient
    assert np.array_equal(np.array(q("tensor w")), w1)
    assert int(q("(state o)[`parms;`buffers;0;`step]")) == 1
    q("zerograd o; backward(w;.5 1 0f); step o")
    got = np.array(q("tensor w"))
    assert int(q("(state o)[`parms;`buffers;0;`step]")) == 2
    ref, _ = recis([1., -2., 3.], GAPPED_GRADS, lr=.1)
    assert note("gapped case", rel(got, ref)) < TOL
    assert np.allclose(got[:2], [0.80678209, -2.07441366], rtol=0, atol=5e-9)


# --------------------------------------------------------------------------
# 100 float64 steps, one parameter idle every 7th step

GROUPS = [dict(lr=.01, decay=.1),
          dict(lr=.02, beta1=.8, beta2=.99, eps=1e-6, decay=.05),
          dict(lr=.005, decay=0.0)]


def start_weights(seed=0):
    g = np.random.default_rng(seed)
    return [g.standard_normal((8, 3)), g.standard_normal(5), np.float64(g.standard_normal())]


def make_grads(w0s, steps, seed=1):
    """Gradients per step: random zero rows of the matrix, tensor 1 idle
    (an all-zero gradient) every 7th step, the scalar with none every 3rd."""
    g = np.random.default_rng(seed)
    out = []
    for s in range(1, steps + 1):
        a = g.standard_normal((8, 3))
        a[g.random(8) < .5] = 0
        if s % 11 == 0:
            a[:] = 0
        b = g.standard_normal(5)
        b[g.random(5) < .3] = 0
        if s % 7 == 0:
            b[:] = 0
        c = None if s % 3 == 0 else np.float64(g.standard_normal())
        out.append([a, b, c])
    return out


def test_100_steps_with_idle_steps():
    w0s = start_weights()
    grads = make_grads(w0s, 100)
    k = Session(w0s, GROUPS)
    for gs in grads:
        k.call(gs)
    steps = k.steps()
    assert steps[1] == counted(gs[1] for gs in grads) <= 100 - 100 // 7
    check("100 steps", k.weights(), w0s, grads, GROUPS, steps)


# --------------------------------------------------------------------------
# gradient accumulation: the optimizer's own (mean of k calls) and onstep's (sum)

def accumulation_calls(w0s, windows, k, seed=2):
    """Calls in windows of k: tensor 1 idle in every 4th window (no gradient
    on some calls, zeros on the others), in every 5th its gradients cancel
    (g, -g, 0..); the matrix has random zero rows."""
    g = np.random.default_rng(seed)
    calls = []
    for wdw in range(1, windows + 1):
        for j in range(k):
            a = g.standard_normal((8, 3))
            a[g.random(8) < .4] = 0
            b = g.standard_normal(5)
            if wdw % 4 == 0:
                b = None if j % 2 else np.zeros(5)
            elif wdw % 5 == 0:
                b = calls[-1][1] * -1 if j == 1 else (np.zeros(5) if j > 1 else b)
            c = np.float64(g.standard_normal()) if j == 0 else None
            calls.append([a, b, c])
    return calls


def applied_grads(calls, k, mean):
    """The gradient each update sees: the sum over a window (mean: / k)."""
    out = []
    for i in range(0, len(calls), k):
        win = calls[i:i + k]
        gs = []
        for p in range(len(win[0])):
            got = [c[p] for c in win if c[p] is not None]
            if not got:
                gs.append(None)
                continue
            s = got[0].copy()
            for x in got[1:]:
                s = s + x
            gs.append(s / k if mean else s)
        out.append(gs)
    return out


@pytest.mark.parametrize("mode", ["option", "onstep"])
def test_accumulation(mode):
    k = 3
    w0s = start_weights(3)
    calls = accumulation_calls(w0s, 30, k)
    if mode == "option":
        groups = [dict(g, accumulate=k) for g in GROUPS]
        s = Session(w0s, groups)
    else:
        groups = GROUPS
        s = Session(w0s, groups, onstep=k)
    for c in calls:
        s.call(c)
    steps = s.steps()
    applied = applied_grads(calls, k, mode == "option")
    # idle and cancelling windows are not counted
    assert steps[1] == counted(gs[1] for gs in applied) == 30 - 30 // 4 - 30 // 5 + 30 // 20
    check("accumulate " + mode, s.weights(), w0s, applied, groups, steps)


# --------------------------------------------------------------------------
# state save and restore mid-run

@pytest.mark.parametrize("mode", ["none", "option", "onstep"])
def test_save_restore_mid_run(mode, tmp_path):
    """49 updates (the 49th idle for tensor 1), `state o` to disk, free,
    restore, 51 more: as the oracle over all 100 and as an unbroken run."""
    k = 1 if mode == "none" else 2
    groups = [dict(g, accumulate=k) for g in GROUPS] if mode == "option" else GROUPS
    onstep = k if mode == "onstep" else None
    w0s = start_weights(4)
    applied = make_grads(w0s, 100, seed=5)
    if k == 1:
        calls = applied
    else:       # each update from two calls: the first's share is exactly half
        calls = []
        for gs in applied:
            calls.append([None if g is None else g / 2 for g in gs])
            calls.append([None if g is None else g - g / 2 for g in gs])
        applied = applied_grads(calls, k, mode == "option")
    whole = Session(w0s, groups, onstep=onstep)
    for c in calls:
        whole.call(c)
    s = Session(w0s, groups, onstep=onstep)
    half = 49 * k
    for c in calls[:half]:
        s.call(c)
    before = s.steps()
    f = str(tmp_path / "o")
    s.q("m:module o; `:%s set state o; free o" % f)
    s.q("o:opt(get`:%s;m)" % f)
    assert s.steps() == before
    _, t = recis(w0s[1], [gs[1] for gs in applied[:49]], lr=GROUPS[1]["lr"])
    assert before[1] == t == counted(gs[1] for gs in applied[:49]) <= 49 - 49 // 7
    if onstep:
        assert int(s.q("(onstep o)`accumulate")) == k
    for c in calls[half:]:
        s.call(c)
    steps = s.steps()
    assert steps == whole.steps()
    for a, b in zip(s.weights(), whole.weights()):
        assert np.array_equal(a, b)
    check("save/restore " + mode, s.weights(), w0s, applied, groups, steps)


@pytest.fixture
def float64_modules():
    # modules made from q take torch's default dtype (a module restored from
    # `state` is made that way too, so `to(e;`double) would not survive it)
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def test_sparse_embedding_save_restore(tmp_path, float64_modules):
    """An embedding with sparse gradients: steps without a lookup (zerograd
    only) do not count; `state` of module and optimizer to disk, a fresh
    session restores both and continues."""
    rng = np.random.default_rng(6)
    plan = []
    for s in range(1, 101):
        if s % 7 == 0:
            plan.append(None)
        else:
            idx = rng.choice(10, size=4, replace=False)
            plan.append((idx, rng.standard_normal((4, 3))))
    opts = dict(lr=.05, decay=.1)

    def steps(q, part):
        for p in part:
            q("zerograd o")
            if p is not None:
                q["I"] = np.asarray(p[0], dtype=np.int64)
                q["C"] = to_k(torch.as_tensor(p[1], dtype=torch.float64))
                q("h:forward(e;I); backward(h;C); free h")
            q("step o")

    q = fresh()
    q("e:module enlist(`embed;10;3;`sparse,1b)")
    q("o:opt(`sparseadamw;e;%s)" % kopts(opts))
    w0 = module(q, "e").weight.detach().numpy().copy()
    steps(q, plan[:50])
    assert module(q, "e").weight.dtype == torch.float64
    assert module(q, "e").weight.grad.is_sparse
    fm, fo = str(tmp_path / "m"), str(tmp_path / "o")
    q("`:%s set state e; `:%s set state o" % (fm, fo))
    q = fresh()
    q("e:module get`:%s; o:opt(get`:%s;e)" % (fm, fo))
    assert int(q("(state o)[`parms;`buffers;0;`step]")) == 50 - 50 // 7
    steps(q, plan[50:])
    got = module(q, "e").weight.detach().numpy()
    dense = []
    for p in plan:
        if p is None:
            dense.append(None)
            continue
        g = np.zeros((10, 3))
        g[p[0]] = p[1]
        dense.append(g)
    ref, t = recis(w0, dense, **opts)
    assert int(q("(state o)[`parms;`buffers;0;`step]")) == t == 100 - 100 // 7
    assert note("sparse embedding", rel(got, ref)) < TOL


# --------------------------------------------------------------------------
# every update path counts alike (the paths q does not choose between)

@pytest.mark.parametrize("foreach", [None, False, True])
def test_every_path(foreach):
    """The fast CPU path, the per-tensor and the multi-tensor one, a
    non-contiguous parameter, a sparse gradient and an empty parameter."""
    from kapi.api import optim as O
    rng = np.random.default_rng(7)
    w0s = [rng.standard_normal((8, 3)), rng.standard_normal((4, 3)), rng.standard_normal((6, 2)),
           np.zeros((0, 3))]
    ps = [torch.nn.Parameter(torch.tensor(w0s[0])),
          torch.nn.Parameter(torch.tensor(w0s[1].T.copy()).t()),        # non-contiguous
          torch.nn.Parameter(torch.tensor(w0s[2])),                     # sparse gradients
          torch.nn.Parameter(torch.tensor(w0s[3]))]
    assert not ps[1].is_contiguous()
    o = O.get("sparseadamw").cls(ps, lr=.01, weight_decay=.1, foreach=foreach)
    applied = []
    for s in range(1, 101):
        a = rng.standard_normal((8, 3))
        a[rng.random(8) < .5] = 0
        b = np.zeros((4, 3)) if s % 7 == 0 else rng.standard_normal((4, 3))
        rows = [] if s % 5 == 0 else sorted(rng.choice(6, size=2, replace=False))
        c = np.zeros((6, 2))
        vals = rng.standard_normal((len(rows), 2))
        c[rows] = vals
        ps[0].grad = torch.tensor(a)
        ps[1].grad = torch.tensor(b)
        ps[2].grad = torch.sparse_coo_tensor(torch.tensor([rows], dtype=torch.long).view(1, -1),
                                             torch.tensor(vals).view(-1, 2), (6, 2),
                                             check_invariants=True)
        ps[3].grad = torch.zeros(0, 3, dtype=torch.float64)
        o.step()
        applied.append([a, b, c, np.zeros((0, 3))])
    steps = [int(o.state[p]["step"].item()) for p in ps]
    assert steps[1] == 100 - 100 // 7 and steps[2] == 80 and steps[3] == 0
    check("paths foreach=%s" % foreach, [p.detach().numpy() for p in ps], w0s, applied,
          [dict(lr=.01, decay=.1)] * 4, steps)


def test_sparseadam_counts_as_torch(q, float64_modules):
    """torch's SparseAdam (kapi's sparseadam) is left as it is: its step
    advances whenever the parameter has a gradient, one with no rows too."""
    q("e:module enlist(`embed;6;2;`sparse,1b); o:opt(`sparseadam;e;.1)")
    ref = torch.nn.Embedding(6, 2, sparse=True)
    with torch.no_grad():
        ref.weight.copy_(module(q, "e").weight)
    r = torch.optim.SparseAdam(ref.parameters(), lr=.1)
    for s in range(1, 11):
        q("zerograd o")
        r.zero_grad(set_to_none=False)
        if s % 3:
            q("h:forward(e;1 4); backward(h;2 2#1 -2 3 .5); free h")
            (ref(torch.tensor([1, 4])) * torch.tensor([[1., -2], [3, .5]])).sum().backward()
        q("step o")
        r.step()
    assert int(q("(state o)[`parms;`buffers;0;`step]")) == 10 == r.state[ref.weight]["step"]
    assert torch.equal(module(q, "e").weight, ref.weight)


def teardown_module(module):
    if MEASURED:
        print("\nsparseadamw: max relative difference vs the RecIS oracle (float64):")
        for k in sorted(MEASURED):
            print("  %-24s %.3g" % (k, MEASURED[k]))
