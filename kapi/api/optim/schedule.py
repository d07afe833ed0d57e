"""Learning-rate schedules attached to an optimizer's parameter groups.

A schedule belongs to one parameter group.  It is either

* a k function of the step, ``{[n] ...}`` or ``{[n;lr0] ...}``, returning the
  group's learning rate for step ``n`` (``n`` = optimizer updates applied
  since the schedule was attached; ``lr0`` the group's rate when attached), or
* a named schedule from :data:`SCHEDULES`, each one a
  ``torch.optim.lr_scheduler`` class driven exactly as torch drives it.

A named schedule runs the torch scheduler on a private one-group *proxy*
optimizer: before each scheduler step the real group's ``lr`` (and momentum,
for one-cycle) is copied into the proxy, after it the new values are copied
back.  The rates are therefore those of the torch scheduler attached to the
torch optimizer directly, including the chainable (recursive) forms that
continue from a rate set by hand with ``lr(o;r)``.

State for save/restore is the definition (kind, options, base rate) and the
step count; :meth:`Schedule.restore` rebuilds the scheduler and moves it to
that step without replaying it (the torch schedulers' ``get_lr`` depends only
on ``last_epoch``, the base rates, the constructor arguments and the group's
current ``lr``, which the options table restores).
"""

import math
import warnings
from collections import namedtuple

import numpy as np

from ...errors import KError
from .catalog import katom as catalog_katom

SOpt = namedtuple("SOpt", "name torch default ktype")
SOpt.__doc__ = """A schedule option: k name, torch keyword, default (None = required), k type
(``float`` long-or-double, ``long``, ``longs`` long list, ``bool``, ``symbol``)."""

SSpec = namedtuple("SSpec", "name cls options help momentum")

SCHEDULES = {}


def register_schedule(name, cls, options, help="", momentum=False):
    """Add a named schedule: ``cls`` a ``torch.optim.lr_scheduler`` class (or
    its attribute name there), ``options`` :class:`SOpt` rows or tuples in
    positional order; ``momentum``: the scheduler also sets momentum/beta1."""
    rows = tuple(o if isinstance(o, SOpt) else SOpt(*o) for o in options)
    SCHEDULES[name] = SSpec(name, cls, rows, help, momentum)
    return SCHEDULES[name]


register_schedule("constant", "ConstantLR",
                  (("factor", "factor", 1.0 / 3, "float"), ("iters", "total_iters", 5, "long")),
                  "lr*factor for the first iters steps, then lr (ConstantLR)")
register_schedule("linear", "LinearLR",
                  (("start", "start_factor", 1.0 / 3, "float"), ("end", "end_factor", 1.0, "float"),
                   ("iters", "total_iters", 5, "long")),
                  "linear warmup/decay: factor from start to end over iters steps (LinearLR)")
register_schedule("step", "StepLR",
                  (("size", "step_size", None, "long"), ("gamma", "gamma", 0.1, "float")),
                  "lr*gamma every size steps (StepLR)")
register_schedule("multistep", "MultiStepLR",
                  (("milestones", "milestones", None, "longs"), ("gamma", "gamma", 0.1, "float")),
                  "lr*gamma at each milestone step (MultiStepLR)")
register_schedule("exponential", "ExponentialLR",
                  (("gamma", "gamma", None, "float"),),
                  "lr*gamma each step (ExponentialLR)")
register_schedule("polynomial", "PolynomialLR",
                  (("iters", "total_iters", 5, "long"), ("power", "power", 1.0, "float")),
                  "polynomial decay to 0 over iters steps (PolynomialLR)")
register_schedule("cosine", "CosineAnnealingLR",
                  (("tmax", "T_max", None, "long"), ("min", "eta_min", 0.0, "float")),
                  "cosine annealing from lr to min over tmax steps (CosineAnnealingLR)")
register_schedule("restarts", "CosineAnnealingWarmRestarts",
                  (("t0", "T_0", None, "long"), ("tmult", "T_mult", 1, "long"),
                   ("min", "eta_min", 0.0, "float")),
                  "cosine annealing with warm restarts (CosineAnnealingWarmRestarts)")
register_schedule("onecycle", "OneCycleLR",
                  (("maxlr", "max_lr", None, "float"), ("total", "total_steps", None, "long"),
                   ("pct", "pct_start", 0.3, "float"), ("anneal", "anneal_strategy", "cos", "symbol"),
                   ("cyclemom", "cycle_momentum", True, "bool"),
                   ("basemom", "base_momentum", 0.85, "float"),
                   ("maxmom", "max_momentum", 0.95, "float"),
                   ("div", "div_factor", 25.0, "float"), ("finaldiv", "final_div_factor", 1e4, "float"),
                   ("threephase", "three_phase", False, "bool")),
                  "one-cycle policy (OneCycleLR); cycles momentum/beta1 unless cyclemom is 0b",
                  momentum=True)


def _kname(reg, x):
    from ..registry import kname
    return kname(reg, x)


