"""Optimizer definition: opt (create, add parameters, edit and add groups,
restore from ``state o``), lr and nodecay (group options), and help for
optimizers.

The optimizer object and its ``opt o`` / ``state o`` output are in
:mod:`kapi.api.state`; everything optimizer-specific (option names, order,
defaults, checks, buffer names) comes from :mod:`kapi.api.optim.catalog`.
Every edit is planned first and applied only when all checks pass, so a
failing call leaves the optimizer's groups, options, state and container
unchanged.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype
from .base import torch, verb
from .convert import to_tensor
from .optargs import _is_list, _pairs_list, _pairval, _xpairs
from .optim import catalog as C
from .registry import DictObj, TensorObj, VectorObj, find, is_ptr, kname, new, registry
from .state import (ONSTEP, Extras, OptObj, _names, _new_optimizer, _optobj, _options_table,
                    definition)
from .step import _onstep_value


# --------------------------------------------------------------------------
# options: positional values then name-value pairs (ktorch's xargc/xpairs)


def parse_options(reg, name, args, lead):
    """k option name -> Python value from option arguments ``args`` (the
    elements after the parameters; ``lead`` = their offset in the call)."""
    spec = C.get(name)
    args = list(args)
    pr = _xpairs(reg, args[-1]) if args else None
    if pr is not None:
        args = args[:-1]
    C.check_positional(name, len(args), lead)
    out = {}
    for o, a in zip(spec.options, args):
        out[o.name] = C.kvalue(name, o.name, a, pair=False, reg=reg)
    for k, v in _pairs_list(reg, pr) if pr is not None else []:
        out[k] = C.kvalue(name, k, v, pair=True, reg=reg)
    return out


class Plan:
    """Parameters selected by one call and how the container module changes."""

    def __init__(self):
        self.tensors = []       # tensors in selection order
        self.labels = []        # (module type, name) for messages, or None
        self.modules = []       # source modules to register
        self.parms = []         # (key or None, tensor) for the optimizer's parmdict


def _selector_count(x):
    return len(x) - 1


def plan_params(reg, x):
    """A :class:`Plan` from the parameter argument (nothing for () or ::)."""
    p = Plan()
    if x is None or (_is_list(x) and not x):
        return p
    if is_ptr(x):
        obj, sel, has = reg.get(x), None, False
    elif _is_list(x) and x and is_ptr(x[0]):
        obj = reg.get(x[0])
        if len(x) != 2:
            raise KError("opt: expecting one arg to select parameters from %s but given %d args"
                         % (obj.cls, _selector_count(x)))
        sel, has = x[1], True
    else:
        raise KError("opt: expecting module, model or tensors after optimizer & optional "
                     "group number, given " + kname(reg, x))
    from .module import ModuleObj
    mobj = obj
    if not isinstance(obj, (ModuleObj, TensorObj, VectorObj, DictObj)):
        km = getattr(obj, "kmodule", None)
        m = km() if (km is not None and not isinstance(obj, OptObj)) else None
        if m is None:
            raise KError("opt: cannot derive parameters from " + obj.cls)
        mobj = ModuleObj(m)
    if isinstance(mobj, ModuleObj):
        for typ, n, t in mobj.parameters_by(sel if has else None, "opt", reg=reg):
            p.tensors.append(t)
            p.labels.append((typ, n))
        p.modules.append(mobj.module)
        return p
    if isinstance(obj, TensorObj):
        if has and not (qtype(sel) == -7 and int(sel) == 0):
            raise KError("opt: tensor supplied with unrecognized %s selector(s)" % kname(reg, sel))
        ts = [(None, obj.t)]
    elif isinstance(obj, VectorObj):
        n = len(obj.v)
        if not has:
            idx = list(range(n))
        elif qtype(sel) in (-7, 7):
            idx = [int(sel)] if qtype(sel) == -7 else [int(i) for i in sel]
        else:
            raise KError("opt: tensor vector supplied with unrecognized %s selector(s)" % kname(reg, sel))
        seen = set()
        for k in idx:
            if k < 0:
                raise KError("opt: vector[%d] invalid" % k)
            if k >= n:
                raise KError("opt: vector[%d] out of bounds, index must be less than %d" % (k, n))
            if k in seen:
                raise KError("opt: duplicate parameter from vector[%d]" % k)
            seen.add(k)
        ts = [(None, obj.v[k]) for k in idx]
    else:
        if not has:
            keys = list(obj.d)
        elif qtype(sel) in (-11, 11):
            keys = [str(sel)] if qtype(sel) == -11 else [str(s) for s in sel]
        else:
            raise KError("opt: tensor dictionary supplied with unrecognized %s selector(s)" % kname(reg, sel))
        seen = set()
        for k in keys:
            if k not in obj.d:
                raise KError("opt: no dictionary parameter named `%s" % k)
            if k in seen:
                raise KError("opt: duplicate parameter dict[`%s]" % k)
            seen.add(k)
        ts = [(k, obj.d[k]) for k in keys]
    for k, t in ts:
        if t is None:
            raise KError("opt: parameter[%d] is undefined" % len(p.tensors))
        p.tensors.append(t)
        p.labels.append(("parmdict", k))
        p.parms.append((k, t))
    return p


def check_plan(oo, plan):
    """ktorch's checks on new parameters: leaf, duplicates, already in a group."""
    where = {}
    for g, grp in enumerate(oo.opt.param_groups):
        for p in grp["params"]:
            where[id(p)] = g
    names = _names(oo.module)
    seen = {}
    for i, t in enumerate(plan.tensors):
        if id(t) in seen:
            j = seen[id(t)]
            a, b = plan.labels[j], plan.labels[i]
            if a and b and a[1] and b[1] and plan.parms:
                raise KError("opt: parameter[`%s] is duplicate of parameter[`%s]" % (b[1], a[1]))
            raise KError("opt: parameter[%d] is duplicate of parameter[%d]" % (i, j))
        seen[id(t)] = i
        if not t.is_leaf:
            raise KError("opt: parameter[%d] is a not a leaf tensor" % i)
        if id(t) in where:
            nm = names.get(id(t))
            if nm:
                raise KError("opt: parameter[%d] already in group %d (%s module parameter `%s)"
                             % (i, where[id(t)], nm[0], nm[1]))
            raise KError("opt: parameter[%d] already in group %d" % (i, where[id(t)]))


