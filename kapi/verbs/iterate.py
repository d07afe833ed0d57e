"""The iterator keywords: each over scan prior peach (the iterators
themselves are in :mod:`kapi.iterators`).

Each keyword is its iterator applied for the caller's interpreter, so
`` `f each x `` finds that interpreter's ``f``: one row per keyword below.
"""

from ..iterators import applicable, each, each_prior, over, scan
from .registry import keyword, takes_interp


def _iterator_keyword(name, iterator, doc):
    def kw(interp, f, x):
        return iterator(applicable(f, interp), [x])
    kw.__name__ = kw.__qualname__ = name + "_kw"
    kw.__doc__ = doc
    return keyword(name, 2, infix=True)(takes_interp(kw))


each_kw = _iterator_keyword("each", each, """f each x  apply f to each item of x.""")
over_kw = _iterator_keyword("over", over, """f over x  (f/)x: reduce, or converge for a unary f.""")
scan_kw = _iterator_keyword("scan", scan, """f scan x  (f\\)x: all the intermediate results of over.""")
prior_kw = _iterator_keyword("prior", each_prior,
                             """f prior x  (f':)x: f of each item and its predecessor.""")
peach_kw = _iterator_keyword("peach", each, """f peach x  each (run serially here).""")
