"""Rows: k-api verbs declared as table rows instead of hand-written functions.

A :class:`Row` names a ktorch function, the torch callable behind it, the
argument *form* it takes, how its result comes back and a line of help;
:func:`register` turns a table of rows into k-api verbs (through
:func:`kapi.api.verb`), each with a docstring built from its row, so
``help`Abs`` works like it does for any hand-written verb.

Forms (``Row.form``), the calling syntax shared by many ktorch functions:

``unary``   ``f x``, ``f(x;output)``, ``f(x;::)`` (in place) -- math-pointwise.rst
``binary``  ``f(x;y)``, ``f(x;y;output)``, ``f(x;y;::)`` (in place on x)
``reduce``  ``f(x;opt..;[output])`` with the row's optional arguments
            (``Row.opts``: dim, keepdim, dtype, unbiased ..) in order, any omitted
``obj``     ``f ptr``: a method of the object behind an api-pointer

Results (``Row.result``): ``auto`` -- k array in, k array out; a tensor
pointer among the inputs, a new tensor pointer out; ``k`` -- always a k value
(e.g. a boolean from ``allclose``); ``value`` -- the method's own k value
(``obj`` form).  With an output tensor or ``::`` the result is null.

A row verb is ``fn(reg, x)``, like every k-api verb: every pointer look-up
and every new pointer uses the registry ``reg`` it is given (:func:`_find`,
:func:`_new_tensor`).
"""

import numpy as np

from ..errors import KError
from ..values import qtype
from .base import torch, verb
from .convert import DTYPE_NAMES, dtypes, to_k, to_tensor
from .names import is_ptr, kname, registry

INTS = (-7, -6, -5, -4)
_ORD = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th")


def _find(reg, x):
    """The object behind pointer ``x`` in registry ``reg`` (every row verb is
    given its interpreter's registry), or None for a k value."""
    return reg.get(x) if is_ptr(x) else None


def _new_tensor(reg, t):
    from .registry import TensorObj
    return reg.add(TensorObj(t))


# --------------------------------------------------------------------------
# optional arguments of the reduce form

class Opt:
    """An optional positional argument: ``kind`` decides which k values match
    (``dims`` a long or longs, ``dim`` a long, ``flag`` a boolean, ``dtype`` a
    dtype symbol); ``kw`` is the torch keyword it becomes."""

    __slots__ = ("name", "kind", "kw")

    def __init__(self, name, kind, kw=None):
        self.name, self.kind, self.kw = name, kind, kw or name

    def match(self, x):
        t = qtype(x)
        if self.kind == "dims":
            return t in INTS or t in (7, 6, 5)
        if self.kind == "dim":
            return t in INTS
        if self.kind == "flag":
            return t == -1
        if self.kind == "dtype":
            return t == -11 and str(x) in DTYPE_NAMES
        return False  # pragma: no cover

    def value(self, x):
        if self.kind == "dims":
            return int(x) if qtype(x) in INTS else tuple(int(i) for i in x)
        if self.kind == "dim":
            return int(x)
        if self.kind == "flag":
            return bool(x)
        return dtypes()[str(x)]


DIMS = Opt("dim", "dims")
DIM = Opt("dim", "dim")
KEEPDIM = Opt("keepdim", "flag")
DTYPE = Opt("dtype", "dtype")
UNBIASED = Opt("unbiased", "flag")


# --------------------------------------------------------------------------
# rows

class Row:
    """One ktorch function.

    name     the k name (capitalised where it clashes with q: Abs, Exp, Sum)
    fn       torch callable: a dotted attribute of torch ("abs", "special.erfinv")
             or a Python callable (for the obj form: an Obj method name)
    form     argument form: unary binary reduce obj (see the module docstring)
    help     one line of help, e.g. "absolute value"
    result   auto, k or value (see the module docstring)
    inplace  torch.Tensor method for the ``::`` form (default fn + "_"),
             False if the function has no in-place form
    out      False if the function takes no output tensor
    opts     optional arguments (reduce form), in calling order
    alldims  the reduce form fills dim with every dimension when it is not
             given (torch needs it for keepdim/out, or always: logsumexp)
    expect   what the obj form asks for in its error text
    """

    __slots__ = ("name", "fn", "form", "help", "result", "inplace", "out", "opts",
                 "alldims", "expect", "_f")

    def __init__(self, name, fn, form, help, result="auto", inplace=None, out=True,
                 opts=(), alldims="needed", expect=None):
        if form not in FORMS:
            raise ValueError("unknown row form: %s" % form)
        self.name, self.fn, self.form, self.help = name, fn, form, help
        self.result, self.out, self.opts, self.alldims = result, out, tuple(opts), alldims
        if inplace is None:
            inplace = fn + "_" if isinstance(fn, str) and form in ("unary", "binary") else False
        self.inplace = inplace
        self.expect = expect
        self._f = None

    def __repr__(self):
        return "Row(%r, %r, %r)" % (self.name, self.fn, self.form)

    def torch_name(self):
        return "torch." + self.fn if isinstance(self.fn, str) else getattr(self.fn, "__name__", "")

    def callable(self):
        """The torch function, looked up on first use (torch imported lazily)."""
        if self._f is None:
            if callable(self.fn):
                self._f = self.fn
            else:
                f = torch()
                for part in self.fn.split("."):
                    f = getattr(f, part)
                self._f = f
        return self._f

    def doc(self):
        """The verb's help text, built from the row."""
        return FORMS[self.form].doc(self)

    def __call__(self, reg, x):
        return FORMS[self.form].call(reg, self, x)


