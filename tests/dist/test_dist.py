"""Acceptance (issue 10): the same q script trains on 2 CPU processes under
torchrun (gloo on localhost) with ddp and sharded optimizer state, and its
final parameters equal a single-process run on the full batch; the state
saved from 2 ranks restores in 1 process, and state saved by 1 process
restores (re-sharded) onto 2 ranks.

The oracle is plain PyTorch (torch.nn.Sequential, torch.optim.SGD/Adam,
cross entropy on the whole batch) started from the initial parameters and
data the q script saved; kapi's own single-process run of the same script is
checked against it too.
"""

import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

torch = pytest.importorskip("torch")
dist = pytest.importorskip("torch.distributed")
if not dist.is_available():     # pragma: no cover
    pytest.skip("torch.distributed not available", allow_module_level=True)

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.join(HERE, "train.q")
COLLECT = os.path.join(HERE, "collect.q")
STEPS = 5
TOL = 1e-6
TIMES = {}


def _env():
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK", "MASTER_ADDR",
              "MASTER_PORT", "TORCHELASTIC_RUN_ID", "KAPI_ALLRANKS"):
        env.pop(k, None)
    # gloo on the loopback interface: no dependence on how the host name resolves
    if "GLOO_SOCKET_IFNAME" not in env and "lo" in {n for _, n in socket.if_nameindex()}:
        env["GLOO_SOCKET_IFNAME"] = "lo"
    return env


def kapi_run(cwd, *args, timeout=120):
    t = time.time()
    r = subprocess.run([sys.executable, "-m", "kapi", *args], capture_output=True, text=True,
                       timeout=timeout, env=_env(), cwd=cwd)
    TIMES["kapi " + os.path.basename(args[0])] = time.time() - t
    return r


def torchrun(cwd, *args, nproc=2, timeout=120):
    """python -m torch.distributed.run --standalone (c10d rendezvous on a free
    localhost port) -m kapi args..."""
    t = time.time()
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(nproc), "--standalone",
           "--monitor-interval", "0.1", "-m", "kapi", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(), cwd=cwd)
    TIMES["torchrun " + os.path.basename(args[0])] = time.time() - t
    return r


# --------------------------------------------------------------------------
# the runs (once per session)

@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One single-process kapi run (dir one), then a 2-process torchrun of the
    same script (dir two) that also resumes from the single-process states."""
    base = tmp_path_factory.mktemp("dist")
    one, two = base / "one", base / "two"
    one.mkdir()
    two.mkdir()
    r1 = kapi_run(str(base), TRAIN, str(one))
    assert r1.returncode == 0, r1.stderr + r1.stdout
    r2 = torchrun(str(base), TRAIN, str(two), str(one))
    assert r2.returncode == 0, r2.stderr + r2.stdout
    return {"one": str(one), "two": str(two), "out1": r1, "out2": r2}


@pytest.fixture(autouse=True)
def double_default():
    """The script trains in double (dtype`double); modules rebuilt here from its
    states need the same default dtype, restored after each test."""
    old = torch.get_default_dtype()
    yield
    torch.set_default_dtype(old)


def interp():
    from kapi.embed import Interpreter
    q = Interpreter()
    q.eval("dtype`double")
    return q


def kget(q, path):
    return 'get hsym`$"%s"' % path


def load_module(q, path, name="m"):
    q.eval('%s:module %s' % (name, kget(q, path)))
    return q.object(name)


def load_opt(q, path, mod="m", name="o"):
    """opt(state;module) in this (single) process: the restore path."""
    q.eval('%s:opt(%s;%s)' % (name, kget(q, path), mod))
    return q.object(name)


def data(q, d):
    v = q(kget(q, os.path.join(d, "data")))
    X = torch.tensor(np.array([np.asarray(r) for r in v[next(k for k in v if str(k) == "X")]]))
    Y = torch.tensor(np.asarray(v[next(k for k in v if str(k) == "Y")]), dtype=torch.int64)
    return X, Y


def make_opt(kind, params):
    if kind == "sgd":
        return torch.optim.SGD(params, lr=0.1, momentum=0.9)
    return torch.optim.Adam(params, lr=0.01)


def oracle(init, X, Y, kind, steps):
    """Plain PyTorch on the full batch from the given initial parameters."""
    m = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3)).double()
    m.load_state_dict(init)
    o = make_opt(kind, m.parameters())
    for _ in range(steps):
        o.zero_grad()
        torch.nn.functional.cross_entropy(m(X), Y).backward()
        o.step()
    return m, o


