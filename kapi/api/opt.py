"""Optimizers: opt, step, zerograd, nograd, lr (and the optimizer side of
state, module, help and the storage attributes).

An optimizer is an :class:`OptObj` in the registry: ``name`` (the ktorch
optimizer symbol), ``opt`` (the ``torch.optim.Optimizer``; created, as in
ktorch, with one empty parameter group whose options become its defaults),
``kdefaults`` (the creation-time k options, the base of every new group) and
``module`` (the container module tracked for parameter names, ``module o``
and restore; see reference/ktorch-k-api.md 1.5).

Everything optimizer-specific (option names, order, defaults, checks, buffer
names) comes from :mod:`kapi.api.optim.catalog`.  Every edit is planned
first and applied only when all checks pass, so a failing call leaves the
optimizer's groups, options, state and container unchanged.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype
from . import torch, verb
from .convert import to_k, to_tensor
from ..funcs import call


def fast_step(opt, closure=None):
    """optim.fast.step, imported on first use (it imports torch)."""
    global fast_step
    from .optim.fast import step
    fast_step = step
    return step(opt, closure)
from .optim import catalog as C
from .registry import (DictObj, Obj, TensorObj, VectorObj, find, is_ptr, kname,
                       new, registry)

NULLJ = -2**63


# --------------------------------------------------------------------------
# the registry object

class OptObj(Obj):
    """An optimizer: catalogue name, torch optimizer, creation options, container module."""

    cls = "optimizer"
    __slots__ = ("name", "opt", "kdefaults", "module", "_extras")

    def __init__(self, name, opt, kdefaults, module=None):
        self.name = name
        self.opt = opt
        self.kdefaults = kdefaults
        self.module = module
        self._extras = None

    @property
    def extras(self):
        """The step settings (:class:`Extras`: accumulation, clipping, schedules)."""
        if self._extras is None:
            self._extras = Extras()
        return self._extras

    def has_extras(self):
        return self._extras is not None and not self._extras.default()

    def objtype(self):
        return self.name

    def params(self):
        return [p for g in self.opt.param_groups for p in g["params"]]

    def tensors(self):
        return self.params()

    def size(self):
        return np.int64(len(self.params()))

    def _counts(self):
        tc = el = by = 0
        for p in self.params():
            st = self.opt.state.get(p)
            if st:
                a, b, c = C.state_counts(self.name, st)
                tc, el, by = tc + a, el + b, by + c
        return tc, el, by

    def tensorcount(self):
        return np.int64(self._counts()[0])

    def elements(self):
        return np.int64(self._counts()[1])

    def bytes(self):
        return np.int64(self._counts()[2])

    def kmodule(self):
        return self.module

    def state(self, flag):
        return definition(self, flag, state=True)

    def to(self, device=None, dtype=None, non_blocking=False):
        raise KError("to: not implemented for optimizers")


def _alloptions():
    from . import module as M
    return M.ALLOPTIONS


def _optobj(obj):
    """The optimizer of an optimizer or model object (None otherwise)."""
    if isinstance(obj, OptObj):
        return obj
    f = getattr(obj, "optobj", None)
    if callable(f):
        o = f()
        if isinstance(o, OptObj):
            return o
    return None


# --------------------------------------------------------------------------
# options: positional values then name-value pairs (ktorch's xargc/xpairs)

def _is_list(x):
    return type(x) is list


def _xpairs(x):
    """(kind, x) if ``x`` is a name-value form, else None (ktorch's xpairs)."""
    if isinstance(x, KDict):
        k = x.keys
        if qtype(k) == 11 or (type(k) in (list, np.ndarray) and len(k) == 0 and qtype(k) in (0, 11)):
            return ("dict", x)
        raise KError("unexpected name,value dictionary with %s as keys: %s" % (kname(k), _s1(x)))
    if isinstance(x, KTable):
        return None
    t = qtype(x)
    if t == 11:
        if len(x) % 2 == 0:
            return ("syms", x)
        raise KError("uneven no. of symbols for name,value pairs: " + _s1(x))
    if _is_list(x) and not is_ptr(x):
        if not x:
            return ("pairs", x)
        if qtype(x[0]) == -11:
            if len(x) % 2 == 0:
                return ("flat", x)
            raise KError("uneven no. of elements for name,value pairs in list: " + _s1(x))
        y = x[0]
        if (qtype(y) == 11 and len(y) == 2) or (_is_list(y) and len(y) == 2 and qtype(y[0]) == -11):
            return ("pairs", x)
    return None


def _s1(x):
    try:
        from ..display import s1
        return s1(x)
    except Exception:       # pragma: no cover - display helper missing
        return kname(x)


def _pairval(v):
    """ktorch's xpair: scalars only; short/int become long, real stays real."""
    t = qtype(v)
    if t == -11 or t == -1 or t == -7 or t == -8 or t == -9:
        return v
    if t in (-5, -6):
        return np.int64(v)
    raise KError("name-value pairs not implemented for %s value" % kname(v))


def _pairs_list(p):
    kind, x = p
    out = []
    if kind == "dict":
        keys = [str(k) for k in x.keys]
        vals = V.items(x.values) if not isinstance(x.values, KTable) else []
        for k, v in zip(keys, vals):
            out.append((k, _pairval(v)))
    elif kind == "syms":
        for i in range(0, len(x), 2):
            out.append((str(x[i]), str(x[i + 1])))
    elif kind == "flat":
        for i in range(0, len(x), 2):
            if qtype(x[i]) != -11:
                raise KError("unrecognized name for pair, element[%d], expected symbol, received: %s"
                             % (i, kname(x[i])))
            out.append((str(x[i]), _pairval(x[i + 1])))
    else:
        for i, y in enumerate(x):
            n = len(y) if (_is_list(y) or type(y) is np.ndarray) else 1
            if n != 2:
                raise KError("name,value pair[%d] has %d elements (expected 2)" % (i, n))
            if qtype(y) == 11:
                out.append((str(y[0]), str(y[1])))
            elif _is_list(y) and qtype(y[0]) == -11:
                out.append((str(y[0]), _pairval(y[1])))
            else:
                raise KError("name,value pair[%d] has no name symbol" % i)
    return out


def parse_options(name, args, lead):
    """k option name -> Python value from option arguments ``args`` (the
    elements after the parameters; ``lead`` = their offset in the call)."""
    spec = C.get(name)
    args = list(args)
    pr = _xpairs(args[-1]) if args else None
    if pr is not None:
        args = args[:-1]
    C.check_positional(name, len(args), lead)
    out = {}
    for o, a in zip(spec.options, args):
        out[o.name] = C.kvalue(name, o.name, a, pair=False)
    for k, v in _pairs_list(pr) if pr is not None else []:
        out[k] = C.kvalue(name, k, v, pair=True)
    return out


# --------------------------------------------------------------------------
# parameters (ktorch's addparms): a plan of tensors + container changes

class Plan:
    """Parameters selected by one call and how the container module changes."""

    def __init__(self):
        self.tensors = []       # tensors in selection order
        self.labels = []        # (module type, name) for messages, or None
        self.modules = []       # source modules to register
        self.parms = []         # (key or None, tensor) for the optimizer's parmdict


def _selector_count(x):
    return len(x) - 1


def plan_params(x):
    """A :class:`Plan` from the parameter argument (nothing for () or ::)."""
    p = Plan()
    if x is None or (_is_list(x) and not x):
        return p
    if is_ptr(x):
        obj, sel, has = registry().get(x), None, False
    elif _is_list(x) and x and is_ptr(x[0]):
        obj = registry().get(x[0])
        if len(x) != 2:
            raise KError("opt: expecting one arg to select parameters from %s but given %d args"
                         % (obj.cls, _selector_count(x)))
        sel, has = x[1], True
    else:
        raise KError("opt: expecting module, model or tensors after optimizer & optional "
                     "group number, given " + kname(x))
    from .module import ModuleObj
    mobj = obj
    if not isinstance(obj, (ModuleObj, TensorObj, VectorObj, DictObj)):
        km = getattr(obj, "kmodule", None)
        m = km() if (km is not None and not isinstance(obj, OptObj)) else None
        if m is None:
            raise KError("opt: cannot derive parameters from " + obj.cls)
        mobj = ModuleObj(m)
    if isinstance(mobj, ModuleObj):
        for typ, n, t in mobj.parameters_by(sel if has else None, "opt"):
            p.tensors.append(t)
            p.labels.append((typ, n))
        p.modules.append(mobj.module)
        return p
    if isinstance(obj, TensorObj):
        if has and not (qtype(sel) == -7 and int(sel) == 0):
            raise KError("opt: tensor supplied with unrecognized %s selector(s)" % kname(sel))
        ts = [(None, obj.t)]
    elif isinstance(obj, VectorObj):
        n = len(obj.v)
        if not has:
            idx = list(range(n))
        elif qtype(sel) in (-7, 7):
            idx = [int(sel)] if qtype(sel) == -7 else [int(i) for i in sel]
        else:
            raise KError("opt: tensor vector supplied with unrecognized %s selector(s)" % kname(sel))
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
            raise KError("opt: tensor dictionary supplied with unrecognized %s selector(s)" % kname(sel))
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


def _names(c):
    """id(parameter) -> (owning module type, full name) within container ``c``."""
    from .module import ktype
    out = {}
    if c is None:
        return out
    owner = {}
    for _, m in c.named_modules():
        for _, p in m.named_parameters(recurse=False):
            owner.setdefault(id(p), ktype(m))
    for n, p in c.named_parameters():
        out[id(p)] = (owner.get(id(p), ""), n)
    return out


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


def _apply_container(oo, ops):
    from .module import make
    newpd = None
    for op in ops:
        if op[0] == "set":
            oo.module = op[1]
        elif op[0] == "wrap":
            d = make("moduledict")
            d._kname = None
            d.add_module(op[1], oo.module)
            oo.module = d
        elif op[0] == "add":
            oo.module.add_module(op[1], op[2])
        elif op[0] == "newpd":
            newpd = make("parmdict", "parms" if op[1] is None else None)
            if op[1] is None:
                oo.module = newpd
            else:
                oo.module.add_module(op[1], newpd)
        elif op[0] == "parm":
            pd = op[3] if op[3] is not None else newpd
            pd._parameters[op[1]] = op[2]


# --------------------------------------------------------------------------
# create / edit / restore

def _new_optimizer(name, kopts, check=True):
    spec = C.get(name)
    kw = C.to_torch(name, kopts, check=check)
    try:
        return spec.cls([{"params": []}], **kw)
    except ValueError as e:
        raise KError(str(e).split("\n")[0]) from None


def _is_long(x):
    return qtype(x) == -7


def _create(x):
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
    kopts = parse_options(name, rest[b + 1:], 2 + b)
    plan = plan_params(parms)
    o = _new_optimizer(name, kopts)
    oo = OptObj(name, o, C.resolve(name, kopts))
    check_plan(oo, plan)
    ops = _container_ops(oo, plan)
    _add_to_group(oo, 0, plan.tensors)
    _apply_container(oo, ops)
    return new(oo)


def _add_to_group(oo, g, tensors):
    if tensors:
        oo.opt.param_groups[g]["params"].extend(tensors)
        if hasattr(oo.opt, "_numel_cache"):
            oo.opt._numel_cache = None


def _edit(oo, x):
    rest = list(x[1:])
    b = bool(rest) and _is_long(rest[0])
    i = int(rest[0]) if b else 0
    n = len(oo.opt.param_groups)
    if i < 0:
        raise KError("opt: group %d invalid, cannot be negative" % i)
    if i > n:
        raise KError("opt: group %d invalid, cannot be greater than number of groups(%d)" % (i, n))
    parms = rest[b] if len(rest) > b else None
    kopts = parse_options(oo.name, rest[b + 1:], 2 + b)
    C.validate_given(oo.name, kopts)
    plan = plan_params(parms)
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
    _apply_container(oo, ops)
    return None


# --- restore: opt(state;module)

_ROWTYPES = {-1, -5, -6, -7, -8, -9, -11}


def _row_options(name, t, i):
    d = {}
    for c, col in zip(t.names, t.cols):
        v = V.item(col, i)
        if qtype(col) == 0 and qtype(v) not in _ROWTYPES:
            raise KError("opt: unable to extract setting from table of group options, %s column "
                         "not implemented" % kname(v))
        if qtype(col) != 0 and -qtype(col) not in _ROWTYPES:
            raise KError("opt: unable to extract setting from table of group options, %s column "
                         "not implemented" % kname(col))
        d[c] = C.kvalue(name, c, _pairval(v), pair=True)
    return d


def _dget(d, key):
    keys = [str(k) for k in d.keys] if qtype(d.keys) == 11 else []
    if key not in keys:
        return None, False
    return V.item(d.values, keys.index(key)) if type(d.values) is not list else d.values[keys.index(key)], True


def _sizes(s):
    return "[" + ", ".join(str(int(i)) for i in s) + "]"


def _restore_buffer(name, b, v, p, key):
    T = torch()
    if b.kind == "step":
        if qtype(v) != -7:
            raise KError("%s: long scalar expected, %s supplied" % (key, kname(v)))
        from torch.optim.optimizer import _get_scalar_dtype
        return T.tensor(float(v), dtype=_get_scalar_dtype())
    if b.kind == "long":
        if qtype(v) != -7:
            raise KError("%s: long scalar expected, %s supplied" % (key, kname(v)))
        return int(v)
    if b.kind == "float":
        if qtype(v) != -9:
            raise KError("%s: double scalar expected, %s supplied" % (key, kname(v)))
        return float(v)
    if b.kind == "tensors":
        if not (_is_list(v) or type(v) is np.ndarray):
            raise KError("deque buffer: %s, expected list but given %s" % (key, kname(v)))
        return [None if e is None else to_tensor(e).to(p.device) for e in V.items(v)]
    if qtype(v) in (10, 11, -10, -11):
        raise KError("%s: numeric array expected, %s supplied" % (key, kname(v)))
    t = to_tensor(v).to(p.device)
    if b.torch in _PARAM_SHAPED and t.shape != p.shape:
        raise KError("opt: size mismatch for buffer %s, expected %s, given %s"
                     % (key, _sizes(p.shape), _sizes(t.shape)))
    return t


# torch.optim state buffers that always have their parameter's shape
_PARAM_SHAPED = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq", "sum", "square_avg", "momentum_buffer",
                 "grad_avg", "acc_delta", "exp_inf"}


