"""Modules: module, seq, state, names, childnames, parmnames, buffernames,
forward, nforward, eforward, evaluate, training.

A module is a ``torch.nn.Module`` tree.  Each module made here carries its
ktorch type (``_ktype``), its parsed options (``_kopts``, an ordered dict of
Python values) and, for the root, its name (``_kname``); a child's name is its
key in the parent.  :class:`ModuleObj` is the registry object (``.module`` is
the torch module); later kinds (optimizer, model) use :func:`make`,
:func:`add_child`, :func:`ktype` and :meth:`ModuleObj.parameters_by`.

Module types: sequential, seqnest, moduledict, parmdict (containers);
linear, relu, dropout, embed (alias embedding), layernorm, conv2d, flatten,
gelu, tanh, sigmoid.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype
from .base import torch, verb
from .convert import dtype_name, to_k, to_tensor
from .registry import (DictObj, NNObj, Obj, TensorObj, VectorObj, find, is_ptr, kname,
                       new, registry)

INTS = (-7, -6, -5, -4)
CONTAINERS = ("sequential", "seqnest", "moduledict")
ALLOPTIONS = True       # ktorch's `setting`alloptions default


# --------------------------------------------------------------------------
# option specs

class Opt:
    """One module option: k name, kind, default (``REQ`` if required)."""

    __slots__ = ("name", "kind", "default", "n")

    def __init__(self, name, kind, default, n=1):
        self.name, self.kind, self.default, self.n = name, kind, default, n


REQ = object()


def _val(reg, mtype, o, x):
    """Python value of option ``o`` from k value ``x`` (ktorch-style errors)."""
    t = qtype(x)
    k = o.kind
    bad = "%s: %s option expects %s, given %s"
    if k == "long":
        if t in INTS:
            return int(x)
        raise KError(bad % (mtype, o.name, "long scalar", kname(reg, x)))
    if k == "longn":                       # long or null
        if x is None or (type(x) is list and not x):
            return None
        if t in INTS:
            return None if int(x) == -2**63 else int(x)
        raise KError(bad % (mtype, o.name, "long scalar", kname(reg, x)))
    if k == "bool":
        if t == -1:
            return bool(x)
        raise KError(bad % (mtype, o.name, "boolean scalar", kname(reg, x)))
    if k in ("num", "numn"):
        if k == "numn" and (x is None or (type(x) is list and not x)):
            return None
        if t in INTS or t in (-8, -9):
            v = float(x)
            if k == "numn" and v != v:
                return None
            return v
        raise KError(bad % (mtype, o.name, "numeric scalar", kname(reg, x)))
    if k == "sym":
        if t == -11:
            return str(x)
        raise KError(bad % (mtype, o.name, "symbol", kname(reg, x)))
    if k in ("exp", "exppad"):            # expanding array of n longs (pad may be a symbol)
        if k == "exppad" and t == -11:
            return str(x)
        if t in INTS:
            return (int(x),) * o.n
        if t in (7, 6, 5, 4) and len(x) == o.n:
            return tuple(int(i) for i in x)
        raise KError(bad % (mtype, o.name, "long scalar or %d longs" % o.n, kname(reg, x)))
    if k == "tensor":                      # tensor option: k array or tensor pointer; () or :: for none
        if x is None or (type(x) is list and not x):
            return None
        obj = find(reg, x)
        if isinstance(obj, TensorObj):
            return obj.t
        if obj is not None:
            raise KError(bad % (mtype, o.name, "tensor", obj.cls))
        return to_tensor(x, reg=reg)
    if k == "shape":
        if t in INTS:
            return (int(x),)
        if t in (7, 6, 5, 4):
            return tuple(int(i) for i in x)
        raise KError(bad % (mtype, o.name, "long(s)", kname(reg, x)))
    raise KError("%s: unknown option kind" % mtype)  # pragma: no cover


def _kval(o, v):
    """k value of a parsed option value."""
    k = o.kind
    if k == "long":
        return np.int64(v)
    if k == "longn":
        return np.int64(-2**63) if v is None else np.int64(v)
    if k == "bool":
        return np.bool_(v)
    if k in ("num", "numn"):
        return np.float64(np.nan) if v is None else np.float64(v)
    if k == "sym":
        return v
    if k in ("exp", "exppad"):
        if isinstance(v, str):
            return v
        return np.int64(v[0]) if len(set(v)) == 1 else np.array(v, dtype=np.int64)
    if k == "shape":
        return np.array(v, dtype=np.int64)
    if k == "tensor":
        return None if v is None else to_k(v)
    return v  # pragma: no cover


# --------------------------------------------------------------------------
# pairs (ktorch's xpairs): the last argument may hold name-value pairs

def pairs(x):
    """List of (name, value) if ``x`` is a name-value form, else None."""
    if isinstance(x, KDict):
        if qtype(x.keys) == 11:
            return list(zip([str(k) for k in x.keys], V.items(x.values)))
        if type(x.keys) is np.ndarray and len(x.keys) == 0:
            return []
        return None
    t = qtype(x)
    if t == 11 and len(x) and len(x) % 2 == 0:
        return [(str(x[i]), str(x[i + 1])) for i in range(0, len(x), 2)]
    if type(x) is list and x:
        if all((type(p) is list and len(p) == 2 and isinstance(p[0], str)) or
               (qtype(p) == 11 and len(p) == 2) for p in x):
            return [(str(V.item(p, 0)), V.item(p, 1)) for p in x]
        if len(x) % 2 == 0 and all(isinstance(x[i], str) for i in range(0, len(x), 2)):
            return [(x[i], x[i + 1]) for i in range(0, len(x), 2)]
    return None


def parse_options(reg, what, opts, args):
    """Ordered dict of option values from positional args then optional pairs.
    ``opts`` is a list of :class:`Opt`."""
    args = list(args)
    pr = pairs(args[-1]) if args else None
    if pr is not None:
        args = args[:-1]
    if len(args) > len(opts):
        raise KError("%s: expecting up to %d positional arg(s), %d given" % (what, len(opts), len(args)))
    d = {}
    for o, a in zip(opts, args):
        d[o.name] = _val(reg, what, o, a)
    byname = {o.name: o for o in opts}
    for k, v in pr or []:
        o = byname.get(k)
        if o is None:
            raise KError("%s: unrecognized option: %s" % (what, k))
        d[k] = _val(reg, what, o, v)
    out = {}
    for o in opts:
        if o.name in d:
            out[o.name] = d[o.name]
        elif o.default is REQ:
            raise KError("%s: no %s specified" % (what, o.name))
        else:
            out[o.name] = o.default
    return out


# --------------------------------------------------------------------------
# module types

def _pos(what, v, name):
    if v <= 0:
        raise KError("%s: positive %s required" % (what, name))


def _linear(o):
    _pos("linear", o["in"], "input size")
    _pos("linear", o["out"], "output size")
    return torch().nn.Linear(o["in"], o["out"], bias=o["bias"])


def _embed(o):
    _pos("embed", o["rows"], "number of rows")
    _pos("embed", o["cols"], "number of columns")
    return torch().nn.Embedding(o["rows"], o["cols"], padding_idx=o["padindex"],
                                max_norm=o["maxnorm"], norm_type=o["p"],
                                scale_grad_by_freq=o["scale"], sparse=o["sparse"])


def _conv2d(o):
    _pos("conv2d", o["in"], "input channels")
    _pos("conv2d", o["out"], "output channels")
    pad = o["pad"]
    return torch().nn.Conv2d(o["in"], o["out"], o["size"], stride=o["stride"], padding=pad,
                             dilation=o["dilate"], groups=o["groups"], bias=o["bias"],
                             padding_mode=o["padmode"])


def _layernorm(o):
    return torch().nn.LayerNorm(list(o["shape"]), eps=o["eps"], elementwise_affine=o["affine"])


class MType:
    __slots__ = ("name", "pytorch", "opts", "build", "example")

    def __init__(self, name, pytorch, opts, build, example=None):
        self.name, self.pytorch, self.opts, self.build = name, pytorch, opts, build
        self.example = example


def _nn(cls, *keys, **fixed):
    def b(o):
        return getattr(torch().nn, cls)(*[o[k] for k in keys], **fixed)
    return b


TYPES = {t.name: t for t in [
    MType("sequential", "torch.nn.Sequential", [], _nn("Sequential")),
    MType("seqnest", "torch.nn.Sequential", [], _nn("Sequential")),
    MType("moduledict", "torch.nn.ModuleDict", [], _nn("ModuleDict")),
    MType("parmdict", "torch.nn.ParameterDict", [], _nn("ParameterDict")),
    MType("linear", "torch.nn.Linear",
          [Opt("in", "long", REQ), Opt("out", "long", REQ), Opt("bias", "bool", True)], _linear,
          ["linear", 784, 10]),
    MType("relu", "torch.nn.ReLU", [Opt("inplace", "bool", False)], _nn("ReLU", "inplace")),
    MType("dropout", "torch.nn.Dropout", [Opt("p", "num", 0.5), Opt("inplace", "bool", False)],
          _nn("Dropout", "p", "inplace")),
    MType("embed", "torch.nn.Embedding",
          [Opt("rows", "long", REQ), Opt("cols", "long", REQ), Opt("padindex", "longn", None),
           Opt("maxnorm", "numn", None), Opt("p", "num", 2.0), Opt("scale", "bool", False),
           Opt("sparse", "bool", False)], _embed, ["embed", 1000, 50]),
    MType("layernorm", "torch.nn.LayerNorm",
          [Opt("shape", "shape", REQ), Opt("eps", "num", 1e-05), Opt("affine", "bool", True)],
          _layernorm, ["layernorm", [32, 10]]),
    MType("conv2d", "torch.nn.Conv2d",
          [Opt("in", "long", REQ), Opt("out", "long", REQ), Opt("size", "exp", REQ, 2),
           Opt("stride", "exp", (1, 1), 2), Opt("pad", "exppad", (0, 0), 2),
           Opt("dilate", "exp", (1, 1), 2), Opt("groups", "long", 1), Opt("bias", "bool", True),
           Opt("padmode", "sym", "zeros")], _conv2d, ["conv2d", 16, 32, [3, 5]]),
    MType("flatten", "torch.nn.Flatten", [Opt("start", "long", 1), Opt("end", "long", -1)],
          _nn("Flatten", "start", "end")),
    MType("gelu", "torch.nn.GELU", [Opt("approximate", "sym", "none")],
          lambda o: torch().nn.GELU(approximate=o["approximate"])),
    MType("tanh", "torch.nn.Tanh", [], _nn("Tanh")),
    MType("sigmoid", "torch.nn.Sigmoid", [], _nn("Sigmoid")),
]}
ALIASES = {"embedding": "embed"}


def mtype(name):
    t = TYPES.get(ALIASES.get(name, name))
    if t is None:
        raise KError("unrecognized module: " + str(name))
    return t


def make(reg, typ, name=None, options=(), parsed=None):
    """A new torch module of ktorch type ``typ`` from option args (or an
    already parsed option dict), tagged with its type, options and name."""
    t = mtype(typ)
    o = parsed if parsed is not None else parse_options(reg, t.name, t.opts, options)
    try:
        m = t.build(o)
    except (RuntimeError, ValueError, TypeError) as e:
        raise KError("%s: %s" % (t.name, str(e).strip().split("\n")[0])) from None
    m._ktype = t.name
    m._kopts = o
    m._kname = name
    return m


def ktype(m):
    """ktorch type of a torch module (a guess for modules made elsewhere)."""
    t = getattr(m, "_ktype", None)
    if t is not None:
        return t
    n = type(m).__name__.lower()
    return {"sequential": "sequential", "moduledict": "moduledict",
            "parameterdict": "parmdict", "embedding": "embed"}.get(n, n)


def kopts(m, alloptions=True, types=None):
    """k dictionary of a module's options (all, or only non-default ones)."""
    t = (TYPES if types is None else types).get(ktype(m))
    o = getattr(m, "_kopts", {}) or {}
    names, vals = [], []
    for op in (t.opts if t else []):
        if op.name not in o:
            continue
        v = o[op.name]
        if not alloptions and op.default is not REQ and _same(v, op.default):
            continue
        names.append(op.name)
        vals.append(_kval(op, v))
    if not names:
        return KDict(V.syms([]), [])
    return KDict(V.syms(names), V.collapse(vals))


