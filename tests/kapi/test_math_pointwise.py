"""Pointwise math rows (math-pointwise.rst, math-compare.rst) and one-result
reductions (math-reduce.rst): every row in every argument form, against torch
called directly."""

import numpy as np
import pytest
import torch

from kapi.api import load_all
from kapi.api.math_pointwise import BINARY, BOOLEAN, SPECIAL, UNARY
from kapi.api.math_reduce import REDUCE
from kapi.errors import KError

from .conftest import transcript

load_all()

# k name -> torch function, transcribed from the links in the ktorch docs
# (math-pointwise.rst "Single argument" / "Two arguments", math-compare.rst):
# the oracle is torch itself, found independently of the rows' own fields.
RST_UNARY = {
    "Abs": "abs", "Acos": "acos", "angle": "angle", "Asin": "asin", "Atan": "atan",
    "bitwisenot": "bitwise_not", "ceil": "ceil", "cosh": "cosh", "Cos": "cos",
    "digamma": "digamma", "erf": "erf", "erfc": "erfc", "erfinv": "erfinv", "Exp": "exp",
    "expm1": "expm1", "Floor": "floor", "frac": "frac", "lgamma": "lgamma", "Log": "log",
    "log10": "log10", "log1p": "log1p", "log2": "log2", "Neg": "neg", "Not": "logical_not",
    "Reciprocal": "reciprocal", "round": "round", "rsqrt": "rsqrt", "sgn": "sgn",
    "sigmoid": "sigmoid", "sign": "sign", "Sin": "sin", "sinh": "sinh", "Sqrt": "sqrt",
    "Tan": "tan", "tanh": "tanh", "trunc": "trunc"}
RST_SPECIAL = {"finite": "isfinite", "inf": "isinf", "nan": "isnan", "neginf": "isneginf",
               "posinf": "isposinf"}
RST_BINARY = {
    "atan2": "atan2", "Div": "div", "fmod": "fmod", "fpow": "float_power", "mul": "mul",
    "pow": "pow", "remainder": "remainder", "xor": "logical_xor",
    "eq": "eq", "ge": "ge", "gt": "gt", "le": "le", "lt": "lt", "ne": "ne",
    "fmax": "fmax", "fmin": "fmin", "maximum": "maximum", "minimum": "minimum"}
RST_REDUCE = {
    "All": "all", "Any": "any", "amax": "amax", "amin": "amin", "argmax": "argmax",
    "argmin": "argmin", "logsumexp": "logsumexp", "mean": "mean", "nanmean": "nanmean",
    "Sum": "sum", "nansum": "nansum", "prod": "prod", "std": "std", "variance": "var"}

KTYPE = {torch.float64: "double", torch.float32: "float", torch.int64: "long", torch.bool: "bool",
         torch.int32: "int", torch.int16: "short", torch.uint8: "byte"}

# inputs: values in and out of the functions' domains (NaN/inf results included)
FLOATS = [-0.75, -0.5, 0.0, 0.25, 0.5, 2.5, 3.0]
DATA = {
    "double": np.array(FLOATS, dtype=np.float64),
    "float": np.array(FLOATS, dtype=np.float32),
    "long": np.array([-3, -1, 0, 2, 5, 7, 1], dtype=np.int64),
    "bool": np.array([True, False, True, True, False, False, True]),
}
DATA2 = {
    "double": np.array([2.0, -0.5, 1.5, 0.25, 3.0, -2.0, 0.5], dtype=np.float64),
    "float": np.array([2.0, -0.5, 1.5, 0.25, 3.0, -2.0, 0.5], dtype=np.float32),
    "long": np.array([2, 3, 1, 4, 2, 1, 3], dtype=np.int64),
    "bool": np.array([True, True, False, True, False, True, False]),
}


def torch_fn(name, table):
    f = torch
    for p in table[name].split("."):
        f = getattr(f, p)
    return f


def kval(v):
    """A k value as a numpy array (matrices are lists of vectors)."""
    return np.array(v) if isinstance(v, list) else np.asarray(v)