def _kname_of(m):
    return getattr(m, "_kname", None) or None


def _container_ops(oo, plan):
    """The container changes as a list of operations, planned (and checked) now."""
    from .module import ktype
    ops = []
    c = oo.module
    root = c
    names = list(c._modules) if c is not None and ktype(c) == "moduledict" else None
    members = [c] if c is not None else []

    def inside(m):
        return any(m is s for r in members for s in r.modules())

    def wrap():
        nonlocal names
        if names is None:
            nm = _kname_of(root) or "0"
            names = [nm]
            ops.append(("wrap", nm))

    for m in plan.modules:
        if root is None:
            root = m
            members.append(m)
            ops.append(("set", m))
            continue
        if inside(m):
            continue
        wrap()
        nm = _kname_of(m) or str(len(names))
        if nm in names:
            raise KError("opt: a %s module named `%s already registered with the optimizer"
                         % (ktype(m), nm))
        names.append(nm)
        members.append(m)
        ops.append(("add", nm, m))
    if plan.parms:
        pd = None
        if root is None:
            ops.append(("newpd", None))
        elif names is None and ktype(root) == "parmdict":
            pd = root
        else:
            if c is not None and ktype(c) == "moduledict":
                for ch in c._modules.values():
                    if ch is not None and ktype(ch) == "parmdict":
                        pd = ch
                        break
            if pd is None:
                wrap()
                nm, i = "parms", 0
                while nm in names:
                    i += 1
                    nm = "parms%d" % i
                names.append(nm)
                ops.append(("newpd", nm))
        existing = list(pd._parameters) if pd is not None else []
        for k, t in plan.parms:
            key = k if k is not None else str(len(existing))
            if key in existing:
                raise KError("opt: duplicate parameter dict[`%s]" % key)
            existing.append(key)
            ops.append(("parm", key, t, pd))
    return ops