def _restore(d, mptr):
    from .module import ModuleObj
    mobj = registry().get(mptr)
    m = mobj.module
    nm, ok = _dget(d, "optimizer")
    if not ok or qtype(nm) != -11:
        raise KError("opt: unrecognized arg(s)")
    name = str(nm)
    spec = C.get(name)
    t, ok = _dget(d, "options")
    if not isinstance(t, KTable):
        raise KError("opt: unrecognized settings for %s optimizer, expecting table, given %s"
                     % (name, kname(t)))
    if len(t) == 0:
        raise KError("opt: empty table of settings supplied for %s optimizer, need at least one row"
                     % name)
    rows = [_row_options(name, t, i) for i in range(len(t))]
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
                                 % (kname(bd), spec.buffers[0].name if spec.buffers else "buffers"))
                if isinstance(bd, KDict) and len(bd.keys):
                    raw = dict(zip([str(k) for k in bd.keys], V.items(bd.values)))
                    tst = C.torch_state(name, raw)
                    bufs = {}
                    for key, v in tst.items():
                        brow = spec._by_torch[key]
                        bufs[key] = _restore_buffer(name, brow, v, p, brow.name)
            puts.append((g, p, bufs))
        for g, p, bufs in puts:
            o.param_groups[g]["params"].append(p)
            if bufs:
                o.state[p].update(bufs)
        if hasattr(o, "_numel_cache"):
            o._numel_cache = None
    ex, ok = _dget(d, "extras")
    if ok:
        _restore_extras(oo, ex)
    return new(oo)