def verb_of(row):
    """A k-api verb function for ``row`` (its docstring is the row's help)."""
    def fn(reg, x):
        return row(reg, x)
    fn.__name__ = fn.__qualname__ = row.name
    fn.__doc__ = row.doc()
    fn.row = row
    return fn


ROWS = {}           # k name -> Row, every row registered


def register(rows):
    """Register every row of a table as a k-api verb; returns the rows by name."""
    out = {}
    for r in rows:
        if r.name in out:
            raise ValueError("duplicate row: " + r.name)
        out[r.name] = r
        ROWS[r.name] = r
        verb(r.name)(verb_of(r))
    return out


# --------------------------------------------------------------------------
# inputs and results

def _torch_error(e):
    return KError(str(e).strip().split("\n")[0] or type(e).__name__.lower())


def _tensors(reg, row, xs):
    """Tensors for k inputs (k arrays or tensor pointers) and whether any was a
    pointer; k arrays go to the device of the first tensor given."""
    from .registry import TensorObj
    objs = []
    T = torch()
    for x in xs:
        if isinstance(x, T.Tensor):         # a k array converted already
            objs.append(None)
            continue
        o = _find(reg, x)
        if o is not None and not isinstance(o, TensorObj):
            raise KError("%s: expecting tensor or k array, given %s" % (row.name, o.cls))
        if o is not None and o.t is None:
            raise KError("%s: undefined tensor given as input" % row.name)
        objs.append(o)
    dev = next((o.t.device for o in objs if o is not None), None)
    ts = []
    for i, (x, o) in enumerate(zip(xs, objs)):
        if o is not None:
            ts.append(o.t)
            continue
        if isinstance(x, T.Tensor):
            ts.append(x if dev is None or x.device == dev else x.to(dev))
            continue
        if i and _number(x) is not None:
            ts.append(_number(x))
            continue
        if x is None:
            raise KError("%s: expecting tensor or k array, given null" % row.name)
        try:
            t = to_tensor(x, reg=reg)
        except RuntimeError as e:
            raise _torch_error(e) from None
        ts.append(t if dev is None or t.device == dev else t.to(dev))
    return ts, dev is not None


def _output(reg, row, x):
    """The tensor behind an output pointer."""
    from .registry import TensorObj
    o = _find(reg, x)
    if not isinstance(o, TensorObj):
        raise KError("%s: output expected as tensor, given %s" % (row.name, o.cls if o else kname(reg, x)))
    if o.t is None:
        raise KError("%s: output tensor is undefined" % row.name)
    return o.t


def _inplace_target(reg, row, x):
    from .registry import TensorObj
    o = _find(reg, x)
    if not isinstance(o, TensorObj) or o.t is None:
        raise KError("%s: in-place operation requires a tensor as 1st arg, given %s"
                     % (row.name, "undefined tensor" if isinstance(o, TensorObj) else
                        (o.cls if o else kname(reg, x))))
    return o.t


def _fill(o, r):
    """Output tensor ``o`` takes result ``r`` (same dtype): in its own memory
    when the shape matches, else it is re-pointed to the result."""
    if o.shape == r.shape:
        with torch().no_grad():
            o.copy_(r)
    else:
        from .tensor import _refill
        _refill(o, r)


def _result(reg, row, r, ptr):
    if row.result == "k":
        if isinstance(r, (bool, int, float)):
            return {bool: np.bool_, int: np.int64, float: np.float64}[type(r)](r)
        return to_k(r)
    return _new_tensor(reg, r) if ptr else to_k(r)


_NUM = (bool, int, float)


def _apply(f, ts, kw):
    """f(*ts, **kw); a k atom after the first input is passed as a Python number
    (torch's Scalar: pow(1 2 3;2.5) is a real, as in ktorch), or, for torch
    functions that take no Scalar there, as a 0-d tensor of torch's default
    type for that number."""
    try:
        return f(*ts, **kw)
    except TypeError:
        if not any(type(t) in _NUM for t in ts):
            raise
    dev = next((t.device for t in ts if type(t) not in _NUM), None)
    T = torch()
    return f(*[T.tensor(t, device=dev) if type(t) in _NUM else t for t in ts], **kw)