def _apply_container(reg, oo, ops):
    from .module import make
    newpd = None
    for op in ops:
        if op[0] == "set":
            oo.module = op[1]
        elif op[0] == "wrap":
            d = make(reg, "moduledict")
            d._kname = None
            d.add_module(op[1], oo.module)
            oo.module = d
        elif op[0] == "add":
            oo.module.add_module(op[1], op[2])
        elif op[0] == "newpd":
            newpd = make(reg, "parmdict", "parms" if op[1] is None else None)
            if op[1] is None:
                oo.module = newpd
            else:
                oo.module.add_module(op[1], newpd)
        elif op[0] == "parm":
            pd = op[3] if op[3] is not None else newpd
            pd._parameters[op[1]] = op[2]


def _is_long(x):
    return qtype(x) == -7


def _create(reg, x):
    if isinstance(x, str):
        name, rest = x, []
    else:
        name, rest = x[0], list(x[1:])
    C.get(name)
    b = bool(rest) and _is_long(rest[0])
    if b and int(rest[0]) != 0:
        raise KError("opt: cannot define group %d until optimizer is created with initial "
                     "parameter group" % int(rest[0]))
    parms = rest[b] if len(rest) > b else None
    kopts = parse_options(reg, name, rest[b + 1:], 2 + b)
    plan = plan_params(reg, parms)
    o = _new_optimizer(name, kopts)
    oo = OptObj(name, o, C.resolve(name, kopts))
    check_plan(oo, plan)
    ops = _container_ops(oo, plan)
    _add_to_group(oo, 0, plan.tensors)
    _apply_container(reg, oo, ops)
    return new(reg, oo)


def _add_to_group(oo, g, tensors):
    if tensors:
        oo.opt.param_groups[g]["params"].extend(tensors)
        if hasattr(oo.opt, "_numel_cache"):
            oo.opt._numel_cache = None


def _edit(reg, oo, x):
    rest = list(x[1:])
    b = bool(rest) and _is_long(rest[0])
    i = int(rest[0]) if b else 0
    n = len(oo.opt.param_groups)
    if i < 0:
        raise KError("opt: group %d invalid, cannot be negative" % i)
    if i > n:
        raise KError("opt: group %d invalid, cannot be greater than number of groups(%d)" % (i, n))
    parms = rest[b] if len(rest) > b else None
    kopts = parse_options(reg, oo.name, rest[b + 1:], 2 + b)
    C.validate_given(oo.name, kopts)
    plan = plan_params(reg, parms)
    check_plan(oo, plan)
    if plan.tensors and i < n and getattr(oo, "sharded", False):
        raise KError("opt: cannot add parameters to a group of a sharded optimizer (zero), only a new group")
    ops = _container_ops(oo, plan)
    if i == n:
        kw = C.to_torch(oo.name, kopts, base=oo.kdefaults, check=False)
        grp = dict(kw)
        grp["params"] = list(plan.tensors)
        try:
            oo.opt.add_param_group(grp)
        except ValueError as e:
            raise KError("opt: " + str(e).split("\n")[0]) from None
    else:
        g = oo.opt.param_groups[i]
        base = C.from_torch(oo.name, g, all=True, k=False)
        kw = C.to_torch(oo.name, kopts, base=base, check=False)
        g.update(kw)
        _add_to_group(oo, i, plan.tensors)
    _apply_container(reg, oo, ops)
    return None


_ROWTYPES = {-1, -5, -6, -7, -8, -9, -11}


