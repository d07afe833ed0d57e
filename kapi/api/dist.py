"""Distributed training through torch.distributed: distinit, distrank,
worldsize, barrier, allreduce, broadcast, ddp, zero, distclose, allranks.

The same q script runs single-process (``kapi file.q``) or on several
processes or hosts under ``torchrun`` (``python -m torch.distributed.run
... -m kapi file.q``).  Nothing here is home-made: ``distinit`` joins
PyTorch's process group (gloo on CPU, nccl with CUDA), ``ddp`` wraps a
module in ``torch.nn.parallel.DistributedDataParallel`` and ``zero`` an
optimizer in ``torch.distributed.optim.ZeroRedundancyOptimizer``.

Decisions (docs/distributed.md):

* without a process group, ``distrank[]`` is 0, ``worldsize[]`` 1,
  ``barrier[]`` does nothing and ``allreduce``/``broadcast`` return their
  input: a script written for many processes runs unchanged on one;
* ``distinit[]`` outside a launcher (no RANK/WORLD_SIZE in the environment)
  starts a one-process group (an in-memory store), so ``ddp`` and ``zero``
  also work, and give the same numbers, on one process;
* ``ddp m`` keeps the same api-pointer: ``names``, ``state``, ``opt`` ...
  see the module itself, ``forward`` goes through the wrapper (gradients
  are averaged over the ranks during ``backward``); ``nforward``,
  ``eforward``, ``evaluate`` and a child's forward run the local module
  without communication;
* ``zero o`` shards an optimizer's state; ``state o`` is then a collective
  call that gathers the whole state on rank 0 in the usual k format (other
  ranks get ``::``), so ``opt(state;module)`` restores it in any number of
  processes and a following ``zero`` shards it again;
* console output (results, ``show``, ``-1``, ``0N!``) of a multi-process
  launch is written by rank 0 only unless ``allranks 1b`` or the environment
  variable ``KAPI_ALLRANKS=1``; an error names its rank: ``[rank 1] 'type``.

Collective calls (barrier, allreduce, broadcast, step and state of a sharded
optimizer, forward/backward of a ddp module) must be made by every rank, in
the same order.
"""

import atexit
import gc
import os
import pickle
import sys
import weakref

import numpy as np

from ..caps import needs
from ..errors import KError
from ..values import qtype
from .base import torch, verb
from .optargs import _pairs_list, _xpairs
from .optim import catalog as C
from .registry import DictObj, TensorObj, VectorObj, find, is_ptr, kname
from .state import OptObj, definition
from .optim.custom import needs_closure

BACKENDS = ("gloo", "nccl", "mpi")
OPS = ("sum", "prod", "min", "max", "avg")


# --------------------------------------------------------------------------
# the process group

def _dist():
    torch()
    import torch.distributed as d
    if not d.is_available():
        raise KError("distributed: this build of torch has no torch.distributed")
    return d


def initialized():
    """True once this process has joined a process group (never imports torch)."""
    d = sys.modules.get("torch.distributed")
    return d is not None and d.is_available() and d.is_initialized()


def rank():
    """This process's rank: 0 without a process group."""
    return _dist().get_rank() if initialized() else 0


def world():
    """The number of processes: 1 without a process group."""
    return _dist().get_world_size() if initialized() else 1


def _none(x):
    return x is None or (type(x) is list and not x)


def _env_int(name):
    v = os.environ.get(name)
    if v is None:
        return None
    try:
        return int(v)
    except ValueError:
        raise KError("distinit: environment variable %s is not an integer: %s" % (name, v)) from None


_ATEXIT = []
_HOLDERS = weakref.WeakSet()    # objects given a DDP wrapper or a ZeroRedundancyOptimizer


def _shutdown():
    """At exit: drop the DDP wrappers and sharded optimizers (they hold the
    process group), collect them, then destroy the group, so that gloo's
    threads are joined before the C++ runtime tears down.  (A process group
    still referenced at exit makes a rank abort now and then with "terminate
    called without an active exception", plain PyTorch scripts too.)"""
    for h in list(_HOLDERS):
        h.__dict__.pop("ddp", None)
        if getattr(h, "sharded", False):
            h.opt = None
    _HOLDERS.clear()
    gc.collect()
    if initialized():
        try:
            _dist().destroy_process_group()
        except Exception:       # pragma: no cover - best effort at exit
            pass


