"""Fused CPU kernels for torch's own optimizers.

On CPU, ``torch.optim.Adam`` / ``AdamW`` / ``SGD`` / ``Adagrad`` default to
their per-tensor loop: a handful of tensor operations per parameter, each a
pass over memory and a Python round trip.  Each also has a *fused* kernel
(one pass over each parameter and its state, one call for the whole group)
that is off unless asked for.  :func:`step` (used by the ``step`` verb) turns
it on, for the length of one step, in each group that qualifies:

* every parameter with a gradient is a floating point tensor on the CPU,
* no gradient is sparse (sgd and adagrad accept sparse gradients; the fused
  kernels do not),
* the group is not ``differentiable`` and has not chosen ``foreach``.

A group that does not qualify steps as before (torch's default choice), so
the rule changes speed only; the groups' ``fused`` settings are put back
after the step, so options, ``state`` and a failing step see the groups as
they were.  The fused kernels compute the same update; results agree with
the loop to float rounding (tests/kapi compare with torch's default
implementation).  On CUDA torch already picks its multi-tensor path.
"""

import torch


def _classes():
    from .catalog import get
    return tuple({torch.optim.Adam, torch.optim.AdamW, torch.optim.SGD, get("adagrad").cls})


_FUSABLE = None


def _fusable(group):
    if group.get("differentiable") or group.get("foreach") or group.get("fused") is not None:
        return False
    for p in group["params"]:
        g = p.grad
        if g is None:
            continue
        if g.is_sparse or p.device.type != "cpu" or not p.is_floating_point():
            return False
    return True


def step(opt, closure=None):
    """``opt.step(closure)``, with torch's fused CPU kernel for the groups
    that qualify when ``opt`` is one of torch's Adam, AdamW, SGD or kapi's
    Adagrad (exact class: a subclass may change the update)."""
    global _FUSABLE
    if _FUSABLE is None:
        _FUSABLE = _classes()
    if type(opt) not in _FUSABLE:
        return opt.step(closure)
    saved = [g for g in opt.param_groups if _fusable(g)]
    for g in saved:
        g["fused"] = True
    try:
        return opt.step(closure)
    finally:
        for g in saved:
            g["fused"] = None