def _row_options(reg, name, t, i):
    d = {}
    for c, col in zip(t.names, t.cols):
        v = V.item(col, i)
        if qtype(col) == 0 and qtype(v) not in _ROWTYPES:
            raise KError("opt: unable to extract setting from table of group options, %s column "
                         "not implemented" % kname(reg, v))
        if qtype(col) != 0 and -qtype(col) not in _ROWTYPES:
            raise KError("opt: unable to extract setting from table of group options, %s column "
                         "not implemented" % kname(reg, col))
        d[c] = C.kvalue(name, c, _pairval(reg, v), pair=True, reg=reg)
    return d


def _dget(d, key):
    keys = [str(k) for k in d.keys] if qtype(d.keys) == 11 else []
    if key not in keys:
        return None, False
    return V.item(d.values, keys.index(key)) if type(d.values) is not list else d.values[keys.index(key)], True


def _sizes(s):
    return "[" + ", ".join(str(int(i)) for i in s) + "]"


def _restore_buffer(reg, name, b, v, p, key):
    T = torch()
    if b.kind == "step":
        if qtype(v) != -7:
            raise KError("%s: long scalar expected, %s supplied" % (key, kname(reg, v)))
        from torch.optim.optimizer import _get_scalar_dtype
        return T.tensor(float(v), dtype=_get_scalar_dtype())
    if b.kind == "long":
        if qtype(v) != -7:
            raise KError("%s: long scalar expected, %s supplied" % (key, kname(reg, v)))
        return int(v)
    if b.kind == "float":
        if qtype(v) != -9:
            raise KError("%s: double scalar expected, %s supplied" % (key, kname(reg, v)))
        return float(v)
    if b.kind == "tensors":
        if not (_is_list(v) or type(v) is np.ndarray):
            raise KError("deque buffer: %s, expected list but given %s" % (key, kname(reg, v)))
        return [None if e is None else to_tensor(e, reg=reg).to(p.device) for e in V.items(v)]
    if qtype(v) in (10, 11, -10, -11):
        raise KError("%s: numeric array expected, %s supplied" % (key, kname(reg, v)))
    t = to_tensor(v, reg=reg).to(p.device)
    if b.torch in _PARAM_SHAPED and t.shape != p.shape:
        raise KError("opt: size mismatch for buffer %s, expected %s, given %s"
                     % (key, _sizes(p.shape), _sizes(t.shape)))
    return t


# torch.optim state buffers that always have their parameter's shape
_PARAM_SHAPED = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq", "sum", "square_avg", "momentum_buffer",
                 "grad_avg", "acc_delta", "exp_inf"}


