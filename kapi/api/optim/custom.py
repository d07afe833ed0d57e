"""Custom optimizers from Python: :func:`register_optimizer`.

One call puts a ``torch.optim.Optimizer`` subclass in the optimizer
catalogue, after which ``opt`name`` (positional and name-value options,
parameter groups), ``step``, ``lr``, ``help`optimizer``, ``help`name``,
``opt o``, ``state o`` and restore ``opt(state;module)`` all work for it::

    import torch, kapi

    class Sign(torch.optim.Optimizer):
        def __init__(self, params, lr=0.01, momentum=0.0):
            super().__init__(params, dict(lr=lr, momentum=momentum))

        @torch.no_grad()
        def step(self, closure=None):
            for g in self.param_groups:
                for p in g["params"]:
                    if p.grad is None:
                        continue
                    st = self.state[p]
                    m = st.setdefault("m", torch.zeros_like(p))
                    m.mul_(g["momentum"]).add_(p.grad)
                    p.add_(m.sign(), alpha=-g["lr"])

    kapi.register_optimizer("sign", Sign,
                            options=[("lr", "lr", 0.01), ("momentum", "momentum", 0.0)],
                            help="sign descent with momentum")

The per-parameter state (what ``state o`` lists and restore puts back) is
found by stepping the optimizer once on a small parameter, unless given with
``buffers=``.  Optimizers whose ``step`` needs a closure (``closure=True``, or
a ``step(self, closure)`` without a default) are refused by ``step o`` with a
clear error and stepped with ``step(o;f)``.
"""

import inspect

from ...errors import KError
from . import catalog as C

#: optimizers whose step needs a closure (besides those detected from ``step``)
CLOSURE = {"lbfgs", "sophia"}
#: names registered through :func:`register_optimizer` (may be replaced)
CUSTOM = set()


def needs_closure(name):
    """True if optimizer ``name`` can only be stepped with a closure: listed
    in :data:`CLOSURE`, the class says ``requires_closure = True``, or its
    ``step`` takes a ``closure`` argument without a default."""
    if name in CLOSURE:
        return True
    try:
        cls = C.get(name).cls
    except Exception:
        return False
    hit = _CLOSURE_CACHE.get(cls)
    if hit is None:
        hit = _CLOSURE_CACHE[cls] = _class_needs_closure(cls)
    return hit


_CLOSURE_CACHE = {}  # class -> bool (inspect.signature costs ~8 us per step)


def _class_needs_closure(cls):
    if getattr(cls, "requires_closure", False):
        return True
    try:
        p = inspect.signature(cls.step).parameters.get("closure")
    except (TypeError, ValueError):
        return False
    return p is not None and p.default is inspect.Parameter.empty


def _kind(key, v):
    import torch
    if isinstance(v, torch.Tensor):
        if v.dim() == 0 and key == "step" and v.is_floating_point():
            return "step"
        return "tensor"
    if isinstance(v, bool):
        raise ValueError("state %r: boolean state is not supported" % key)
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "float"
    if isinstance(v, (list, tuple)) and all(isinstance(e, torch.Tensor) for e in v):
        return "tensors"
    raise ValueError("state %r: cannot save a %s" % (key, type(v).__name__))


def probe_buffers(cls, kwargs, closure=False):
    """The per-parameter state rows of ``cls``: step it once (twice, to see
    state created on later steps) on a 4-element parameter with a gradient."""
    import torch
    p = torch.nn.Parameter(torch.linspace(-1.0, 1.0, 4))
    o = cls([p], **kwargs)

    def f():
        o.zero_grad()
        loss = (p * p).sum() + p.sum()
        loss.backward()
        return loss

    for _ in range(2):
        if closure:
            o.step(f)
        else:
            f()
            o.step()
    st = o.state.get(p, {})
    return tuple(C.buf(k, k, _kind(k, v)) for k, v in st.items())


