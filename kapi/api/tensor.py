"""tensor, vector and dict; seed, grad, gradflag, to and the tensor attributes."""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, qtype
from .base import torch, verb
from .convert import DTYPE_NAMES, dtype_name, dtypes, to_k, to_tensor
from .registry import (DictObj, TensorObj, VectorObj, find, is_ptr, kname, need,
                       new, registry)

MODES = ("arange", "empty", "eye", "full", "linspace", "logspace", "ones", "rand",
         "randint", "randn", "randperm", "range", "zeros")
INTS = (-7, -6, -5, -4)


def _torch_error(e):
    """A KError from a torch exception: its first line."""
    msg = str(e).strip().split("\n")[0]
    return KError(msg)


class Opts:
    """Parsed tensor options (ktorch's device/dtype/layout/grad/pin/memory symbols)."""

    __slots__ = ("device", "dtype", "grad", "layout", "pin", "memory")

    def __init__(self):
        self.device = self.dtype = self.grad = self.layout = self.pin = self.memory = None

    def kw(self):
        d = {}
        if self.device is not None:
            d["device"] = self.device
        if self.dtype is not None:
            d["dtype"] = self.dtype
        return d


def cuda_ok():
    t = torch()
    return t.cuda.is_available()


def parse_device(s):
    """torch device for a device symbol, or None if s is not one."""
    if s == "cpu":
        return "cpu"
    if s == "cuda" or (s.startswith("cuda:") and s[5:].isdigit()):
        if not cuda_ok():
            raise KError("unrecognized tensor option: `" + s)
        return s
    return None


def is_opts(x):
    t = qtype(x)
    return t == -11 or (t == 11 and len(x) > 0)


def parse_opts(x):
    """Opts from a symbol or symbol list; unknown symbols give ktorch's error."""
    o = Opts()
    for s in ([x] if isinstance(x, str) else list(x)):
        s = str(s)
        d = parse_device(s)
        if d is not None:
            o.device = d
        elif s in DTYPE_NAMES:
            o.dtype = dtypes()[s]
        elif s in ("grad", "nograd"):
            o.grad = s == "grad"
        elif s in ("strided", "sparse"):
            o.layout = s
        elif s in ("pinned", "unpinned"):
            o.pin = s == "pinned"
        elif s in ("preserve", "contiguous", "channel2d", "channel3d"):
            o.memory = s
        else:
            raise KError("unrecognized tensor option: `" + s)
    return o


def _finish(t, o):
    """Apply layout/grad/pin options to a new tensor."""
    try:
        if o is not None:
            if o.layout == "sparse":
                t = t.to_sparse()
            if o.pin:
                t = t.pin_memory()
            if o.grad:
                t.requires_grad_(True)
    except RuntimeError as e:
        raise _torch_error(e) from None
    return t


def tensor_of(reg, x, what="tensor"):
    """The TensorObj behind pointer x, or a KError."""
    obj = find(reg, x)
    if not isinstance(obj, TensorObj):
        raise KError("%s: expecting tensor, given %s" % (what, obj.cls if obj else kname(reg, x)))
    return obj


def _size(reg, x, what):
    t = qtype(x)
    if t in INTS:
        return (int(x),)
    if t in (7, 6, 5, 4):
        return tuple(int(i) for i in x)
    if type(x) is list and not x:
        return ()
    raise KError("%s: expecting size as long scalar or list, given %s" % (what, kname(reg, x)))


def _num(reg, x, what):
    t = qtype(x)
    if t in INTS or t == -1:
        return int(x)
    if t in (-8, -9):
        return float(x)
    raise KError("%s: expecting numeric scalar, given %s" % (what, kname(reg, x)))


def _refill(out, new_t):
    """Resize tensor ``out`` in place to hold ``new_t`` (values cast to out's dtype)."""
    g = out.requires_grad
    with torch().no_grad():
        if g:
            out.requires_grad_(False)
        try:
            out.set_(new_t.to(dtype=out.dtype, device=out.device).clone())
        finally:
            if g:
                out.requires_grad_(True)


# --------------------------------------------------------------------------
# creation modes