def same(got, want):
    """k result ``got`` equals tensor ``want`` in values (NaN matches NaN) and type."""
    w = want.detach().numpy()
    g = kval(got)
    assert g.dtype == w.dtype, (g.dtype, w.dtype)
    np.testing.assert_array_equal(g, w)


def same_t(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    torch.testing.assert_close(got, want, rtol=0, atol=0, equal_nan=True)


def oracle(f, *args, **kw):
    """torch's own result, or the exception it raises."""
    try:
        return f(*args, **kw), None
    except (RuntimeError, TypeError, ValueError) as e:
        return None, e


def test_tables_match_the_docs():
    assert {r.name: r.fn for r in UNARY} == RST_UNARY
    assert {r.name: r.fn for r in SPECIAL} == RST_SPECIAL
    assert {r.name: r.fn for r in BINARY} == RST_BINARY
    assert {r.name: r.fn for r in REDUCE} == RST_REDUCE
    assert {r.name: r.fn for r in BOOLEAN} == {"equal": "equal"}


# --------------------------------------------------------------------------
# single argument

UNAMES = sorted(RST_UNARY) + sorted(RST_SPECIAL)


def utable(name):
    return RST_UNARY if name in RST_UNARY else RST_SPECIAL


@pytest.mark.parametrize("dt", sorted(DATA))
@pytest.mark.parametrize("name", UNAMES)
def test_unary_k_and_tensor(q, name, dt):
    f = torch_fn(name, utable(name))
    a = DATA[dt]
    want, err = oracle(f, torch.from_numpy(a.copy()))
    q.globals["a"] = a
    if err is not None:
        with pytest.raises(KError):
            q.eval("%s a" % name)
        return
    same(q.eval("%s a" % name), want)
    # a matrix and an atom
    m = a[:6].reshape(2, 3)
    q.globals["m"] = [m[0].copy(), m[1].copy()]
    same(q.eval("%s m" % name), f(torch.from_numpy(m.copy())))
    q.globals["s"] = a[3]
    r = q.eval("%s s" % name)
    assert np.ndim(r) == 0
    same(r, f(torch.from_numpy(a[3:4].copy()))[0])
    # tensor in, tensor out; the input is unchanged
    q.eval("x:tensor a")
    assert q.eval("class y:%s x" % name) == "tensor"
    same_t(q.object("y"), want)
    same_t(q.object("x"), torch.from_numpy(a.copy()))


@pytest.mark.parametrize("dt", ["double", "float", "long"])
@pytest.mark.parametrize("name", sorted(RST_UNARY) + ["neginf", "posinf"])
def test_unary_output_tensor(q, name, dt):
    f = torch_fn(name, utable(name))
    a = DATA[dt]
    want, err = oracle(f, torch.from_numpy(a.copy()))
    if err is not None:
        return                      # no result type to make an output tensor of
    q.globals["a"] = a
    q.eval("x:tensor a")
    # an empty output tensor of the result's type, and one made from a k array
    # of another length (its memory is numpy's: it must be re-pointed, not resized)
    q.eval("o:tensor(`empty;0;`%s)" % KTYPE[want.dtype])
    assert q.eval("%s(x;o)" % name) is None
    same_t(q.object("o"), want)
    q.globals["b"] = np.zeros(3, dtype=want.numpy().dtype)
    q.eval("p:tensor b")
    assert q.eval("%s(a;p)" % name) is None
    same_t(q.object("p"), want)
    # the same shape: written into the output tensor's own memory
    before = q.object("p").data_ptr()
    q.eval("%s(a;p)" % name)
    assert q.object("p").data_ptr() == before
    same_t(q.object("p"), want)


@pytest.mark.parametrize("dt", ["double", "float", "long"])
@pytest.mark.parametrize("name", sorted(RST_UNARY))
def test_unary_in_place(q, name, dt):
    a = DATA[dt]
    t = torch.from_numpy(a.copy())
    inp = getattr(torch.Tensor, RST_UNARY[name] + "_", None)
    q.globals["a"] = a
    q.eval("x:tensor a")
    if inp is None:
        with pytest.raises(KError, match="no in-place form"):
            q.eval("%s(x;::)" % name)
        same_t(q.object("x"), t)
        return
    _, err = oracle(inp, t)
    if err is not None:
        with pytest.raises(KError):
            q.eval("%s(x;::)" % name)
        same_t(q.object("x"), torch.from_numpy(a.copy()))      # unchanged
        return
    ptr = q.object("x").data_ptr()
    assert q.eval("%s(x;[])" % name) is None
    same_t(q.object("x"), t)
    assert q.object("x").data_ptr() == ptr


@pytest.mark.parametrize("name", UNAMES)
def test_unary_errors_change_nothing(q, name):
    a = DATA["double"]
    q.globals["a"] = a
    q.eval("x:tensor a; m:module enlist(`linear;2;3); o:tensor 0#0")
    keep = q.object("x").clone()
    for src in ("%s(x;`a)", "%s(x;1 2)", "%s(x;::;::)", "%s m", "%s(a;::)", "%s `a"):
        with pytest.raises(KError) as e:
            q.eval(src % name)
        assert str(e.value).lstrip("'").startswith(name + ":") or "torch type" in str(e.value), (src, e.value)
        same_t(q.object("x"), keep)
    # an output tensor of a type torch refuses: its error, the output unchanged
    row = [r for r in UNARY + SPECIAL if r.name == name][0]
    f = torch_fn(name, utable(name))
    for dt in ("bool", "long"):
        q.eval("o:tensor(`empty;0;`%s)" % dt)
        q.eval("o:tensor 7 8 9=8" if dt == "bool" else "o:tensor 7 8 9")
        o0 = q.object("o").clone()
        _, err = oracle(f, torch.from_numpy(a.copy()), out=torch.empty(0, dtype=o0.dtype))
        if err is not None and row.out is not False:
            with pytest.raises(KError):
                q.eval("%s(x;o)" % name)
            same_t(q.object("o"), o0)
    if row.out is False:
        q.eval("o:tensor 0#0b")
        with pytest.raises(KError, match="no output tensor form"):
            q.eval("%s(x;o)" % name)


def test_unary_undefined_and_freed(q):
    q.eval("u:tensor[]; x:tensor 1 2.0")
    with pytest.raises(KError, match="Abs: undefined tensor"):
        q.eval("Abs u")
    with pytest.raises(KError, match="Abs: output tensor is undefined"):
        q.eval("Abs(x;u)")
    q.eval("free x")
    with pytest.raises(KError, match="stale pointer"):
        q.eval("Abs x")


def test_unary_keeps_autograd(q):
    q.eval("x:tensor(.5 1 2.0;`grad); y:Sin x")
    y = q.object("y")
    x = q.object("x")
    assert y.requires_grad
    y.sum().backward()
    torch.testing.assert_close(x.grad, torch.cos(x.detach()))
    # in place on a leaf that requires grad: torch refuses, x unchanged
    with pytest.raises(KError, match="leaf Variable"):
        q.eval("Sin(x;::)")
    same_t(q.object("x").detach(), torch.tensor([.5, 1, 2.0], dtype=torch.float64))


# --------------------------------------------------------------------------
# two arguments

BNAMES = sorted(RST_BINARY)


@pytest.mark.parametrize("dt", sorted(DATA2))
@pytest.mark.parametrize("name", BNAMES)
def test_binary_forms(q, name, dt):
    f = torch_fn(name, RST_BINARY)
    a, b = DATA[dt], DATA2[dt]
    ta, tb = torch.from_numpy(a.copy()), torch.from_numpy(b.copy())
    want, err = oracle(f, ta, tb)
    q.globals["a"], q.globals["b"] = a, b
    if err is not None:
        with pytest.raises(KError):
            q.eval("%s(a;b)" % name)
        return
    same(q.eval("%s(a;b)" % name), want)
    q.eval("x:tensor a; y:tensor b")
    for src in ("%s(x;y)", "%s(x;b)", "%s(a;y)"):
        q.eval("z:" + src % name)
        same_t(q.object("z"), want)
    # output tensor
    q.eval("o:tensor(`empty;0;`%s)" % KTYPE[want.dtype])
    assert q.eval("%s(x;b;o)" % name) is None
    same_t(q.object("o"), want)
    # in place on x where torch has it
    inp = getattr(torch.Tensor, RST_BINARY[name] + "_", None)
    if inp is None:
        with pytest.raises(KError, match="no in-place form"):
            q.eval("%s(x;y;::)" % name)
        same_t(q.object("x"), ta)
        return
    t = ta.clone()
    _, err = oracle(inp, t, tb)
    if err is not None:
        with pytest.raises(KError):
            q.eval("%s(x;y;::)" % name)
        same_t(q.object("x"), ta)
        return
    assert q.eval("%s(x;y;::)" % name) is None
    same_t(q.object("x"), t)


@pytest.mark.parametrize("name", BNAMES)
def test_binary_scalar_and_broadcast(q, name):
    """A k atom as the 2nd input is torch's Scalar (a long tensor with 2.5 gives
    torch's default float type), or a 0-d tensor where torch takes no Scalar."""
    f = torch_fn(name, RST_BINARY)
    a = torch.tensor([1, 2, 3])
    want, err = oracle(f, a, 2.5)
    if isinstance(err, TypeError):
        want, err = oracle(f, a, torch.tensor(2.5))
    if err is not None:
        with pytest.raises(KError):
            q.eval("%s(1 2 3;2.5)" % name)
    else:
        same(q.eval("%s(1 2 3;2.5)" % name), want)
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    v = torch.tensor([0.5, 3.0], dtype=torch.float64)
    want, err = oracle(f, m, v)
    if err is None:
        same(q.eval("%s((1 2f;3 4f);0.5 3)" % name), want)


@pytest.mark.parametrize("name", BNAMES)
def test_binary_errors_change_nothing(q, name):
    q.eval("x:tensor 1 2 3.0; m:module enlist(`linear;2;3)")
    for src in ("%s x", "%s(x;1 2 3.0;`a)", "%s(x;1 2 3.0;::;::)", "%s(m;x)", "%s(x;1 2)",
                "%s(1 2 3.0;x;::)"):
        with pytest.raises(KError):
            q.eval(src % name)
        same_t(q.object("x"), torch.tensor([1, 2, 3.0], dtype=torch.float64))
    with pytest.raises(KError, match="%s: expecting 2 inputs" % name):
        q.eval("%s x" % name)


@pytest.mark.parametrize("dt", sorted(DATA2))
def test_equal_gives_one_boolean(q, dt):
    a, b = DATA[dt], DATA2[dt]
    q.globals["a"], q.globals["b"] = a, b
    q.eval("x:tensor a; y:tensor b")
    for src, want in [("equal(a;b)", torch.equal(torch.from_numpy(a), torch.from_numpy(b))),
                      ("equal(a;a)", True), ("equal(x;b)", False), ("equal(x;a)", True),
                      ("equal(x;y)", torch.equal(torch.from_numpy(a), torch.from_numpy(b)))]:
        r = q.eval(src)
        assert type(r) is np.bool_ and r == want, src
    with pytest.raises(KError, match="equal: no output tensor form"):
        q.eval("equal(x;y;x)")
    with pytest.raises(KError, match="equal: expecting 2 inputs, given 3 args"):
        q.eval("equal(x;y;`a)")
    with pytest.raises(KError, match="equal: no in-place form"):
        q.eval("equal(x;y;::)")


# --------------------------------------------------------------------------
# reductions

RNAMES = sorted(RST_REDUCE)
MAT = np.array([[1.5, -2.0, 0.25], [4.0, 0.5, -1.0]])


def rdata(name):
    if name in ("All", "Any"):
        return np.array([[True, False, True], [True, True, True]])
    return MAT


def rcall(f, name, t, **kw):
    if "unbiased" in kw:
        kw["correction"] = int(kw.pop("unbiased"))
    if name == "logsumexp" and "dim" not in kw:
        kw["dim"] = tuple(range(t.dim()))
    return f(t, **kw)


@pytest.mark.parametrize("name", RNAMES)
def test_reduce_forms(q, name):
    f = torch_fn(name, RST_REDUCE)
    row = [r for r in REDUCE if r.name == name][0]
    opts = [o.name for o in row.opts]
    m = rdata(name)
    t = torch.from_numpy(m.copy())
    q.globals["a"] = [m[0].copy(), m[1].copy()]
    q.eval("x:tensor a")
    same(q.eval("%s a" % name), rcall(f, name, t))
    q.eval("y:%s x" % name)
    same_t(q.object("y"), rcall(f, name, t))
    cases = [("1", dict(dim=1)), ("0", dict(dim=0)), ("-1;1b" if "unbiased" not in opts else "-1;1b;1b",
                                                     dict(dim=-1, keepdim=True, **({"unbiased": True} if "unbiased" in opts else {})))]
    if opts[0] == "dim" and row.opts[0].kind == "dims":
        cases.append(("0 1", dict(dim=(0, 1))))
    if "dtype" in opts:
        cases += [("`float", dict(dtype=torch.float32)), ("1;0b;`float", dict(dim=1, keepdim=False, dtype=torch.float32))]
    if "unbiased" in opts:
        cases += [("1;0b", dict(dim=1, unbiased=False)), ("0b", dict(unbiased=False))]
    for args, kw in cases:
        want = rcall(f, name, t, **kw)
        same(q.eval("%s(a;%s)" % (name, args)), want)
        q.eval("y:%s(x;%s)" % (name, args))
        same_t(q.object("y"), want)
        q.eval("o:tensor(`empty;0;`%s)" % KTYPE[want.dtype])
        assert q.eval("%s(x;%s;o)" % (name, args)) is None
        same_t(q.object("o"), want)
    # keepdim alone: every dimension kept (argmax/argmin: torch's own keepdim)
    if "keepdim" in opts and "unbiased" not in opts:
        kw = dict(keepdim=True)
        if row.opts[0].kind == "dims":
            kw["dim"] = (0, 1)
        want, err = oracle(rcall, f, name, t, **kw)
        if err is None:
            same(q.eval("%s(a;1b)" % name), want)
        else:                       # prod: torch has no keepdim without dim
            with pytest.raises(KError):
                q.eval("%s(a;1b)" % name)


@pytest.mark.parametrize("name", RNAMES)
def test_reduce_errors_change_nothing(q, name):
    q.globals["a"] = [MAT[0].copy(), MAT[1].copy()]
    q.eval("x:tensor a; o:tensor 1 2 3")
    for src in ("%s(x;`a)", "%s(x;1;1b;1b;1b;1b)", "%s(x;\"c\")"):
        with pytest.raises(KError, match="^'?%s: .* arg unexpected" % name):
            q.eval(src % name)
    with pytest.raises(KError):
        q.eval("%s(x;5)" % name)            # dimension out of range, torch's error
    same_t(q.object("x"), torch.from_numpy(MAT.copy()))
    same_t(q.object("o"), torch.tensor([1, 2, 3]))


# --------------------------------------------------------------------------
# the docs' examples

EXAMPLES = {
"pointwise": r"""
q)Abs -2 1 0
2 1 0
q)x:tensor -2 1 0
q)y:Abs x
q)tensor y
2 1 0
q)Abs(-3 3 2 -1; y)
q)tensor y
3 3 2 1
q)use[y]0#0
q)Abs(-3 3 2 -1; y)
q)tensor y
3 3 2 1
q)Neg(y;[])
q)tensor y
-3 -3 -2 -1
""",
"two args": r"""
q)mul(1 4 9;1 2 3)
1 8 27
q)x:tensor 1 4 9.0
q)y:tensor 1 2 3.0
q)z:mul(x;y)
q)tensor z
1 8 27f
q)Div(x;y;z)
q)tensor z
1 2 3f
q)Div(x;y;[])
q)tensor x
1 2 3f
q)pow(1 2 3;2)
1 4 9
q)pow(1 2 3;2.5)
1 5.656854 15.58846e
q)fpow(1 2 3;2.5)
1 5.656854 15.58846
""",
"output tensors": r"""
q)x:tensor .2 .1 1.1 3.4 -4.5
q)y:tensor()
q)ceil(x;y)
'Found dtype Float but expected Double
  [0]  ceil(x;y)
       ^
q)y:tensor 0#0f
q)dtype y
`double
q)ceil(x;y)
q)tensor y
1 1 2 4 -4f
q)ceil(-1.1 2.3;y)
q)tensor y
-1 3f
q)x:tensor -1.2 -.2 1.1 4.5
q)ceil(x;[])
q)tensor x
-1 -0 2 5f
""",
"compare": r"""
q)eq(1 2 3;4 3 3)
001b
q)x:tensor 1 2 3
q)y:tensor 1 5 1
q)z:ne(x;y)
q)tensor z
011b
q)ne(x;y;z)
q)tensor z
011b
q)ne(x;y;[])
q)tensor x
0 1 1
""",
"equal": r"""
q)equal(2 3#til 6;til 6)
0b
q)equal(2 3#til 6;2 3#til 6)
1b
q)equal(2 3#til 6;1 2 3#til 6)
0b
q)x:tensor 1 2 3e
q)y:tensor 1 2 3.0000001e
q)equal(x;y)
1b
q)use[y]tensor 1 2 3.000001e
q)equal(x;y)
0b
""",
"special": r"""
q)x!(x:`finite`inf`neginf`posinf`nan){x y}\:0 0n -0w 0w
finite| 1000b
inf   | 0011b
neginf| 0010b
posinf| 0001b
nan   | 0100b
q)x:tensor 0 0n -0w 0we
q)dtype x
`float
q)y:inf x
q)tensor y
0011b
""",
"min max compare": r"""
q)fmin(1 2 0n;1 2 3)
1 2 3f
q)maximum(1 2 0n;1 2 3)
1 2 0n
q)r:tensor 0#0n
q)maximum(1 2 0n;1 2 3;r)
q)tensor r
1 2 0n
q)x:tensor 1 2 3e
q)y:tensor 1 1.999999 3.000001e
q)z:minimum(x;y)
q)tensor z
1 1.999999 3e
""",
"any all": r"""
q)show x:2 5#011b
01101b
10110b
q)All x
0b
q)Any x
1b
q)Any(x;0)
11111b
q)Any(x;1;1b)
,1b
,1b
q)x:tensor x
q)y:Any(x;1;1b)
q)tensor y
,1b
,1b
q)All(x;1;1b;y)
q)tensor y
,0b
,0b
""",
"amax argmax": r"""
q)amax 1.1 2 3.5
3.5
q)y:amax x:tensor 1.1 2 3.5
q)dim y
0
q)tensor y
3.5
q)amin(x;0;y)
q)tensor y
1.1
q)amax 2 3#til 6
5
q)amax(2 3#til 6;1)
2 5
q)argmax 2 3#til 6
5
q)argmax(2 3#til 6;1)
2 2
q)argmax((1 3 2; 6 5 4); 1)
1 0
q)y:argmin(x:tensor(1 3 2; 6 5 4); 1; 1b)
q)size y
2 1
q)tensor y
0
2
""",
"mean": r"""
q)mean 1 2 3.4
2.133333
q)mean(1 2 3.4;`float)
2.133333e
q)nanmean(1 2 3.4 0n;`float)
2.133333e
""",
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_doc_examples(q, name):
    text = EXAMPLES[name]
    if "dim y" in text and "dim" not in q.builtins:
        text = text.replace("q)dim y\n0\n", "")      # dim is not a k-api verb yet
    exp, got = transcript(q, text)
    assert got == exp


def test_mean_nan_real(q):
    # mean.rst's mean(1 2 3.4 0n;`float) -> 0Ne (kapi's console shows a real null as 0ne)
    r = q.eval("mean(1 2 3.4 0n;`float)")
    assert type(r) is np.float32 and np.isnan(r)