def register_optimizer(name, cls=None, options=(), help="", buffers=None, closure=None,
                       pytorch=None, replace=False):
    """Register ``cls`` (a ``torch.optim.Optimizer`` subclass) as k optimizer ``name``.

    ``options``: rows ``(kname, torch_kwarg, default[, ktype])`` in k's
    positional order; the first must be ``lr``.  The k type (``float``,
    ``long``, ``bool``, ``symbol``) follows the default (a float default
    takes a long or double in k); ``torch_kwarg`` may be ``("betas", 0)`` for
    one element of a tuple keyword.  ``help``: a one-line description.
    ``buffers``: the per-parameter state as torch state keys or
    :func:`kapi.api.optim.catalog.buf` rows (default: found by a trial step).
    ``closure``: ``step`` needs a closure (default: from ``cls.step``'s signature).
    ``pytorch``: the class name ``help`optimizer`` shows (default: ``cls``'s).
    A name already in the catalogue is refused unless it was registered by
    this function or ``replace`` is true.  Without ``cls``, returns a class
    decorator.  Returns the catalogue :class:`~kapi.api.optim.catalog.Spec`.
    """
    if cls is None:
        def deco(c):
            register_optimizer(name, c, options=options, help=help, buffers=buffers,
                               closure=closure, pytorch=pytorch, replace=replace)
            return c
        return deco
    import torch
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError("optimizer name must be an identifier, given %r" % (name,))
    if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)):
        raise TypeError("%s: expecting a torch.optim.Optimizer subclass, given %r" % (name, cls))
    if name in C.CATALOG and name not in CUSTOM and not replace:
        raise ValueError("optimizer %s is already defined (use replace=True to replace it)" % name)
    rows = []
    for o in options:
        if isinstance(o, C.Option):
            rows.append(o)
            continue
        o = tuple(o)
        if len(o) not in (3, 4):
            raise ValueError("%s: option rows are (kname, torch_kwarg, default[, ktype]), given %r"
                             % (name, o))
        kn, tk, d = o[:3]
        kt = o[3] if len(o) == 4 else C._ktype_of(d)
        if kt == "float" and d is not None:
            d = float(d)
        rows.append(C.opt(kn, tk, d, kt, show="always" if kn == "lr" else "default"))
    # build the row without registering it, so that a failure leaves the catalogue alone
    spec = C.Spec(name, cls, rows, help=help, buffers=(), pytorch=pytorch or
                  "%s.%s" % (cls.__module__, cls.__qualname__))
    kw = {}
    vals = {o.name: o.default for o in spec.options}
    for o in spec.options:
        if isinstance(o.torch, tuple):
            kw.setdefault(o.torch[0], {})[o.torch[1]] = vals[o.name]
        else:
            kw[o.torch] = vals[o.name]
    kw = {k: (tuple(v[i] for i in range(len(v))) if isinstance(v, dict) else v) for k, v in kw.items()}
    if closure is None:
        closure = "closure" in inspect.signature(cls.step).parameters and \
            inspect.signature(cls.step).parameters["closure"].default is inspect.Parameter.empty
    if buffers is None:
        try:
            buffers = probe_buffers(cls, kw, closure)
        except Exception as e:
            raise ValueError("%s: could not find the optimizer's state by a trial step (%s); "
                             "give buffers=" % (name, e)) from e
    spec = C.register(name, cls, rows, help=help, buffers=buffers, pytorch=spec.pytorch)
    CUSTOM.add(name)
    if closure:
        CLOSURE.add(name)
    else:
        CLOSURE.discard(name)
    return spec


def unregister_optimizer(name):
    """Remove an optimizer added by :func:`register_optimizer`."""
    if name not in CUSTOM:
        raise KError("unregister: %s was not registered by register_optimizer" % name)
    C.CATALOG.pop(name, None)
    CUSTOM.discard(name)
    CLOSURE.discard(name)
