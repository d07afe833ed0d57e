"""The q primitives and keywords.

Each verb is one Python function whose docstring is its help text.  Modules
register them with the decorators below; the interpreter collects the
registries when it starts.

* ``@monad(glyph)`` / ``@dyad(glyph)``: the unary / binary meaning of an
  operator glyph (``#x`` count, ``x#y`` take).
* ``@keyword(name, rank, infix=False)``: a q keyword (``til``, ``in``...).
"""


MONADS = {}
DYADS = {}
TRIADS = {}
TETRADS = {}
KEYWORDS = {}


def monad(glyph):
    def reg(fn):
        MONADS[glyph] = fn
        return fn
    return reg


def dyad(glyph):
    def reg(fn):
        DYADS[glyph] = fn
        return fn
    return reg


def triad(glyph):
    def reg(fn):
        TRIADS[glyph] = fn
        return fn
    return reg


def tetrad(glyph):
    def reg(fn):
        TETRADS[glyph] = fn
        return fn
    return reg


def keyword(name, rank=1, infix=False):
    def reg(fn):
        KEYWORDS[name] = (fn, rank, infix)
        return fn
    return reg


def load_all():
    """Import every verb module so their registrations run."""
    import importlib
    for mod in ("core", "keywords", "tables", "amend", "strings", "system", "fileio", "..iterators"):
        try:
            importlib.import_module(mod if mod.startswith(".") else "." + mod, __name__)
        except ModuleNotFoundError as e:  # a module still being written
            if e.name != __name__ + "." + mod:
                raise
    return MONADS, DYADS, TRIADS, TETRADS, KEYWORDS
