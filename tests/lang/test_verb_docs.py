"""Every q keyword and operator form has help text (its docstring)."""

import inspect

from kapi.embed import Interpreter


def test_keywords_have_help():
    q = Interpreter()
    missing = [n for n, b in q.keywords.items() if not (inspect.getdoc(b.fn) or "").strip()]
    assert not missing


def test_operator_forms_have_help():
    q = Interpreter()
    missing = []
    for g, p in q.prims.items():
        if g == ":":
            continue
        for fn in (p.monad, p.dyad, p.triad, p.tetrad):
            if fn is not None and not (inspect.getdoc(fn) or "").strip():
                missing.append((g, getattr(fn, "__name__", "?")))
    assert not missing, missing