def _room(size, kw):
    """'wsfull for a new cpu tensor of more than V.WSLIMIT bytes."""
    dev = kw.get("device")
    if dev is not None and str(dev) != "cpu":
        return
    n = 1
    for d in size:
        n *= max(int(d), 0)
    dt = kw.get("dtype") or torch().get_default_dtype()
    if n * dt.itemsize > V.WSLIMIT:
        raise KError("wsfull")


def _mode(reg, x):
    T = torch()
    mode = x[0]
    args = list(x[1:])
    o = out = None
    if args and is_opts(args[-1]):
        o = parse_opts(args.pop())
    elif len(args) > 1 and is_ptr(args[-1]) and mode != "full" or (mode == "full" and len(args) == 3 and is_ptr(args[-1])):
        out = tensor_of(reg, args.pop(), mode).t
    like = None
    if args and is_ptr(args[0]) and mode in ("zeros", "ones", "empty", "rand", "randn", "full", "randint"):
        like = tensor_of(reg, args.pop(0), mode).t
    kw = o.kw() if o else {}
    if out is not None:
        kw = {"dtype": out.dtype, "device": out.device}
    try:
        if mode in ("zeros", "ones", "empty", "rand", "randn"):
            if like is not None:
                if args:
                    raise KError("%s: unexpected arg(s) after input tensor" % mode)
                kw = {"dtype": like.dtype, "device": like.device, **(o.kw() if o else {})}
                size = tuple(like.shape)
            else:
                if len(args) != 1:
                    raise KError("%s: expecting size, given %d arg(s)" % (mode, len(args)))
                size = _size(reg, args[0], mode)
                _room(size, kw)
            r = getattr(T, mode)(size, **kw)
        elif mode == "full":
            if like is not None:
                size = tuple(like.shape)
                kw = {"device": like.device, **(o.kw() if o else {})}
            else:
                if len(args) != 2:
                    raise KError("full: expecting size and fill value")
                size = _size(reg, args.pop(0), mode)
                _room(size, kw)
            if len(args) != 1:
                raise KError("full: expecting size and fill value")
            v = args[0]
            if qtype(v) == -1:
                v = bool(v)
            else:
                v = _num(reg, v, mode)
            if "dtype" not in kw and isinstance(v, (int, bool)) and not isinstance(v, float):
                kw["dtype"] = T.bool if isinstance(v, bool) else T.get_default_dtype()
            r = T.full(size, v, **kw)
        elif mode == "randint":
            if like is not None:
                size = tuple(like.shape)
                kw = {"dtype": like.dtype, "device": like.device, **(o.kw() if o else {})}
                lims = [_num(reg, a, mode) for a in args]
                if len(lims) not in (1, 2):
                    raise KError("randint: expecting (tensor;high) or (tensor;low;high)")
            else:
                if len(args) not in (2, 3):
                    raise KError("randint: expecting (high;size) or (low;high;size)")
                size = _size(reg, args[-1], mode)
                _room(size, {"dtype": T.int64, **kw})
                lims = [_num(reg, a, mode) for a in args[:-1]]
            if len(lims) == 1:
                lims = [0] + lims
            r = T.randint(int(lims[0]), int(lims[1]), size, **kw)
        elif mode == "randperm":
            if len(args) != 1:
                raise KError("randperm: expecting n")
            _room([_num(reg, args[0], mode)], {"dtype": T.int64, **kw})
            r = T.randperm(_num(reg, args[0], mode), **kw)
        elif mode in ("arange", "range"):
            if not 1 <= len(args) <= 3:
                raise KError("%s: expecting (end), (start;end) or (start;end;step)" % mode)
            nums = [_num(reg, a, mode) for a in args]
            if mode == "arange":
                if len(nums) == 1:
                    nums = [0] + nums
                if "dtype" not in kw and any(isinstance(n, float) for n in nums):
                    kw["dtype"] = T.get_default_dtype()
                r = T.arange(*nums, **kw)
            else:
                if len(nums) == 1:
                    raise KError("range: expecting (start;end) or (start;end;step)")
                start, end = nums[0], nums[1]
                step = nums[2] if len(nums) == 3 else 1
                n = int(np.floor((end - start) / step)) + 1
                kw.setdefault("dtype", T.get_default_dtype())
                r = (start + step * T.arange(max(n, 0), dtype=T.float64)).to(**kw)
        elif mode in ("linspace", "logspace"):
            if len(args) not in (3, 4) or (mode == "linspace" and len(args) != 3):
                raise KError("%s: expecting (start;end;steps%s)" % (mode, ";base" if mode == "logspace" else ""))
            nums = [_num(reg, a, mode) for a in args]
            _room([nums[2]], kw)
            if mode == "linspace":
                r = T.linspace(nums[0], nums[1], int(nums[2]), **kw)
            else:
                base = nums[3] if len(nums) == 4 else 10.0
                r = T.logspace(nums[0], nums[1], int(nums[2]), base=base, **kw)
        elif mode == "eye":
            if len(args) not in (1, 2):
                raise KError("eye: expecting (n) or (n;m)")
            dims = [int(_num(reg, a, mode)) for a in args]
            _room(dims * (3 - len(dims)), kw)
            r = T.eye(*dims, **kw)
        else:  # pragma: no cover
            raise KError("tensor: unrecognized creation mode `" + mode)
    except (RuntimeError, TypeError, ValueError) as e:
        raise _torch_error(e) from None
    except OverflowError:       # e.g. an infinite size or count
        raise KError("%s: number out of range" % mode) from None
    if out is not None:
        _refill(out, r)
        return None
    return new(reg, TensorObj(_finish(r, o)))