# --------------------------------------------------------------------------
# definition and state output

def _options_table(oo, flag):
    spec = C.get(oo.name)
    rows = [C.from_torch(oo.name, g, all=flag, k=False) for g in oo.opt.param_groups]
    keys = [o for o in spec.options if any(o.name in r for r in rows)]
    names, cols = [], []
    for o in keys:
        vals = [C.katom(o, r.get(o.name, o.default)) for r in rows]
        names.append(o.name)
        cols.append(V.collapse(vals))
    return KTable(names, cols)


def _kbuf(b, v):
    if v is None:
        return None
    T = torch()
    if b.kind == "step":
        return np.int64(int(v.item() if isinstance(v, T.Tensor) else v))
    if b.kind == "long":
        return np.int64(int(v.item() if isinstance(v, T.Tensor) else v))
    if b.kind == "float":
        return np.float64(float(v.item() if isinstance(v, T.Tensor) else v))
    if b.kind == "tensors":
        return [_kval(e) for e in v]
    return _kval(v)


def _kval(v):
    T = torch()
    if v is None:
        return None
    if isinstance(v, T.Tensor):
        return to_k(v)
    if isinstance(v, (bool, np.bool_)):
        return np.bool_(v)
    if isinstance(v, (int, np.integer)):
        return np.int64(v)
    return np.float64(v)