def _same(a, b):
    if a is None or b is None:
        return a is b
    if hasattr(a, "shape") or hasattr(b, "shape"):
        return False
    return a == b


def is_container(m):
    return ktype(m) in CONTAINERS


def add_child(parent, name, child):
    """Add ``child`` to container ``parent`` under ``name`` (default: its position)."""
    pt = ktype(parent)
    if pt not in CONTAINERS:
        raise KError("module: unable to add %s module to %s module (not a container)" % (ktype(child), pt))
    n = name if name else str(len(parent._modules))
    if n in parent._modules:
        raise KError("module: %s already has a child module named `%s" % (pt, n))
    if "." in n or not n:
        raise KError("module: invalid module name `%s" % n)
    parent.add_module(n, child)
    return n


# --------------------------------------------------------------------------
# the registry object

class ModuleObj(NNObj):
    """A module: ``module`` is the torch.nn.Module (the root of the tree)."""

    cls = "module"
    __slots__ = ()

    def objtype(self):
        return ktype(self.module)

    def gradflag(self, args):
        ps = list(self.module.named_parameters())
        if not args:
            return KDict(V.syms([n for n, _ in ps]), np.array([p.requires_grad for _, p in ps], dtype=bool))
        if len(args) == 1 and qtype(args[0]) == -1:
            for _, p in ps:
                p.requires_grad_(bool(args[0]))
            return None
        raise KError("gradflag: unexpected arg(s) for module")

    # helpers for optimizers (opt, state) -----------------------------------

    def named_parameters(self):
        """[(full dotted name, parameter)] in order."""
        return list(self.module.named_parameters())

    def childnames(self):
        return list(self.module._modules)

    def submodules(self):
        """[(name, module)] of all descendants, depth-first, excluding the root."""
        return [(n, m) for n, m in self.module.named_modules() if n]

    def parameters_by(self, spec=None, fname="opt", reg=None):
        """[(module type, full parameter name, parameter)] selected by ``spec``:
        None (all), a long or longs (index into :meth:`submodules`), or a symbol
        or symbols (submodule names, else full parameter names)."""
        owner = {}
        for mn, m in self.module.named_modules():
            for pn, p in m.named_parameters(recurse=False):
                owner[id(p)] = ktype(m)
        allp = self.named_parameters()
        if spec is None:
            return [(owner.get(id(p), ktype(self.module)), n, p) for n, p in allp]
        t = qtype(spec)
        subs = self.submodules()
        out, seen = [], set()
        full = {id(p): n for n, p in allp}

        def take(m, prefix, err):
            ps = [(owner[id(p)], full[id(p)], p) for p in m.parameters()]
            if any(id(p) in seen for _, _, p in ps):
                raise KError(err)
            for e in ps:
                seen.add(id(e[2]))
                out.append(e)

        if t in INTS or t in (7, 6, 5, 4):
            idx = [int(spec)] if t in INTS else [int(i) for i in spec]
            for k in idx:
                if k < 0:
                    raise KError("%s: module[%d] invalid" % (fname, k))
                if k >= len(subs):
                    raise KError("%s: module[%d] out of bounds, %d submodule(s)" % (fname, k, len(subs)))
                n, m = subs[k]
                take(m, n, "%s: duplicate parameter(s) with module[%d]" % (fname, k))
            return out
        if t in (-11, 11):
            names = [str(spec)] if t == -11 else [str(s) for s in spec]
            mods = dict(subs)
            pars = dict(allp)
            for k in names:
                if k in mods:
                    take(mods[k], k, "%s: duplicate parameter(s) with module[`%s]" % (fname, k))
                elif k in pars:
                    p = pars[k]
                    if id(p) in seen:
                        raise KError("%s: duplicate parameter `%s" % (fname, k))
                    seen.add(id(p))
                    out.append((owner[id(p)], k, p))
                else:
                    raise KError("%s: no module or parameter named `%s" % (fname, k))
            return out
        raise KError("%s: %s module supplied with unrecognized %s selector(s)" %
                     (fname, ktype(self.module), kname(reg, spec)))


