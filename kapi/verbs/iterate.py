"""The iterator keywords: each over scan prior peach (the iterators
themselves are in :mod:`kapi.iterators`)."""

from ..iterators import each, each_prior, over, scan
from .registry import keyword


@keyword("each", 2, infix=True)
def each_kw(f, x):
    """f each x  apply f to each item of x."""
    return each(f, [x])


@keyword("over", 2, infix=True)
def over_kw(f, x):
    """f over x  (f/)x: reduce, or converge for a unary f."""
    return over(f, [x])


@keyword("scan", 2, infix=True)
def scan_kw(f, x):
    """f scan x  (f\\)x: all the intermediate results of over."""
    return scan(f, [x])


@keyword("prior", 2, infix=True)
def prior_kw(f, x):
    """f prior x  (f':)x: f of each item and its predecessor."""
    return each_prior(f, [x])


@keyword("peach", 2, infix=True)
def peach_kw(f, x):
    """f peach x  each (run serially here)."""
    return each(f, [x])