def _number(x):
    """A Python number for a numeric k atom, else None."""
    t = qtype(x)
    if t == -1:
        return bool(x)
    if t in INTS:
        return int(x)
    if t in (-8, -9):
        return float(x)
    return None


def _run(reg, row, ins, kw, out, inplace):
    """Call the row's torch function on k inputs: in place, into an output
    tensor, or for a result."""
    if inplace:
        if row.inplace is False:
            raise KError("%s: no in-place form" % row.name)
        target = _inplace_target(reg, row, ins[0])
        ts, _ = _tensors(reg, row, ins)
        try:
            _apply(getattr(target, row.inplace), ts[1:], kw)
        except (RuntimeError, TypeError, ValueError) as e:
            raise _torch_error(e) from None
        return None
    ts, ptr = _tensors(reg, row, ins)
    f = row.callable()
    if out is not None:
        o = _output(reg, row, out)
        try:
            # into a fresh tensor of out's dtype (torch's dtype checks), then
            # copied over: writing out= straight into a tensor made from a k
            # array (numpy memory, not resizable) of another shape corrupts it
            tmp = torch().empty(0, dtype=o.dtype, device=o.device)
            try:
                _apply(f, ts, dict(kw, out=tmp))
            except TypeError:
                # no out= overload for these arguments (prod without dim):
                # the result, then torch's out rule for its type
                tmp = _apply(f, ts, kw)
                if tmp.dtype != o.dtype:
                    raise KError("Expected out tensor to have dtype %s, but got %s instead"
                                 % (tmp.dtype, o.dtype)) from None
        except (RuntimeError, TypeError, ValueError) as e:
            raise _torch_error(e) from None
        _fill(o, tmp)
        return None
    try:
        r = _apply(f, ts, kw)
    except (RuntimeError, TypeError, ValueError, IndexError) as e:
        raise _torch_error(e) from None
    return _result(reg, row, r, ptr)


def _args(x):
    """The items of a k argument list (a single non-list argument is one item)."""
    return x if type(x) is list and not is_ptr(x) else [x]


def _array(reg, x):
    """The tensor of k list x if the whole list is one k array, else None."""
    try:
        return to_tensor(x, reg=reg)
    except (KError, RuntimeError, ValueError, TypeError):
        return None


def _tail(row, x, n, least=None):
    """Split (in1;..;inN;rest..) into inputs and the rest, or None if x is not a
    list of at least ``least`` items (default n+1)."""
    if type(x) is list and not is_ptr(x) and len(x) >= (n + 1 if least is None else least):
        return x[:n], x[n:]
    return None


# --------------------------------------------------------------------------
# forms

class Form:
    """How a family of functions reads its k argument."""

    def call(self, reg, row, x):  # pragma: no cover
        raise NotImplementedError

    def doc(self, row):  # pragma: no cover
        raise NotImplementedError


def _is_out(y):
    return y is None or is_ptr(y)


def _outs(row):
    """Help text for the output and in-place arguments."""
    parts = []
    if row.out:
        parts.append("output")
    if row.inplace is not False:
        parts.append("::")
    return parts


class Unary(Form):
    """f x / f(x;output) / f(x;::)."""

    def call(self, reg, row, x):
        sp = _tail(row, x, 1)
        if sp is not None and len(sp[1]) == 1 and _is_out(sp[1][0]):
            (a,), (y,) = sp
            if y is None:
                return _run(reg, row, [a], {}, None, True)
            if not row.out:
                raise KError("%s: no output tensor form" % row.name)
            return _run(reg, row, [a], {}, y, False)
        if sp is not None and (is_ptr(x[0]) or _array(reg, x) is None):
            if len(x) == 2 and (row.out or row.inplace is not False):
                raise KError("%s: 2nd arg, %s expected, %s supplied" % (row.name, _outname(row), kname(reg, x[1])))
            raise KError("%s: expecting 1 input%s, given %d args" % (row.name, _opt_out(row), len(x)))
        return _run(reg, row, [x], {}, None, False)

    def doc(self, row):
        forms = ["%s x" % row.name] + ["%s(x;%s)" % (row.name, o) for o in _outs(row)]
        return ("%s  %s (%s).\nx a k array or tensor pointer: k array in, k array out; tensor in, tensor out%s."
                % (" / ".join(forms), row.help, row.torch_name(), _out_doc(row, "x")))


def _opt_out(row):
    return {(True, True): " and optional output tensor or ::", (True, False): " and optional output tensor",
            (False, True): " and optional ::", (False, False): ""}[(bool(row.out), row.inplace is not False)]


def _outname(row):
    return " or ".join((["output tensor"] if row.out else []) + (["::"] if row.inplace is not False else []))