def module_of(reg, x, what):
    """The torch module behind pointer ``x`` (module, or any object with a
    ``kmodule()`` method such as a model or an optimizer's container)."""
    obj = find(reg, x)
    if isinstance(obj, ModuleObj):
        return obj.module
    km = getattr(obj, "kmodule", None)
    if km is not None:
        m = km()
        if m is not None:
            return m
    raise KError("%s: expecting module, given %s" % (what, obj.cls if obj is not None else kname(reg, x)))


# --------------------------------------------------------------------------
# definitions: symbols, trees, depth-value pairs, tables

def _is_sym(x):
    return qtype(x) == -11 or (qtype(x) == 11 and 1 <= len(x) <= 2)


def _is_def(x):
    """A single module definition: `type, `type`name or (`type;[`name];opts..)."""
    if _is_sym(x):
        return True
    return type(x) is list and len(x) > 0 and qtype(x[0]) == -11


def _parse_def(d):
    """(type, name, option args) of a definition."""
    if qtype(d) == -11:
        return str(d), None, []
    if qtype(d) == 11:
        if len(d) == 1:
            return str(d[0]), None, []
        if len(d) == 2:
            return str(d[0]), str(d[1]) or None, []
        raise KError("module: expecting type and optional name, given %d symbols" % len(d))
    head = d[0]
    if qtype(head) == 11 and len(head) == 2:
        return str(head[0]), str(head[1]) or None, list(d[1:])
    typ = str(head)
    rest = list(d[1:])
    name = None
    if rest and qtype(rest[0]) == -11:
        name = str(rest.pop(0)) or None
    return typ, name, rest