def _buffers(oo, p):
    st = oo.opt.state.get(p)
    items = C.buffer_items(oo.name, st) if st else []
    if not items:
        return KDict(V.syms([]), [])
    return KDict(V.syms([n for n, _, _ in items]), [_kbuf(b, v) for _, b, v in items])


def _parms_table(oo, state):
    names = _names(oo.module)
    g_, ptr_, mod_, nm_, sz_, buf_ = [], [], [], [], [], []
    for g, grp in enumerate(oo.opt.param_groups):
        for p in grp["params"]:
            g_.append(g)
            ptr_.append(int(p._cdata))
            mt, n = names.get(id(p), ("", ""))
            mod_.append(mt)
            nm_.append(n)
            sz_.append(np.array(list(p.shape), dtype=np.int64))
            if state:
                buf_.append(_buffers(oo, p))
    cols = ["parmgroup", "pointer", "module", "name", "size"] + (["buffers"] if state else [])
    data = [np.array(g_, dtype=np.int64), np.array(ptr_, dtype=np.int64), V.syms(mod_),
            V.syms(nm_), sz_] + ([buf_] if state else [])
    return KTable(cols, data)


def definition(oo, flag=None, state=False):
    """``opt o`` (state=False) or ``state o``: optimizer, options, parms."""
    if flag is None:
        flag = _alloptions()
    keys = ["optimizer", "options", "parms"]
    vals = [oo.name, _options_table(oo, flag), _parms_table(oo, state)]
    if oo.has_extras():
        keys.append("extras")
        vals.append(extras_dict(oo))
    return KDict(V.syms(keys), vals)


