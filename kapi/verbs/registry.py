"""Registration of the q primitives and keywords.

Each verb is one Python function whose docstring is its help text.  The
family modules of :mod:`kapi.verbs` register them with the decorators below;
the interpreter collects the tables when it starts (``kapi.verbs.load_all``).

* ``@monad(glyph)`` / ``@dyad(glyph)`` / ``@triad`` / ``@tetrad``: the
  unary / binary / ... meaning of an operator glyph (``#x`` count, ``x#y`` take).
* ``@keyword(name, rank, infix=False)``: a q keyword (``til``, ``in``...).
* ``@takes_interp``: the verb needs its interpreter (globals, settings,
  output, system commands).  It is written ``fn(interp, x, ...)``; each
  interpreter binds it to itself when it builds its verb tables
  (:func:`bind`), so q code sees ``fn(x, ...)``.  There is no "current
  interpreter" to look up.

This module imports nothing from :mod:`kapi.verbs`, so the family modules
and the package import it without a cycle.
"""

import functools


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


def takes_interp(fn):
    """Mark ``fn(interp, ...)`` as a verb bound to its interpreter."""
    fn.takes_interp = True
    return fn


def bind(fn, interp):
    """``fn`` as q code of ``interp`` calls it: a verb marked
    :func:`takes_interp` gets ``interp`` as its first argument."""
    if fn is None or not getattr(fn, "takes_interp", False):
        return fn

    @functools.wraps(fn)
    def bound(*args):
        return fn(interp, *args)
    bound.takes_interp = False
    return bound