def by_name(m, o):
    """parameter name -> optimizer state dict (tensors) of optimizer o over module m."""
    names = {id(p): n for n, p in m.named_parameters()}
    out = {}
    for g in o.param_groups:
        for p in g["params"]:
            out[names[id(p)]] = {k: v for k, v in o.state[p].items()}
    return out


def maxdiff(a, b):
    """Largest absolute difference between two {name: tensor} dicts with the same keys."""
    assert set(a) == set(b)
    return max(float((a[k].double() - b[k].double()).abs().max()) for k in a)


def state_diff(sa, sb):
    assert set(sa) == set(sb)
    d = 0.0
    for n in sa:
        assert set(sa[n]) == set(sb[n]), (n, set(sa[n]), set(sb[n]))
        for k in sa[n]:
            a, b = torch.as_tensor(sa[n][k]).double(), torch.as_tensor(sb[n][k]).double()
            d = max(d, float((a - b).abs().max()))
    return d


def params(m):
    return {n: p.detach() for n, p in m.named_parameters()}


# --------------------------------------------------------------------------
# the acceptance checks

@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_two_ranks_equal_full_batch(runs, kind):
    """ddp + zero on 2 ranks, each on half the batch == plain torch on the full batch."""
    q = interp()
    init = load_module(q, os.path.join(runs["two"], kind + ".init"), "i").state_dict()
    X, Y = data(q, runs["two"])
    assert X.shape == (12, 2) and X.dtype == torch.float64
    ref, _ = oracle(init, X, Y, kind, STEPS)
    got = load_module(q, os.path.join(runs["two"], kind + ".module"))
    d = maxdiff(params(got), params(ref))
    TIMES["maxdiff 2 ranks " + kind] = d
    assert d < TOL
    # and the run moved the parameters (a test that could not fail otherwise)
    assert maxdiff(params(got), {n: init[n] for n in params(got)}) > 1e-3


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_single_process_equals_oracle(runs, kind):
    """The same script in one process (distinit[] makes a one-process group)."""
    q = interp()
    init = load_module(q, os.path.join(runs["one"], kind + ".init"), "i").state_dict()
    X, Y = data(q, runs["one"])
    ref, _ = oracle(init, X, Y, kind, STEPS)
    got = load_module(q, os.path.join(runs["one"], kind + ".module"))
    d = maxdiff(params(got), params(ref))
    TIMES["maxdiff 1 rank " + kind] = d
    assert d < TOL


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_state_from_two_ranks_restores_in_one_process(runs, kind):
    """state o gathered on rank 0 from 2 shards, restored with plain opt in 1 process,
    equals the oracle's optimizer state and the single-process run's state."""
    q = interp()
    init = load_module(q, os.path.join(runs["two"], kind + ".init"), "i").state_dict()
    X, Y = data(q, runs["two"])
    ref_m, ref_o = oracle(init, X, Y, kind, STEPS)
    m = load_module(q, os.path.join(runs["two"], kind + ".module"))
    o = load_opt(q, os.path.join(runs["two"], kind + ".opt"))
    assert type(o) is type(ref_o)           # an ordinary (unsharded) optimizer
    got, ref = by_name(m, o), by_name(ref_m, ref_o)
    want = {"sgd": {"momentum_buffer"}, "adam": {"step", "exp_avg", "exp_avg_sq"}}[kind]
    assert all(set(s) == want for s in got.values()), got
    d = state_diff(got, ref)
    TIMES["state diff 2 ranks " + kind] = d
    assert d < TOL
    m1 = load_module(q, os.path.join(runs["one"], kind + ".module"), "m1")
    o1 = load_opt(q, os.path.join(runs["one"], kind + ".opt"), "m1", "o1")
    assert state_diff(got, by_name(m1, o1)) < TOL
    # the restored optimizer trains on: one more step equals the oracle's next step
    q.eval('d:%s; X:d`X; Y:d`Y' % kget(q, os.path.join(runs["two"], "data")))
    q.eval('zerograd o; p:forward(m;X); l:ce(p;Y); backward l; step o')
    ref_o.zero_grad()
    torch.nn.functional.cross_entropy(ref_m(X), Y).backward()
    ref_o.step()
    assert maxdiff(params(m), params(ref_m)) < TOL


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_one_process_state_resharded_onto_two_ranks(runs, kind):
    """The 2-rank run rebuilt module and optimizer from the single-process run's
    saved states (zero re-shards them) and trained on: equal to the oracle run
    for twice the steps, which fails if any shard lost its state."""
    q = interp()
    init = load_module(q, os.path.join(runs["one"], kind + ".init"), "i").state_dict()
    X, Y = data(q, runs["one"])
    ref_m, ref_o = oracle(init, X, Y, kind, 2 * STEPS)
    m = load_module(q, os.path.join(runs["two"], kind + ".resumed.module"))
    d = maxdiff(params(m), params(ref_m))
    TIMES["maxdiff resumed " + kind] = d
    assert d < TOL
    o = load_opt(q, os.path.join(runs["two"], kind + ".resumed.opt"))
    assert state_diff(by_name(m, o), by_name(ref_m, ref_o)) < TOL
    # a restart that dropped the optimizer state would be far off: the check can fail
    m2, o2 = oracle(params(oracle(init, X, Y, kind, STEPS)[0]), X, Y, kind, STEPS)
    assert maxdiff(params(m2), params(ref_m)) > 1e-4