def _is_dv(x):
    return type(x) is list and len(x) > 0 and all(
        type(p) is list and len(p) == 2 and qtype(p[0]) in INTS for p in x)


def _tree_dv(reg, x, depth, out):
    """Depth-value pairs of a tree: x[0] is a definition, x[1:] child trees."""
    if _is_sym(x):
        out.append((depth, x))
        return
    if type(x) is list and x:
        h = x[0]
        if _is_sym(h) or (type(h) is list and h and (qtype(h[0]) == -11 or qtype(h[0]) == 11)):
            out.append((depth, h))
            for c in x[1:]:
                if not (_is_sym(c) or (type(c) is list and c)):
                    raise KError("module: %s given as 1st arg, but unable to parse remaining arg(s)"
                                 % _parse_def(h)[0])
                _tree_dv(reg, c, depth + 1, out)
            return
    raise KError("module: unrecognized definition, given " + kname(reg, x))


def _rows_of(reg, x):
    """Rows (depth, type, name, options, parms, buffers) of a module/state dict or table."""
    if isinstance(x, KDict):
        keys = [str(k) for k in x.keys]
        vals = V.items(x.values)
        d = dict(zip(keys, vals))
        return [_row(reg, d)]
    names = list(x.names)
    n = len(x)
    rows = []
    for i in range(n):
        rows.append(_row(reg, {k: V.item(c, i) for k, c in zip(names, x.cols)}))
    return rows


