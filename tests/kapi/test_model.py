"""model: creation (ownership), redefinition, definition, parts; train/test options."""

import numpy as np
import pytest
import torch

from kapi.errors import KError

from .conftest import fresh

SETUP = "q:module((0;`sequential); (1;(`linear;64;10)); (1;`relu)); l:loss`ce; o:opt(`sgd;q); "


def err(q, src):
    with pytest.raises(KError) as e:
        q(src)
    return str(e.value)


def test_model_takes_ownership():
    q = fresh()
    q(SETUP + "m:model(q;l;o)")
    assert q("class m") == "model"
    assert "stale pointer" in err(q, "class q")
    assert "stale pointer" in err(q, "class l")
    q(SETUP + "m2:model(addref q;l;o)")
    assert q("class q") == "module"


def test_model_parts_are_the_objects_given():
    q = fresh()
    q(SETUP + "tq:q; m:model(addref q;l;o)")
    reg = q.registry
    mo = reg.get(q.globals["m"])
    assert mo.q is reg.get(q.globals["q"])
    assert q("class module m") == "module" and q("class opt m") == "optimizer"
    assert q("class loss m") == "loss"
    # the module pointer from the model shares the torch module
    q("pm:module m")
    assert reg.get(q.globals["pm"]).module is mo.q.module
    assert int(q("size m")) == 2


def test_model_definition_and_redefine():
    q = fresh()
    q("m:model(module`relu; loss`ce; opt`sgd)")
    assert list(map(str, q("key model m"))) == ["module", "loss", "optimizer", "train", "test"]
    assert str(q("model[m][`loss]`module")) == "ce"
    assert q("model(m;loss`mse)") is None
    assert str(q("model[m][`loss]`module")) == "mse"


def test_model_bad_input_changes_nothing():
    q = fresh()
    q(SETUP + "m:model(q;l;o)")
    before = q.registry.get(q.globals["m"]).l
    q("l2:loss`mse; t:tensor 1 2")
    assert "model" in err(q, "model(m;l2;t)")
    assert q.registry.get(q.globals["m"]).l is before
    assert q("class l2") == "loss"          # not consumed
    assert "model" in err(q, "model(l2;l2)")


def test_train_options_defaults_and_set():
    q = fresh()
    q("m:model(module`sequential; loss`ce; opt`sgd)")
    assert int(q("train(m;`batchsize)")) == 32 and int(q("test(m;`batchsize)")) == 100
    assert q("train(m;`shuffle)") is np.False_ or not q("train(m;`shuffle)")
    assert q("train(m;`clipnorm)") is None
    q("train(m;`batchsize`shuffle;(3;1b))")
    assert int(q("train(m;`batchsize)")) == 3 and bool(q("train(m;`shuffle)"))
    q("train(m;`metrics`clipnorm!(`loss`accuracy;1.5))")
    assert [str(s) for s in q("train(m;`metrics)")] == ["loss", "accuracy"]
    assert float(q("train(m;`clipnorm)")) == 1.5
    assert "clipnorm" not in [str(k) for k in q("key test m")]


def test_train_options_bad_input():
    q = fresh()
    q("m:model(module`sequential; loss`ce; opt`sgd)")
    for src in ("train(m;`batchsize;0)", "train(m;`bogus;1)", "train(m;`shuffle;2)",
                "train(m;`metrics;`nope)", "train(m;`batchsize`metrics;(5;`nope))",
                "test(m;`clipnorm;1.0)"):
        assert err(q, src)
    assert int(q("train(m;`batchsize)")) == 32    # the partly valid set changed nothing


def test_optimizer_verbs_accept_a_model():
    q = fresh()
    q("q:module enlist(`linear;2;1); m:model(q; loss`mse; opt(`sgd;q;0.5))")
    mo = q.registry.get(q.globals["m"])
    lin = mo.q.module
    w0 = lin.weight.detach().clone()
    assert np.allclose(q("lr m"), [0.5])
    # a gradient set directly; step m must apply sgd through the model's optimizer
    g = torch.ones_like(lin.weight)
    lin.weight.grad = g.clone()
    lin.bias.grad = torch.zeros_like(lin.bias)
    q("step m")
    assert torch.allclose(lin.weight.detach(), w0 - 0.5 * g)
    q("zerograd m")
    assert not lin.weight.grad.abs().sum()
