"""funq (psaris/funq, MIT) run in kapi, checked against numpy.

Until namespaces land (branch ns) the files are loaded by a test-only
harness: `\\d` lines are dropped (every name lands in the root) and `.z.s`
is replaced by the name being defined."""

import os
import re

import numpy as np
import pytest

from kapi.embed import Interpreter
from kapi.errors import KError
from kapi.script import chunks

HERE = os.path.dirname(os.path.abspath(__file__))


def harness_load(q, name):
    errors = []
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        text = f.read()
    for n, src in chunks(text):
        if src.startswith("\\d"):
            continue
        m = re.match(r"([a-zA-Z]\w*):", src)
        if m and ".z.s" in src:
            src = src.replace(".z.s", m.group(1))
        try:
            q.run(src, (name, n))
        except KError as e:
            errors.append((n, str(e)))
    return errors


def test_full_load():
    import numpy as np
    q = Interpreter()
    cwd = os.getcwd()
    os.chdir(HERE)
    try:
        q.system_command("l funq.q")
    finally:
        os.chdir(cwd)
    assert [bytes(x).decode() for x in q.eval('.porter.stem each ("caresses";"ponies";"relational")')] \
        == ["caress", "poni", "relat"]
    v = np.array([1.0, 2.0, 3.0])
    q["v"] = v
    np.testing.assert_allclose(np.array(q.eval(".ml.softmax v")), np.exp(v) / np.exp(v).sum())
    assert float(q.eval(".ml.mnorm neg v")) == np.abs(v).sum()
    np.testing.assert_allclose(float(q.eval(".ml.enorm v")), np.linalg.norm(v))


@pytest.fixture(scope="module")
def ml():
    q = Interpreter()
    assert harness_load(q, "ml.q") == []
    return q


@pytest.fixture(scope="module")
def porter():
    q = Interpreter()
    assert harness_load(q, "porter.q") == []
    return q


def test_ut_loads_but_temporal_and_z():
    q = Interpreter()
    errs = harness_load(q, "ut.q")
    # what is left: .z.k/.z.K/.z.o (ns) and a date literal (tempo)
    assert [n for n, _ in errs] == []


def put(q, name, a):
    q[name] = np.asarray(a, dtype=float)


def test_normal_equations(ml):
    rng = np.random.default_rng(1)
    X = rng.random((3, 20))                  # funq: features x observations
    Y = rng.random((2, 20))
    put(ml, "X", X); put(ml, "Y", Y)
    got = np.array(ml.eval("normeq[Y;X]"))
    want = Y @ X.T @ np.linalg.inv(X @ X.T)
    assert np.allclose(got, want)


def test_kmeans_step(ml):
    rng = np.random.default_rng(2)
    X = rng.random((2, 30))
    C = X[:, :3].copy()
    put(ml, "X", X); put(ml, "C", C)
    got = np.array(ml.eval("kmeans[X;C]"))
    d = ((X[:, :, None] - C[:, None, :]) ** 2).sum(0)
    lab = d.argmin(1)
    want = np.stack([X[:, lab == k].mean(1) for k in sorted(set(lab))], 1)
    assert np.allclose(got, want)


def test_softmax_sigmoid(ml):
    x = np.array([1.0, 2.0, 3.5])
    put(ml, "x", x)
    assert np.allclose(np.array(ml.eval("softmax x")), np.exp(x) / np.exp(x).sum())
    assert np.allclose(np.array(ml.eval("sigmoid x")), 1 / (1 + np.exp(-x)))


def test_distances(ml):
    a, b = np.array([1.0, -2.0, 3.0]), np.array([0.5, 4.0, -1.0])
    put(ml, "a", a); put(ml, "b", b)
    assert np.isclose(float(ml.eval("edist[a;b]")), np.linalg.norm(a - b))
    assert np.isclose(float(ml.eval("mdist[a;b]")), np.abs(a - b).sum())
    cos = a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    assert np.isclose(float(ml.eval("cosdist[a;b]")), 1 - cos)


def test_logistic_gradient(ml):
    rng = np.random.default_rng(3)
    X = rng.random((2, 10)); Y = (rng.random((1, 10)) > .5).astype(float)
    T = rng.random((1, 3))
    put(ml, "X", X); put(ml, "Y", Y); put(ml, "T", T)
    got = np.array(ml.eval("loggrad[X;Y;T]"))
    X1 = np.vstack([np.ones(10), X])
    want = (1 / (1 + np.exp(-(T @ X1))) - Y) @ X1.T / 10
    assert np.allclose(got, want)


def test_onehot(ml):
    ml.execute("d:onehot `a`b`a`c")
    assert ml.execute("key d") == "`a`b`c"
    assert np.array_equal(np.array(ml.eval("d`b")), np.array([0, 1, 0, 0], bool))


@pytest.mark.parametrize("word,stem", [("caresses", "caress"), ("ponies", "poni"),
                                       ("relational", "relat"), ("hopping", "hop"),
                                       ("generalization", "gener"), ("sky", "sky")])
def test_porter(porter, word, stem):
    assert porter.execute('stem "%s"' % word) == '"%s"' % stem