def _row(reg, d):
    for k in ("depth", "module"):
        if k not in d:
            raise KError("module: definition missing `%s" % k)
    if qtype(d["depth"]) not in INTS:
        raise KError("module: depth expected as long, given " + kname(reg, d["depth"]))
    name = d.get("name", "")
    return (int(d["depth"]), str(d["module"]), str(name) if name else None,
            d.get("options"), d.get("parms"), d.get("buffers"))


def _opt_args(o):
    if o is None:
        return []
    if isinstance(o, KDict):
        return [o] if len(o.keys) else []
    return [o]


def _copy_in(reg, m, what, d, buffers=False):
    """Copy a k dictionary of parameters/buffers into module m's own tensors."""
    if d is None or (isinstance(d, KDict) and len(d.keys) == 0) or (type(d) is list and not d):
        return
    if not isinstance(d, KDict):
        raise KError("%s: expecting dictionary of %s, given %s" % (what, "buffers" if buffers else "parms", kname(reg, d)))
    T = torch()
    own = dict(m.named_buffers(recurse=False) if buffers else m.named_parameters(recurse=False))
    for k, v in zip([str(k) for k in d.keys], V.items(d.values)):
        t = to_tensor(v, reg=reg)
        if ktype(m) == "parmdict" and not buffers:
            if k in own:
                raise KError("%s: duplicate parameter `%s" % (what, k))
            m[k] = T.nn.Parameter(t)
            continue
        if k not in own:
            raise KError("%s: no %s named `%s" % (what, "buffer" if buffers else "parameter", k))
        p = own[k]
        if t.dtype != p.dtype:
            raise KError("%s: type mismatch, %s is %s, input is %s" %
                         (what, k, dtype_name(p.dtype), dtype_name(t.dtype)))
        if tuple(t.shape) != tuple(p.shape):
            raise KError("%s: size mismatch, %s is %s, input is %s" %
                         (what, k, " ".join(map(str, p.shape)), " ".join(map(str, t.shape))))
        with T.no_grad():
            p.copy_(t)


def build(reg, rows):
    """Root torch module from rows (depth, type, name, option args, parms, buffers)."""
    stack = []
    root = None
    for i, (depth, typ, name, args, parms, bufs) in enumerate(rows):
        if i == 0:
            if depth != 0:
                raise KError("module: initial depth is %d, expecting 0" % depth)
        elif depth < 1 or depth > len(stack):
            raise KError("module: depth %d invalid for %s module, expecting 1-%d" %
                         (depth, typ, len(stack)))
        m = make(reg, typ, name, args)
        _copy_in(reg, m, ktype(m), parms)
        _copy_in(reg, m, ktype(m), bufs, buffers=True)
        if i == 0:
            root = m
        else:
            del stack[depth:]
            m._kname = None
            add_child(stack[depth - 1], name, m)
        stack.append(m)
    if root is None:
        raise KError("module: empty definition")
    return root


