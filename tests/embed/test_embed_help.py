"""Every registered verb has help text: the q keywords, the operator forms
and the k-api verbs an interpreter knows; docs/kapi.md covers every k-api
verb and is current."""

import inspect
import os
import sys

from kapi.embed import Interpreter
from kapi.values import pystr

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def _doc(f):
    return (inspect.getdoc(getattr(f, "fn", f)) or "").strip()


def test_every_keyword_and_verb_has_help():
    q = Interpreter()
    assert len(q.keywords) > 100 and len(q.builtins) > 30
    missing = [n for n, b in q.keywords.items() if not _doc(b)]
    missing += [n for n, b in q.builtins.items() if not _doc(b)]
    for g, p in q.prims.items():
        if g == ":":
            continue
        missing += [g for f in (p.monad, p.dyad, p.triad, p.tetrad) if f is not None and not _doc(f)]
    assert not missing, missing


def test_help_verb_gives_each_k_api_verb_its_text():
    q = Interpreter()
    names = list(q.eval("help[]").keys)
    assert names == sorted(q.builtins)
    from kapi.api.help import PROVIDERS
    for n in names:
        if hasattr(q.builtins[n].fn, "row") and any(p(n) is not None for p in PROVIDERS):
            continue                    # a row sharing a topic's name (the sigmoid module)
        text = pystr(q.eval("help`%s" % n))
        assert text and text == _doc(q.builtins[n]), n
        assert text.split()[0].startswith(n) or n in text.split("\n")[0], n


def test_kapi_guide_covers_every_verb_and_is_current():
    q = Interpreter()
    path = os.path.join(ROOT, "docs", "kapi.md")
    text = open(path).read()
    for n in q.builtins:
        assert "### `%s`" % n in text, n
        assert _doc(q.builtins[n]) in text, n
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    try:
        import gen_kapi_docs
    finally:
        sys.path.pop(0)
    assert gen_kapi_docs.render() == text, "docs/kapi.md is stale: run scripts/gen_kapi_docs.py"
