"""Losses: loss modules (loss), functional losses (ce, mse) and backward."""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, qtype
from .base import torch, verb
from .convert import to_k, to_tensor
from .module import ALLOPTIONS, MType, Opt, kopts, pairs, parse_options
from .registry import DictObj, NNObj, Obj, TensorObj, VectorObj, find, is_ptr, kname, new

REDUCE = ("mean", "sum", "none")


def _ce(o):
    return torch().nn.CrossEntropyLoss(weight=o["weight"], ignore_index=o["ignore"],
                                       label_smoothing=o["smoothing"], reduction=o["reduce"])


def _mse(o):
    return torch().nn.MSELoss(reduction=o["reduce"])


def _l1(o):
    return torch().nn.L1Loss(reduction=o["reduce"])


LOSSES = {t.name: t for t in [
    MType("ce", "torch.nn.CrossEntropyLoss",
          [Opt("weight", "tensor", None), Opt("ignore", "long", -100), Opt("smoothing", "num", 0.0),
           Opt("reduce", "sym", "mean")], _ce),
    MType("mse", "torch.nn.MSELoss", [Opt("reduce", "sym", "mean")], _mse),
    MType("l1", "torch.nn.L1Loss", [Opt("reduce", "sym", "mean")], _l1),
]}


def _ltype(name):
    t = LOSSES.get(name)
    if t is None:
        raise KError("unrecognized loss function: " + str(name))
    return t


def parse(reg, name, args):
    """Parsed options of loss ``name``; a trailing reduction symbol is accepted
    in any position (ce(x;y;`none))."""
    t = _ltype(name)
    args = list(args)
    npos = len(args) - (1 if args and pairs(args[-1]) is not None else 0)
    ri = [o.name for o in t.opts].index("reduce")
    if npos and npos - 1 != ri and qtype(args[npos - 1]) == -11 and str(args[npos - 1]) in REDUCE:
        prs = pairs(args[npos]) if npos < len(args) else []
        args = args[:npos - 1] + [[["reduce", args[npos - 1]]] + [[k, v] for k, v in prs]]
    o = parse_options(reg, name, t.opts, args)
    if o["reduce"] not in REDUCE:
        raise KError("%s: unrecognized reduction: %s" % (name, o["reduce"]))
    return o


def make_loss(reg, name, args):
    t = _ltype(name)
    o = parse(reg, name, args)
    m = t.build(o)
    m._ktype, m._kopts, m._kname = name, o, None
    return m


class LossObj(NNObj):
    """A loss module: ``module`` is the torch loss module."""

    cls = "loss"
    __slots__ = ()

    def objtype(self):
        return self.module._ktype

    def definition(self, alloptions=True):
        return KDict(V.syms(["module", "options"]),
                     [self.module._ktype, kopts(self.module, alloptions, LOSSES)])


def _tensors(reg, args, what):
    """(tensors, any pointer given) from loss inputs; k arrays go to the device of
    the first tensor pointer."""
    objs = [find(reg, a) for a in args]
    dev = None
    for o in objs:
        if isinstance(o, TensorObj) and o.t is not None:
            dev = o.t.device
            break
    out = []
    for a, o in zip(args, objs):
        if o is None:
            t = to_tensor(a, reg=reg)
            if t is None:
                raise KError("%s: undefined tensor given as input" % what)
            if dev is not None and t.device != dev:
                t = t.to(dev)
            out.append(t)
        elif isinstance(o, TensorObj):
            out.append(o.t)
        else:
            raise KError("%s: expecting tensor or k array, given %s" % (what, o.cls))
    for t in out:
        if t is None:
            raise KError("%s: undefined tensor given as input" % what)
    if dev is not None:
        return out, True
    for o in objs:
        if o is not None:
            return out, True
    return out, False


def _calc(m, name, ins):
    w = getattr(m, "weight", None)
    if w is not None and w.device != ins[0].device:
        m.to(ins[0].device)
    try:
        return m(*ins)
    except (RuntimeError, ValueError, IndexError) as e:
        raise KError(str(e).strip().split("\n")[0]) from None
    except TypeError:
        import inspect
        try:
            inspect.signature(m.forward).bind(*ins)
        except TypeError:
            raise KError("loss: %s loss does not take %d input%s" %
                         (name, len(ins), "" if len(ins) == 1 else "s")) from None
        raise


def _functional(reg, name, x):
    if type(x) is not list or len(x) < 2 or is_ptr(x):
        n = 0 if x is None else (len(x) if type(x) is list and not is_ptr(x) else 1)
        raise KError("%s: expects at least 2 args, %d given" % (name, n))
    ins, ptr = _tensors(reg, x[:2], name)
    m = make_loss(reg, name, x[2:])
    r = _calc(m, name, ins)
    return new(reg, TensorObj(r)) if ptr else to_k(r)


@verb("ce")
def ce(reg, x):
    """ce(input;target) / ce(input;target;options..)  cross entropy loss; target holds
long class indices. Options: weight ignore smoothing reduce (`mean`sum`none),
positional or as name-value pairs. k arrays in: k value out; any tensor pointer
in: tensor pointer out."""
    return _functional(reg, "ce", x)


@verb("mse")
def mse(reg, x):
    """mse(input;target) / mse(input;target;reduce)  mean squared error, reduce is
`mean`sum`none. k arrays in: k value out; any tensor pointer in: tensor pointer out."""
    return _functional(reg, "mse", x)


