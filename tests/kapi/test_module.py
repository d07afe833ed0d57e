"""Modules: definitions, module/state tables, rebuild, names, forward/evaluate."""

import re

import numpy as np
import pytest
import torch

from .conftest import fresh, transcript

EXAMPLES = {
"linear": r"""
q)m:module enlist(`linear;784;10)
q)module m
depth  | 0
module | `linear
name   | `
options| `in`out`bias!(784;10;1b)
""",
"sequential": r"""
q)q:module (`sequential; enlist(`linear;784;10); `relu)
q)module q
depth module     name options
----------------------------------------------
0     sequential      (`symbol$())!()
1     linear     0    `in`out`bias!(784;10;1b)
1     relu       1    (,`inplace)!,0b
""",
"seq": r"""
q)seq`a`b`c
`a
,`b
,`c
""",
"names": r"""
q)q:module seq(`sequential; (`linear;`a;128;64); `relu`relu1; (`linear;`b;64;10); `relu`relu2)
q)names q
`a`relu1`b`relu2
q)childnames q
`a`relu1`b`relu2
q)parmnames q
`a.weight`a.bias`b.weight`b.bias
q)names(q;`a)
`symbol$()
""",
"nested names": r"""
q)m0:module seq(`sequential`A; (`linear;`fc;128;64); `relu`actfn)
q)module m0
depth module     name  options
-----------------------------------------------
0     sequential A     (`symbol$())!()
1     linear     fc    `in`out`bias!(128;64;1b)
1     relu       actfn (,`inplace)!,0b
q)q:module(`moduledict; seq(`sequential`A; (`linear;`fc;128;64); `relu`actfn); seq(`sequential`B; (`linear;`fc;64;10); `relu`actfn))
q)childnames q
`A`B
q)names q
`A`A.fc`A.actfn`B`B.fc`B.actfn
""",
"unnamed": r"""
q)q:module seq(`sequential; (`linear;`a;128;64); `relu; (`linear;`b;64;10); `relu)
q)names q
`a`1`b`3
""",
"state leaf": r"""
q)a:module enlist(`linear;`example;2;1)
q)s:state a
q)key s
`depth`module`name`options`parms`buffers
q)s`options
in  | 2
out | 1
bias| 1b
q)b:module s
q)state[b]~state a
1b
q)d:module a
q)d~module module d
1b
""",
"state table": r"""
q)q:module((0;`sequential); (1; (`linear;64;10)); (1;`relu))
q)s:state q
q)cols s
`depth`module`name`options`parms`buffers
q)exec module from s
`sequential`linear`relu
q)q2:module s
q)state[q]~state q2
1b
""",
"info": r"""
q)q:module seq(`sequential; (`linear;`a;128;10); `relu`b)
q){x!x@\:y}[`class`objtype`size`tensorcount`elements`bytes;q]
class      | `module
objtype    | `sequential
size       | 2
tensorcount| 2
elements   | 1290
bytes      | 5160
""",
"non-default options": r"""
q)m:module enlist(`conv2d; 16; 32; 3; `bias,0b)
q)exec options from module(m;0b)
in  | 16
out | 32
size| 3
bias| 0b
""",
"errors": r"""
q)module(`linear;784;10)
'module: linear given as 1st arg, but unable to parse remaining arg(s)
  [0]  module(`linear;784;10)
       ^
q)module enlist(`linear;0;10)
'linear: positive input size required
  [0]  module enlist(`linear;0;10)
       ^
q)module`nosuch
'unrecognized module: nosuch
  [0]  module`nosuch
       ^
q)forward 1 2
'forward: requires a module or model and at least one input
  [0]  forward 1 2
       ^
""",
"forward": r"""
q)m:module enlist(`linear;3;3)
q)r:forward(m;3 3#1e)
q)size r
3 3
q)class r
`tensor
q)x:tensor 3 3#1e
q)use[r]forward(m; x)
q)size r
3 3
q)(tensor r)~evaluate(m;3 3#1e)
1b
""",
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example(q, name):
    exp, got = transcript(q, EXAMPLES[name])
    assert strip(got) == strip(exp)


def strip(blocks):
    """Output blocks with trailing blanks of each line removed (q pads table rows)."""
    return ["\n".join(l.rstrip() for l in b.split("\n")) for b in blocks]


def _mod(q, ptr):
    return q.registry.get(ptr).module


def test_types(q):
    q.eval("q:module seq(`sequential; (`embedding;10;4;`sparse,1b); `flatten; `gelu; `tanh; `sigmoid;"
           " (`dropout;0.1); (`layernorm;,8))")
    m = _mod(q, q.eval("q"))
    kinds = [type(c).__name__ for c in m.children()]
    assert kinds == ["Embedding", "Flatten", "GELU", "Tanh", "Sigmoid", "Dropout", "LayerNorm"]
    assert m[0].sparse and m[6].normalized_shape == (8,) and m[5].p == 0.1
    assert list(q.eval("exec module from module q")) == \
        ["sequential", "embed", "flatten", "gelu", "tanh", "sigmoid", "dropout", "layernorm"]
    q.eval("c:module enlist(`conv2d;3;4;3 5;`stride`pad!(2;1))")
    c = _mod(q, q.eval("c"))
    assert isinstance(c, torch.nn.Conv2d)
    assert c.kernel_size == (3, 5) and c.stride == (2, 2) and c.padding == (1, 1)
    assert q.console("exec options from module(c;0b)") == \
        "in    | 3\nout   | 4\nsize  | 3 5\nstride| 2\npad   | 1"


def test_sparse_embedding_grad(q):
    q.eval("e:module enlist(`embed;10;3;`sparse,1b); y:forward(e;0 2 2); z:mse(y;3 3#0e); backward z")
    w = _mod(q, q.eval("e")).weight
    assert w.grad.is_sparse
    g = w.grad.to_dense().numpy()
    assert (g[1] == 0).all() and (g[0] != 0).any()


def test_depth_value_pairs_and_tree_agree(q):
    q.eval("t:(`sequential`parent; seq(`sequential`b1; (`linear;`l1;10;5); `relu`r1);"
           " seq(`sequential`b2; (`linear;`l2;5;2); `relu`r2))")
    q.eval("d:((0;`sequential`parent);(1;`sequential`b1);(2;(`linear;`l1;10;5));(2;`relu`r1);"
           "(1;`sequential`b2);(2;(`linear;`l2;5;2));(2;`relu`r2))")
    q.eval("a:module t; b:module d")
    assert q.eval("module[a]~module b")
    assert list(q.eval("names a")) == ["b1", "b1.l1", "b1.r1", "b2", "b2.l2", "b2.r2"]
    assert list(q.eval("exec depth from module a")) == [0, 1, 2, 2, 1, 2, 2]


def test_state_roundtrip_parameters(q):
    q.eval("q:module seq(`sequential; (`linear;`a;6;4); `relu; (`layernorm;,4); (`linear;`b;4;2))")
    q.eval("r:module state q")
    a, b = _mod(q, q.eval("q")), _mod(q, q.eval("r"))
    pa, pb = dict(a.named_parameters()), dict(b.named_parameters())
    assert list(pa) == list(pb)
    for k in pa:
        assert torch.equal(pa[k], pb[k]) and pa[k] is not pb[k]
    x = torch.randn(3, 6)
    assert torch.equal(a(x), b(x))
    # file round trip through get/set
    assert q.eval("state[q]~state r")


def test_rebuild_checks(q):
    q.eval("a:module enlist(`linear;2;1); s:state a")
    q.eval("s1:@[s;`parms;:;`weight`bias!(enlist 1 2f;enlist 3f)]")
    assert q.console("module s1").split("\n")[0] == \
        "'linear: type mismatch, weight is float, input is double"
    q.eval("s2:@[s;`parms;:;`weight`bias!(enlist 1 2 3e;enlist 3e)]")
    assert q.console("module s2").split("\n")[0] == \
        "'linear: size mismatch, weight is 1 2, input is 1 3"
    q.eval("s3:@[s;`parms;:;(enlist`foo)!enlist enlist 1 2e]")
    assert q.console("module s3").split("\n")[0] == "'linear: no parameter named `foo"


def test_forward_numerics(q):
    q.eval("m:module seq(`sequential; (`linear;5;3); `relu; (`linear;3;2); `tanh)")
    m = _mod(q, q.eval("m"))
    x = np.random.rand(4, 5).astype(np.float32)
    q.eval("x:tensor 4 5#0e")
    q.registry.get(q.eval("x")).t = torch.from_numpy(x.copy())
    y = q.eval("tensor forward(m;x)")
    ref = m(torch.from_numpy(x)).detach().numpy()
    assert np.allclose(np.array(y), ref)
    ev = q.eval("evaluate(m;x)")
    assert np.allclose(np.array(ev), ref)
    assert m.training          # evaluate restores training mode
    assert q.console("training m") == "1b"


def test_evaluate_no_grad_and_eval_mode(q):
    q.eval("m:module seq(`sequential; (`linear;4;4); (`dropout;0.9))")
    m = _mod(q, q.eval("m"))
    seen = []
    m[1].register_forward_hook(lambda mod, i, o: seen.append((mod.training, torch.is_grad_enabled())))
    q.eval("evaluate(m;2 4#1e)")
    q.eval("y:forward(m;2 4#1e)")
    q.eval("y2:eforward(m;2 4#1e)")
    q.eval("y3:nforward(m;2 4#1e)")
    assert seen == [(False, False), (True, True), (False, False), (True, False)]
    assert q.eval("gradflag y") and not q.eval("gradflag y2")
    q.eval("training(m;0b)")
    assert not m.training and not q.eval("training m")


def test_forward_child_and_multiple_inputs(q):
    q.eval("m:module seq(`sequential; (`linear;`a;3;2); `relu`r)")
    a = _mod(q, q.eval("m")).a
    y = q.eval("evaluate(m;`a;2 3#1e)")
    assert np.allclose(np.array(y), a(torch.ones(2, 3)).detach().numpy())


def test_to_and_gradflag(q):
    q.eval("m:module enlist(`linear;3;2)")
    q.eval("to(m;`double)")
    m = _mod(q, q.eval("m"))
    assert m.weight.dtype == torch.float64
    q.eval("y:forward(m;2 3#1.0)")
    assert q.console("dtype y") == "`double"
    assert q.console("gradflag m") == "weight| 1\nbias  | 1"
    q.eval("gradflag(m;0b)")
    assert not m.weight.requires_grad


def test_parameters_by(q):
    from kapi.api.module import ModuleObj
    q.eval("q:module seq(`sequential; (`linear;`a;8;4); `relu`relu1; (`linear;`b;4;2); `relu`relu2)")
    o = q.registry.get(q.eval("q"))
    assert isinstance(o, ModuleObj)
    assert [n for _, n, _ in o.parameters_by()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    assert [n for _, n, _ in o.parameters_by(np.int64(0))] == ["a.weight", "a.bias"]
    sel = o.parameters_by(np.array(["b", "a"], dtype=object))
    assert [(t, n) for t, n, _ in sel] == [("linear", "b.weight"), ("linear", "b.bias"),
                                           ("linear", "a.weight"), ("linear", "a.bias")]
    assert [n for _, n, _ in o.parameters_by("a.weight")] == ["a.weight"]
    from kapi.errors import KError
    with pytest.raises(KError, match="opt: module\\[7\\] out of bounds, 4 submodule\\(s\\)"):
        o.parameters_by(np.int64(7))
    with pytest.raises(KError, match="opt: no module or parameter named `zz"):
        o.parameters_by("zz")
    with pytest.raises(KError, match="duplicate parameter"):
        o.parameters_by(np.array(["a", "a.bias"], dtype=object))


def test_containers(q):
    q.eval("p:module enlist`parmdict")
    assert q.console("class p") == "`module" and q.console("objtype p") == "`parmdict"
    q.eval("s:state p")
    q.eval("s2:@[s;`parms;:;`x`y!(1 2 3e;4 5e)]")
    q.eval("p2:module s2")
    assert list(q.eval("parmnames p2")) == ["x", "y"]
    assert q.console("size p2") == "2"


def test_create_free_cycles(q):
    for _ in range(1000):
        q.eval("m:module seq(`sequential; (`linear;4;2); `relu)")
        q.eval("free m")
    assert len(q.registry) == 0
    for _ in range(200):
        q.eval("m:module enlist(`linear;4;2); y:forward(m;1 4#1e); l:loss`mse; z:mse(y;1 2#0e); backward z")
        q.eval("free(m;y;l;z)")
    assert len(q.registry) == 0


def test_state_file_roundtrip(q, tmp_path):
    f = str(tmp_path / "q").replace("\\", "/")
    q.eval("q:module seq(`sequential; (`linear;`a;8;4); `relu; (`linear;`b;4;2); `relu)")
    q.eval("`:%s set state q" % f)
    q.eval("r:module get`:%s" % f)
    assert q.eval("state[q]~state r")
    assert q.eval("(evaluate(q;2 8#1e))~evaluate(r;2 8#1e)")


def test_opt_storage_example(q):
    q.eval("m:module enlist(`linear;64;10)")
    q.eval("backward z:ce(y:forward(m; 20 64#1e); 20?10)")
    m = q.registry.get(q.eval("m")).module
    assert m.weight.grad is not None and tuple(m.weight.grad.shape) == (10, 64)
    assert q.console("help`l1") == "reduce| mean"
