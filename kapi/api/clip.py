"""Gradient clipping: clip and clipv clip now (ktorch); the same clipping
before every update is a step setting (onstep, :mod:`kapi.api.step`)."""

import numpy as np

from ..errors import KError
from ..values import qtype
from .base import torch, verb
from .optargs import _is_list, _normtype, _positive
from .registry import DictObj, TensorObj, VectorObj, find, is_ptr, kname
from .state import _optobj


def _grads(params):
    return [p for p in params if p.grad is not None]


def _clip_value(ps, v):
    """torch.nn.utils.clip_grad_value_; a sparse gradient is coalesced and
    its values clipped."""
    dense = [p for p in ps if not p.grad.is_sparse]
    if dense:
        torch().nn.utils.clip_grad_value_(dense, v)
    for p in ps:
        if p.grad.is_sparse:
            g = p.grad.coalesce()
            g._values().clamp_(-v, v)
            p.grad = g


def _clip_now(groups, maxnorm, p, pergroup):
    """torch.nn.utils.clip_grad_norm_ over all groups (or each group):
    the total norm(s) before clipping."""
    T = torch()
    clip = T.nn.utils.clip_grad_norm_
    if pergroup:
        out = []
        for g in groups:
            ps = _grads(g)
            out.append(float(clip(ps, maxnorm, p)) if ps else 0.0)
        return out
    ps = _grads([q for g in groups for q in g])
    return float(clip(ps, maxnorm, p)) if ps else 0.0


def _clip_target(reg, x, what):
    """(groups of parameter lists, is-optimizer) for clip/clipv's first arg."""
    from .module import ModuleObj
    obj = find(reg, x)
    if obj is None:
        raise KError("%s: expecting optimizer, module, tensor, vector or dictionary, given %s"
                     % (what, kname(reg, x)))
    oo = _optobj(obj)
    if oo is not None:
        return [g["params"] for g in oo.opt.param_groups], True
    if isinstance(obj, ModuleObj):
        return [list(obj.module.parameters())], False
    if isinstance(obj, TensorObj):
        return [[obj.t] if obj.t is not None else []], False
    if isinstance(obj, (VectorObj, DictObj)):
        return [[t for t in obj.tensors() if t is not None]], False
    raise KError("%s: not implemented for %s" % (what, obj.cls))


@verb("clip")
def clip(reg, x):
    """clip(o;maxnorm)  clip gradients now to a total norm of at most maxnorm
(torch.nn.utils.clip_grad_norm_, norm over all the optimizer's parameters); returns the
total norm before clipping. o: optimizer, model, module, tensor, vector or dictionary.
clip(o;maxnorm;p)  p-norm (long or double, 0w for the max norm).
clip(o;maxnorm;1b) / clip(o;maxnorm;p;1b)  an optimizer's groups clipped separately,
a norm per group returned.
To clip before every update instead, use onstep(o;`clipnorm,maxnorm)."""
    if not (_is_list(x) and 2 <= len(x) <= 4 and is_ptr(x[0])):
        raise KError("clip: expecting (object;maxnorm), (object;maxnorm;p), (object;maxnorm;groupflag) "
                     "or (object;maxnorm;p;groupflag)")
    groups, isopt = _clip_target(reg, x[0], "clip")
    maxnorm = _positive(reg, x[1], "clip", "max norm")
    rest = list(x[2:])
    pergroup = False
    if rest and qtype(rest[-1]) == -1:
        pergroup = bool(rest.pop())
        if pergroup and not isopt:
            raise KError("clip: group flag is only for optimizers")
    if len(rest) > 1:
        raise KError("clip: unrecognized arg(s)")
    p = _normtype(reg, rest[0], "clip") if rest else 2.0
    r = _clip_now(groups, maxnorm, p, pergroup)
    return np.array(r, dtype=np.float64) if pergroup else np.float64(r)


@verb("clipv")
def clipv(reg, x):
    """clipv(o;value)  clip every gradient element now to [-value, value]
(torch.nn.utils.clip_grad_value_). o: optimizer, model, module, tensor, vector or
dictionary. To clip before every update instead, use onstep(o;`clipvalue,value)."""
    if not (_is_list(x) and len(x) == 2 and is_ptr(x[0])):
        raise KError("clipv: expecting (object;value)")
    groups, _ = _clip_target(reg, x[0], "clipv")
    v = _positive(reg, x[1], "clipv", "clip value")
    _clip_value(_grads([p for g in groups for p in g]), v)
    return None
