"""Fast fuzz subset: nothing escapes console() as a Python
exception, and the interpreter keeps working afterwards. The long run is
scripts/fuzz."""

import random

from hypothesis import given, settings, strategies as st, HealthCheck

from kapi.fuzz import SETUP, TOKENS, check_console, conformance_lines, mutate
from kapi.embed import Interpreter

Q = Interpreter()
Q.console(SETUP)
LINES = conformance_lines() or ["1+1"]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=7))
def test_random_token_streams(toks):
    src = " ".join(toks)
    if src.lstrip().startswith("\\") or "while[" in src or "over" in src or "/" in src or "\\" in src:
        return  # loops may legitimately not terminate; the long run covers them with a timeout
    check_console(Q, src)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(min_value=0, max_value=10**9))
def test_mutated_conformance_lines(seed):
    rng = random.Random(seed)
    src = mutate(rng, rng.choice(LINES))
    if src.lstrip().startswith("\\") or "while" in src or "/" in src or "\\" in src:
        return
    check_console(Q, src)


def test_still_works_after_fuzzing():
    assert Q.console("1+1") == "2"
    Q.console(SETUP)
    assert Q.console("x") == "1 2 3"


# --------------------------------------------------------------------------
# k-api calls with wrong types, ranks and pointers: no host exception, no
# Python-internal error text, and a failing call changes nothing (full
# snapshot of registry, objects and globals before and after)

import warnings  # noqa: E402

import pytest  # noqa: E402

from kapi.fuzz import KPTRS, KSELECT, KVALS, KapiFuzz, kapi_verbs, random_kcall  # noqa: E402


@pytest.fixture(scope="module")
def kf():
    import torch
    rng = torch.get_rng_state()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield KapiFuzz()
    torch.set_rng_state(rng)


def _check(kf, src, atomic=True):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = kf.case(src, atomic=atomic)
    detail = {"HOST": lambda: repr(kf.host), "PYMSG": lambda: kf.first,
              "ATOMIC": lambda: kf.changed}.get(r, lambda: "")()
    assert r is None, (src, r, detail)


ARGS = st.sampled_from(KPTRS + KSELECT + KVALS)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(kapi_verbs()), st.lists(ARGS, max_size=5), st.integers(0, 3))
def test_kapi_wrong_args(kf, verb, args, form):
    if not args:
        src = ("%s[]", "%s()", "%s(::)", "%s`")[form] % verb
    elif len(args) == 1:
        src = ("%s %s", "%s[%s]", "%s enlist %s", "%s@%s")[form] % (verb, args[0])
    else:
        src = ("%s(%s)", "%s[%s]", "%s(%s)", "%s(%s)")[form] % (verb, ";".join(args))
    _check(kf, src, atomic="{" not in src)


@settings(max_examples=800, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(min_value=0, max_value=10**9))
def test_kapi_random_calls(kf, seed):
    nested = []
    src = random_kcall(random.Random(seed), nested)
    _check(kf, src, atomic=not nested and "{" not in src)


def test_kapi_objects_still_work_after_fuzzing(kf):
    kf.setup()
    q = kf.q
    assert q.console("tensor t") == "1 2 3e"
    assert q.console("class each (t;v;dd;m;l;o)") == "`tensor`vector`dictionary`module`loss`optimizer"
    q.console("zerograd o; backward mse(forward(m;2 3#1e);2 2#0e); step o")
    assert q.console("count lr o") == "2"


def test_kapi_detects_a_non_atomic_failure(kf, monkeypatch):
    """The check can fail: a verb that changes an object, then errors, is caught."""
    from kapi.api import tensor as TM
    kf.setup()
    real = TM._flag

    def bad(reg, x):  # as if gradflag set the first tensor before checking the flag
        kf.q.registry.get(kf.q.globals["v"]).v[0].requires_grad_(True)
        return real(reg, x)
    monkeypatch.setattr(TM, "_flag", bad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert kf.case("gradflag(v;0;1)") == "ATOMIC"
        assert kf.changed == ["registry %d (vector)" % int(kf.q.globals["v"][0])]
    monkeypatch.undo()
    kf.setup()
    assert kf.case("gradflag(v;0;1)") is None       # the real verb: an error, nothing changed
