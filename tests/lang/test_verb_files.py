"""Where the verbs live: a glyph's monadic, dyadic, triadic and tetradic
functions are defined in one family module of kapi.verbs, every keyword's
function is defined in kapi.verbs, every verb has a docstring (its help
text), and no verb reaches for a "current interpreter"."""

import pathlib

import pytest

import kapi.verbs as verbs
from kapi.verbs import load_all

MONADS, DYADS, TRIADS, TETRADS, KEYWORDS = load_all()
GLYPHS = sorted(set(MONADS) | set(DYADS) | set(TRIADS) | set(TETRADS))
VERBS_DIR = pathlib.Path(verbs.__file__).parent


def _module(fn):
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn.__module__


@pytest.mark.parametrize("glyph", GLYPHS)
def test_glyph_forms_in_one_module(glyph):
    mods = {_module(t[glyph]) for t in (MONADS, DYADS, TRIADS, TETRADS) if glyph in t}
    assert len(mods) == 1, (glyph, mods)
    assert mods.pop().startswith("kapi.verbs.")


@pytest.mark.parametrize("name", sorted(KEYWORDS))
def test_keyword_defined_in_verbs(name):
    assert _module(KEYWORDS[name][0]).startswith("kapi.verbs."), name


def test_every_verb_has_a_docstring():
    fns = [t[g] for t in (MONADS, DYADS, TRIADS, TETRADS) for g in t]
    fns += [f for f, _, _ in KEYWORDS.values()]
    missing = [f for f in fns if not (f.__doc__ or "").strip()]
    assert not missing, missing


def test_keyword_of_a_glyph_lives_with_it():
    # a keyword sharing its function with a glyph form is that form
    by_fn = {}
    for t in (MONADS, DYADS):
        for g, f in t.items():
            by_fn[id(f)] = _module(f)
    for name, (f, _, _) in KEYWORDS.items():
        if id(f) in by_fn:
            assert _module(f) == by_fn[id(f)], name


def test_no_current_interpreter_in_verbs():
    for p in VERBS_DIR.glob("*.py"):
        src = p.read_text()
        assert "funcs import running" not in src and "running_stack" not in src, p.name


@pytest.mark.parametrize("mod", ["display", "system", "script", "interp", "embed", "api"])
def test_no_upward_imports(mod):
    for p in VERBS_DIR.glob("*.py"):
        for line in p.read_text().splitlines():
            s = line.strip()
            assert not (s.startswith("from ..%s import" % mod) or s.startswith("from ..%s." % mod)
                        or s.startswith("import kapi.%s" % mod)
                        or s.startswith("from kapi.%s" % mod)), (p.name, line)


def test_families_do_not_import_the_package():
    for p in VERBS_DIR.glob("*.py"):
        if p.name == "__init__.py":
            continue
        for line in p.read_text().splitlines():
            s = line.strip()
            assert not s.startswith("from . import") and not s.startswith("import kapi.verbs"), (p.name, line)


def test_iterators_do_not_register_keywords():
    import kapi.iterators as it
    src = pathlib.Path(it.__file__).read_text()
    assert "keyword(" not in src and "from .verbs import" not in src
