"""k values <-> torch tensors, keeping q types and shapes.

=========  =============  =========
q          torch dtype    ktorch
=========  =============  =========
boolean    bool           `bool
byte       uint8          `byte
char       int8           `char
short      int16          `short
int        int32          `int
long       int64          `long
real       float32        `float
float      float64        `double
=========  =============  =========

A matrix is a general list of equal-length vectors (any depth); a 0-d tensor
gives an atom.  half/bfloat16 tensors come back as reals.
"""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype
from .base import torch
from .names import kname

# numpy dtype of a k vector -> ktorch dtype name
_NP2NAME = {np.dtype(np.bool_): "bool", np.dtype(np.uint8): "byte", np.dtype("S1"): "char",
            np.dtype(np.int16): "short", np.dtype(np.int32): "int", np.dtype(np.int64): "long",
            np.dtype(np.float32): "float", np.dtype(np.float64): "double"}
DTYPE_NAMES = ("bool", "byte", "char", "short", "int", "long", "half", "bfloat",
               "float", "double", "cfloat", "cdouble")
_dtypes = None


def dtypes():
    """ktorch dtype name -> torch.dtype (built on first use)."""
    global _dtypes
    if _dtypes is None:
        t = torch()
        _dtypes = {"bool": t.bool, "byte": t.uint8, "char": t.int8, "short": t.int16,
                   "int": t.int32, "long": t.int64, "half": t.float16, "bfloat": t.bfloat16,
                   "float": t.float32, "double": t.float64, "cfloat": t.complex64,
                   "cdouble": t.complex128}
    return _dtypes


def dtype_name(dt):
    for k, v in dtypes().items():
        if v == dt:
            return k
    return str(dt).replace("torch.", "")


def _kname(x, reg=None):
    return kname(reg, x)


def _leaf(x, reg=None):
    """numpy array for an atom or vector, or raise the ktorch type error."""
    t = qtype(x)
    if t == -10:
        return np.array(x if isinstance(x, bytes) else bytes(x), dtype="S1").reshape(())
    if t in (-1, -4, -5, -6, -7, -8, -9):
        return np.asarray(x)
    if t in (1, 4, 5, 6, 7, 8, 9, 10):
        return x
    raise KError("no torch type found for k: " + _kname(x, reg=reg))


def _sig(x, reg=None):
    """(k type, shape) of a rectangular k value; raises ktorch's errors."""
    if type(x) is not list:
        a = _leaf(x, reg=reg)
        return qtype(x), a.shape
    if not x:
        return 0, (0,)
    return _sig_list(x, 1, reg=reg)


def _sig_list(x, depth, reg=None):
    sigs = []
    for item in x:
        if type(item) is list and item:
            sigs.append(_sig_list(item, depth + 1, reg=reg))
        elif type(item) is list:
            sigs.append((0, (0,)))
        else:
            sigs.append((qtype(_leaf_check(item, reg=reg)), np.shape(item)))
    t0, s0 = sigs[0]
    for item, (t, s) in zip(x[1:], sigs[1:]):
        if qtype(item) != qtype(x[0]):
            raise KError("type mismatch at depth %d, %s vs %s" % (depth, _kname(x[0], reg=reg), _kname(item, reg=reg)))
        if t != t0:
            _deeper(x[0], item, depth + 1, reg=reg)
        if s != s0:
            i = next((k for k in range(min(len(s), len(s0))) if s[k] != s0[k]), 0)
            raise KError("dimension mismatch at depth %d, %d vs %d" % (depth + i, s0[i], s[i]))
    return t0, (len(x),) + tuple(s0)


def _deeper(a, b, depth, reg=None):
    """Locate a leaf-type mismatch between two general lists."""
    for ai, bi in zip(a, b):
        if qtype(ai) != qtype(bi):
            raise KError("type mismatch at depth %d, %s vs %s" % (depth, _kname(ai, reg=reg), _kname(bi, reg=reg)))
        if type(ai) is list:
            _deeper(ai, bi, depth + 1, reg=reg)
    raise KError("type mismatch at depth %d" % depth)


def _leaf_check(item, reg=None):
    _leaf(item, reg=reg)
    return item


def _stack(x, reg=None):
    if type(x) is not list:
        return _leaf(x, reg=reg)
    return np.stack([_stack(i, reg=reg) for i in x]) if x else np.empty(0, dtype=np.float32)


def to_tensor(x, dtype=None, device=None, reg=None):
    """A new tensor from k value ``x`` (None -> undefined tensor)."""
    t = torch()
    if x is None:
        return None
    if isinstance(x, (KDict, KTable)) or (qtype(x) >= 100):
        raise KError("no torch type found for k: " + _kname(x, reg=reg))
    _sig(x, reg=reg)
    a = _stack(x, reg=reg)
    if type(x) is list and not x:
        r = t.empty(0)
    else:
        if a.dtype == np.dtype("S1"):
            a = a.view(np.int8)
        r = t.from_numpy(np.array(a, copy=True))
    if dtype is not None or device is not None:
        r = r.to(device=device, dtype=dtype)
    return r


_SCALARS = None     # torch dtype -> numpy scalar type, for 0-d cpu tensors


def _scalars(T):
    global _SCALARS
    _SCALARS = {T.float32: np.float32, T.float64: np.float64, T.int64: np.int64,
                T.int32: np.int32, T.int16: np.int16, T.bool: np.bool_, T.uint8: np.uint8}
    return _SCALARS


def to_k(t):
    """The k value of tensor ``t`` (detached, on cpu)."""
    if t is None:
        return None
    T = torch()
    # a loss (0-d float on the cpu) is the common case: one item() call
    sc = (_SCALARS or _scalars(T)).get(t.dtype)
    if sc is not None and t.dim() == 0 and t.layout is T.strided and t.device.type == "cpu":
        return sc(t.detach().item())
    t = t.detach()
    if t.is_sparse:
        t = t.to_dense()
    if t.device.type != "cpu":
        t = t.cpu()
    if t.dtype in (T.float16, T.bfloat16):
        t = t.float()
    if t.is_complex():
        raise KError("nyi: complex tensor to k")
    a = t.numpy()
    if a.dtype == np.int8:
        a = a.view("S1")
    if a.ndim == 0:
        v = a[()]
        return bytes(v) if a.dtype == np.dtype("S1") else v
    return _nest(a)


def _nest(a):
    if a.ndim == 1:
        return np.array(a, copy=True)
    return [_nest(a[i]) for i in range(a.shape[0])]
