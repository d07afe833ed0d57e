"""Shared plumbing of the optimizer classes: :class:`KOptimizer` for kapi's
own ``torch.optim.Optimizer`` subclasses, MXNet's checks and momentum buffer,
and :class:`_FastStep`, the faster CPU step of torch's own optimizers.

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

import importlib
import math

import torch
from torch.optim.optimizer import Optimizer, _get_scalar_dtype

from ...errors import KError
from ._work import dense_cpu, workspace


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


def run_closure(closure):
    """The loss ``closure()`` returns, computed with gradients on (None without one)."""
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


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

    filled = {}   # buffer name -> the group option whose value a new buffer is full of

    def _state_init(self, p, group, state):
        """A new parameter's buffers: by default those of ``filled``."""
        if not self.filled:   # pragma: no cover - a subclass gives one or the other
            raise NotImplementedError
        for name, option in self.filled.items():
            state[name] = torch.full_like(p, group[option], memory_format=torch.preserve_format)

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
        return run_closure(closure)

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


# --------------------------------------------------------------------------
# the faster CPU step of torch's own optimizers (adadelta, adamax, nadam,
# radam, rmsprop, rprop, adafactor): :class:`_FastStep`

_OFF = ("foreach", "capturable", "differentiable", "maximize", "fused")
_INF = {}


def _mod(name):
    return importlib.import_module("torch.optim." + name)


def _raw_step(cls):
    """``cls.step`` without the hook wrapper torch adds on first construction
    (our own wrapper already ran the hooks)."""
    f = cls.__dict__["step"]
    while getattr(f, "hooked", False) and hasattr(f, "__wrapped__"):
        f = f.__wrapped__
    return f


def _flat_all(p, ts):
    """Whether ``p`` and the tensors ``ts`` (None skipped) are contiguous,
    of ``p``'s dtype, shape and device: the pieces and fused kernels' case."""
    if not p.is_contiguous():
        return False
    for t in ts:
        if t is None:
            continue
        if t.dtype != p.dtype or t.shape != p.shape or t.device != p.device \
                or not t.is_contiguous():
            return False
    return True


def _sq(x):
    """Sum of squares of ``x`` (a float): BLAS dot, which also runs threaded."""
    x = x.reshape(-1)
    return torch.dot(x, x).item()


def _inf_step(device):
    """A 0-d step of +inf: the fused Adam kernel's bias corrections are then 1."""
    t = _INF.get(device)
    if t is None:
        t = _INF[device] = torch.tensor(float("inf"), device=device)
    return t


def _adam(w, g, m, v, step, lr, beta1, beta2, eps, wd=0.0, decoupled=False):
    """torch's fused Adam(W) kernel on one parameter (piece):
    ``m = lerp(m, g', 1-beta1); v = beta2*v + (1-beta2)*g'^2;
    w -= lr/(1-beta1^t) * m/(sqrt(v)/sqrt(1-beta2^t) + eps)`` with ``t`` the
    step tensor's value and ``g' = g + wd*w`` (decoupled: ``w *= 1-lr*wd`` first)."""
    f = torch._fused_adamw_ if decoupled else torch._fused_adam_
    f([w], [g], [m], [v], [], [step], lr=lr, beta1=beta1, beta2=beta2, weight_decay=wd,
      eps=eps, amsgrad=False, maximize=False)


class _FastStep:
    """Mixin: gather every group with torch's ``_init_group``, then either
    the fast update or torch's own step.

    On the CPU torch steps its optimizers with its per-tensor loop
    (``_single_tensor_<name>``): every operation of the update is a pass over
    the whole parameter and most allocate a temporary.  The subclasses (adadelta,
    adamax, nadam, radam, rmsprop, rprop, adafactor; a module each) keep
    torch's state (``_init_group`` is torch's own: same keys, dtypes, lazy
    creation), options and errors, and step each contiguous parameter a
    cache-sized piece at a time into a reusable scratch workspace
    (:mod:`._work`), with as few operations as the update allows:

    * adamax, rprop, adafactor: torch's operations in torch's order -- results
      bit for bit torch's (rprop's boolean-mask assignments become exact
      selections, see :class:`Rprop`);
    * radam (once rectified), rmsprop (without momentum and centering), nadam:
      torch's fused Adam kernel (``torch._fused_adam_``, one pass) with the
      learning rate, betas and eps rewritten so that its update is theirs (see
      each class);
    * adadelta: ``sqrt(a+eps)/sqrt(s+eps)`` as one ``rsqrt((s+eps)/(a+eps))``.

    The rewritten ones agree with torch to rounding (tests/kapi compare with
    torch's classes in float64 and float32).  The fast path is taken when every
    group is torch's default CPU configuration: ``foreach``, ``capturable``,
    ``differentiable`` and ``maximize`` off, a float ``lr``, and every parameter
    with a gradient a real floating point CPU tensor with a dense gradient of
    its dtype and shape.  Anything else (CUDA, complex parameters, sparse
    gradients, a tensor ``lr`` ...) is torch's own step, with its own errors;
    a non-contiguous parameter (or gradient, or state) is stepped by torch's
    per-tensor function."""

    _torch = None            # the torch class
    _nlists = 0              # how many lists its _init_group fills

    def _eligible(self):
        for g in self.param_groups:
            if any(g.get(k) for k in _OFF) or isinstance(g.get("lr"), torch.Tensor):
                return False
            if not dense_cpu(g["params"]):
                return False
        return True

    def _gather(self, group):
        lists = [[] for _ in range(self._nlists)]
        self._init_group(group, *lists)
        return lists

    @torch.no_grad()
    def step(self, closure=None):
        """One step, as torch's class; ``closure`` re-evaluates and returns the loss."""
        loss = run_closure(closure)
        if not self._eligible():
            _raw_step(self._torch)(self)
            return loss
        ws = workspace(self)
        for group in self.param_groups:
            lists = self._gather(group)
            if not lists[0]:
                continue
            rest = [[] for _ in lists]
            ctx = self._context(group)
            for row in zip(*lists):
                if _flat_all(row[0], self._states(row)):
                    self._fast(group, ctx, ws, *row)
                else:
                    for r, x in zip(rest, row):
                        r.append(x)
            if rest[0]:
                self._torch_single(group, rest)
        return loss

    def _context(self, group):
        return None

    def _states(self, row):
        """The tensors of a parameter's row that must share its layout."""
        return row[1:-1]
