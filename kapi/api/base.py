"""The bottom of the k-api: the verb table every k-api module registers into
(:func:`verb`) and torch, imported on first use (:func:`torch`).  It imports
nothing from kapi, so every module of kapi/api can use it without a cycle.
"""

VERBS = {}          # name -> (fn, rank)


def verb(name, rank=1):
    """Register ``fn`` as the k-api verb ``name`` taking ``rank`` arguments
    (written ``fn(reg, x, ...)``: it is given its interpreter's registry)."""
    def add(fn):
        VERBS[name] = (fn, rank)
        return fn
    return add


_TORCH = None


def torch():
    """The torch module, imported on first use."""
    global _TORCH
    if _TORCH is None:
        import torch as t
        _TORCH = t
    return _TORCH
