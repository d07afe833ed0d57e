"""The optimizer catalogue: the row type, the registry and its lookups.

Every optimizer verb reads this table: ``opt`` (option parsing, positional
order, type checks, the torch class and its keywords), ``opt o`` / ``state``
(k option values back from a torch param group, buffer names), ``help``
(the option table) and restore.  Adding an optimizer is one :func:`register`
call; each built-in optimizer has its own module in this package (named
after its k name: ``adamw.py``, ``ftml.py`` ...) holding its row, its class
and its fast path, and registers the row when imported (without importing
torch: a class is built on first use, :func:`lazy`).

The catalogue is global to the process on purpose, as in ktorch (one
process, one torch): an optimizer kind is code, a class and its option rows,
like an imported module, so ``kapi.register_optimizer`` makes it known to
every interpreter; optimizer objects themselves live in one interpreter's
registry.

An option row is ``(k name, torch keyword, default, k type, check)``:

* *k type* is what the k parser accepts: ``float`` (ktorch's "num": a long or
  float scalar, stored and shown as a float), ``long``, ``bool`` or
  ``symbol``.  A ``None`` default means "unset" (shown as ``0N`` / a null
  symbol by ``help``).
* a torch keyword may be ``("betas", 0)``: the option is element 0 of a
  tuple-valued keyword (``beta1``/``beta2`` -> ``betas``).
* *check* is ``(predicate, text)``: the libtorch constructor check; a failing
  value raises ``'<text>: <value>``.  All checks run when an optimizer is
  created; a group edit (``opt(o;g;..)``) or ``lr(o;r)`` runs the checks of
  the options it sets (:func:`validate_given`), so it refuses what ``opt``
  refuses, with the same text (ktorch leaves edits unchecked; a nan or
  negative rate there only ever ruins the parameters).

Values cross this module as plain Python (``float``, ``int``, ``bool``,
``str``/``None``); :func:`kvalue` turns a k atom into one with ktorch's type
errors and :func:`katom` turns one back into a k atom.

Departures from ktorch at HEAD, on purpose:

* adagrad steps: its state is created lazily, with the *group's* ``init``
  (ktorch's libtorch Adagrad asserts on parameters added after construction;
  torch.optim.Adagrad creates state lazily but from the optimizer defaults,
  so :class:`~kapi.api.optim.adagrad.Adagrad` reads the group's value instead).
* state buffers round-trip under the names ``state`` writes (``momentum`` for
  rmsprop, ``h_diag``/``prev_flag_grad`` for lbfgs); the names ktorch's
  restore expects are accepted as aliases.
* ``help`lbfgs`` shows ``search`` as unset, not ktorch's ```strong_wolf``
  (a typo that is not a valid value).
"""

import importlib
import threading
from collections import namedtuple

import numpy as np

from ...errors import KError

KTYPES = ("float", "long", "bool", "symbol")

Option = namedtuple("Option", "name torch default ktype check nullable derive show")
Option.__doc__ = """One option: k name, torch keyword, default, k type, check.

``nullable``: a null (``0N``) is accepted and means unset; ``derive``: a
function of the other options giving the value when unset (lbfgs ``eval``);
``show``: when ``opt o`` lists it -- ``always`` (``lr``), ``default`` (all
options, or the value differs from the default), ``set`` (only when set)."""

Buffer = namedtuple("Buffer", "name torch kind always aliases")
Buffer.__doc__ = """One per-parameter state buffer: ktorch name, torch state key, kind.

kind: ``step`` (a long in k, a 0-d float tensor in torch), ``long``/``float``
(k scalars; ints/floats or 0-d tensors in torch), ``tensor``, ``tensors``
(a list of tensors, lbfgs' deques).  ``always``: listed (as ``::``) even
when the torch state lacks it.  ``aliases``: other k names accepted on restore."""