# --------------------------------------------------------------------------
# tensor

def _index(reg, t, args):
    """tensor(ptr;ind) / tensor(ptr;dim;ind)."""
    try:
        if len(args) == 1:
            return t[_ind(reg, args[0])]
        if len(args) == 2:
            if qtype(args[0]) not in INTS:
                raise KError("tensor: dimension expected as long scalar, given " + kname(reg, args[0]))
            i = _ind(reg, args[1])
            return t.select(int(args[0]), i) if qtype(args[1]) in INTS else t.index_select(int(args[0]), i)
    except (IndexError, RuntimeError) as e:
        raise _torch_error(e) from None
    raise KError("tensor: expecting (ptr;ind) or (ptr;dim;ind)")


def _ind(reg, x):
    t = qtype(x)
    if t in INTS:
        return int(x)
    if t in (7, 6, 5, 4):
        return torch().as_tensor(np.asarray(x, dtype=np.int64))
    raise KError("tensor: index expected as long scalar or list, given " + kname(reg, x))


@verb("tensor")
def tensor(reg, x):
    """tensor value  a tensor from a k value; tensor(value;options) with options
symbols for device (`cpu`cuda), dtype (`bool`byte`char`short`int`long`half`float`double)
and `grad`nograd; tensor(value;ptr) copies the value into an existing tensor.
tensor[] an undefined tensor; tensor() an empty one.
tensor ptr  the k value of a tensor; tensor(ptr;ind), tensor(ptr;dim;ind) an index;
tensor vec / tensor dict  pointers to the tensors of a vector or dictionary;
tensor(vec;ind) / tensor(dict;key)  pointer(s) to selected tensors.
tensor(mode;size;options)  creation modes `zeros`ones`empty`rand`randn (size or
input tensor), (`full;size;value), (`randint;[low;]high;size), (`randperm;n),
(`arange;[start;]end[;step]), (`range;start;end[;step]),
(`linspace;start;end;steps), (`logspace;start;end;steps[;base]), (`eye;n[;m]);
a final tensor pointer instead of options refills that tensor in place."""
    if x is None:
        return new(reg, TensorObj(None))
    if type(x) is list and not x:
        return new(reg, TensorObj(torch().empty(0)))
    obj = find(reg, x)
    if obj is not None:
        if isinstance(obj, TensorObj):
            return obj.value()
        if isinstance(obj, VectorObj):
            return [new(reg, TensorObj(t)) for t in obj.v]
        if isinstance(obj, DictObj):
            return KDict(V.syms(list(obj.d)), [new(reg, TensorObj(t)) for t in obj.d.values()])
        raise KError("tensor: not implemented for " + obj.cls)
    if type(x) is list:
        h = x[0]
        if isinstance(h, str) and h in MODES:
            return _mode(reg, x)
        hobj = find(reg, h)
        if hobj is not None:
            if isinstance(hobj, TensorObj):
                if hobj.t is None:
                    raise KError("tensor: undefined tensor")
                return to_k(_index(reg, hobj.t, x[1:]))
            if isinstance(hobj, VectorObj) and len(x) == 2:
                return _vsel(reg, hobj, x[1], lambda t: new(reg, TensorObj(t)))
            if isinstance(hobj, DictObj) and len(x) == 2:
                return _dsel(reg, hobj, x[1], lambda t: new(reg, TensorObj(t)))
            raise KError("tensor: unexpected arg(s) with %s pointer" % hobj.cls)
        if len(x) == 2 and is_opts(x[1]):
            o = parse_opts(x[1])
            try:
                t = to_tensor(x[0], **o.kw(), reg=reg)
                if t is None:
                    return new(reg, TensorObj(None))
            except RuntimeError as e:
                raise _torch_error(e) from None
            return new(reg, TensorObj(_finish(t, o)))
        if len(x) == 2 and is_ptr(x[1]):
            out = tensor_of(reg, x[1]).t
            if out is None:
                raise KError("tensor: output tensor is undefined")
            new_t = to_tensor(x[0], reg=reg)
            if new_t is None:
                raise KError("tensor: unable to copy undefined value into output tensor")
            _refill(out, new_t)
            return None
    if isinstance(x, str):
        raise KError("no torch type found for k: symbol scalar")
    return new(reg, TensorObj(to_tensor(x, reg=reg)))