def get(name):
    s = SCHEDULES.get(name) if isinstance(name, str) else None
    if s is None:
        raise KError("schedule: unrecognized schedule `%s, expecting one of: %s"
                     % (name, " ".join(sorted(SCHEDULES))))
    return s


def kvalue(reg, spec, key, x):
    """Python value of k atom/list ``x`` for option ``key`` of schedule ``spec``."""
    o = next((r for r in spec.options if r.name == key), None)
    if o is None:
        raise KError("schedule: %s option `%s not recognized, expecting one of: %s"
                     % (spec.name, key, " ".join(r.name for r in spec.options)))
    t = o.ktype
    ints = (np.int16, np.int32, np.int64)
    if t == "float" and isinstance(x, (np.float64,) + ints):
        return float(x)
    if t == "long" and isinstance(x, ints):
        return int(x)
    if t == "bool" and isinstance(x, np.bool_):
        return bool(x)
    if t == "symbol" and isinstance(x, str):
        return x
    if t == "longs":
        if isinstance(x, ints):
            return [int(x)]
        if type(x) is np.ndarray and x.dtype.kind == "i":
            return [int(i) for i in x]
        if type(x) is list and not x:
            return []
    want = {"float": "long/double scalar", "long": "long scalar", "bool": "boolean scalar",
            "symbol": "symbol", "longs": "long list"}[t]
    raise KError("schedule: %s %s expected %s, given %s" % (spec.name, key, want, _kname(reg, x)))


def katom(o, v):
    """Option value ``v`` as the k atom ``schedule`` shows for option row ``o``."""
    if o.ktype == "longs":
        return np.array(v or [], dtype=np.int64)
    return catalog_katom(o, v)


def resolve(spec, kopts):
    """Full option dict (defaults overlaid), checking required options."""
    vals = {o.name: o.default for o in spec.options}
    vals.update(kopts)
    for o in spec.options:
        if vals[o.name] is None:
            raise KError("schedule: %s requires option `%s" % (spec.name, o.name))
    return vals


def _cls(spec):
    import torch.optim.lr_scheduler as L
    return getattr(L, spec.cls) if isinstance(spec.cls, str) else spec.cls


# --------------------------------------------------------------------------
# the schedule of one group

class Schedule:
    """One group's schedule: ``kind`` (a schedule name or ``function``),
    ``opts`` (full option dict, or the k function), ``base`` (the group's lr
    when attached), ``n`` (updates applied since), ``done`` (a schedule that
    ran past its end, e.g. onecycle after ``total`` steps: the rate holds)."""

    __slots__ = ("kind", "opts", "base", "n", "done", "_sched", "_proxy", "_use_beta")

    def __init__(self, kind, opts, base):
        self.kind, self.opts, self.base = kind, opts, float(base)
        self.n, self.done = 0, False
        self._sched = self._proxy = None
        self._use_beta = False

    # -- construction

    @classmethod
    def build(cls, kind, opts, group):
        """A new schedule for torch param group ``group`` (not changed) and the
        group values it sets at step 0: ``(schedule, {key: value})``."""
        s = cls(kind, opts, float(group["lr"]))
        return s, s._start(group)

    def _start(self, group):
        if self.kind == "function":
            return {"lr": self._fn(0)}
        return self._make(group, self.base)

    def _make(self, group, lr):
        import torch
        spec = get(self.kind)
        kw = {o.torch: self.opts[o.name] for o in spec.options}
        p = torch.zeros(1, requires_grad=True)
        proxy = torch.optim.SGD([p], lr=lr, momentum=0.0)
        self._use_beta = False
        if spec.momentum and kw.get("cycle_momentum"):
            if "betas" in group:
                proxy.defaults["betas"] = tuple(group["betas"])
                proxy.param_groups[0]["betas"] = tuple(group["betas"])
                del proxy.defaults["momentum"]
                self._use_beta = True
            elif "momentum" not in group:
                raise KError("schedule: optimizer must support momentum or beta1 with "
                             "onecycle's cyclemom")
            else:
                proxy.param_groups[0]["momentum"] = group["momentum"]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._sched = _cls(spec)(proxy, **kw)
        except (ValueError, TypeError, ZeroDivisionError) as e:
            raise KError("schedule: %s: %s" % (self.kind, str(e).split("\n")[0])) from None
        self._proxy = proxy
        return self._values()

    def _values(self):
        g = self._proxy.param_groups[0]
        out = {"lr": float(g["lr"])}
        if self._sched is not None and getattr(self._sched, "cycle_momentum", False):
            if self._use_beta:
                out["beta1"] = g["betas"][0]
            else:
                out["momentum"] = g["momentum"]
        return out

    def _fn(self, n):
        from ...funcs import call
        f = self.opts
        args = [np.int64(n), np.float64(self.base)] if getattr(f, "rank", 1) >= 2 else [np.int64(n)]
        r = call(f, args)
        if isinstance(r, (np.float64, np.float32, np.int64, np.int32, np.int16)) and \
                math.isfinite(float(r)):
            return float(r)
        raise KError("schedule: function returned %s for step %d, expected a finite number"
                     % (_kname(None, r), n))

    # -- stepping

    def peek(self):
        """A function schedule's rate for the next step (nothing changes)."""
        return self._fn(self.n + 1) if self.kind == "function" and not self.done else None

    def advance(self, group, pre=None):
        """Step the schedule and set the group's values (``pre``: the rate
        :meth:`peek` computed for a function schedule)."""
        if self.done:
            return
        if self.kind == "function":
            group["lr"] = self._fn(self.n + 1) if pre is None else pre
            self.n += 1
            return
        sc, g = self._sched, self._proxy.param_groups[0]
        saved = dict(sc.__dict__), dict(g)
        g["lr"] = group["lr"]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sc.step()
        except (ValueError, ZeroDivisionError, IndexError):
            sc.__dict__.clear()
            sc.__dict__.update(saved[0])
            g.clear()
            g.update(saved[1])
            self.done = True
            return
        self.n += 1
        apply(group, self._values())

    # -- copies and restore

    def restore(self, group, n, done=False):
        """Rebuild at step ``n`` for a group whose current values are restored."""
        if self.kind != "function":
            self._make(group, self.base)
            sc = self._sched
            sc.last_epoch = n
            sc._step_count = n + 1
            sc._last_lr = [float(group["lr"])]
            if self.kind == "restarts":
                # CosineAnnealingWarmRestarts keeps its position in the cycle
                t, ti = n, sc.T_0
                if sc.T_mult == 1:
                    t = n % sc.T_0
                else:
                    while t >= ti:
                        t, ti = t - ti, ti * sc.T_mult
                sc.T_cur, sc.T_i = t, ti
        self.n, self.done = int(n), bool(done)
        return self

    def clone(self, group):
        s = Schedule(self.kind, self.opts if self.kind == "function" else dict(self.opts), self.base)
        return s.restore(group, self.n, self.done)

    def kopts(self):
        """The options as k: the function, or a dictionary of every option."""
        from ... import values as V
        from ...values import KDict
        if self.kind == "function":
            return self.opts
        spec = get(self.kind)
        return KDict(V.syms([o.name for o in spec.options]),
                     [katom(o, self.opts[o.name]) for o in spec.options])