def opt(name, torch, default, ktype="float", check=None, nullable=False,
        derive=None, show="default"):
    """Build an :class:`Option` row."""
    if ktype not in KTYPES:
        raise ValueError("unknown k type for option %s: %r" % (name, ktype))
    return Option(name, torch, default, ktype, check, nullable, derive, show)


def buf(name, torch=None, kind="tensor", always=True, aliases=()):
    """Build a :class:`Buffer` row (torch key defaults to the k name)."""
    return Buffer(name, torch or name, kind, always, tuple(aliases))


class Spec:
    """A catalogue row: an optimizer's name, class, options and buffers."""

    __slots__ = ("name", "_cls", "pytorch", "options", "buffers", "checks",
                 "help", "note", "_by_name", "_by_torch")

    def __init__(self, name, cls, options, help="", buffers=(), pytorch="",
                 checks=None, note=""):
        self.name = name
        self._cls = cls
        self.pytorch = pytorch
        self.options = tuple(_option(o) for o in options)
        self.buffers = tuple(_buffer(b) for b in buffers)
        self.help = help
        self.note = note
        self._by_name = {o.name: o for o in self.options}
        if len(self._by_name) != len(self.options):
            raise ValueError("%s: duplicate option names" % name)
        if not self.options or self.options[0].name != "lr":
            raise ValueError("%s: the first option must be lr" % name)
        self._by_torch = {}
        for b in self.buffers:
            for k in (b.torch,) + b.aliases:
                self._by_torch.setdefault(k, b)
        # libtorch constructor checks: named options (in the given order) or
        # callables of the option dict returning an error text or None
        self.checks = tuple(checks) if checks is not None else \
            tuple(o.name for o in self.options if o.check)

    @property
    def cls(self):
        """The optimizer class (resolved from a dotted path on first use)."""
        if isinstance(self._cls, str):
            mod, _, attr = self._cls.rpartition(".")
            self._cls = getattr(importlib.import_module(mod), attr)
        return self._cls

    def option(self, key):
        return self._by_name.get(key)

    def __repr__(self):
        return "Spec(%s: %s)" % (self.name, " ".join(o.name for o in self.options))


def _option(o):
    if isinstance(o, Option):
        return o
    return opt(*o) if len(o) > 3 else opt(o[0], o[1], o[2], _ktype_of(o[2]))


def _buffer(b):
    if isinstance(b, Buffer):
        return b
    if isinstance(b, str):
        return buf(b)
    return buf(*b)


def _ktype_of(v):
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, (int, np.integer)):
        return "long"
    if isinstance(v, str):
        return "symbol"
    return "float"


# --------------------------------------------------------------------------
# checks: libtorch's constructor texts

def num(x):
    """A double as C++'s ``operator<<`` prints it (``1e-08``, ``-1``, ``0.5``)."""
    return "%g" % x


def _ge0(text):
    return (lambda v: v >= 0, text)


def _beta(i):
    return (lambda v: 0 <= v < 1, "Invalid beta parameter at index %d" % i)


# a learning rate must be finite too: an infinite rate only ever
# turns the parameters into nans, so opt, lr and group edits refuse it
LR = (lambda v: 0 <= v < float("inf"), "Invalid learning rate")
EPS = _ge0("Invalid epsilon value")
DECAY = _ge0("Invalid weight_decay value")
MOMENTUM = _ge0("Invalid momentum value")


# rows most optimizers share: lr (always listed by opt o, as ktorch's), the
# step counter buffer and a betas pair
def lr_opt(default, check=LR):
    """The ``lr`` option row."""
    return opt("lr", "lr", default, check=check, show="always")


STEP = buf("step", kind="step")


def betas(beta1=0.9, beta2=0.999):
    """The ``beta1``/``beta2`` rows of a torch ``betas`` pair."""
    return (opt("beta1", ("betas", 0), beta1, check=_beta(0)),
            opt("beta2", ("betas", 1), beta2, check=_beta(1)))