def extras_dict(oo):
    """The ``extras`` entry of ``opt o``/``state o`` (only present when an
    optimizer has step settings or schedules): the ``onstep`` settings and the
    ``schedule`` table.  Gradients pending in an accumulation are not saved."""
    ex = oo.extras
    st = ex.settings()
    keys = list(ONSTEP) + ["schedule"]
    vals = [np.int64(st["accumulate"]), np.float64(np.nan if st["clipnorm"] is None else st["clipnorm"]),
            np.float64(st["clipp"]), np.bool_(st["clipgroup"]),
            np.float64(np.nan if st["clipvalue"] is None else st["clipvalue"]), schedule_table(oo)]
    return KDict(V.syms(keys), vals)


def _restore_extras(oo, d):
    """Step settings and schedules from a saved ``extras`` dictionary."""
    from .optim import schedule as S
    if not isinstance(d, KDict) or qtype(d.keys) != 11:
        raise KError("opt: extras expected as dictionary, given " + kname(d))
    keys = [str(k) for k in d.keys]
    vals = d.values if type(d.values) is list else V.items(d.values)
    ex = Extras()
    groups = oo.opt.param_groups
    for k, v in zip(keys, vals):
        if k in ONSTEP:
            setattr(ex, k, _onstep_value(k, v))
        elif k == "schedule":
            if not isinstance(v, KTable):
                raise KError("opt: extras schedule expected as table, given " + kname(v))
            cols = dict(zip(v.names, v.cols))
            for c in ("group", "schedule", "options", "base", "step"):
                if c not in cols:
                    raise KError("opt: schedule table missing column `%s" % c)
            for i in range(len(v)):
                g = int(V.item(cols["group"], i))
                if not 0 <= g < len(groups):
                    raise KError("opt: schedule for group %d, %d group(s) defined" % (g, len(groups)))
                oc = cols["options"]
                kind, opts = S.from_k(str(V.item(cols["schedule"], i)),
                                      oc[i] if type(oc) is list else V.item(oc, i))
                s = S.Schedule(kind, opts, float(V.item(cols["base"], i)))
                done = bool(V.item(cols["done"], i)) if "done" in cols else False
                ex.schedules[g] = s.restore(groups[g], int(V.item(cols["step"], i)), done)
        else:
            raise KError("opt: unrecognized extras setting `" + k)
    oo._extras = ex


# --------------------------------------------------------------------------
# verbs

@verb("opt")
def opt(x):
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
        return _create(x)
    if _is_list(x) and x and not is_ptr(x) and isinstance(x[0], str):
        return _create(x)
    if is_ptr(x):
        obj = registry().get(x)
        oo = _optobj(obj)
        if isinstance(obj, OptObj):
            return definition(obj)
        if oo is not None:
            return new(oo)
        raise KError("opt: unrecognized arg(s)")
    if _is_list(x) and x and is_ptr(x[0]):
        obj = registry().get(x[0])
        if isinstance(obj, OptObj):
            if len(x) == 1:
                return definition(obj)
            if len(x) == 2 and qtype(x[1]) == -1:
                return definition(obj, bool(x[1]))
            return _edit(obj, x)
    if _is_list(x) and len(x) == 2 and isinstance(x[0], KDict) and is_ptr(x[1]):
        from .module import ModuleObj
        if isinstance(registry().get(x[1]), ModuleObj):
            return _restore(x[0], x[1])
    raise KError("opt: unrecognized arg(s)")


def _k_loss(r):
    """Loss tensor from a closure's k result (a tensor pointer is freed)."""
    T = torch()
    obj = find(r)
    if isinstance(obj, TensorObj):
        registry().free(r)
        return obj.t
    if qtype(r) in (-5, -6, -7, -8, -9):
        return T.tensor(float(r))
    raise KError("step: closure expected to return loss as tensor or number, given " + kname(r))


# --------------------------------------------------------------------------
# step settings: accumulation, clipping at each step, schedules