def test_output_of_runs(runs):
    """Console output: rank 0 only (the script prints its "done" line on every rank
    through -1, which only rank 0 writes)."""
    out = runs["out2"].stdout
    assert out.count("done rank 0") == 1 and "done rank 1" not in out, out
    assert "done rank 0" in runs["out1"].stdout


# --------------------------------------------------------------------------
# collectives, rank-aware console, errors naming their rank

@pytest.fixture(scope="module")
def collect(tmp_path_factory):
    base = tmp_path_factory.mktemp("collect")
    r = torchrun(str(base), COLLECT)
    return r


def lines_of(r, prefix):
    return [ln for ln in r.stdout.splitlines() if ln.startswith(prefix)]


def test_collective_values(collect):
    out = collect.stdout
    for rk in (0, 1):
        got = dict(ln.split(": ", 1)[1].split("=", 1) for ln in lines_of(collect, "r%d: " % rk))
        assert got["rank"] == str(rk) and got["worldsize"] == "2", out
        assert got["sum"] == "3" and got["prod"] == "2" and got["min"] == "1" and got["max"] == "2 4 6"
        assert got["avg"] == "1.5" and got["avgv"] == "1.5 3"
        assert got["tensor"] == "3 6e" and got["tensoravg"] == "1.5 3"
        assert got["bcast"] == "(`from;1)" and got["bcast0"] == "`from0"
        assert got["btensor"] == "11 21f"
        e, tot = int(got["shard"]), int(got["total"])
        # adam: exp_avg + exp_avg_sq + step per parameter, split between the 2 ranks
        n = 2 * 16 + 16 + 16 * 3 + 3
        assert tot == 2 * n + 4, got
        assert 0 < e < tot, got
        assert got["barrier"] == "ok"


def test_rank0_only_output_and_rank_error(collect):
    out, err = collect.stdout, collect.stderr
    assert collect.returncode != 0                      # rank 1 failed on purpose
    assert out.count("only rank 0 prints this") == 1, out
    assert out.count("shown once") == 1, out
    assert out.count('"a bare result"') == 1, out
    assert "[rank 1] 'boom" in err, err
    assert "[rank 0] 'boom" not in err, err
    assert "-2 from rank 0" in err and "-2 from rank 1" in err, err


def test_report_times(runs, collect):
    """Keep the launch times visible (pytest -s) and bounded."""
    for k, v in sorted(TIMES.items()):
        print("%-28s %.3g" % (k, v))
    assert all(v < 60 for k, v in TIMES.items() if k.startswith(("kapi", "torchrun")))