@verb("distinit")
@needs("net")
def distinit(reg, x):
    """distinit[] / distinit`backend / distinit(`backend;timeout)  join the torch.distributed
process group. Under torchrun (environment RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT,
LOCAL_RANK) every process joins the same group; without those variables a one-process
group is started (rank 0, world size 1) so that ddp and zero also work on one process.
backend: `gloo (default on CPU) or `nccl (default when CUDA is present; each process
uses the GPU numbered LOCAL_RANK); timeout: seconds a collective may wait (default
torch's). Returns null. Without distinit, distrank[] is 0 and worldsize[] 1."""
    backend, timeout = None, None
    if _none(x):
        pass
    elif qtype(x) == -11:
        backend = str(x)
    elif type(x) is list and len(x) == 2 and qtype(x[0]) == -11 and qtype(x[1]) in (-5, -6, -7, -8, -9):
        backend, timeout = str(x[0]), float(x[1])
        if not timeout > 0:
            raise KError("distinit: timeout expected as positive number of seconds")
    else:
        raise KError("distinit: expecting ::, backend symbol or (backend;timeout), given " + kname(reg, x))
    if backend is not None and backend not in BACKENDS:
        raise KError("distinit: unrecognized backend `%s, expecting one of: gloo nccl mpi" % backend)
    d = _dist()
    if d.is_initialized():
        raise KError("distinit: already joined, rank %d of %d (distclose[] leaves)"
                     % (d.get_rank(), d.get_world_size()))
    T = torch()
    if backend is None:
        backend = "nccl" if T.cuda.is_available() else "gloo"
    if backend == "nccl" and not T.cuda.is_available():
        raise KError("distinit: nccl backend needs CUDA, none available (use `gloo)")
    rk, ws = _env_int("RANK"), _env_int("WORLD_SIZE")
    kw = {}
    if timeout is not None:
        import datetime
        kw["timeout"] = datetime.timedelta(seconds=timeout)
    if rk is None and ws is None:
        d.init_process_group(backend, store=d.HashStore(), rank=0, world_size=1, **kw)
    else:
        missing = [v for v in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT") if v not in os.environ]
        if missing:
            raise KError("distinit: environment variable(s) %s not set (launch with torchrun)"
                         % " ".join(missing))
        if ws < 1 or not 0 <= rk < ws:
            raise KError("distinit: RANK %d invalid for WORLD_SIZE %d" % (rk, ws))
        if backend == "nccl":
            T.cuda.set_device(_env_int("LOCAL_RANK") or 0)
        d.init_process_group(backend, init_method="env://", rank=rk, world_size=ws, **kw)
    if not _ATEXIT:
        _ATEXIT.append(atexit.register(_shutdown))
    return None


@verb("distclose")
@needs("net")
def distclose(reg, x):
    """distclose[]  leave the process group (torch.distributed.destroy_process_group);
nothing to do without one. Modules wrapped by ddp become ordinary modules again;
optimizers sharded by zero can no longer step or gather their state (save state o
before). kapi leaves the group when the process exits."""
    _noargs(reg, x, "distclose")
    for h in list(_HOLDERS):
        h.__dict__.pop("ddp", None)
    if initialized():
        _dist().destroy_process_group()
    return None


def _noargs(reg, x, what):
    if not _none(x):
        raise KError("%s: expecting no argument, e.g. %s[], given %s" % (what, what, kname(reg, x)))


@verb("distrank")
@needs("net")
def distrank(reg, x):
    """distrank[]  this process's rank in the process group (a long, 0 to worldsize[]-1);
0 without a process group. (q's rank keyword is unrelated: it ranks a list.)"""
    _noargs(reg, x, "distrank")
    return np.int64(rank())


@verb("worldsize")
@needs("net")
def worldsize(reg, x):
    """worldsize[]  the number of processes in the process group (a long); 1 without one."""
    _noargs(reg, x, "worldsize")
    return np.int64(world())


@verb("barrier")
@needs("net")
def barrier(reg, x):
    """barrier[]  wait until every rank has reached this call (torch.distributed.barrier);
nothing to do without a process group."""
    _noargs(reg, x, "barrier")
    if initialized():
        _dist().barrier()
    return None


# --------------------------------------------------------------------------
# collectives on tensors and k values

def _tensors_of(obj, what):
    if isinstance(obj, TensorObj):
        ts = [obj.t]
    elif isinstance(obj, (VectorObj, DictObj)):
        ts = list(obj.tensors())
    else:
        raise KError("%s: expecting tensor, vector or dictionary pointer or k array, given %s"
                     % (what, obj.cls))
    if any(t is None for t in ts):
        raise KError("%s: undefined tensor" % what)
    return ts


def _kdevice():
    """Where a k value's tensor goes for a collective: the current GPU with nccl."""
    d = _dist()
    if initialized() and d.get_backend() == "nccl":
        return torch().device("cuda", torch().cuda.current_device())
    return None


_NUMERIC = (5, 6, 7, 8, 9)


def _knum(reg, x, what):
    """A tensor from a numeric k atom, vector or matrix (short int long real float)."""
    from .convert import to_tensor
    t = qtype(x)
    if t == 0 and x:
        leaf = x
        while type(leaf) is list and leaf:
            leaf = leaf[0]
        t = qtype(leaf)
    if abs(t) not in _NUMERIC:
        raise KError("%s: expecting numeric k value (short, int, long, real or float), given %s"
                     % (what, kname(reg, x)))
    return to_tensor(x, reg=reg)


@verb("allreduce")
@needs("net")
def allreduce(reg, x):
    """allreduce x / allreduce(x;op)  combine x over all ranks, every rank getting the
result: op is `sum (default) `prod `min `max or `avg (the sum divided by worldsize[]).
x is a tensor pointer (reduced in place; also each tensor of a vector or dictionary),
returning null, or a numeric k atom, vector or matrix, returning the reduced value
(`avg of integers gives floats). Every rank must give the same shape and type.
Without a process group x is returned as it is."""
    op = "sum"
    if type(x) is list and len(x) == 2 and qtype(x[1]) == -11 and not is_ptr(x):
        x, op = x[0], str(x[1])
        if op not in OPS:
            raise KError("allreduce: unrecognized operation `%s, expecting one of: sum prod min max avg" % op)
    obj = find(reg, x)
    if obj is not None:
        ts = _tensors_of(obj, "allreduce")
        if op == "avg":
            for t in ts:
                if not (t.is_floating_point() or t.is_complex()):
                    from .convert import dtype_name
                    raise KError("allreduce: avg needs floating tensors, given %s tensor" % dtype_name(t.dtype))
        for t in ts:
            _reduce(t, op)
        return None
    t = _knum(reg, x, "allreduce")
    if op == "avg" and not t.is_floating_point():
        t = t.double()
    dev = _kdevice()
    if dev is not None:
        t = t.to(dev)
    _reduce(t, op)
    from .convert import to_k
    return to_k(t)


def _reduce(t, op):
    if not initialized():
        return
    d = _dist()
    R = d.ReduceOp
    with torch().no_grad():
        d.all_reduce(t, {"sum": R.SUM, "avg": R.SUM, "prod": R.PRODUCT, "min": R.MIN, "max": R.MAX}[op])
        if op == "avg":
            t.div_(d.get_world_size())


@verb("broadcast")
@needs("net")
def broadcast(reg, x):
    """broadcast x / broadcast(x;src)  rank src's x (default rank 0) on every rank.
x is a tensor pointer (overwritten in place with rank src's values, same shape and type
on every rank; also each tensor of a vector or dictionary), returning null, or any k
value (sent as an object, need not match across ranks), returning rank src's value.
A two-item general list whose second item is a long is read as (x;src): to send such
a list, give it with its source, broadcast((`a;1);0). Without a process group src
must be 0 and x is returned."""
    src = 0
    if type(x) is list and len(x) == 2 and qtype(x[1]) in (-5, -6, -7) and not is_ptr(x):
        x, src = x[0], int(x[1])
    n = world()
    if not 0 <= src < n:
        raise KError("broadcast: source rank %d invalid, world size %d" % (src, n))
    obj = find(reg, x)
    if obj is not None:
        ts = _tensors_of(obj, "broadcast")
        if initialized():
            d = _dist()
            with torch().no_grad():
                for t in ts:
                    d.broadcast(t, src)
        return None
    mine = not initialized() or _dist().get_rank() == src
    if mine and x is not None and qtype(x) >= 100:
        raise KError("broadcast: cannot send a function, given " + kname(reg, x))
    if not initialized():
        return x
    d = _dist()
    box = [x if mine else None]         # the other ranks' values are not looked at
    kw = {}
    dev = _kdevice()
    if dev is not None:
        kw["device"] = dev
    try:
        d.broadcast_object_list(box, src, **kw)
    except (pickle.PicklingError, AttributeError, TypeError) as e:   # what pickle cannot send
        raise KError("broadcast: cannot send %s" % kname(reg, x)) from e
    return box[0]


# --------------------------------------------------------------------------
# ddp: DistributedDataParallel

_DDP_OPTS = {"unused": ("find_unused_parameters", "bool"), "buffers": ("broadcast_buffers", "bool"),
             "bucket": ("bucket_cap_mb", "num"), "static": ("static_graph", "bool")}


def _need_group(what):
    if not initialized():
        raise KError("%s: no process group, distinit[] first" % what)


def _ddp_options(reg, p):
    pr = _xpairs(reg, p)
    if pr is None:
        raise KError("ddp: expecting name-value pairs of options, given " + kname(reg, p))
    kw = {}
    for k, v in _pairs_list(reg, pr):
        o = _DDP_OPTS.get(k)
        if o is None:
            raise KError("ddp: unrecognized option `%s, expecting one of: %s" % (k, " ".join(_DDP_OPTS)))
        if o[1] == "bool":
            if qtype(v) != -1:
                raise KError("ddp: %s option expects boolean, given %s" % (k, kname(reg, v)))
            kw[o[0]] = bool(v)
        else:
            if qtype(v) not in (-5, -6, -7, -8, -9) or not float(v) > 0:
                raise KError("ddp: %s option expects positive number (megabytes), given %s" % (k, kname(reg, v)))
            kw[o[0]] = float(v)
    return kw


@verb("ddp")
@needs("net")
def ddp(reg, x):
    """ddp m / ddp(m;options)  wrap module m for data-parallel training in
torch.nn.parallel.DistributedDataParallel (after distinit[]): rank 0's parameters and
buffers are copied to every rank, and backward after forward(m;..) averages the
gradients over the ranks, so that each rank can train on its own part of a batch.
Returns m, which stays the same pointer for opt, state, names, parmnames, to ...;
forward(m;..) runs through the wrapper (a collective call), nforward, eforward and
evaluate run the local module. Options as name-value pairs: unused (1b: allow
parameters without gradient, find_unused_parameters), buffers (0b: do not broadcast
buffers at each forward), bucket (gradient bucket size in MB, default 25), static
(1b: static_graph), e.g. ddp(m;`unused,1b)."""
    from .module import ModuleObj
    opts = None
    if type(x) is list and len(x) == 2 and is_ptr(x[0]):
        x, opts = x[0], x[1]
    obj = find(reg, x)
    if not isinstance(obj, ModuleObj):
        raise KError("ddp: expecting module, given " + (obj.cls if obj is not None else kname(reg, x)))
    kw = _ddp_options(reg, opts) if opts is not None else {}
    if getattr(obj, "ddp", None) is not None:
        raise KError("ddp: module already wrapped for data-parallel training")
    _need_group("ddp")
    m = obj.module
    if not any(p.requires_grad for p in m.parameters()):
        raise KError("ddp: module has no parameters that require gradients")
    T = torch()
    DDP = T.nn.parallel.DistributedDataParallel
    if "broadcast_buffers" in kw:
        import inspect
        if "forward_sync_buffers" in inspect.signature(DDP.__init__).parameters:
            kw["forward_sync_buffers"] = kw.pop("broadcast_buffers")    # its newer name
    dev = next(m.parameters()).device
    if dev.type == "cuda":
        kw["device_ids"] = [dev.index if dev.index is not None else T.cuda.current_device()]
    w = DDP(m, **kw)
    obj.ddp = w
    _HOLDERS.add(obj)
    return x


# --------------------------------------------------------------------------
# zero: ZeroRedundancyOptimizer

class _View:
    """An optimizer seen with all its state (param groups + per-parameter state)."""

    __slots__ = ("param_groups", "state")

    def __init__(self, param_groups, state):
        self.param_groups = param_groups
        self.state = state


class ShardedOptObj(OptObj):
    """An optimizer whose state is sharded over the ranks: ``opt`` is a
    ZeroRedundancyOptimizer over the catalogue class (``zero o`` turns an
    :class:`~kapi.api.state.OptObj` into one, keeping its pointer)."""

    __slots__ = ()
    sharded = True

    def _counts(self):
        # tensorcount/elements/bytes: what this rank holds, its shard of the state
        z = self.opt
        tc = el = by = 0
        for g in z.optim.param_groups:
            for p in g["params"]:
                st = z.optim.state.get(p)
                if st:
                    a, b, c = C.state_counts(self.name, st)
                    tc, el, by = tc + a, el + b, by + c
        return tc, el, by

    def state(self, flag):
        return sharded_state(self, flag)


def _alive(z):
    """True while the process group of ZeroRedundancyOptimizer z is usable."""
    try:
        _dist().get_rank(z.process_group)       # ValueError once the group is destroyed
        return True
    except (ValueError, RuntimeError):
        return False


_ZERO = []


def _zero_class():
    """torch's ZeroRedundancyOptimizer, its step checking first that the
    process group is still there (after distclose[] it is not)."""
    if not _ZERO:
        from torch.distributed.optim import ZeroRedundancyOptimizer as Z

        class ZeroRedundancyOptimizer(Z):
            __doc__ = Z.__doc__

            def step(self, closure=None, **kwargs):
                if not _alive(self):
                    raise KError("step: process group closed, a sharded optimizer cannot step")
                return super().step(closure, **kwargs)

        _ZERO.append(ZeroRedundancyOptimizer)
    return _ZERO[0]


def sharded_state(oo, flag):
    """``state o`` of a sharded optimizer: a collective call gathering the
    state on rank 0 (ZeroRedundancyOptimizer.consolidate_state_dict), then
    the same k value as an unsharded optimizer's ``state``; null elsewhere."""
    z = oo.opt
    if not _alive(z):
        raise KError("state: process group closed, a sharded optimizer cannot gather its state")
    z.consolidate_state_dict(to=0)
    if z.rank != 0:
        return None
    try:
        sd = z.state_dict()
    finally:
        z._all_state_dicts = []         # the gathered copies are not kept
    params = [p for g in z.param_groups for p in g["params"]]
    full = {params[i]: st for i, st in sd["state"].items() if st}
    view = OptObj(oo.name, _View(z.param_groups, full), oo.kdefaults, oo.module)
    view._extras = oo._extras
    return definition(view, flag, state=True)


@verb("zero")
@needs("net")
def zero(reg, x):
    """zero o  shard optimizer o's state over the ranks with
torch.distributed.optim.ZeroRedundancyOptimizer (after distinit[]): each rank keeps and
updates the state of its share of the parameters, then the updated parameters are
broadcast. Any catalogue optimizer that steps without a closure; its groups, options and
any state it already has (e.g. from opt(state;module)) carry over. Returns o, the same
pointer. step o is then a collective call, and so is state o: it gathers the whole state
on rank 0, in the format of an unsharded optimizer (other ranks get ::), so that
opt(state;module) restores it in one process or, followed by zero, shards it again over
any number of ranks. Add parameters before zero: only new groups can be added after.
Optimizers using a norm over all parameters (lamb with globalnorm) are refused."""
    oo = find(reg, x)
    if not isinstance(oo, OptObj):
        raise KError("zero: expecting optimizer, given " + (oo.cls if oo is not None else kname(reg, x)))
    if getattr(oo, "sharded", False):
        raise KError("zero: optimizer state already sharded")
    _need_group("zero")
    if needs_closure(oo.name):
        raise KError("zero: %s optimizer steps with a closure, not supported with sharded state" % oo.name)
    params = oo.params()
    if not params:
        raise KError("zero: optimizer has no parameters, add them before zero")
    if any(g.get("global_norm") for g in oo.opt.param_groups):
        raise KError("zero: %s optimizer with a norm over all parameters (globalnorm) cannot be sharded"
                     % oo.name)
    if any(p.is_sparse for p in params) or len({(p.dtype, p.device) for p in params}) > 1:
        raise KError("zero: parameters must be dense, of one type and on one device")
    spec = C.get(oo.name)
    kw = C.to_torch(oo.name, oo.kdefaults, check=False)
    groups = [dict(g, params=list(g["params"])) for g in oo.opt.param_groups]
    z = _zero_class()(groups, optimizer_class=spec.cls, **kw)
    old = oo.opt.state
    for g in z.optim.param_groups:
        for p in g["params"]:
            st = old.get(p)
            if st:
                z.optim.state[p] = st
    oo.opt = z
    oo.__class__ = ShardedOptObj
    _HOLDERS.add(oo)
    return x


# --------------------------------------------------------------------------
# rank-aware console

def launched():
    """True in a multi-process launch (torchrun's WORLD_SIZE above 1, or a group of
    more than one process)."""
    try:
        if int(os.environ.get("WORLD_SIZE", "1")) > 1:
            return True
    except ValueError:
        pass
    return initialized() and _dist().get_world_size() > 1


def console_rank():
    """The rank that labels console output: the group's, else torchrun's RANK, else 0."""
    if initialized():
        return _dist().get_rank()
    try:
        return int(os.environ.get("RANK", "0"))
    except ValueError:
        return 0


def allranks_flag(interp):
    v = getattr(interp, "allranks", None)
    if v is None:
        v = os.environ.get("KAPI_ALLRANKS", "").strip().lower() in ("1", "true", "yes", "on")
    return v


class RankConsole:
    """The console stream of one process in a multi-process launch: text is
    written on rank 0 only, unless ``allranks`` is on."""

    def __init__(self, interp, stream):
        self.interp = interp
        self.stream = stream

    def write(self, text):
        if console_rank() == 0 or allranks_flag(self.interp):
            return self.stream.write(text)
        return len(text)

    def flush(self):
        self.stream.flush()

    def __getattr__(self, name):
        return getattr(self.stream, name)


def console(interp):
    """Make ``interp``'s console output rank-aware when this process is part of
    a multi-process launch (called by the ``kapi`` command)."""
    if launched() and not isinstance(interp.out, RankConsole):
        interp.out = RankConsole(interp, interp.out)
    return interp


def tag(text):
    """An error block as the ``kapi`` command prints it: prefixed by the rank in
    a multi-process launch."""
    if launched():
        return "[rank %d] %s" % (console_rank(), text)
    return text


@verb("allranks")
@needs("net")
def allranks(reg, x):
    """allranks[]  1b if every rank writes console output, 0b if only rank 0 does (the
default in a multi-process launch; the environment variable KAPI_ALLRANKS=1 turns it on).
allranks 1b / allranks 0b  set it. Covers results, show, 0N! and handle 1 (-1 "text");
handle 2 (-2 "text", stderr) and errors are written by every rank."""
    it = reg.interp
    if _none(x):
        return np.bool_(allranks_flag(it))
    if qtype(x) != -1:
        raise KError("allranks: expecting boolean, given " + kname(reg, x))
    it.allranks = bool(x)
    return None

