"""ddp and zero in a one-process group (distinit[] outside a launcher): the
pointer of a ddp module keeps working; a sharded optimizer trains exactly as
the same optimizer unsharded, for every catalogue optimizer it accepts; its
state has the unsharded format and restores; misuse gives q errors and
leaves the objects unchanged.  The 2-process checks are in test_dist.py."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.distributed.optim  # noqa: E402

from kapi.api import dist as D  # noqa: E402
from kapi.api.optim import catalog as C  # noqa: E402
from kapi.api.optim.custom import needs_closure  # noqa: E402
from kapi.embed import Interpreter  # noqa: E402

NET = "module seq(`sequential;(`linear;2;8);`relu;(`linear;8;3))"


@pytest.fixture(scope="module", autouse=True)
def group():
    assert not D.initialized()
    q = Interpreter()
    q.eval("distinit[]")
    yield
    q.eval("distclose[]")
    assert not D.initialized()


@pytest.fixture
def q():
    q = Interpreter()
    q.eval("seed 3; X:tensor(`randn;10 2); Y:tensor 10?3")
    return q


def err(q, src):
    out = q.console(src)
    assert out.startswith("'"), (src, out)
    return out.split("\n")[0]


def train(q, m, o, n=3):
    for _ in range(n):
        q.eval("zerograd %s; p:forward(%s;X); l:ce(p;Y); backward l; free p; step %s; free l" % (o, m, o))


def params(q, m):
    return {n: p.detach().clone() for n, p in q.object(m).named_parameters()}


def same(a, b, tol=0.0):
    assert set(a) == set(b)
    return all(float((a[k] - b[k]).abs().max()) <= tol for k in a)


def test_one_process_group(q):
    import torch.distributed as dist
    assert dist.is_initialized() and dist.get_world_size() == 1 and dist.get_backend() == "gloo"
    assert q("distrank[]") == 0 and q("worldsize[]") == 1
    assert err(q, "distinit[]") == "'distinit: already joined, rank 0 of 1 (distclose[] leaves)"
    assert q.console("allreduce 1 2 3") == "1 2 3"
    assert q.console("allreduce(2 4e;`avg)") == "2 4e"
    assert q.console("broadcast(`a`b;0)") == "`a`b"
    assert q.console("t:tensor 1 2f; allreduce(t;`max); broadcast t; barrier[]; return t") == "1 2f"


def test_ddp_keeps_the_pointer(q):
    q.eval("m:" + NET)
    before = [q.console(s) for s in ("names m", "parmnames m", "childnames m", "module m", "state m")]
    p = q.eval("m")
    assert q.eval("ddp m") == p                       # same pointer back
    after = [q.console(s) for s in ("names m", "parmnames m", "childnames m", "module m", "state m")]
    assert after == before
    obj = q.registry.get(p)
    assert isinstance(obj.ddp, torch.nn.parallel.DistributedDataParallel)
    assert obj.ddp.module is q.object("m")            # the live module stays the inner one
    assert err(q, "ddp m") == "'ddp: module already wrapped for data-parallel training"
    assert err(q, "ddp module`relu") == "'ddp: module has no parameters that require gradients"
    # forward goes through the wrapper; nforward, eforward, evaluate and a child run locally
    calls = []
    fwd = obj.ddp.forward
    obj.ddp.forward = lambda *a, **k: (calls.append(1), fwd(*a, **k))[1]
    q.eval("r:forward(m;X); l:ce(r;Y); backward l")
    assert calls == [1]
    y = q.eval("evaluate(m;X)")
    q.eval("nforward(m;X); eforward(m;X); forward(m;`0;X)")
    assert calls == [1]
    want = q.object("m")(q.object("X")).detach().numpy()
    assert np.allclose(np.array(y), want)


def test_ddp_options(q):
    q.eval("m:" + NET)
    q.eval("ddp(m;`unused`buffers`bucket!(1b;0b;1))")
    w = q.registry.get(q.eval("m")).ddp
    def syncs(w):
        return getattr(w, "forward_sync_buffers", getattr(w, "broadcast_buffers", None))
    assert w.find_unused_parameters is True and syncs(w) is False
    q.eval("m3:%s; ddp m3" % NET)
    w3 = q.registry.get(q.eval("m3")).ddp
    assert w3.find_unused_parameters is False and syncs(w3) is True
    q.eval("m2:" + NET)
    assert err(q, "ddp(m2;`bucket,-1)") == "'ddp: bucket option expects positive number (megabytes), given long scalar"
    assert getattr(q.registry.get(q.eval("m2")), "ddp", None) is None


def _sharded_ok(name):
    return not needs_closure(name) and name not in ("sparseadam", "sparseadamw", "sgld")


OPTIMIZERS = [n for n in C.names() if _sharded_ok(n)]


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_sharded_trains_as_unsharded(q, name):
    """Every catalogue optimizer that zero accepts: ddp + zero == the plain
    optimizer, parameters and state (one process: the shard is everything)."""
    extra = ";`globalnorm,0b" if name == "lamb" else ""
    q.eval("seed 5; a:%s; b:module state a" % NET)
    init = params(q, "a")
    q.eval("ddp a; oa:zero opt(`%s;a%s); ob:opt(`%s;b%s)" % (name, extra, name, extra))
    assert isinstance(q.object("oa"), torch.distributed.optim.ZeroRedundancyOptimizer)
    assert type(q.object("ob")) is C.get(name).cls
    train(q, "a", "oa")
    train(q, "b", "ob")
    assert same(params(q, "a"), params(q, "b"), 1e-6)
    assert not same(params(q, "a"), init)             # the optimizer did move them
    # the state of the sharded optimizer has the unsharded format and values
    sa, sb = q.eval("state oa"), q.eval("state ob")
    assert list(sa.keys) == list(sb.keys)
    assert q.console("(state[oa]`options)~state[ob]`options") == "1b"
    assert q.console("((enlist`pointer) _ state[oa]`parms)[`parmgroup`module`name`size]~"
                     "((enlist`pointer) _ state[ob]`parms)`parmgroup`module`name`size") == "1b"
    assert kclose(q.eval("(state oa)[`parms]`buffers"), q.eval("(state ob)[`parms]`buffers"))
    for attr in ("size", "tensorcount", "elements", "bytes"):
        assert q("%s oa" % attr) == q("%s ob" % attr), attr


def kclose(a, b, tol=1e-6):
    """k values a and b equal in structure, numbers within tol."""
    from kapi.values import KDict
    if isinstance(a, KDict):
        return isinstance(b, KDict) and list(a.keys) == list(b.keys) and kclose(a.values, b.values, tol)
    if type(a) is list:
        return type(b) is list and len(a) == len(b) and all(kclose(x, y, tol) for x, y in zip(a, b))
    if a is None or b is None:
        return a is b
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "fiub" and b.dtype.kind in "fiub":
        return a.shape == b.shape and bool(np.all(np.abs(a.astype(float) - b.astype(float)) <= tol))
    return bool(np.array_equal(a, b))


def test_state_restores_and_reshards(q):
    q.eval("seed 7; m:%s; ddp m; o:zero opt(`adam;m;.01)" % NET)
    train(q, "m", "o")
    q.eval("s:state o; s0:state(o;0b)")
    assert q.console("s`optimizer") == "`adam"
    assert q.console("count s[`parms]") == "4"
    assert q.console("s0[`options]") == q.console("opt[(o;0b)]`options")
    # restore into a plain optimizer on a copy of the module, then shard it again
    q.eval("m2:module state m; o2:opt(s;m2)")
    assert type(q.object("o2")) is torch.optim.Adam
    assert q.console("(s`parms)[`buffers]~(state[o2]`parms)`buffers") == "1b"
    q.eval("ddp m2; zero o2")
    assert q.console("(s`parms)[`buffers]~(state[o2]`parms)`buffers") == "1b"
    train(q, "m", "o", 2)
    train(q, "m2", "o2", 2)
    assert same(params(q, "m"), params(q, "m2"), 1e-7)


def test_zero_refusals_leave_objects_unchanged(q):
    q.eval("m:%s; m2:%s; ddp m; o:opt(`sgd;m;.1;.9)" % (NET, NET))
    assert err(q, "zero opt`sgd") == "'zero: optimizer has no parameters, add them before zero"
    assert err(q, "zero opt(`lbfgs;m)") == \
        "'zero: lbfgs optimizer steps with a closure, not supported with sharded state"
    assert err(q, "zero opt(`lamb;m)") == \
        "'zero: lamb optimizer with a norm over all parameters (globalnorm) cannot be sharded"
    q.eval("zero o")
    assert err(q, "zero o") == "'zero: optimizer state already sharded"
    before = q.console("opt o"), q("size o")
    assert err(q, "opt(o;m2)") == \
        "'opt: cannot add parameters to a group of a sharded optimizer (zero), only a new group"
    assert err(q, "opt(o;0;m2)").startswith("'opt: cannot add parameters")
    assert err(q, 'nodecay(o;"*.bias")') == "'nodecay: optimizer state is sharded (zero), use nodecay before zero"
    assert (q.console("opt o"), q("size o")) == before


def test_group_edits_reach_the_shards(q):
    """Options edited on the sharded optimizer (lr, a new group) take effect."""
    q.eval("seed 9; m:%s; m2:%s; ddp m; o:zero opt(`sgd;m;.1)" % (NET, NET))
    q.eval("lr(o;0.0)")
    before = params(q, "m")
    train(q, "m", "o", 1)
    assert same(params(q, "m"), before)               # lr 0: nothing moves
    q.eval("lr(o;0.1)")
    train(q, "m", "o", 1)
    assert not same(params(q, "m"), before, 1e-4)
    # a new group (all ranks re-partition) trains its parameters
    q.eval("opt(o;1;m2;.05)")
    assert q("size o") == 8
    q.eval("b:module state m2; ob:opt(`sgd;b;.05)")
    q.eval("zerograd o; zerograd ob; l:ce(forward(m2;X);Y); backward l; step o; "
           "l2:ce(forward(b;X);Y); backward l2; step ob")
    assert same(params(q, "m2"), params(q, "b"), 1e-7)


def test_schedule_and_onstep_carry_over(q):
    """Step settings and schedules attached before zero keep working after it."""
    q.eval("seed 11; a:%s; b:module state a; ddp a" % NET)
    for o, m in (("oa", "a"), ("ob", "b")):
        q.eval("%s:opt(`sgd;%s;.2;.9); schedule(%s;(`step;1;.5)); onstep(%s;`clipnorm,0.5)" % (o, m, o, o))
    q.eval("zero oa")
    train(q, "a", "oa", 3)
    train(q, "b", "ob", 3)
    assert q.console("lr oa") == q.console("lr ob") == ",0.025"
    assert same(params(q, "a"), params(q, "b"), 1e-7)
    assert q.console("(state[oa]`extras)~state[ob]`extras") == "1b"


def test_distclose_then_join_again(q):
    """distclose[]: ddp modules turn local, a sharded optimizer refuses to step or
    gather state; a new group (distinit[]) does not revive the old shards."""
    q.eval("m:%s; ddp m; o:zero opt(`sgd;m;.1); zerograd o; l:ce(forward(m;X);Y); backward l; step o" % NET)
    q.eval("distclose[]")
    assert not D.initialized()
    assert getattr(q.registry.get(q.eval("m")), "ddp", None) is None
    before = params(q, "m")
    q.eval("zerograd o; l:ce(forward(m;X);Y); backward l")
    assert err(q, "step o") == "'step: process group closed, a sharded optimizer cannot step"
    assert same(params(q, "m"), before)
    assert err(q, "state o") == "'state: process group closed, a sharded optimizer cannot gather its state"
    q.eval("distinit[]")                                   # the group of the other tests again
    assert err(q, "step o") == "'step: process group closed, a sharded optimizer cannot step"
    assert q.eval("ddp m") == q.eval("m")
    assert q.console("distrank[]") == "0"
