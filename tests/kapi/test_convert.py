"""k -> tensor -> k round trips keep q types and shapes."""

import numpy as np
import pytest
import torch

from kapi.api.convert import to_k, to_tensor
from kapi.errors import KError
from kapi.values import qtype

TYPES = [("b", torch.bool), ("x", torch.uint8), ("c", torch.int8), ("h", torch.int16),
         ("i", torch.int32), ("j", torch.int64), ("e", torch.float32), ("f", torch.float64)]


def _same(a, b):
    if type(a) is list:
        return type(b) is list and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and (a == b).all()
    return qtype(a) == qtype(b) and a == b


@pytest.mark.parametrize("c,dt", TYPES)
@pytest.mark.parametrize("shape", ["", "5", "2 3", "2 3 4", "0", "1 1 1"])
def test_roundtrip_q(q, c, dt, shape):
    n = int(np.prod([int(s) for s in shape.split()])) if shape else 1
    src = {"b": "01b", "c": '"ab"'}.get(c, "(\"%s\"$til 7)" % c)
    src = "%s$%d#%s" % ("`" + {"b": "boolean", "x": "byte", "c": "char", "h": "short", "i": "int",
                               "j": "long", "e": "real", "f": "float"}[c], n, src) if c != "c" else "%d#%s" % (n, src)
    if c == "b":
        src = "%d#01b" % n
    if shape:
        src = "%s#%s" % (shape, src) if len(shape.split()) > 1 else src
    else:
        src = "first " + src
    v = q.eval(src)
    t = to_tensor(v)
    assert t.dtype == dt
    expect = tuple(int(s) for s in shape.split()) if shape else ()
    assert tuple(t.shape) == expect
    back = to_k(t)
    assert _same(v, back), (src, v, back)
    # and through the interpreter
    q.eval("p:tensor " + src)
    assert q.eval("(tensor p)~" + src)
    assert q.eval("type[tensor p]~type " + src)


def test_atoms():
    for v, dt in [(np.float32(1.5), torch.float32), (np.int64(3), torch.int64), (b"a", torch.int8),
                  (np.bool_(True), torch.bool)]:
        t = to_tensor(v)
        assert t.dim() == 0 and t.dtype == dt
        assert _same(to_k(t), v if not isinstance(v, bytes) else b"a")


def test_matrix_is_list_of_vectors(q):
    v = q.eval("2 3#til 6")
    assert type(v) is list
    k = to_k(to_tensor(v))
    assert type(k) is list and all(x.dtype == np.int64 and x.shape == (3,) for x in k)


def test_errors():
    with pytest.raises(KError, match="type mismatch at depth 1, long list vs double list"):
        to_tensor([np.array([1, 2]), np.array([3.0, 4.0])])
    with pytest.raises(KError, match="dimension mismatch at depth 1, 2 vs 3"):
        to_tensor([np.array([1, 2]), np.array([3, 4, 5])])
    with pytest.raises(KError, match="no torch type found for k: symbol list"):
        to_tensor(np.array(["a"], dtype=object))


def test_options_dtype(q):
    q.eval("t:tensor(1 2 3;`double)")
    assert q.console("tensor t") == "1 2 3f"
    q.eval("t:tensor(1 2 3e;`long`cpu)")
    assert q.console("tensor t") == "1 2 3"
    q.eval("t:tensor(1 2 3e;`half)")
    assert q.console("dtype t") == "`half"
    assert q.console("tensor t") == "1 2 3e"
    assert q.console("tensor(1 2;`bogus)").split("\n")[0] == "'unrecognized tensor option: `bogus"


def test_undefined_and_empty(q):
    q.eval("u:tensor[]")
    assert q.eval("(::)~tensor u")
    q.eval("e:tensor()")
    assert q.console("dtype e") == "`float"
    assert q.console("size e") == ",0"


def test_grad_value(q):
    q.eval("x:tensor(1 2 3e;`grad)")
    t = q.registry.get(q.eval("x")).t
    (t * t).sum().backward()
    assert q.console("grad x") == "2 4 6e"
    q.eval("g:grad enlist x")
    assert q.console("tensor g") == "2 4 6e"
    assert q.console("class g") == "`tensor"


def test_nested_errors(q):
    assert q.console("tensor((1 2;3 4);(1 2.;3 4.))").split("\n")[0] == \
        "'type mismatch at depth 2, long list vs double list"
    assert q.console("tensor((1 2;3 4);(1 2;3 4 5))").split("\n")[0] == \
        "'dimension mismatch at depth 2, 2 vs 3"
    assert q.console("tensor(1;2.0)").split("\n")[0] == \
        "'type mismatch at depth 1, long scalar vs double scalar"
    from kapi.api.registry import registry
    assert len(registry(q)) == 0


def test_char(q):
    q.eval('t:tensor "abc"')
    assert q.console("dtype t") == "`char"
    assert q.console("tensor t") == '"abc"'