def lazy(namespace, names, define):
    """A module ``__getattr__`` for an optimizer module: the first lookup of
    one of ``names`` runs ``define()`` (which imports torch and returns
    name -> class or function) and puts its results in ``namespace``, so
    that registering the catalogue row does not import torch."""
    lock = threading.Lock()

    def __getattr__(name):
        if name not in names:
            raise AttributeError("module %r has no attribute %r" % (namespace["__name__"], name))
        with lock:
            if name not in namespace:
                namespace.update(define())
        return namespace[name]
    return __getattr__


# --------------------------------------------------------------------------
# the catalogue

# One catalogue per process, deliberately: an optimizer kind is code (a class
# and its option rows), like an imported module, so kapi.register_optimizer
# makes it known to every interpreter; optimizer objects themselves live in
# one interpreter's registry.  (docs/optimizers.md, "Custom optimizers")
CATALOG = {}
_SETTINGS = set()


def register(name, cls, options, help="", buffers=(), pytorch="", checks=None,
             note=""):
    """Add (or replace) optimizer ``name``: every verb then knows it.

    ``cls`` is a ``torch.optim.Optimizer`` subclass (or its dotted path);
    ``options`` rows in positional order, each an :class:`Option` (see
    :func:`opt`) or a tuple ``(kname, torch_kwarg, default[, ktype[, check]])``
    -- the k type is taken from the default when omitted; ``help`` a one-line
    description; ``buffers`` the per-parameter state (:func:`buf` rows, tuples
    or torch state keys); ``pytorch`` the class name ``help`optimizer`` shows.
    Returns the :class:`Spec`.
    """
    spec = Spec(name, cls, options, help=help, buffers=buffers, pytorch=pytorch,
                checks=checks, note=note)
    CATALOG[name] = spec
    _SETTINGS.update(o.name for o in spec.options)
    return spec


def names():
    """Optimizer names in ``help`optimizer`` order (alphabetical, as ktorch)."""
    return sorted(CATALOG)


def settings():
    """Every option name any optimizer knows (ktorch's ``Env::oset``)."""
    return sorted(_SETTINGS)


def get(name):
    """The :class:`Spec` for ``name``, else ``'unrecognized optimizer: name``."""
    spec = CATALOG.get(name) if isinstance(name, str) else None
    if spec is None:
        raise KError("unrecognized optimizer: %s" % (name,))
    return spec


def options(name):
    """The option rows of ``name`` in ktorch's positional order."""
    return get(name).options


def defaults(name):
    """k option name -> default (``None`` = unset) in positional order."""
    return {o.name: o.default for o in get(name).options}


def buffers(name):
    """The buffer rows of ``name`` in the order ``state`` lists them."""
    return get(name).buffers


def setting(name, key):
    """The option row for ``key``, with ktorch's two errors for bad names."""
    spec = get(name)
    o = spec.option(key) if isinstance(key, str) else None
    if o is None:
        if key not in _SETTINGS:
            raise KError("unrecognized optimizer setting: %s" % (key,))
        raise KError("%s option: %s not recognized" % (name, key))
    return o


def check_positional(name, given, lead=0):
    """``'<o>: expecting up to N positional args, M given`` (both counts
    include the ``lead`` arguments before the options, as ktorch's do)."""
    n = len(get(name).options)
    if given > n:
        raise KError("%s: expecting up to %d positional args, %d given"
                     % (name, n + lead, given + lead))


# --------------------------------------------------------------------------
# k values <-> option values

def _kname(reg, x):
    from ..registry import kname
    return kname(reg, x)


_LONGS = (np.int64,)
_PAIR_LONGS = (np.int16, np.int32, np.int64)
_FLOATS = (np.float64,)


