"""Optimizers for the k-api: the catalogue and kapi's own optimizer classes.

:mod:`.catalog` is the table every optimizer verb reads (names, torch
classes, k options in positional order, defaults, checks, state buffers);
:mod:`.lamb` is ktorch's LAMB as a ``torch.optim.Optimizer``.  Importing this
package does not import torch; the classes are resolved on first use.
"""

from .catalog import (CATALOG, Buffer, Option, Spec, buf, buffer_items, buffer_name,
                      buffers, check_positional, defaults, from_torch, get, help_table,
                      katom, kvalue, names, opt, options, register, resolve, setting,
                      settings, state_counts, to_torch, torch_key, torch_state, validate)
# one module per optimizer: importing it registers its catalogue row (not torch)
from . import (adagradm, dcasgd, ftml, ftrl, lamb, laprop, lars, nag,  # noqa: E402,F401
               sgld, signum, sophia, sparseadamw, torch_extra)

# kapi's own optimizers (not torch.optim's), in registration order
OWN = ("ftrl", "laprop", "adagradm", "sophia", "lars", "signum", "sgld", "dcasgd", "ftml", "nag",
       "sparseadamw")

__all__ = ["CATALOG", "Buffer", "Option", "Spec", "buf", "buffer_items", "buffer_name",
           "buffers", "check_positional", "defaults", "from_torch", "get", "help_table",
           "katom", "kvalue", "names", "opt", "options", "register", "resolve", "setting",
           "settings", "state_counts", "to_torch", "torch_key", "torch_state", "validate",
           "Lamb", "create", "OWN"]


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