def _restore(reg, d, mptr):
    from .module import ModuleObj
    mobj = reg.get(mptr)
    m = mobj.module
    nm, ok = _dget(d, "optimizer")
    if not ok or qtype(nm) != -11:
        raise KError("opt: unrecognized arg(s)")
    name = str(nm)
    spec = C.get(name)
    t, ok = _dget(d, "options")
    if not isinstance(t, KTable):
        raise KError("opt: unrecognized settings for %s optimizer, expecting table, given %s"
                     % (name, kname(reg, t)))
    if len(t) == 0:
        raise KError("opt: empty table of settings supplied for %s optimizer, need at least one row"
                     % name)
    rows = [_row_options(reg, name, t, i) for i in range(len(t))]
    o = _new_optimizer(name, rows[0])
    for r in rows[1:]:
        kw = C.to_torch(name, r, base=C.resolve(name, rows[0]), check=False)
        grp = dict(kw)
        grp["params"] = []
        o.add_param_group(grp)
    oo = OptObj(name, o, C.resolve(name, rows[0]), m)
    pt, ok = _dget(d, "parms")
    if ok and isinstance(pt, KTable) and len(pt):
        pars = dict(m.named_parameters())
        cols = dict(zip(pt.names, pt.cols))
        for c in ("parmgroup", "module", "name"):
            if c not in cols:
                raise KError("opt: parameter table missing column `%s" % c)
        used = set()
        ng = len(o.param_groups)
        puts = []
        for i in range(len(pt)):
            g = int(V.item(cols["parmgroup"], i))
            mt = str(V.item(cols["module"], i))
            pn = str(V.item(cols["name"], i))
            label = "%s parameter `%s" % (mt if mt else "tensor", pn)
            if not 0 <= g < ng:
                raise KError("opt: group[%d] for %s is invalid, %d group(s) defined" % (g, label, ng))
            p = pars.get(pn)
            if p is None:
                raise KError("opt: unable to find " + label)
            if id(p) in used:
                raise KError("opt: %s is repeated" % label)
            used.add(id(p))
            if "size" in cols:
                s = V.item(cols["size"], i) if type(cols["size"]) is not list else cols["size"][i]
                s = [int(s)] if np.ndim(s) == 0 else [int(j) for j in s]
                if list(p.shape) != s:
                    raise KError("opt: size mismatch for %s, expected %s, given %s"
                                 % (label, _sizes(p.shape), _sizes(s)))
            bufs = None
            if "buffers" in cols:
                bd = cols["buffers"][i] if type(cols["buffers"]) is list else V.item(cols["buffers"], i)
                if not (bd is None or isinstance(bd, KDict) or (_is_list(bd) and not bd)):
                    raise KError("dictionary expected, %s given, unable to find parameter %s"
                                 % (kname(reg, bd), spec.buffers[0].name if spec.buffers else "buffers"))
                if isinstance(bd, KDict) and len(bd.keys):
                    raw = dict(zip([str(k) for k in bd.keys], V.items(bd.values)))
                    tst = C.torch_state(name, raw)
                    bufs = {}
                    for key, v in tst.items():
                        brow = spec._by_torch[key]
                        bufs[key] = _restore_buffer(reg, name, brow, v, p, brow.name)
            puts.append((g, p, bufs))
        for g, p, bufs in puts:
            o.param_groups[g]["params"].append(p)
            if bufs:
                o.state[p].update(bufs)
        if hasattr(o, "_numel_cache"):
            o._numel_cache = None
    ex, ok = _dget(d, "extras")
    if ok:
        _restore_extras(reg, oo, ex)
    return new(reg, oo)


def _restore_extras(reg, oo, d):
    """Step settings and schedules from a saved ``extras`` dictionary."""
    from .optim import schedule as S
    if not isinstance(d, KDict) or qtype(d.keys) != 11:
        raise KError("opt: extras expected as dictionary, given " + kname(reg, d))
    keys = [str(k) for k in d.keys]
    vals = d.values if type(d.values) is list else V.items(d.values)
    ex = Extras()
    groups = oo.opt.param_groups
    for k, v in zip(keys, vals):
        if k in ONSTEP:
            setattr(ex, k, _onstep_value(reg, k, v))
        elif k == "schedule":
            if not isinstance(v, KTable):
                raise KError("opt: extras schedule expected as table, given " + kname(reg, v))
            cols = dict(zip(v.names, v.cols))
            for c in ("group", "schedule", "options", "base", "step"):
                if c not in cols:
                    raise KError("opt: schedule table missing column `%s" % c)
            for i in range(len(v)):
                g = int(V.item(cols["group"], i))
                if not 0 <= g < len(groups):
                    raise KError("opt: schedule for group %d, %d group(s) defined" % (g, len(groups)))
                oc = cols["options"]
                kind, opts = S.from_k(reg, str(V.item(cols["schedule"], i)),
                                      oc[i] if type(oc) is list else V.item(oc, i))
                s = S.Schedule(kind, opts, float(V.item(cols["base"], i)))
                done = bool(V.item(cols["done"], i)) if "done" in cols else False
                ex.schedules[g] = s.restore(groups[g], int(V.item(cols["step"], i)), done)
        else:
            raise KError("opt: unrecognized extras setting `" + k)
    oo._extras = ex