def define(reg, x):
    """Root torch module from any definition form."""
    if isinstance(x, (KDict, KTable)):
        rows = [(d, t, n, _opt_args(o), p, b) for d, t, n, o, p, b in _rows_of(reg, x)]
        return build(reg, rows)
    if _is_dv(x):
        dv = [(int(p[0]), p[1]) for p in x]
    else:
        dv = []
        _tree_dv(reg, x, 0, dv)
    rows = []
    for depth, d in dv:
        if not _is_def(d):
            raise KError("module: unrecognized definition at depth %d, given %s" % (depth, kname(reg, d)))
        typ, name, args = _parse_def(d)
        rows.append((depth, typ, name, args, None, None))
    return build(reg, rows)


# --------------------------------------------------------------------------
# definition / state out

def walk(m):
    """[(depth, type, name, module)] of the tree, root first, depth-first."""
    out = []

    def go(mod, depth, name):
        out.append((depth, ktype(mod), name, mod))
        for n, c in mod._modules.items():
            if c is not None:
                go(c, depth + 1, n)

    go(m, 0, getattr(m, "_kname", None) or "")
    return out


def _tdict(items):
    items = list(items)
    if not items:
        return KDict(V.syms([]), [])
    return KDict(V.syms([n for n, _ in items]), [to_k(t) for _, t in items])


def definition(m, alloptions=True, state=False):
    rows = walk(m)
    cols = ["depth", "module", "name", "options"] + (["parms", "buffers"] if state else [])
    data = []
    for depth, typ, name, mod in rows:
        r = [np.int64(depth), typ, name, kopts(mod, alloptions)]
        if state:
            r += [_tdict(mod.named_parameters(recurse=False)), _tdict(mod.named_buffers(recurse=False))]
        data.append(r)
    if not is_container(m):
        return KDict(V.syms(cols), data[0])
    tcols = [np.array([r[0] for r in data], dtype=np.int64), V.syms([r[1] for r in data]),
             V.syms([r[2] for r in data])] + [[r[j] for r in data] for j in range(3, len(cols))]
    return KTable(cols, tcols)


def _flagarg(x, what):
    """(pointer, alloptions flag) from ptr or (ptr;flag)."""
    if is_ptr(x):
        return x, ALLOPTIONS
    if type(x) is list and len(x) == 2 and is_ptr(x[0]) and qtype(x[1]) == -1:
        return x[0], bool(x[1])
    return None, None


# --------------------------------------------------------------------------
# verbs

@verb("module")
def module(reg, x):
    """module def  create a module, returns an api-pointer. def is a symbol (`relu),
type and name (`relu`r), enlist(type;[name];options..) e.g. module enlist(`linear;784;10),
a tree (container; child; ..) e.g. module(`sequential; enlist(`linear;784;10); `relu)
or module seq(`sequential; (`linear;`a;128;64); `relu`relu1), depth-value pairs
((0;`sequential); (1;(`linear;64;10)); (1;`relu)), or a definition/state
dictionary or table (rebuilds the module, copying parameters and buffers).
module ptr / module(ptr;flag)  the definition: a dictionary depth module name
options for a single module, a table for a container (flag 0b: only
non-default options). Types: sequential seqnest moduledict parmdict linear relu
dropout embed(embedding) layernorm conv2d flatten gelu tanh sigmoid."""
    p, flag = _flagarg(x, "module")
    if p is not None:
        obj = find(reg, p)
        if isinstance(obj, ModuleObj):
            return definition(obj.module, flag)
        km = getattr(obj, "kmodule", None)
        if km is not None:
            m = km()
            if m is None:
                raise KError("module: no module registered with given %s" % obj.cls)
            return new(reg, ModuleObj(m))
        raise KError("module: not implemented for " + obj.cls)
    if x is None or (type(x) is list and not x):
        raise KError("module: empty definition")
    return new(reg, ModuleObj(define(reg, x)))


@verb("seq")
def seq(reg, x):
    """seq list  enlist every element after the first: a 2-level module tree,
e.g. seq(`sequential; (`linear;`a;128;64); `relu`relu1); seq`a`b`c is (`a;,`b;,`c)."""
    if qtype(x) == 11:
        if not len(x):
            raise KError("seq: empty list")
        return [str(x[0])] + [V.syms([str(s)]) for s in x[1:]]
    if type(x) is list:
        if not x:
            raise KError("seq: empty list")
        if not (qtype(x[0]) in (-11, 11) or (type(x[0]) is list and x[0] and qtype(x[0][0]) == -11)):
            raise KError("seq: expecting module symbol, given " + kname(reg, x[0]))
        return [x[0]] + [V.enlist(c) for c in x[1:]]
    if qtype(x) == -11:
        return [x]
    raise KError("seq: expecting module symbol, given " + kname(reg, x))