class Extras:
    """What ``step`` does besides the update, per optimizer.

    ``accumulate``: the update is applied on every k-th ``step`` call; the
    calls in between move each parameter's gradient into ``pending`` (and
    leave the gradient undefined), the k-th adds the pending sum back, so
    the update sees the sum of k calls' gradients.  ``calls``: calls since
    the last update.  ``clipvalue``/``clipnorm`` (None: off), ``clipp`` (the
    norm type), ``clipgroup`` (a norm per group): clipping applied, in that
    order, to the gradients of every update just before it (inside the
    closure for ``step(o;f)``).  ``schedules``: group index -> Schedule.
    """

    __slots__ = ("accumulate", "calls", "pending", "clipnorm", "clipp", "clipgroup",
                 "clipvalue", "schedules")

    def __init__(self):
        self.accumulate, self.calls, self.pending = 1, 0, {}
        self.clipnorm, self.clipp, self.clipgroup, self.clipvalue = None, 2.0, False, None
        self.schedules = {}

    def default(self):
        return (self.accumulate == 1 and self.clipnorm is None and self.clipvalue is None
                and not self.clipgroup and self.clipp == 2.0 and not self.schedules)

    def settings(self):
        return {"accumulate": self.accumulate, "clipnorm": self.clipnorm, "clipp": self.clipp,
                "clipgroup": self.clipgroup, "clipvalue": self.clipvalue}


ONSTEP = ("accumulate", "clipnorm", "clipp", "clipgroup", "clipvalue")


def _needs_closure(name):
    global _needs_closure
    from .optim.custom import needs_closure
    _needs_closure = needs_closure          # the import once, not on every step
    return needs_closure(name)


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


def _prepare(oo):
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


def _step(oo, f):
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
            return _k_loss(call(f, [None]))

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
            _prepare(oo)
            fast_step(oo.opt)
        except BaseException:
            for p, g in saved:
                p.grad = g
            raise
        r = None
    else:
        def closure():
            v = run()
            _prepare(oo)
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
def step(x):
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
        obj = registry().get(x)
    elif _is_list(x) and len(x) == 2 and is_ptr(x[0]):
        obj = registry().get(x[0])
        f = x[1]
        if not isinstance(f, V.KFunc):
            raise KError("step: closure expected as 2nd arg, given " + kname(f))
    else:
        raise KError("step: expects model or optimizer, given " + kname(x))
    oo = _optobj(obj)
    if oo is None:
        raise KError("step: expects model or optimizer, given " + obj.cls)
    return _step(oo, f)


# --------------------------------------------------------------------------
# clip, clipv: clip gradients now (ktorch); onstep: clipping at every step

def _clip_target(x, what):
    """(groups of parameter lists, is-optimizer) for clip/clipv's first arg."""
    from .module import ModuleObj
    obj = find(x)
    if obj is None:
        raise KError("%s: expecting optimizer, module, tensor, vector or dictionary, given %s"
                     % (what, kname(x)))
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


def _normtype(v, what):
    if qtype(v) in (-5, -6, -7, -9) and not np.isnan(float(v)) and float(v) > 0:
        return float(v)
    raise KError("%s: norm type expected as positive long or double (0w for infinity), given %s"
                 % (what, _s1(v) if qtype(v) < 0 else kname(v)))


def _positive(v, what, desc):
    if qtype(v) in (-5, -6, -7, -9) and np.isfinite(float(v)) and float(v) > 0:
        return float(v)
    raise KError("%s: %s expected as positive long or double, given %s"
                 % (what, desc, _s1(v) if qtype(v) < 0 else kname(v)))


@verb("clip")
def clip(x):
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
    groups, isopt = _clip_target(x[0], "clip")
    maxnorm = _positive(x[1], "clip", "max norm")
    rest = list(x[2:])
    pergroup = False
    if rest and qtype(rest[-1]) == -1:
        pergroup = bool(rest.pop())
        if pergroup and not isopt:
            raise KError("clip: group flag is only for optimizers")
    if len(rest) > 1:
        raise KError("clip: unrecognized arg(s)")
    p = _normtype(rest[0], "clip") if rest else 2.0
    r = _clip_now(groups, maxnorm, p, pergroup)
    return np.array(r, dtype=np.float64) if pergroup else np.float64(r)


@verb("clipv")
def clipv(x):
    """clipv(o;value)  clip every gradient element now to [-value, value]
(torch.nn.utils.clip_grad_value_). o: optimizer, model, module, tensor, vector or
dictionary. To clip before every update instead, use onstep(o;`clipvalue,value)."""
    if not (_is_list(x) and len(x) == 2 and is_ptr(x[0])):
        raise KError("clipv: expecting (object;value)")
    groups, _ = _clip_target(x[0], "clipv")
    v = _positive(x[1], "clipv", "clip value")
    _clip_value(_grads([p for g in groups for p in g]), v)
    return None


