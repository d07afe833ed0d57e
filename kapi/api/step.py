"""Optimizer steps: step (with a closure, accumulation, clipping and
schedules), onstep (the step settings), zerograd and nograd."""

import numpy as np

from .. import values as V
from ..errors import KError
from ..funcs import call
from ..values import KDict, qtype
from .base import torch, verb
from .clip import _clip_now, _clip_value, _grads
from .optargs import NULLJ, _is_list, _normtype, _pairs_list, _positive, _s1, _xpairs
from .registry import DictObj, TensorObj, VectorObj, find, is_ptr, kname, registry
from .state import ONSTEP, Extras, OptObj, _optobj


def fast_step(opt, closure=None):
    """optim.fast.step, imported on first use (it imports torch)."""
    global fast_step
    from .optim.fast import step
    fast_step = step
    return step(opt, closure)


def _needs_closure(name):
    global _needs_closure
    from .optim.custom import needs_closure
    _needs_closure = needs_closure          # the import once, not on every step
    return needs_closure(name)


def _k_loss(reg, r):
    """Loss tensor from a closure's k result (a tensor pointer is freed)."""
    T = torch()
    obj = find(reg, r)
    if isinstance(obj, TensorObj):
        reg.free(r)
        return obj.t
    if qtype(r) in (-5, -6, -7, -8, -9):
        return T.tensor(float(r))
    raise KError("step: closure expected to return loss as tensor or number, given " + kname(reg, r))


def _prepare(reg, oo):
    """Before an update: add pending (accumulated) gradients, then clip."""
    ex = oo._extras
    if ex is None:
        return
    for p, g in ex.pending.values():
        p.grad = g.clone() if p.grad is None else p.grad + g
    groups = [grp["params"] for grp in oo.opt.param_groups]
    if ex.clipvalue is not None:
        _clip_value(_grads([q for g in groups for q in g]), ex.clipvalue)
    if ex.clipnorm is not None:
        _clip_now(groups, ex.clipnorm, ex.clipp, ex.clipgroup)


def _stash(oo):
    """An accumulating call: move gradients into the pending sums."""
    ex = oo.extras
    for p in oo.params():
        if p.grad is None:
            continue
        e = ex.pending.get(id(p))
        g = p.grad.detach()
        ex.pending[id(p)] = (p, g.clone() if e is None else e[1] + g)
        p.grad = None


def _advance_schedules(oo, pre):
    ex = oo._extras
    if ex is None or not ex.schedules:
        return
    groups = oo.opt.param_groups
    for g, s in sorted(ex.schedules.items()):
        if g < len(groups):
            s.advance(groups[g], pre.get(g))


def _peek_schedules(oo):
    """k-function schedules' next rates, computed before the update so that a
    failing function leaves the optimizer unchanged."""
    ex = oo._extras
    if ex is None:
        return {}
    return {g: s.peek() for g, s in ex.schedules.items() if s.kind == "function" and not s.done}


def _step(reg, oo, f):
    T = torch()
    ex = oo._extras
    if f is None and _needs_closure(oo.name):
        if oo.name == "lbfgs":
            raise KError("LBFGS optimizer requires model, loss & inputs")
        raise KError("step: %s optimizer requires a closure, use step(o;f) with f a function "
                     "that recomputes the loss, calls backward and returns the loss" % oo.name)

    def run():
        oo.opt.zero_grad(set_to_none=True)
        with T.enable_grad():
            return _k_loss(reg, call(f, [None]))

    def loss(r):
        if r is None:
            return None
        return np.float64(float(r.detach() if isinstance(r, T.Tensor) else r))

    if ex is not None and ex.calls + 1 < ex.accumulate:
        r = run() if f is not None else None
        _stash(oo)
        ex.calls += 1
        return loss(r)
    pre = _peek_schedules(oo)
    if f is None:
        saved = [(p, p.grad) for p in oo.params()]
        try:
            _prepare(reg, oo)
            fast_step(oo.opt)
        except BaseException:
            for p, g in saved:
                p.grad = g
            raise
        r = None
    else:
        def closure():
            v = run()
            _prepare(reg, oo)
            return v

        groups = oo.opt.param_groups
        if oo.name == "lbfgs" and len(groups) > 1:
            # as ktorch: lbfgs steps group 0 only, other groups are ignored
            oo.opt.param_groups = groups[:1]
            try:
                r = oo.opt.step(closure)
            finally:
                oo.opt.param_groups = groups
        else:
            r = fast_step(oo.opt, closure)
    if ex is not None:
        if ex.accumulate > 1:
            for p in oo.params():           # every call consumes the gradients
                p.grad = None
        ex.calls = 0
        ex.pending.clear()
    _advance_schedules(oo, pre)
    return loss(r)