def apply(group, vals):
    """Set schedule values (lr, momentum, beta1) on a torch param group."""
    for k, v in vals.items():
        if k == "beta1":
            b = tuple(group["betas"])
            group["betas"] = (v,) + b[1:]
        else:
            group[k] = v


# --------------------------------------------------------------------------
# parsing: schedule(o;spec) arguments

def parse(reg, x, pairs):
    """``(kind, opts)`` from a k schedule argument: a k function, a symbol, or
    a list ``(`name; positional..; [name-value pairs])``.  ``pairs`` is the
    name-value parser of :mod:`kapi.api.optargs` (``(reg, x) -> [(name, value)] or None``)."""
    from ... import values as V
    if isinstance(x, V.KFunc):
        r = getattr(x, "rank", 1)
        if r not in (1, 2):
            raise KError("schedule: function of the step expected to take 1 or 2 args, given rank %d" % r)
        return "function", x
    if isinstance(x, str):
        name, rest = x, []
    elif type(x) is list and x and isinstance(x[0], str):
        name, rest = x[0], list(x[1:])
    elif type(x) is np.ndarray and x.dtype == object and len(x) and isinstance(x[0], str):
        name, rest = x[0], list(x[1:])
    else:
        raise KError("schedule: expecting a function of the step, a schedule name or "
                     "(name;options..), given " + _kname(reg, x))
    spec = get(name)
    kv = pairs(reg, rest[-1]) if rest else None
    if kv is not None:
        rest = rest[:-1]
    if len(rest) > len(spec.options):
        raise KError("schedule: %s expects up to %d positional options, %d given"
                     % (name, len(spec.options), len(rest)))
    opts = {}
    for o, v in zip(spec.options, rest):
        opts[o.name] = kvalue(reg, spec, o.name, v)
    for k, v in kv or []:
        opts[k] = kvalue(reg, spec, k, v)
    return name, resolve(spec, opts)


def from_k(reg, kind, kopts):
    """``(kind, opts)`` from the ``schedule``/``options`` of a saved row."""
    from ...values import KDict
    if kind == "function":
        return parse(reg, kopts, lambda v: None)
    spec = get(kind)
    if not isinstance(kopts, KDict):
        raise KError("schedule: options of a %s schedule expected as dictionary, given %s"
                     % (kind, _kname(reg, kopts)))
    from ... import values as V
    keys = [str(k) for k in kopts.keys]
    vals = V.items(kopts.values) if type(kopts.values) is not list else kopts.values
    opts = {}
    for k, v in zip(keys, vals):
        if type(v) is np.ndarray and v.ndim == 0:
            v = v[()]
        opts[k] = kvalue(reg, spec, k, v)
    return kind, resolve(spec, opts)