def _onstep_value(key, v):
    t = qtype(v)
    if key == "accumulate":
        if t in (-5, -6, -7) and int(v) >= 1:
            return int(v)
        raise KError("onstep: accumulate expected as a positive long, given %s"
                     % (_s1(v) if t < 0 else kname(v)))
    if key == "clipgroup":
        if t == -1:
            return bool(v)
        raise KError("onstep: clipgroup expected as boolean, given " + kname(v))
    if key == "clipp":
        return _normtype(v, "onstep")
    if (t == -9 and np.isnan(float(v))) or (t == -7 and int(v) == NULLJ):
        return None                                 # a null turns the setting off
    return _positive(v, "onstep", key)


@verb("onstep")
def onstep(x):
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
        oo = _optobj(find(x))
        if oo is None:
            raise KError("onstep: expecting optimizer or model, given " + kname(x))
        ex = oo._extras or Extras()
        d = ex.settings()
        vals = [np.int64(d["accumulate"]), np.float64(np.nan if d["clipnorm"] is None else d["clipnorm"]),
                np.float64(d["clipp"]), np.bool_(d["clipgroup"]),
                np.float64(np.nan if d["clipvalue"] is None else d["clipvalue"]), np.int64(ex.calls)]
        return KDict(V.syms(list(ONSTEP) + ["pending"]), vals)
    if not (_is_list(x) and len(x) == 2 and is_ptr(x[0])):
        raise KError("onstep: expecting optimizer, or (optimizer;name-value pairs)")
    oo = _optobj(find(x[0]))
    if oo is None:
        raise KError("onstep: expecting optimizer or model, given " + kname(x[0]))
    pr = _xpairs(x[1])
    if pr is None:
        raise KError("onstep: expecting name-value pairs, given " + kname(x[1]))
    new_ = {}
    for k, v in _pairs_list(pr):
        if k not in ONSTEP:
            raise KError("onstep: unrecognized setting `%s, expecting one of: %s" % (k, " ".join(ONSTEP)))
        new_[k] = _onstep_value(k, v)
    ex = oo.extras
    for k, v in new_.items():
        setattr(ex, k, v)
    return None


# --------------------------------------------------------------------------
# schedule: learning-rate schedules per group

def _sched_groups(oo, g):
    n = len(oo.opt.param_groups)
    t = qtype(g)
    if t == -7:
        gs = [int(g)]
    elif t == 7:
        gs = [int(i) for i in g]
    else:
        raise KError("schedule: group(s) expected as long(s), given " + kname(g))
    for i in gs:
        if not 0 <= i < n:
            raise KError("schedule: group %d invalid, %d group(s) defined" % (i, n))
    if len(set(gs)) != len(gs):
        raise KError("schedule: duplicate group(s)")
    return gs


def schedule_table(oo):
    ex = oo._extras
    rows = sorted(ex.schedules.items()) if ex is not None else []
    return KTable(["group", "schedule", "options", "base", "step", "done"],
                  [np.array([g for g, _ in rows], dtype=np.int64),
                   V.syms([s.kind for _, s in rows]),
                   [s.kopts() for _, s in rows],
                   np.array([s.base for _, s in rows], dtype=np.float64),
                   np.array([s.n for _, s in rows], dtype=np.int64),
                   np.array([s.done for _, s in rows], dtype=bool)])


@verb("schedule")
def schedule(x):
    """schedule o  the learning-rate schedules attached to an optimizer: a table of
group, schedule, options, base (the group's lr when attached), step (updates since) and
done (ran past its end; the rate then holds). lr o shows the current rates.
schedule(o;s) / schedule(o;group(s);s)  attach schedule s to every group or the given
group(s), replacing any there; the group's lr is set to the schedule's step-0 rate and
moves after every update (step o). s is
  a function of the step {[n] ..} or {[n;lr0] ..} returning the rate (lr0: the lr when attached)
  a name, or (name;options..;name-value pairs), as torch.optim.lr_scheduler:
  `constant (factor 1/3; iters 5)      `linear (start 1/3; end 1; iters 5) -- warmup
  (`step;size;gamma .1)   (`multistep;milestones;gamma .1)   (`exponential;gamma)
  (`polynomial;iters 5;power 1)   (`cosine;tmax;min 0)   (`restarts;t0;tmult 1;min 0)
  (`onecycle;maxlr;total;pct .3;anneal`cos;cyclemom 1b;basemom .85;maxmom .95;div 25;
   finaldiv 1e4;threephase 0b)  -- also sets momentum/beta1 unless cyclemom is 0b
  :: removes the schedule(s), leaving the current rates."""
    from .optim import schedule as S
    if is_ptr(x):
        oo = _optobj(find(x))
        if oo is None:
            raise KError("schedule: expecting optimizer or model, given " + kname(x))
        return schedule_table(oo)
    if not (_is_list(x) and len(x) in (2, 3) and is_ptr(x[0])):
        raise KError("schedule: expecting (optimizer;schedule) or (optimizer;group(s);schedule)")
    oo = _optobj(find(x[0]))
    if oo is None:
        raise KError("schedule: expecting optimizer or model, given " + kname(x[0]))
    groups = oo.opt.param_groups
    gs = list(range(len(groups))) if len(x) == 2 else _sched_groups(oo, x[1])
    spec = x[-1]
    if spec is None:
        if oo._extras is not None:
            for g in gs:
                oo._extras.schedules.pop(g, None)
        return None
    kind, opts = S.parse(spec, _pairs_of)
    built = [(g,) + S.Schedule.build(kind, opts, groups[g]) for g in gs]
    ex = oo.extras
    for g, s, vals in built:
        S.apply(groups[g], vals)
        ex.schedules[g] = s
    return None