# --------------------------------------------------------------------------
# vector

def _vindex(obj, i):
    n = len(obj.v)
    j = int(i)
    if not -n <= j < n:
        raise KError("vector: index %d invalid for vector of %d tensor%s" % (j, n, "" if n == 1 else "s"))
    return j % n if n else j


def _vsel(reg, obj, ind, fn):
    t = qtype(ind)
    if t in INTS:
        return fn(obj.v[_vindex(obj, ind)])
    if t in (7, 6, 5, 4):
        js = [_vindex(obj, i) for i in ind]         # all checked before any pointer is made
        return V.collapse([fn(obj.v[j]) for j in js]) if fn is to_k else [fn(obj.v[j]) for j in js]
    raise KError("vector: expecting long index or indices, given " + kname(reg, ind))


def _take(reg, x, r, taken):
    """A tensor from an input: a k value, or a tensor pointer (consumed later)."""
    obj = find(reg, x)
    if obj is not None:
        if not isinstance(obj, TensorObj):
            raise KError("expecting tensor pointer or k array, given " + obj.cls)
        taken.append(x)
        return obj.t
    try:
        return to_tensor(x, reg=reg)
    except RuntimeError as e:
        raise _torch_error(e) from None


def _consume(reg, taken):
    r = reg
    for p in taken:
        r.objs.pop(int(p[0]), None)