@verb("state")
def state(reg, x):
    """state ptr / state(ptr;flag)  a module's definition with its parameters and
buffers: dictionary depth module name options parms buffers for a single module,
a table for a container; module state rebuilds an identical module."""
    p, flag = _flagarg(x, "state")
    obj = find(reg, p) if p is not None else None
    if isinstance(obj, ModuleObj):
        return definition(obj.module, flag, state=True)
    st = getattr(obj, "state", None)
    if obj is not None and callable(st):
        return st(flag)
    raise KError("state: not implemented for " + (obj.cls if obj is not None else kname(reg, x)))


def _names_args(reg, x, what):
    if is_ptr(x):
        return find(reg, x), None
    if type(x) is list and len(x) == 2 and is_ptr(x[0]):
        return find(reg, x[0]), x[1]
    raise KError("%s: expecting module, model, loss or optimizer with optional child name or index, given %s"
                 % (what, kname(reg, x)))


def _sub(reg, m, sel, what):
    if sel is None:
        return m
    t = qtype(sel)
    if t == -11:
        subs = dict(m.named_modules())
        s = str(sel)
        if not s or s not in subs:
            raise KError("%s: no child module named `%s" % (what, s))
        return subs[s]
    if t in INTS:
        cs = [c for c in m._modules.values() if c is not None]
        i = int(sel)
        if not 0 <= i < len(cs):
            raise KError("%s: child index %d invalid, %d child module(s)" % (what, i, len(cs)))
        return cs[i]
    raise KError("%s: expecting child name or index, given %s" % (what, kname(reg, sel)))


def _module_or_keys(reg, x, what):
    obj, sel = _names_args(reg, x, what)
    if isinstance(obj, DictObj) and sel is None:
        return None, V.syms(list(obj.d))
    if isinstance(obj, ModuleObj):
        return _sub(reg, obj.module, sel, what), None
    km = getattr(obj, "kmodule", None)
    if km is not None:
        m = km()
        return (_sub(reg, m, sel, what) if m is not None else None), (None if m is not None else V.syms([]))
    raise KError("%s: not implemented for %s" % (what, obj.cls if obj else kname(reg, x)))


def _names_verb(name, listing, doc):
    """A verb ``name ptr`` / ``name(ptr;child)``: the names ``listing(module)``
    gives (a dictionary pointer gives its keys)."""
    def fn(reg, x):
        m, keys = _module_or_keys(reg, x, name)
        return keys if keys is not None else V.syms(listing(m))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return verb(name)(fn)


names = _names_verb("names", lambda m: [n for n, _ in m.named_modules() if n],
    """names ptr / names(ptr;child)  names of all modules within a module (all depths,
dotted, excluding the module itself); child is a name or index of a direct child.
A dictionary pointer gives its keys.""")
childnames = _names_verb("childnames", lambda m: [n for n, c in m._modules.items() if c is not None],
    """childnames ptr / childnames(ptr;child)  names of the immediate child modules.""")
parmnames = _names_verb("parmnames", lambda m: [n for n, _ in m.named_parameters()],
    """parmnames ptr / parmnames(ptr;child)  full dotted names of all parameters.""")
buffernames = _names_verb("buffernames", lambda m: [n for n, _ in m.named_buffers()],
    """buffernames ptr / buffernames(ptr;child)  full dotted names of all buffers.""")


@verb("training")
def training(reg, x):
    """training ptr  the module's training flag; training(ptr;flag) sets it."""
    if is_ptr(x):
        return np.bool_(module_of(reg, x, "training").training)
    if type(x) is list and len(x) == 2 and is_ptr(x[0]) and qtype(x[1]) == -1:
        module_of(reg, x[0], "training").train(bool(x[1]))
        return None
    raise KError("training: expecting module or (module;flag), given " + kname(reg, x))


_FWD_ERR = "%s: requires a module or model and at least one input"


def _device(m):
    for t in m.parameters():
        return t.device
    for t in m.buffers():
        return t.device
    return None


def _inputs(reg, m, args, what):
    """Tensors from forward inputs: tensor pointers, vectors, k arrays."""
    dev = False         # the module's device, looked up for the first k array
    if len(args) == 1 and type(args[0]) is list and len(args[0]) > 1 and all(is_ptr(a) for a in args[0]):
        args = args[0]
    out = []
    for a in args:
        obj = find(reg, a)
        if obj is None:
            t = to_tensor(a, reg=reg)
            if dev is False:
                dev = _device(m)
            if dev is not None and t is not None and t.device != dev:
                t = t.to(dev)
            out.append(t)
        elif isinstance(obj, TensorObj):
            out.append(obj.t)
        elif isinstance(obj, VectorObj):
            out.extend(obj.v)
        else:
            raise KError("%s: expecting tensor or k array as input, given %s" % (what, obj.cls))
    if any(t is None for t in out):
        raise KError("%s: undefined tensor given as input" % what)
    return out