@verb("step")
def step(reg, x):
    """step o  one optimizer step (also step m for a model).
step(o;f)  step with closure f: a k function (called with ::) that recomputes the loss
(forward, loss, backward) and returns it as a tensor pointer (freed) or a number;
gradients are reset (nograd) before each call. Returns the first loss. Needed by
optimizers that re-evaluate the loss (lbfgs, sophia, ..): step o on them is an error.
With onstep settings: accumulate k applies the update on every k-th call (the calls
between sum the gradients); clipvalue/clipnorm clip the gradients before each update;
schedules attached with `schedule` advance after each update."""
    f = None
    if is_ptr(x):
        obj = reg.get(x)
    elif _is_list(x) and len(x) == 2 and is_ptr(x[0]):
        obj = reg.get(x[0])
        f = x[1]
        if not isinstance(f, V.KFunc):
            raise KError("step: closure expected as 2nd arg, given " + kname(reg, f))
    else:
        raise KError("step: expects model or optimizer, given " + kname(reg, x))
    oo = _optobj(obj)
    if oo is None:
        raise KError("step: expects model or optimizer, given " + obj.cls)
    return _step(reg, oo, f)


def _onstep_value(reg, key, v):
    t = qtype(v)
    if key == "accumulate":
        if t in (-5, -6, -7) and int(v) >= 1:
            return int(v)
        raise KError("onstep: accumulate expected as a positive long, given %s"
                     % (_s1(reg, v) if t < 0 else kname(reg, v)))
    if key == "clipgroup":
        if t == -1:
            return bool(v)
        raise KError("onstep: clipgroup expected as boolean, given " + kname(reg, v))
    if key == "clipp":
        return _normtype(reg, v, "onstep")
    if (t == -9 and np.isnan(float(v))) or (t == -7 and int(v) == NULLJ):
        return None                                 # a null turns the setting off
    return _positive(reg, v, "onstep", key)


@verb("onstep")
def onstep(reg, x):
    """onstep o  an optimizer's step settings (dictionary):
  accumulate  apply the update on every k-th step call (default 1); the calls between
              sum the gradients (moved into the optimizer, grads left undefined)
  clipnorm    clip gradients to this total norm before each update (0n: off)
  clipp       the norm type for clipnorm (default 2, 0w: max norm)
  clipgroup   1b: clipnorm applied to each parameter group separately
  clipvalue   clip each gradient element to [-v,v] before each update (0n: off)
  pending     calls accumulated since the last update
onstep(o;pairs)  set some, name-value pairs as for opt: onstep(o;`accumulate,4),
onstep(o;`clipnorm`clipp!(1.0;2)), onstep(o;((`clipvalue;.5);(`accumulate;2)))."""
    if is_ptr(x):
        oo = _optobj(find(reg, x))
        if oo is None:
            raise KError("onstep: expecting optimizer or model, given " + kname(reg, x))
        ex = oo._extras or Extras()
        d = ex.settings()
        vals = [np.int64(d["accumulate"]), np.float64(np.nan if d["clipnorm"] is None else d["clipnorm"]),
                np.float64(d["clipp"]), np.bool_(d["clipgroup"]),
                np.float64(np.nan if d["clipvalue"] is None else d["clipvalue"]), np.int64(ex.calls)]
        return KDict(V.syms(list(ONSTEP) + ["pending"]), vals)
    if not (_is_list(x) and len(x) == 2 and is_ptr(x[0])):
        raise KError("onstep: expecting optimizer, or (optimizer;name-value pairs)")
    oo = _optobj(find(reg, x[0]))
    if oo is None:
        raise KError("onstep: expecting optimizer or model, given " + kname(reg, x[0]))
    pr = _xpairs(reg, x[1])
    if pr is None:
        raise KError("onstep: expecting name-value pairs, given " + kname(reg, x[1]))
    new_ = {}
    for k, v in _pairs_list(reg, pr):
        if k not in ONSTEP:
            raise KError("onstep: unrecognized setting `%s, expecting one of: %s" % (k, " ".join(ONSTEP)))
        new_[k] = _onstep_value(reg, k, v)
    ex = oo.extras
    for k, v in new_.items():
        setattr(ex, k, v)
    return None


def _reset_tensor(t, none):
    if t is None or t.grad is None:
        return
    if none:
        t.grad = None
    else:
        g = t.grad
        if g.grad_fn is not None:
            g.detach_()
        else:
            g.requires_grad_(False)
        g.zero_()


def _resetgrad(reg, x, what, none):
    obj = find(reg, x)
    if obj is None:
        raise KError("%s: not implemented for %s" % (what, kname(reg, x)))
    if type(obj) is OptObj:            # the common case first
        obj.opt.zero_grad(set_to_none=none)
        return None
    from .module import ModuleObj
    if isinstance(obj, TensorObj):
        _reset_tensor(obj.t, none)
    elif isinstance(obj, (VectorObj, DictObj)):
        for t in obj.tensors():
            _reset_tensor(t, none)
    elif isinstance(obj, ModuleObj):
        obj.module.zero_grad(set_to_none=none)
    else:
        oo = _optobj(obj)
        if oo is None:
            raise KError("%s: not implemented for %s" % (what, obj.cls))
        oo.opt.zero_grad(set_to_none=none)
    return None


@verb("zerograd")
def zerograd(reg, x):
    """zerograd ptr  set gradients to zero: tensor, vector, dictionary, module, optimizer or model."""
    return _resetgrad(reg, x, "zerograd", False)


@verb("nograd")
def nograd(reg, x):
    """nograd ptr  make gradients undefined: tensor, vector, dictionary, module, optimizer or model."""
    return _resetgrad(reg, x, "nograd", True)