@verb("loss")
def loss(reg, x):
    """loss`ce / loss(`ce;options..)  a loss module (types ce mse l1), returns an
api-pointer; loss ptr / loss(ptr;flag)  its definition: dictionary module options;
loss(ptr;output;target)  the loss as a tensor pointer."""
    if type(x) is list and len(x) >= 3:         # loss(L;output;target): the hot form
        obj = find(reg, x[0])
        if isinstance(obj, LossObj):
            ins, _ = _tensors(reg, x[1:], "loss")
            return new(reg, TensorObj(_calc(obj.module, obj.objtype(), ins)))
    if qtype(x) == -11:
        return new(reg, LossObj(make_loss(reg, str(x), [])))
    if qtype(x) == 11 and len(x):
        return new(reg, LossObj(make_loss(reg, str(x[0]), [str(s) for s in x[1:]])))
    if is_ptr(x):
        obj = find(reg, x)
        if isinstance(obj, LossObj):
            return obj.definition(ALLOPTIONS)
        lo = getattr(obj, "lossobj", None)
        if callable(lo):                        # loss m: a new pointer to a model's loss
            return new(reg, lo())
        raise KError("loss: not implemented for " + obj.cls)
    if type(x) is list and x:
        if qtype(x[0]) == -11:
            return new(reg, LossObj(make_loss(reg, str(x[0]), x[1:])))
        obj = find(reg, x[0])
        if isinstance(obj, LossObj):
            if len(x) == 2 and qtype(x[1]) == -1:
                return obj.definition(bool(x[1]))
            if len(x) >= 3:
                ins, _ = _tensors(reg, x[1:], "loss")
                return new(reg, TensorObj(_calc(obj.module, obj.objtype(), ins)))
            raise KError("loss: expecting (loss;output;target), given %d arg(s)" % len(x))
        calc = getattr(obj, "loss", None)
        if obj is not None and callable(calc):
            return calc(x[1:])
    raise KError("loss: unrecognized arg(s), expecting loss type or loss module, given " + kname(reg, x))


# --------------------------------------------------------------------------
# backward

MODES = {"free": (False, False), "retain": (True, False), "create": (True, True),
         "createfree": (False, True)}
_BACK_ERR = "backward: expects tensor or model as 1st arg, e.g. backward(tensor) or backward(model;inputs;targets)"


def _grads(reg, ts, g):
    """Gradient tensors for tensors ``ts`` from a pointer or k value(s)."""
    obj = find(reg, g)
    if isinstance(obj, (TensorObj, VectorObj, DictObj)):
        gs = list(obj.tensors())
    elif obj is not None:
        raise KError("backward: gradient expected as tensor(s) or k array(s), given " + obj.cls)
    elif len(ts) == 1:
        gs = [to_tensor(g, reg=reg)]
    else:
        gs = [to_tensor(a, reg=reg) for a in V.as_list(g)]
    if len(gs) != len(ts):
        raise KError("backward: %d tensor(s) but %d gradient(s)" % (len(ts), len(gs)))
    if any(u is None for u in gs):
        raise KError("backward: undefined gradient tensor")
    out = []
    for t, u in zip(ts, gs):
        u = u.to(dtype=t.dtype, device=t.device)
        if u.numel() == 1 and t.numel() != 1:
            u = u.reshape(()).expand_as(t)
        out.append(u)
    return out


@verb("backward")
def backward(reg, x):
    """backward ptr  run the backward calculation from a tensor (or each tensor of a
vector or dictionary), populating gradients; backward(ptr;mode) with mode
`free (default) `retain `create `createfree; backward(ptr;grad) / backward(ptr;grad;mode)
with gradient(s) as tensor pointer(s) or k array(s) for non-scalar tensors.
Returns null. backward(model;inputs;targets) returns the loss (with models)."""
    if is_ptr(x):
        obj, args = find(reg, x), []
    elif type(x) is list and x and is_ptr(x[0]):
        obj, args = find(reg, x[0]), list(x[1:])
    else:
        raise KError(_BACK_ERR)
    hook = getattr(obj, "backward", None)
    if callable(hook):
        return hook(args)
    if not isinstance(obj, (TensorObj, VectorObj, DictObj)):
        raise KError(_BACK_ERR)
    ts = list(obj.tensors())
    mode = "free"
    if args and qtype(args[-1]) == -11:
        mode = str(args.pop())
        if mode not in MODES:
            raise KError("backward: unrecognized mode `%s, expecting one of `%s" % (mode, "`".join(MODES)))
    if len(args) > 1:
        raise KError("backward: expecting (tensor;[grad];[mode]), given %d extra arg(s)" % len(args))
    retain, create = MODES[mode]
    if any(t is None for t in ts):
        raise KError("backward: undefined tensor")
    grads = _grads(reg, ts, args[0]) if args else None
    try:
        torch().autograd.backward(ts, grad_tensors=grads, retain_graph=retain, create_graph=create)
    except RuntimeError as e:
        raise KError(str(e).strip().split("\n")[0]) from None
    return None


def _loss_help(name):
    """help`l1 (loss types that are not verbs): the options with their defaults."""
    t = LOSSES.get(name)
    return _opts_dict(t) if t is not None else None


def _opts_dict(t):
    vals = []
    for o in t.opts:
        vals.append(None if o.default is None else
                    (np.int64(o.default) if o.kind == "long" else
                     np.float64(o.default) if o.kind == "num" else o.default))
    return KDict(V.syms([o.name for o in t.opts]), V.collapse(vals))


def _register_help():
    from .help import help_provider
    help_provider(_loss_help)


_register_help()