def kvalue(name, key, x, pair=False, reg=None):
    """Parse k atom ``x`` for option ``key`` of ``name`` (ktorch's ``xnum``,
    ``xbool``...): a Python value, ``None`` for a null symbol / nullable long.

    Positional values must be long or float scalars for numbers (ints,
    shorts and reals are refused); in name-value pairs shorts and ints are
    taken as longs, reals are still refused."""
    o = setting(name, key)
    t = o.ktype
    longs = _PAIR_LONGS if pair else _LONGS
    if t == "float":
        if isinstance(x, _FLOATS) or isinstance(x, longs):
            return float(x)
        raise KError("%s %s: expected long/double scalar, given %s" % (name, key, _kname(reg, x)))
    if t == "long":
        if isinstance(x, longs):
            v = int(x)
            return None if o.nullable and v == -2**63 else v
        raise KError("%s %s: expected long scalar, given %s" % (name, key, _kname(reg, x)))
    if t == "bool":
        if isinstance(x, np.bool_):
            return bool(x)
        raise KError("%s %s: expected boolean%s, given %s"
                     % (name, key, " scalar" if pair else "", _kname(reg, x)))
    if isinstance(x, str):
        return x or None
    raise KError("%s %s: expected symbol, given %s" % (name, key, _kname(reg, x)))


def katom(o, v):
    """Option value ``v`` as the k atom ``opt o`` shows for option row ``o``."""
    if o.ktype == "float":
        return np.float64(np.nan if v is None else v)
    if o.ktype == "long":
        return np.int64(-2**63 if v is None else v)
    if o.ktype == "bool":
        return np.bool_(bool(v))
    return "" if v is None else str(v)


def _py(o, v):
    """A caller's value (k atom or Python) in the option's Python type."""
    if v is None:
        return None
    if o.ktype == "float":
        return float(v)
    if o.ktype == "long":
        v = int(v)
        return None if o.nullable and v == -2**63 else v
    if o.ktype == "bool":
        return bool(v)
    return str(v) or None


def resolve(name, kopts=None, base=None):
    """Full option dict: defaults (or ``base``) overlaid with ``kopts``, then
    unset derived options filled in (lbfgs ``eval`` = ``iter*5 div 4``)."""
    spec = get(name)
    vals = dict(defaults(name) if base is None else
                {o.name: base.get(o.name, o.default) for o in spec.options})
    for k, v in (kopts or {}).items():
        vals[k] = _py(setting(name, k), v)
    for o in spec.options:
        vals[o.name] = _py(o, vals[o.name])
        if vals[o.name] is None and o.derive is not None:
            vals[o.name] = o.derive(vals)
    return vals


def validate(name, kopts):
    """libtorch's constructor checks on a full option dict, in its order."""
    spec = get(name)
    for c in spec.checks:
        if callable(c):
            msg = c(kopts)
            if msg:
                raise KError(msg)
            continue
        test, text = spec.option(c).check
        v = kopts[c]
        if v is not None and not test(v):
            raise KError("%s: %s" % (text, num(v)))


def validate_given(name, kopts):
    """The per-option constructor checks for just the options in ``kopts``
    (k name -> value): a group edit or ``lr`` refuses what ``opt`` refuses
    for that option, with the same text, before anything changes."""
    spec = get(name)
    for k, v in (kopts or {}).items():
        o = spec.option(k)
        if o is None or not o.check:
            continue
        test, text = o.check
        v = _py(o, v)
        if v is not None and not test(v):
            raise KError("%s: %s" % (text, num(v)))


def to_torch(name, kopts=None, base=None, check=True):
    """torch keyword arguments for ``name`` from k options (k name -> value).

    Missing options come from ``base`` (a full k option dict, e.g. a group's
    current options) or the defaults; ``check`` runs libtorch's constructor
    checks (ktorch checks when an optimizer is created, not on group edits).
    """
    spec = get(name)
    vals = resolve(name, kopts, base)
    if check:
        validate(name, vals)
    kw, tuples = {}, {}
    for o in spec.options:
        if isinstance(o.torch, tuple):
            kw.setdefault(o.torch[0], None)     # keeps the keyword in option order
            tuples.setdefault(o.torch[0], {})[o.torch[1]] = vals[o.name]
        else:
            kw[o.torch] = vals[o.name]
    for key, parts in tuples.items():
        kw[key] = tuple(parts[i] for i in range(len(parts)))
    return kw


