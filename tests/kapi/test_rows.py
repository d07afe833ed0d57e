"""The rows engine (kapi/api/rows.py): rows become verbs with help, the forms,
the one registry switch, and the verbs converted to rows (attrs.py)."""

import numpy as np
import pytest
import torch

from kapi.api import VERBS, load_all
from kapi.api import rows as R
from kapi.api.help import PROVIDERS
from kapi.errors import KError
from kapi.values import pystr

load_all()


def test_every_row_is_a_verb_with_its_help(q):
    assert len(R.ROWS) >= 70
    for name, row in R.ROWS.items():
        fn = VERBS[name][0]
        assert fn.row is row
        assert fn.__doc__ == row.doc() and row.help in fn.__doc__
        topic = next((r for r in (p(name) for p in PROVIDERS) if r is not None), None)
        if topic is None:
            assert pystr(q.eval("help`%s" % name)) == row.doc().strip()
        else:       # a topic of the same name keeps its help (the sigmoid module)
            q.globals["topic"] = topic
            assert q.console("topic~help`%s" % name) == "1b"
        assert pystr(q.eval("help[]`%s" % name)) == row.doc().split("\n")[0]


def test_a_topic_wins_over_a_row_of_the_same_name(q):
    assert q.console("-3!help`sigmoid") == "\"(`symbol$())!()\""     # the module's (no) options
    assert q.console("help`tanh") == q.console("help`sigmoid")
    assert pystr(q.eval("help`Abs")).startswith("Abs x / Abs(x;output)")


def test_every_row_resolves_in_torch():
    for row in R.ROWS.values():
        if row.form == "obj":
            continue
        assert callable(row.callable()), row
        if row.inplace is not False:
            assert callable(getattr(torch.Tensor, row.inplace, None)), row


def test_help_text_from_row():
    r = R.Row("xabs", "abs", "unary", "absolute value")
    assert r.doc().split("\n")[0] == "xabs x / xabs(x;output) / xabs(x;::)  absolute value (torch.abs)."
    r = R.Row("xabs", "abs", "unary", "absolute value", inplace=False, out=False)
    assert r.doc().split("\n")[0] == "xabs x  absolute value (torch.abs)."
    assert "::" not in r.doc() and "output" not in r.doc()
    r = R.Row("xsum", "sum", "reduce", "sum", opts=(R.DIMS, R.KEEPDIM))
    assert r.doc().startswith("xsum x / xsum(x;dim;keepdim;output)  sum (torch.sum).")


@pytest.fixture
def custom(q):
    """A table of rows registered for the test, removed after it."""
    added = []

    def reg(rows):
        out = R.register(rows)
        added.extend(out)
        from kapi.api import install
        install(q)
        return out
    yield reg
    for n in added:
        VERBS.pop(n, None)
        R.ROWS.pop(n, None)
        q.builtins.pop(n, None)


def test_register_a_table(q, custom):
    calls = []

    def twice(t):
        calls.append(t)
        return t * 2
    custom([R.Row("xtwice", twice, "unary", "twice the input", inplace=False),
            R.Row("xhypot", "hypot", "binary", "hypotenuse"),
            R.Row("xcumsum", "cumsum", "reduce", "cumulative sum", opts=(R.DIM,), out=False)])
    np.testing.assert_array_equal(q.eval("xtwice 1 2 3"), [2, 4, 6])
    assert len(calls) == 1 and isinstance(calls[0], torch.Tensor)
    assert "twice the input" in pystr(q.eval("help`xtwice"))
    np.testing.assert_array_equal(q.eval("xhypot(3 5.0;4 12.0)"),
                                  torch.hypot(torch.tensor([3, 5.0], dtype=torch.float64),
                                              torch.tensor([4, 12.0], dtype=torch.float64)).numpy())
    np.testing.assert_array_equal(q.eval("xcumsum(1 2 3;0)"), torch.cumsum(torch.tensor([1, 2, 3]), 0).numpy())
    with pytest.raises(KError, match="xcumsum: 2nd arg unexpected, boolean scalar supplied"):
        q.eval("xcumsum(tensor 1 2 3;1b)")
    with pytest.raises(KError, match="xtwice: no in-place form"):
        q.eval("xtwice(tensor 1 2;::)")


def test_rows_refuse_bad_tables():
    with pytest.raises(ValueError, match="unknown row form"):
        R.Row("x", "abs", "ternary", "")
    with pytest.raises(ValueError, match="duplicate row"):
        R.register([R.Row("xdup", "abs", "unary", ""), R.Row("xdup", "neg", "unary", "")])
    VERBS.pop("xdup", None)
    R.ROWS.pop("xdup", None)


def test_rows_use_the_registry_they_are_given(q):
    """A row verb reads and makes pointers only in the registry it is called
    with (each interpreter binds its own)."""
    from kapi.api.names import Registry, registry
    from kapi.api.registry import TensorObj
    other = Registry()
    p = other.add(TensorObj(torch.tensor([-1.0, 2.0])))
    r = VERBS["Abs"][0](other, p)
    assert int(r[0]) in other.objs and not registry(q).objs       # nothing in q's own
    torch.testing.assert_close(other.objs[int(r[0])].t, torch.tensor([1.0, 2.0]))
    assert VERBS["Neg"][0](other, [p, None]) is None
    torch.testing.assert_close(other.objs[int(p[0])].t, torch.tensor([1.0, -2.0]))
    assert VERBS["size"][0](other, p).tolist() == [2]
    with pytest.raises(KError, match="stale pointer"):
        q.globals["p"] = p                   # q's registry does not hold it
        q.eval("Abs p")


