"""The iterator keywords: each over scan prior peach (the iterators
themselves are in :mod:`kapi.iterators`)."""

from ..iterators import applicable, each, each_prior, over, scan
from .registry import keyword, takes_interp


@keyword("each", 2, infix=True)
@takes_interp
def each_kw(interp, f, x):
    """f each x  apply f to each item of x."""
    return each(applicable(f, interp), [x])


@keyword("over", 2, infix=True)
@takes_interp
def over_kw(interp, f, x):
    """f over x  (f/)x: reduce, or converge for a unary f."""
    return over(applicable(f, interp), [x])


@keyword("scan", 2, infix=True)
@takes_interp
def scan_kw(interp, f, x):
    """f scan x  (f\\)x: all the intermediate results of over."""
    return scan(applicable(f, interp), [x])


@keyword("prior", 2, infix=True)
@takes_interp
def prior_kw(interp, f, x):
    """f prior x  (f':)x: f of each item and its predecessor."""
    return each_prior(applicable(f, interp), [x])


@keyword("peach", 2, infix=True)
@takes_interp
def peach_kw(interp, f, x):
    """f peach x  each (run serially here)."""
    return each(applicable(f, interp), [x])