def _call_module(m, fm, ins, what):
    """m(*ins) (or its wrapper fm); a wrong number of inputs is a k error."""
    T = torch()
    if isinstance(m, (T.nn.ParameterDict, T.nn.ParameterList)):
        raise KError("%s: not implemented for %s module" % (what, ktype(m)))
    try:
        return m(*ins) if fm is None else fm(*ins)
    except NotImplementedError:
        raise KError("%s: not implemented for %s module" % (what, ktype(m))) from None
    except TypeError:
        import inspect
        try:
            inspect.signature(m.forward).bind(*ins)
        except TypeError:
            raise KError("%s: %s module does not take %d input%s" %
                         (what, ktype(m), len(ins), "" if len(ins) == 1 else "s")) from None
        except ValueError:
            pass
        raise


def run_forward(reg, x, what, mode):
    """Forward call: mode is "forward", "nforward", "eforward" or "evaluate"."""
    if type(x) is not list or len(x) < 2 or is_ptr(x):
        raise KError(_FWD_ERR % what)
    obj = find(reg, x[0])
    if obj is None:
        raise KError(_FWD_ERR % what)
    m = module_of(reg, x[0], what)
    # a module wrapped by `ddp` (kapi.api.dist) runs forward with gradients
    # through its DistributedDataParallel wrapper; the other modes run it locally
    fm = getattr(obj, "ddp", None) if mode == "forward" else None
    args = list(x[1:])
    if len(args) > 1 and qtype(args[0]) == -11:
        m = _sub(reg, m, args.pop(0), what)
        fm = None
    ins = _inputs(reg, m, args, what)
    T = torch()
    was = m.training
    evalmode = mode in ("eforward", "evaluate")
    try:
        if evalmode and was:
            m.train(False)
        if mode == "forward" and T.is_grad_enabled():
            y = _call_module(m, fm, ins, what)      # no context manager: the common case
        else:
            with T.set_grad_enabled(mode == "forward"):
                y = _call_module(m, fm, ins, what)
    finally:
        if evalmode and was:
            m.train(True)
    if mode == "evaluate":
        if isinstance(y, (tuple, list)):
            return [to_k(t) for t in y]
        return to_k(y)
    if isinstance(y, (tuple, list)):
        return new(reg, VectorObj(list(y)))
    return new(reg, TensorObj(y))


@verb("forward")
def forward(reg, x):
    """forward(module;input;..)  forward calculation in the module's current mode with
gradients on; inputs are tensor pointers, a vector, or k arrays (moved to the
device of the module's first parameter); forward(module;`child;input) runs a child.
Returns a tensor pointer (a vector pointer for multiple outputs)."""
    return run_forward(reg, x, "forward", "forward")


@verb("nforward")
def nforward(reg, x):
    """nforward(module;input;..)  forward calculation without gradients; tensor result."""
    return run_forward(reg, x, "nforward", "nforward")


@verb("eforward")
def eforward(reg, x):
    """eforward(module;input;..)  forward in evaluation mode, no gradients; tensor result."""
    return run_forward(reg, x, "eforward", "eforward")


@verb("evaluate")
def evaluate(reg, x):
    """evaluate(module;input;..)  forward in evaluation mode, no gradients; k array result."""
    return run_forward(reg, x, "evaluate", "evaluate")


# --------------------------------------------------------------------------
# help for module types (help`linear, help`module)

def _module_help(name):
    if name == "module":
        rows = [t for t in TYPES.values()]
        return KTable(("module", "pytorch", "options"),
                      [V.syms([t.name for t in rows]), [V.string(t.pytorch) for t in rows],
                       [_example(None, t) for t in rows]])
    t = TYPES.get(ALIASES.get(name, name))
    if t is None:
        return None
    return _example(None, t)       # no pointers in an example


def _example(reg, t):
    args = (t.example or [t.name])[1:]
    args = [np.array(a, dtype=np.int64) if isinstance(a, list) else np.int64(a) for a in args]
    o = parse_options(reg, t.name, t.opts, args)
    m = type("M", (), {})()
    m._ktype, m._kopts = t.name, o
    return kopts(m, True)


def _register_help():
    from .help import help_provider
    help_provider(_module_help)


_register_help()