@verb("opt")
def opt(reg, x):
    """opt`name / opt(`name;parms;options..) / opt(`name;0;parms;options..)  create an
optimizer (sgd adam adamw adagrad rmsprop lbfgs lamb); parms: () a tensor, vector
(v;ind), dictionary (d;keys), module (q;ind) (q;names); options positional and/or a
final set of name-value pairs (`decay,.02; `lr`decay!.01 .05; ((`lr;.01);..)).
opt o / opt(o;flag)  definition: optimizer, options table (a row per group; flag
0b: only non-default options) and parms table.
opt(o;parms;options..) / opt(o;group;parms;options..)  add parameters and/or edit
a group's options; group = count of groups adds a new group from the creation options.
opt(state;module)  restore an optimizer from `state o` output (all buffers)."""
    if isinstance(x, str):
        return _create(reg, x)
    if _is_list(x) and x and not is_ptr(x) and isinstance(x[0], str):
        return _create(reg, x)
    if is_ptr(x):
        obj = reg.get(x)
        oo = _optobj(obj)
        if isinstance(obj, OptObj):
            return definition(obj)
        if oo is not None:
            return new(reg, oo)
        raise KError("opt: unrecognized arg(s)")
    if _is_list(x) and x and is_ptr(x[0]):
        obj = reg.get(x[0])
        if isinstance(obj, OptObj):
            if len(x) == 1:
                return definition(obj)
            if len(x) == 2 and qtype(x[1]) == -1:
                return definition(obj, bool(x[1]))
            return _edit(reg, obj, x)
    if _is_list(x) and len(x) == 2 and isinstance(x[0], KDict) and is_ptr(x[1]):
        from .module import ModuleObj
        if isinstance(reg.get(x[1]), ModuleObj):
            return _restore(reg, x[0], x[1])
    raise KError("opt: unrecognized arg(s)")


@verb("lr")
def lr(reg, x):
    """lr o  learning rate of each parameter group (also lr m for a model).
lr(o;r)  set the learning rate(s): a double, or one double per group."""
    if not _is_list(x):
        raise KError("lr: not implemented for " + kname(reg, x))
    if is_ptr(x):
        oo = _optobj(reg.get(x))
        if oo is None:
            raise KError("lr: unrecognized arg(s), expecting model/optimizer to query learning rate(s)")
        return np.array([float(g["lr"]) for g in oo.opt.param_groups], dtype=np.float64)
    if not 1 <= len(x) <= 2:
        raise KError("lr: expecting 1-2 args, given %d" % len(x))
    if len(x) == 1:
        raise KError("lr: unrecognized arg(s), expecting model/optimizer to query learning rate(s)")
    obj = find(reg, x[0]) if is_ptr(x[0]) else None
    oo = _optobj(obj) if obj is not None else None
    r = x[1]
    t = qtype(r)
    if oo is None or not (t in (-9, 9) or (_is_list(r) and not r)):
        raise KError("lr: unrecognized arg(s), expecting model/optimizer and learning rate(s) as double(s)")
    rs = [float(r)] if t == -9 else [float(v) for v in (r if t == 9 else [])]
    n = len(oo.opt.param_groups)
    if not rs:
        return None
    if len(rs) != 1 and len(rs) != n:
        raise KError("length error: %d learning rates given for %d parameter group%s"
                     % (len(rs), n, "" if n == 1 else "s"))
    for v in rs:
        C.validate_given(oo.name, {"lr": v})
    if len(rs) == 1:
        rs = rs * n
    for g, v in zip(oo.opt.param_groups, rs):
        g["lr"] = v
    return None