def _pairs_of(v):
    pr = _xpairs(v)
    return _pairs_list(pr) if pr is not None else None


# --------------------------------------------------------------------------
# nodecay: weight-decay masks by parameter name pattern

def _patterns(x):
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
        raise KError("nodecay: expecting pattern(s) as symbol(s) or string(s), given " + kname(x))
    return [_regex(str(p).encode()) for p in pats]


@verb("nodecay")
def nodecay(x):
    """nodecay(o;patterns)  weight-decay mask: parameters whose name (as in opt[o]`parms,
e.g. `a.bias) or owning module type (e.g. `layernorm) matches a pattern (q like
patterns: * ? [..]; symbol(s) or string(s)) get no weight decay. A group whose
parameters all match has its decay set to 0; otherwise the matching parameters move
(with their optimizer state and the group's schedule) to a new group with the same
options and decay 0. e.g. nodecay(o;`*.bias`layernorm`embed)."""
    if not (_is_list(x) and len(x) == 2 and is_ptr(x[0])):
        raise KError("nodecay: expecting (optimizer;pattern(s))")
    oo = _optobj(find(x[0]))
    if oo is None:
        raise KError("nodecay: expecting optimizer or model, given " + kname(x[0]))
    if getattr(oo, "sharded", False):
        raise KError("nodecay: optimizer state is sharded (zero), use nodecay before zero")
    o = C.get(oo.name).option("decay")
    if o is None or isinstance(o.torch, tuple):
        raise KError("nodecay: %s optimizer has no decay option" % oo.name)
    key = o.torch
    rx = _patterns(x[1])
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


def _resetgrad(x, what, none):
    obj = find(x)
    if obj is None:
        raise KError("%s: not implemented for %s" % (what, kname(x)))
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
def zerograd(x):
    """zerograd ptr  set gradients to zero: tensor, vector, dictionary, module, optimizer or model."""
    return _resetgrad(x, "zerograd", False)


@verb("nograd")
def nograd(x):
    """nograd ptr  make gradients undefined: tensor, vector, dictionary, module, optimizer or model."""
    return _resetgrad(x, "nograd", True)


@verb("lr")
def lr(x):
    """lr o  learning rate of each parameter group (also lr m for a model).
lr(o;r)  set the learning rate(s): a double, or one double per group."""
    if not _is_list(x):
        raise KError("lr: not implemented for " + kname(x))
    if is_ptr(x):
        oo = _optobj(registry().get(x))
        if oo is None:
            raise KError("lr: unrecognized arg(s), expecting model/optimizer to query learning rate(s)")
        return np.array([float(g["lr"]) for g in oo.opt.param_groups], dtype=np.float64)
    if not 1 <= len(x) <= 2:
        raise KError("lr: expecting 1-2 args, given %d" % len(x))
    if len(x) == 1:
        raise KError("lr: unrecognized arg(s), expecting model/optimizer to query learning rate(s)")
    obj = find(x[0]) if is_ptr(x[0]) else None
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


# --------------------------------------------------------------------------
# help: help`optimizer, help`sgd .., help o

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
    from . import VERBS
    from .help import help_provider
    help_provider(optimizer_help)
    hv = VERBS.get("help")
    if hv is None or getattr(hv[0], "_opt_wrapped", False):
        return
    base = hv[0]

    def help_(x):
        if is_ptr(x):
            obj = find(x)
            oo = _optobj(obj)
            if oo is not None:
                return _options_table(oo, True)
        return base(x)

    help_.__doc__ = (base.__doc__ or "") + "\nhelp o  an optimizer's options table (a row per group)."
    help_._opt_wrapped = True
    VERBS["help"] = (help_, hv[1])


_register_help()