@verb("vector")
def vector(reg, x):
    """vector(in1;in2;..)  a vector of tensors from k arrays and/or tensor pointers
(tensor pointers are consumed); vector ptr  the k values of the vector;
vector(ptr;ind)  value(s) at index(es); vector(ptr;ind;val)  replace tensor(s),
returns null."""
    obj = find(reg, x)
    if obj is not None:
        if isinstance(obj, VectorObj):
            return obj.value()
        if isinstance(obj, TensorObj):
            taken = []
            t = _take(reg, x, reg, taken)
            _consume(reg, taken)
            return new(reg, VectorObj([t]))
        raise KError("vector: not implemented for " + obj.cls)
    if type(x) is list and x and isinstance(find(reg, x[0]), VectorObj):
        v = find(reg, x[0])
        if len(x) == 2:
            return _vsel(reg, v, x[1], to_k)
        if len(x) == 3:
            ind, val = x[1], x[2]
            taken = []
            if qtype(ind) in INTS:
                j = _vindex(v, ind)
                t = _take(reg, val, reg, taken)
                _consume(reg, taken)
                v.v[j] = t
                return None
            if qtype(ind) in (7, 6, 5, 4):
                if type(val) is not list and not (type(val) is np.ndarray and val.ndim == 1):
                    raise KError("vector: expecting %d values, given %s" % (len(ind), kname(reg, val)))
                vals = val if type(val) is list else [val[i] for i in range(len(val))]
                if len(vals) != len(ind):
                    raise KError("vector: %d indices but %d values" % (len(ind), len(vals)))
                js = [_vindex(v, i) for i in ind]
                ts = [_take(reg, a, reg, taken) for a in vals]
                _consume(reg, taken)
                for j, t in zip(js, ts):
                    v.v[j] = t
                return None
            raise KError("vector: expecting long index or indices, given " + kname(reg, ind))
        raise KError("vector: expecting (ptr;ind) or (ptr;ind;val)")
    if x is None or (type(x) is list and not x):
        return new(reg, VectorObj([]))
    items = x if type(x) is list else [x]
    if type(x) is np.ndarray:
        items = [x]
    taken = []
    ts = [_take(reg, i, reg, taken) for i in items]
    _consume(reg, taken)
    return new(reg, VectorObj(ts))


# --------------------------------------------------------------------------
# dict

def _keys(reg, k, what="dict"):
    t = qtype(k)
    if t == -11:
        return [k]
    if t == 11:
        return [str(s) for s in k]
    raise KError("%s: expecting symbol key(s), given %s" % (what, kname(reg, k)))


def _dsel(reg, obj, key, fn):
    ks = _keys(reg, key)
    for k in ks:
        if k not in obj.d:
            raise KError("dict: key `%s not found" % k)
    if qtype(key) == -11:
        return fn(obj.d[key])
    vals = [fn(obj.d[k]) for k in ks]
    return V.collapse(vals) if fn is to_k else vals


def _dict_items(reg, keys, vals, unique=True):
    """Keys, tensors (k values and pointers taken) and the pointers taken, for
    ``dict(keys;values)`` (keys ``unique``) and ``dict(ptr;keys;values)``."""
    ks = _keys(reg, keys)
    if len(ks) == 1 and qtype(keys) == -11:
        vals = [vals]
    elif type(vals) is not list and type(vals) is not np.ndarray:
        raise KError("dict: expecting %d value(s), given %s" % (len(ks), kname(reg, vals)))
    elif type(vals) is not list:
        vals = [V.item(vals, i) for i in range(V.count(vals))]
    if len(ks) != len(vals):
        raise KError("dict: %d key(s) but %d value(s)" % (len(ks), len(vals)))
    if unique and len(set(ks)) != len(ks):
        raise KError("dict: duplicate keys")
    taken = []
    ts = [_take(reg, v, reg, taken) for v in vals]
    return ks, ts, taken


@verb("dict")
def dict_(reg, x):
    """dict kdict or dict(keys;values)  a dictionary of tensors from k arrays and/or
tensor pointers (consumed); dict ptr  the k dictionary; dict(ptr;key(s))
value(s) for key(s); dict(ptr;key(s);val(s))  set or add entries, returns null."""
    obj = find(reg, x)
    if obj is not None:
        if isinstance(obj, DictObj):
            return obj.value()
        raise KError("dict: not implemented for " + obj.cls)
    if isinstance(x, KDict):
        ks, ts, taken = _dict_items(reg, x.keys, x.values)
        _consume(reg, taken)
        return new(reg, DictObj(dict(zip(ks, ts))))
    if type(x) is list and x and isinstance(find(reg, x[0]), DictObj):
        d = find(reg, x[0])
        if len(x) == 2:
            return _dsel(reg, d, x[1], to_k)
        if len(x) == 3:
            ks, ts, taken = _dict_items(reg, x[1], x[2], unique=False)
            _consume(reg, taken)
            for k, t in zip(ks, ts):
                d.d[k] = t
            return None
        raise KError("dict: expecting (ptr;key) or (ptr;key;val)")
    if type(x) is list and len(x) == 2 and qtype(x[0]) in (-11, 11):
        ks, ts, taken = _dict_items(reg, x[0], x[1])
        _consume(reg, taken)
        return new(reg, DictObj(dict(zip(ks, ts))))
    if x is None or (type(x) is list and not x):
        return new(reg, DictObj({}))
    raise KError("dict: expecting k dictionary or (keys;values), given " + kname(reg, x))


