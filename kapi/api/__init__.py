"""The ktorch k-api: verbs that drive PyTorch from q.

Each k-api verb is one Python function registered with :func:`verb`; its
docstring is its help text.  A variadic ktorch verb (``tensor(`randn;3 4)``)
is written as ``fn(x)`` where ``x`` is the single k argument (an atom, a
general list of the call's items, ...); verbs called with brackets and
several arguments (``use[a;b]``) are registered with ``rank=2``.

:func:`install` puts a :class:`~kapi.funcs.Builtin` for every verb into
``interp.builtins`` (looked up after the globals).  Torch is imported
lazily, on the first use of a verb that needs it (:func:`torch`).

Each interpreter has its own objects (``interp.registry``, a
:class:`~kapi.api.names.Registry`).  Every verb is written ``fn(reg, x, ...)``:
``install`` binds each verb to its interpreter's registry, and the verb passes
``reg`` on to the helpers that look up or allocate objects.  There is no
current interpreter or registry to look up.  Process-wide on
purpose, as in ktorch (one process, one torch): the optimizer catalogue
(:mod:`kapi.api.optim.catalog`), and the torch settings a user asks for by
name -- ``dtype`double`` (torch's default dtype) and ``seed n`` (torch's global
generator).  Nothing here changes torch's or numpy's global state at import
or on a call otherwise: grad mode is set only inside ``with`` blocks, and the
module caches hold constants (dtype tables, feature checks, inf tensors).
"""

from .base import VERBS, torch, verb  # noqa: F401  (the package's API)


def load_all():
    """Import every k-api module so their verbs register; the verb table."""
    from . import (registry, attrs, tensor, module, loss, help, opt, step, clip,  # noqa: F401
                   schedule, dist, math_pointwise, math_reduce, model, train)
    return VERBS


def _guard(name, fn, reg):
    """``fn`` bound to registry ``reg`` (its first argument); a torch/Python
    exception escaping it becomes ktorch's error text."""
    import functools
    from ..errors import KError

    @functools.wraps(fn)
    def g(*args):
        try:
            return fn(reg, *args)
        except (RuntimeError, ValueError, TypeError, IndexError) as e:
            if isinstance(e, RecursionError):
                raise
            msg = str(e).strip().split("\n")[0] or type(e).__name__.lower()
            raise KError("%s: %s" % (name, msg)) from e
    return g


def install(interp):
    """Make every k-api verb visible to q code run by ``interp``."""
    from ..funcs import Builtin
    from .names import registry
    reg = registry(interp)
    for name, (fn, rank) in load_all().items():
        b = Builtin(name, _guard(name, interp.caps.guard(fn), reg), rank)
        b.interp = interp
        interp.builtins[name] = b
    return interp


def fns(interp):
    """The k dictionary of k-api verbs that ktorch's loader line
    ``{key[x]set'x;}(`ktorch 2:`fns,1)[]`` defines as globals."""
    from .. import values as V
    if not all(n in interp.builtins for n in VERBS):
        install(interp)
    names = sorted(VERBS)
    return V.KDict(V.syms(names), [interp.builtins[n] for n in names])