def _torch_value(o, group):
    if isinstance(o.torch, tuple):
        return group[o.torch[0]][o.torch[1]]
    return group.get(o.torch)


def from_torch(name, group, all=True, k=True):
    """k option values of a torch param group (or defaults dict), for ``opt o``.

    ``lr`` is always listed; other options when ``all`` is true or they
    differ from the default; ``set`` options (lbfgs ``eval``, ``search``)
    only when set.  ``k``: values as k atoms (else plain Python)."""
    out = {}
    for o in get(name).options:
        v = _py(o, _torch_value(o, group))     # (a tensor lr becomes a float)
        if o.show == "set":
            show = v is not None
        elif o.show == "always":
            show = True
        else:
            show = all or v != o.default
        if show:
            out[o.name] = katom(o, v) if k else v
    return out


# --------------------------------------------------------------------------
# state buffers

def buffer_name(name, torch_key):
    """ktorch's buffer name for torch state key ``torch_key`` (or None)."""
    b = get(name)._by_torch.get(torch_key)
    return b.name if b is not None else None


def torch_key(name, kname):
    """torch state key for ktorch buffer name ``kname`` (aliases accepted)."""
    for b in get(name).buffers:
        if kname == b.name or kname in b.aliases:
            return b.torch
    return None


def buffer_items(name, state):
    """``[(k name, buffer row, torch value or None)]`` for one parameter's
    torch state, in ktorch's order; an empty state gives ``[]``."""
    if not state:
        return []
    out = []
    for b in get(name).buffers:
        v = state.get(b.torch)
        if v is not None or b.always:
            out.append((b.name, b, v))
    return out


def torch_state(name, kbuffers):
    """Inverse of :func:`buffer_items`: k name -> value to torch key -> value
    (values unconverted; nulls skipped as ktorch's restore does).  Unknown
    names raise ``'opt: unrecognized buffer <k> for <o> optimizer``."""
    out = {}
    for k, v in kbuffers.items():
        key = torch_key(name, k)
        if key is None:
            raise KError("opt: unrecognized buffer %s for %s optimizer" % (k, name))
        if v is not None:
            out[key] = v
    return out


def _counts(v):
    import torch
    if v is None:
        return 0, 0, 0
    if isinstance(v, (list, tuple)):
        n = [_counts(x) for x in v]
        return tuple(sum(c[i] for c in n) for i in range(3))
    if isinstance(v, torch.Tensor):
        if v.is_sparse:
            v = v._values()
        size = v.untyped_storage().nbytes()
        return 1, size // v.element_size(), size
    return 0, 1, 8                              # an int64/double scalar


def state_counts(name, state):
    """``(tensorcount, elements, bytes)`` of one parameter's state, counted as
    ktorch counts: a step counter (or any scalar) is 1 element, 8 bytes and
    no tensor; a tensor its storage; a list (lbfgs deque) its tensors."""
    tc = el = by = 0
    for _, b, v in buffer_items(name, state):
        if b.kind in ("step", "long", "float"):
            c = (0, 1, 8) if v is not None else (0, 0, 0)
        else:
            c = _counts(v)
        tc, el, by = tc + c[0], el + c[1], by + c[2]
    return tc, el, by


def help_table():
    """``[(optimizer, pytorch, [option names], [defaults])]`` for ``help`optimizer``
    (plain Python; ``None`` = unset, shown as ``0N`` or a null symbol)."""
    rows = []
    for n in names():
        s = CATALOG[n]
        rows.append((n, s.pytorch, [o.name for o in s.options],
                     [o.default for o in s.options]))
    return rows