# --------------------------------------------------------------------------
# seed, grad, gradflag, to, attributes

@verb("seed")
def seed(reg, x):
    """seed n  seed PyTorch's random generators (torch.manual_seed n); seed[] the initial seed."""
    if x is None or (type(x) is list and not x):
        return np.uint64(torch().initial_seed()).astype(np.int64)
    if qtype(x) not in INTS:
        raise KError("seed: expecting long scalar, given " + kname(reg, x))
    torch().manual_seed(int(x))
    return None


_GRAD_ERR = "unexpected arg(s) for gradient, expecting tensor (enlist to return gradient ptr)"


@verb("grad")
def grad(reg, x):
    """grad ptr  the gradient of a tensor as a k value, or :: if undefined;
grad enlist ptr  a tensor pointer to the gradient."""
    obj = find(reg, x)
    if isinstance(obj, TensorObj):
        g = obj.t.grad if obj.t is not None else None
        return None if g is None else to_k(g)
    if type(x) is list and len(x) == 1 and is_ptr(x[0]):
        obj = find(reg, x[0])
        if isinstance(obj, TensorObj):
            g = obj.t.grad if obj.t is not None else None
            if g is None:
                raise KError("no gradient defined")
            return new(reg, TensorObj(g))
    raise KError(_GRAD_ERR)


def _flag(reg, x):
    if qtype(x) != -1:
        raise KError("gradflag: expecting boolean flag, given " + kname(reg, x))
    return bool(x)


def _setgrad(t, b):
    if t is None:
        return
    try:
        t.requires_grad_(b)
    except RuntimeError as e:
        raise _torch_error(e) from None


def _setgrads(ts, b):
    """Set requires_grad on every tensor, or on none if one refuses (e.g. an
    integer tensor asked to require gradients)."""
    saved = [(t, t.requires_grad) for t in ts if t is not None]
    try:
        for t, _ in saved:
            _setgrad(t, b)
    except KError:
        for t, r in saved:
            if t.requires_grad != r:
                t.requires_grad_(r)
        raise


@verb("gradflag")
def gradflag(reg, x):
    """gradflag ptr  requires-grad flag(s): boolean for a tensor, list for a vector,
dictionary for a dictionary; gradflag(ptr;flag) set it for all tensors;
gradflag(vector;indices[;flag]) / gradflag(dict;keys[;flag]) get/set selected ones."""
    obj = find(reg, x)
    args = []
    if obj is None and type(x) is list and x:
        obj = find(reg, x[0])
        args = x[1:]
    if obj is None:
        raise KError("gradflag: expecting tensor, vector or dictionary, given " + kname(reg, x))
    if isinstance(obj, TensorObj):
        if not args:
            return np.bool_(obj.t is not None and obj.t.requires_grad)
        if len(args) == 1:
            _setgrad(obj.t, _flag(reg, args[0]))
            return None
    elif isinstance(obj, VectorObj):
        if not args:
            return np.array([t.requires_grad for t in obj.v], dtype=bool)
        if len(args) == 1 and qtype(args[0]) == -1:
            _setgrads(list(obj.v), _flag(reg, args[0]))
            return None
        sel = _vsel(reg, obj, args[0], lambda t: t)
        sel = sel if isinstance(sel, list) else [sel]
        if len(args) == 1:
            r = np.array([t.requires_grad for t in sel], dtype=bool)
            return r[0] if qtype(args[0]) in INTS else r
        if len(args) == 2:
            _setgrads(sel, _flag(reg, args[1]))
            return None
    elif isinstance(obj, DictObj):
        if not args:
            return KDict(V.syms(list(obj.d)), np.array([t.requires_grad for t in obj.d.values()], dtype=bool))
        if len(args) == 1 and qtype(args[0]) == -1:
            _setgrads(list(obj.d.values()), _flag(reg, args[0]))
            return None
        sel = _dsel(reg, obj, args[0], lambda t: t)
        sel = sel if isinstance(sel, list) else [sel]
        if len(args) == 1:
            r = np.array([t.requires_grad for t in sel], dtype=bool)
            return r[0] if qtype(args[0]) == -11 else r
        if len(args) == 2:
            _setgrads(sel, _flag(reg, args[1]))
            return None
    else:
        setter = getattr(obj, "gradflag", None)
        if setter is not None:
            return setter(args)
    raise KError("gradflag: unexpected arg(s) for " + obj.cls)