def _patterns(reg, x):
    from ..verbs.strings import _regex
    t = qtype(x)
    if t == -11:
        pats = [x]
    elif t == 11:
        pats = list(x)
    elif t in (10, -10):
        pats = [V.pystr(x)]
    elif _is_list(x) and x and all(qtype(i) in (10, -10, -11) for i in x):
        pats = [i if qtype(i) == -11 else V.pystr(i) for i in x]
    else:
        raise KError("nodecay: expecting pattern(s) as symbol(s) or string(s), given " + kname(reg, x))
    return [_regex(str(p).encode()) for p in pats]


@verb("nodecay")
def nodecay(reg, x):
    """nodecay(o;patterns)  weight-decay mask: parameters whose name (as in opt[o]`parms,
e.g. `a.bias) or owning module type (e.g. `layernorm) matches a pattern (q like
patterns: * ? [..]; symbol(s) or string(s)) get no weight decay. A group whose
parameters all match has its decay set to 0; otherwise the matching parameters move
(with their optimizer state and the group's schedule) to a new group with the same
options and decay 0. e.g. nodecay(o;`*.bias`layernorm`embed)."""
    if not (_is_list(x) and len(x) == 2 and is_ptr(x[0])):
        raise KError("nodecay: expecting (optimizer;pattern(s))")
    oo = _optobj(find(reg, x[0]))
    if oo is None:
        raise KError("nodecay: expecting optimizer or model, given " + kname(reg, x[0]))
    if getattr(oo, "sharded", False):
        raise KError("nodecay: optimizer state is sharded (zero), use nodecay before zero")
    o = C.get(oo.name).option("decay")
    if o is None or isinstance(o.torch, tuple):
        raise KError("nodecay: %s optimizer has no decay option" % oo.name)
    key = o.torch
    rx = _patterns(reg, x[1])
    names = _names(oo.module)

    def hit(p):
        mt, n = names.get(id(p), ("", ""))
        return any(r.fullmatch(n.encode()) or (mt and r.fullmatch(mt.encode())) for r in rx)

    groups = oo.opt.param_groups
    plan = []
    for i, g in enumerate(groups):
        if not g.get(key):
            continue
        m = [p for p in g["params"] if hit(p)]
        if m:
            plan.append((i, m))
    ex = oo._extras
    for i, m in plan:
        g = groups[i]
        if len(m) == len(g["params"]):
            g[key] = 0.0
            continue
        ids = {id(p) for p in m}
        g["params"][:] = [p for p in g["params"] if id(p) not in ids]
        ng = {k: v for k, v in g.items() if k != "params"}
        ng[key] = 0.0
        ng["params"] = m
        groups.append(ng)
        if ex is not None and i in ex.schedules:
            ex.schedules[len(groups) - 1] = ex.schedules[i].clone(ng)
    if hasattr(oo.opt, "_numel_cache"):
        oo.opt._numel_cache = None
    return None


def _help_dict(spec):
    vals = V.collapse([C.katom(o, o.default) for o in spec.options])
    return KDict(V.syms([o.name for o in spec.options]), vals)


def optimizer_help(name):
    if name == "optimizer":
        rows = C.help_table()
        return KTable(("optimizer", "pytorch", "options"),
                      [V.syms([r[0] for r in rows]), [V.string(r[1]) for r in rows],
                       [_help_dict(C.get(r[0])) for r in rows]])
    if name in C.CATALOG:
        return _help_dict(C.get(name))
    return None


def _register_help():
    from .base import VERBS
    from .help import help_provider
    help_provider(optimizer_help)
    hv = VERBS.get("help")
    if hv is None or getattr(hv[0], "_opt_wrapped", False):
        return
    base = hv[0]

    def help_(reg, x):
        if is_ptr(x):
            obj = find(reg, x)
            oo = _optobj(obj)
            if oo is not None:
                return _options_table(oo, True)
        return base(reg, x)

    help_.__doc__ = (base.__doc__ or "") + "\nhelp o  an optimizer's options table (a row per group)."
    help_._opt_wrapped = True
    VERBS["help"] = (help_, hv[1])


_register_help()