def test_output_made_from_a_k_array_of_another_shape(q):
    """torch's out= would resize a tensor over numpy memory (not resizable) and
    corrupt it; the row fills it another way."""
    q.eval("o:tensor 1 2 3.0; x:tensor 4 9 16 25.0")
    q.eval("Sqrt(x;o)")
    torch.testing.assert_close(q.object("o"), torch.tensor([2, 3, 4, 5.0], dtype=torch.float64))
    q.eval("Sqrt(1 4.0;o)")
    torch.testing.assert_close(q.object("o"), torch.tensor([1, 2.0], dtype=torch.float64))
    # another pointer sharing the output tensor sees the values written
    q.eval("o2:addref o; Neg(3 4.0;o)")
    torch.testing.assert_close(q.object("o2"), torch.tensor([-3, -4.0], dtype=torch.float64))


def test_output_tensor_with_gradient(q):
    q.eval("o:tensor(1 2 3.0;`grad)")
    q.eval("Sqrt(4 9 16.0;o)")
    assert q.object("o").requires_grad
    torch.testing.assert_close(q.object("o").detach(), torch.tensor([2, 3, 4.0], dtype=torch.float64))


def test_k_arrays_follow_the_tensor_device_and_dtype(q):
    q.eval("x:tensor 1 2 3e; z:mul(x;2 2 2f)")
    z = q.object("z")
    want = torch.mul(torch.tensor([1, 2, 3.0]), torch.tensor([2, 2, 2.0], dtype=torch.float64))
    assert z.dtype == want.dtype and z.device == q.object("x").device
    torch.testing.assert_close(z, want)


def test_reduce_reads_options_in_order(q):
    m = torch.tensor([[1.0, 2, 3], [4, 5, 6]], dtype=torch.float64)
    q.eval("x:tensor(1 2 3f;4 5 6f)")
    for src, want in [("mean(x;`float)", m.mean(dtype=torch.float32)),
                      ("mean(x;1b;`float)", m.mean(dim=(0, 1), keepdim=True, dtype=torch.float32)),
                      ("mean(x;0 1;0b)", m.mean(dim=(0, 1))),
                      ("std(x;1;0b)", m.std(dim=1, correction=0)),
                      ("std(x;1;1b;1b)", m.std(dim=1, correction=1, keepdim=True))]:
        q.eval("y:" + src)
        torch.testing.assert_close(q.object("y"), want, rtol=0, atol=0)
    with pytest.raises(KError, match="mean: 3rd arg unexpected, long scalar supplied"):
        q.eval("mean(x;1b;0)")         # dim after keepdim: out of order
    with pytest.raises(KError, match="Sum: 2nd arg unexpected, symbol scalar supplied"):
        q.eval("Sum(x;`nosuch)")


def test_reduce_output_without_an_out_overload(q):
    q.eval("x:tensor 1 2 3 4.0; o:tensor 0#0f")
    assert q.eval("prod(x;o)") is None
    torch.testing.assert_close(q.object("o"), torch.tensor(24.0, dtype=torch.float64))
    q.eval("o:tensor 0#0")
    with pytest.raises(KError, match="Expected out tensor to have dtype"):
        q.eval("prod(x;o)")
    assert q.object("o").numel() == 0


# --------------------------------------------------------------------------
# the verbs converted to rows (attrs.py): same results, same errors

OLD_HELP = {
    "class": "class ptr  the class of an allocated object: `tensor`vector`dictionary`module`loss`optimizer`model.",
    "objtype": "objtype ptr  the object's type: tensor type for tensors/vectors/dictionaries, module, loss or optimizer type.",
    "size": "size ptr  tensor shape; count of tensors for a vector or dictionary; number of parameters for module, loss, optimizer or model.",
    "tensorcount": "tensorcount ptr  number of tensors held: 1 for a tensor, parameters+buffers for a module, buffers for an optimizer.",
    "elements": "elements ptr  number of elements in the object's tensor storage.",
    "bytes": "bytes ptr  bytes of the object's tensor storage.",
}


def test_converted_verbs_keep_help_and_errors(q):
    for name, text in OLD_HELP.items():
        assert VERBS[name][0].__doc__ == text
        assert R.ROWS[name].form == "obj"
    # ktorch's text: 'class: need allocated torch object, e.g. tensor, module, given long scalar
    with pytest.raises(KError) as e:
        q.eval("class 3")
    assert str(e.value) == "'class: need allocated torch object, e.g. tensor, module, given long scalar"
    with pytest.raises(KError) as e:
        q.eval("objtype `a")
    assert str(e.value) == "'objtype: requires an allocated torch object, e.g. module, loss or optimizer, given symbol scalar"
    q.eval("x:tensor 1 2 3e; free x")
    with pytest.raises(KError, match="stale pointer"):
        q.eval("size x")


def test_converted_verbs_values(q):
    q.eval("t:tensor(2 3#til 6;`float); m:module enlist(`linear;3;2); v:vector(1 2;3 4 5.0)")
    m = q.object("m")
    assert q.eval("class t") == "tensor" and q.eval("class m") == "module"
    assert q.eval("objtype m") == "linear" and q.eval("objtype t") == "tensor"
    assert q.eval("size t").tolist() == [2, 3]
    assert int(q.eval("size m")) == len(list(m.parameters()))
    assert int(q.eval("tensorcount m")) == len(list(m.parameters()))
    assert int(q.eval("elements m")) == sum(p.numel() for p in m.parameters())
    assert int(q.eval("bytes t")) == 6 * 4
    assert int(q.eval("elements v")) == 5 and int(q.eval("bytes v")) == 2 * 8 + 3 * 8
