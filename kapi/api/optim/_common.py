"""Shared plumbing for kapi's own ``torch.optim.Optimizer`` subclasses.

:class:`KOptimizer` is the skeleton every new optimizer in this package
(ftrl, laprop, adagradm, sophia, lars, signum, sgld, dcasgd, ftml, nag,
sparseadamw) builds on: option checks with libtorch's texts, a ``foreach``
flag (``None``: the multi-tensor path whenever a group steps more than one
parameter, as :class:`~kapi.api.optim.lamb.Lamb`), lazily created per
parameter state with a 0-d ``step`` tensor (torch's convention, so
``load_state_dict`` leaves it alone), and a ``step(closure)`` that runs the
closure with gradients enabled.

A subclass gives ``_state_init(p, group, state)`` (the buffers of a new parameter)
and ``_update(group, params, grads, states, foreach)``, and may give
``_fast(group, params, grads, states, ws)``: the CPU update of contiguous
dense parameters a cache-sized piece at a time with scratch from the
optimizer's workspace (:mod:`._work`), taken when the group's ``foreach``
is unset (the default); ``foreach`` true or false asks for the multi-tensor
or the per-tensor path.
"""

import math

import torch
from torch.optim.optimizer import Optimizer, _get_scalar_dtype

from ...errors import KError
from ._work import workspace


def num(x):
    return "%g" % x


def check(ok, text, value):
    if not ok:
        raise ValueError("%s: %s" % (text, num(value)))


def use_foreach(flag, n):
    return n > 1 if flag is None else bool(flag)


def step_tensor():
    return torch.tensor(0.0, dtype=_get_scalar_dtype())


def unset(x):
    """An optional float option: ``None`` or NaN (k's ``0n``) means unset."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def grouped(tensorlists):
    """``[(lists, indices)]`` grouped by device and dtype (torch's helper)."""
    return [v for v in Optimizer._group_tensors_by_device_and_dtype(tensorlists).values()]


def _lr_decay_checks(lr, wd):
    check(lr >= 0, "Invalid learning rate", lr)
    check(wd >= 0, "Invalid weight_decay value", wd)


def _mom(state, p):
    """The parameter's ``momentum`` buffer, made (zeros) on first use (MXNet's optimizers)."""
    m = state.get("momentum")
    if m is None:
        m = state["momentum"] = torch.zeros_like(p, memory_format=torch.preserve_format)
    return m


class KOptimizer(Optimizer):
    """Base class: see the module docstring."""

    kname = "optimizer"           # the catalogue name, for error texts
    sparse_ok = False             # whether sparse gradients are accepted

    def __init__(self, params, defaults, foreach=None):
        defaults = dict(defaults, foreach=foreach)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)

    # --- subclass interface ------------------------------------------------

    def _state_init(self, p, group, state):   # pragma: no cover - abstract
        raise NotImplementedError

    def _update(self, group, params, grads, states, foreach):  # pragma: no cover
        raise NotImplementedError

    # --- machinery ---------------------------------------------------------

    def _init_group(self, group):
        params, grads, states = [], [], []
        for p in group["params"]:
            if p.grad is None:
                continue
            if p.grad.is_sparse and not self.sparse_ok:
                raise KError("%s: sparse gradients not implemented" % self.kname)
            state = self.state[p]
            if len(state) == 0:
                state["step"] = step_tensor()
                self._state_init(p, group, state)
            params.append(p)
            grads.append(p.grad)
            states.append(state)
        return params, grads, states

    def _run_closure(self, closure):
        if closure is None:
            return None
        with torch.enable_grad():
            return closure()

    _fast = None      # subclass: _fast(group, params, grads, states, ws), the CPU path

    def _runs(self, group, params, grads, states):
        """``[(fast, params, grads, states)]``: the group's parameters in
        order, in runs that the fast CPU path steps (fast true: a contiguous
        real floating point CPU parameter, a dense gradient and state tensors
        of its dtype and layout; only when the group's ``foreach`` is unset)
        or the general one (in order: sgld draws its noise in group order)."""
        ok = self._fast is not None and group["foreach"] is None
        runs = []
        for p, g, st in zip(params, grads, states):
            f = ok and _flat(p, g, st)
            if not runs or runs[-1][0] != f:
                runs.append((f, [], [], []))
            runs[-1][1].append(p)
            runs[-1][2].append(g)
            runs[-1][3].append(st)
        return runs

    @torch.no_grad()
    def step(self, closure=None):
        """One step; ``closure`` re-evaluates the loss (and gradients) and returns it."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            params, grads, states = self._init_group(group)
            if not params:
                continue
            for fast, params, grads, states in self._runs(group, params, grads, states):
                if fast:
                    self._fast(group, params, grads, states, workspace(self))
                    continue
                dense = not any(g.is_sparse for g in grads)
                fe = dense and use_foreach(group["foreach"], len(params))
                self._update(group, params, grads, states, fe)
        return loss


def _flat(p, g, st):
    """The fast path's case: a contiguous real floating point CPU parameter,
    a dense gradient and state tensors of its dtype, shape and layout."""
    if p.device.type != "cpu" or not p.is_floating_point() or not p.is_contiguous():
        return False
    if g.is_sparse or g.dtype != p.dtype or g.shape != p.shape or not g.is_contiguous():
        return False
    for k, v in st.items():
        if k == "step" or not isinstance(v, torch.Tensor):
            continue
        if v.dtype != p.dtype or v.shape != p.shape or v.device != p.device \
                or not v.is_contiguous():
            return False
    return True