@verb("to")
def to(reg, x):
    """to(ptr;options)  move a tensor, vector or dictionary (later: module, loss) to a
device and/or dtype, e.g. to(t;`cpu`double); to(ptr;tensor) to the device and dtype
of an example tensor; to(ptr;options;async). Returns null."""
    if type(x) is not list or len(x) not in (2, 3) or find(reg, x[0]) is None:
        raise KError("to: expecting (ptr;options), (ptr;tensor) or (ptr;options;async)")
    obj = find(reg, x[0])
    nb = False
    if len(x) == 3:
        if qtype(x[2]) != -1:
            raise KError("to: 3rd arg expected to be boolean async flag, given " + kname(reg, x[2]))
        nb = bool(x[2])
    ex = find(reg, x[1])
    if isinstance(ex, TensorObj):
        if ex.t is None:
            raise KError("to: example tensor is undefined")
        device, dtype = ex.t.device, ex.t.dtype
    elif is_opts(x[1]):
        o = parse_opts(x[1])
        device, dtype = o.device, o.dtype
        if device is None and dtype is None:
            raise KError("to: no device or datatype specified")
    else:
        raise KError("to: 2nd arg expected to be tensor option(s) or tensor, given " + kname(reg, x[1]))
    try:
        obj.to(device=device, dtype=dtype, non_blocking=nb)
    except RuntimeError as e:
        raise _torch_error(e) from None
    return None


def _tensor_attr(reg, x, what):
    obj = need(reg, x, what)
    ts = [t for t in obj.tensors() if t is not None]
    if not ts:
        raise KError("%s: no tensor defined" % what)
    return obj, ts[0]


@verb("dtype")
def dtype(reg, x):
    """dtype ptr  data type of a tensor; dtype[] the default; dtype`double set the default."""
    T = torch()
    if x is None or (type(x) is list and not x):
        return dtype_name(T.get_default_dtype())
    if isinstance(x, str):
        if x not in ("float", "double", "half", "bfloat"):
            raise KError("dtype: unable to set default data type to `" + x)
        T.set_default_dtype(dtypes()[x])
        return None
    return dtype_name(_tensor_attr(reg, x, "dtype")[1].dtype)


@verb("device")
def device(reg, x):
    """device ptr  device of a tensor, vector, dictionary or module; device[] the default device."""
    if x is None or (type(x) is list and not x):
        return "cuda" if cuda_ok() else "cpu"
    return str(_tensor_attr(reg, x, "device")[1].device)


@verb("options")
def options(reg, x):
    """options ptr  dictionary of a tensor's attributes; options[] the defaults."""
    T = torch()
    if x is None or (type(x) is list and not x):
        vals = ["cpu", dtype_name(T.get_default_dtype()), "strided", "nograd", "unpinned", "contiguous"]
    else:
        _, t = _tensor_attr(reg, x, "options")
        vals = [str(t.device), dtype_name(t.dtype), "sparse" if t.is_sparse else "strided",
                "grad" if t.requires_grad else "nograd",
                "pinned" if (not t.is_sparse and t.is_pinned()) else "unpinned", "contiguous"]
    return KDict(V.syms(["device", "dtype", "layout", "gradient", "pin", "memory"]), V.syms(vals))
