"""help: verb help texts from docstrings, and help providers."""

import pytest

from kapi.api import VERBS, load_all
from kapi.values import pystr


def _topic(name):
    from kapi.api.help import PROVIDERS
    return next((r for r in (p(name) for p in PROVIDERS) if r is not None), None)


def test_every_verb_has_help(q):
    load_all()
    for name, (fn, _) in VERBS.items():
        assert fn.__doc__ and fn.__doc__.strip(), name
        if hasattr(fn, "row") and _topic(name) is not None:
            continue                    # a row sharing a topic's name: the topic keeps help`name
        assert pystr(q.eval("help`%s" % name)) == fn.__doc__.strip()


def test_help_lists_verbs(q):
    d = q.eval("help[]")
    names = list(d.keys)
    assert names == sorted(VERBS)
    for v in ("tensor", "module", "forward", "backward", "ce", "mse", "loss", "help", "free"):
        assert v in names
    assert pystr(q.eval("help[]`tensor")) == VERBS["tensor"][0].__doc__.strip().split("\n")[0]
    assert q.console("help()") == q.console("help[]")


def test_help_providers(q):
    assert q.console("help`linear") == "in  | 784\nout | 10\nbias| 1b"
    assert q.console("help`conv2d").split("\n")[2] == "size   | 3 5"
    assert q.console("help`nosuch").split("\n")[0] == "'help: help topic, `nosuch"
    from kapi.api.help import help_provider, PROVIDERS
    f = help_provider(lambda n: "ok" if n == "mytopic" else None)
    try:
        assert q.eval("help`mytopic") == "ok"
    finally:
        PROVIDERS.remove(f)


def test_help_text_printed(q):
    out = q.console("-1 help`forward;")
    assert "forward(module;input;..)" in out or out == ""