def _out_doc(row, first):
    s = ""
    if row.out:
        s += ";\nwith an output tensor: fills it, returns null"
    if row.inplace is not False:
        s += (";\n" if not s else "; ") + "with :: in place on tensor %s, returns null" % first
    return s


class Binary(Form):
    """f(x;y) / f(x;y;output) / f(x;y;::)."""

    def call(self, reg, row, x):
        sp = _tail(row, x, 2, 2)
        if sp is None:
            n = len(x) if type(x) is list and not is_ptr(x) else 1
            raise KError("%s: expecting 2 inputs%s, given %d arg%s"
                         % (row.name, _opt_out(row), n, "" if n == 1 else "s"))
        ins, rest = sp
        if not rest:
            return _run(reg, row, ins, {}, None, False)
        if len(rest) == 1 and _is_out(rest[0]):
            if rest[0] is None:
                return _run(reg, row, ins, {}, None, True)
            if not row.out:
                raise KError("%s: no output tensor form" % row.name)
            return _run(reg, row, ins, {}, rest[0], False)
        if len(rest) == 1 and (row.out or row.inplace is not False):
            raise KError("%s: 3rd arg, %s expected, %s supplied" % (row.name, _outname(row), kname(reg, rest[0])))
        raise KError("%s: expecting 2 inputs%s, given %d args" % (row.name, _opt_out(row), len(x)))

    def doc(self, row):
        forms = ["%s(x;y)" % row.name] + ["%s(x;y;%s)" % (row.name, o) for o in _outs(row)]
        return ("%s  %s (%s).\nx, y k arrays or tensor pointers: k arrays in, k array out; "
                "a tensor in, tensor out%s." % (" / ".join(forms), row.help, row.torch_name(),
                                                _out_doc(row, "x")))


class Reduce(Form):
    """f x / f(x;opt..) / f(x;opt..;output): the row's optional arguments in
    order, each one omitted or given."""

    def _match(self, reg, row, rest):
        """(torch keywords, output) for the items after x, or an error text."""
        kw, out, opts = {}, None, list(row.opts)
        if rest and row.out and is_ptr(rest[-1]):
            out, rest = rest[-1], rest[:-1]
        for i, a in enumerate(rest):
            while opts and not opts[0].match(a):
                opts.pop(0)
            if not opts:
                return "%s: %s arg unexpected, %s supplied" % (row.name, _ORD[i + 1] if i < 6 else "next",
                                                              kname(reg, a)), None
            o = opts.pop(0)
            kw[o.kw] = o.value(a)
        return kw, out

    def call(self, reg, row, x):
        sp = _tail(row, x, 1)
        if sp is not None:
            # a list that is one k array is the input (amax 2 3#til 6), as in
            # ktorch, though its items could read as (x;dim)
            t = None if is_ptr(x[0]) else _array(reg, x)
            if t is not None:
                return self._reduce(reg, row, [t], {}, None)
            kw, out = self._match(reg, row, sp[1])
            if not isinstance(kw, dict):
                raise KError(kw)
            return self._reduce(reg, row, sp[0], kw, out)
        return self._reduce(reg, row, [x], {}, None)

    def _reduce(self, reg, row, ins, kw, out):
        if "unbiased" in kw:        # torch's newer spelling
            kw["correction"] = int(kw.pop("unbiased"))
        fill = row.alldims == "always" or (row.alldims == "needed" and "dim" not in kw
                                           and ("keepdim" in kw or out is not None))
        if fill and "dim" not in kw and any(o.kind == "dims" for o in row.opts):
            ts, _ = _tensors(reg, row, ins)
            kw["dim"] = tuple(range(ts[0].dim()))
        return _run(reg, row, ins, kw, out, False)

    def doc(self, row):
        names = ";".join(o.name for o in row.opts)
        return ("%s x / %s(x;%s%s)  %s (%s).\nx a k array or tensor pointer; the optional "
                "arguments in this order, any omitted; k array in, k array out; tensor in, "
                "tensor out%s." % (row.name, row.name, names, ";output" if row.out else "", row.help,
                                   row.torch_name(), _out_doc(row, "x") if row.out else ""))


class ObjMethod(Form):
    """f ptr: the value of a method of the object behind an api-pointer."""

    def call(self, reg, row, x):
        o = _find(reg, x)
        if o is None:
            raise KError("%s: %s, given %s" % (row.name, row.expect or
                                               "need allocated torch object, e.g. tensor, module", kname(reg, x)))
        v = getattr(o, row.fn)
        return v() if callable(v) else v

    def doc(self, row):
        return "%s ptr  %s" % (row.name, row.help)


FORMS = {"unary": Unary(), "binary": Binary(), "reduce": Reduce(), "obj": ObjMethod()}
