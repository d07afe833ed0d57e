"""Optimizers for the k-api: the catalogue and kapi's own optimizer classes.

:mod:`.catalog` is the table every optimizer verb reads (names, torch
classes, k options in positional order, defaults, checks, state buffers);
each optimizer has a module named after it (:mod:`.adamw`, :mod:`.ftml`,
:mod:`.lamb` ...) with its catalogue row, its class and its fast path.
Importing this package does not import torch; the classes are resolved on
first use.
"""

from .catalog import (CATALOG, Buffer, Option, Spec, buf, buffer_items, buffer_name,
                      buffers, check_positional, defaults, from_torch, get, help_table,
                      katom, kvalue, names, opt, options, register, resolve, setting,
                      settings, state_counts, to_torch, torch_key, torch_state, validate)
# one module per optimizer: importing it registers its catalogue row (not torch)
from . import (adadelta, adafactor, adagrad, adagradm, adam, adamax, adamw,  # noqa: E402,F401
               asgd, dcasgd, ftml, ftrl, lamb, laprop, lars, lbfgs, nadam, nag, radam,
               rmsprop, rprop, sgd, sgld, signum, sophia, sparseadam, sparseadamw)

# kapi's own optimizers (not torch.optim's), in registration order
OWN = ("ftrl", "laprop", "adagradm", "sophia", "lars", "signum", "sgld", "dcasgd", "ftml", "nag",
       "sparseadamw")

# torch.optim's optimizers beyond ktorch's seven (adafactor when torch has it)
TORCH_OTHERS = tuple(n for n in ("adadelta", "adamax", "nadam", "radam", "asgd", "rprop",
                                 "sparseadam", "adafactor") if n in CATALOG)

__all__ = ["CATALOG", "Buffer", "Option", "Spec", "buf", "buffer_items", "buffer_name",
           "buffers", "check_positional", "defaults", "from_torch", "get", "help_table",
           "katom", "kvalue", "names", "opt", "options", "register", "resolve", "setting",
           "settings", "state_counts", "to_torch", "torch_key", "torch_state", "validate",
           "Lamb", "create", "OWN", "TORCH_OTHERS"]


def __getattr__(name):
    if name == "Lamb":
        from .lamb import Lamb
        return Lamb
    raise AttributeError(name)


def create(name, params, kopts=None, check=True):
    """A torch optimizer ``name`` over ``params`` (tensors or param-group
    dicts) with k options ``kopts`` (k name -> value); the options become the
    optimizer's defaults, as ktorch's creation options do."""
    spec = get(name)
    return spec.cls(params, **to_torch(name, kopts, check=check))
