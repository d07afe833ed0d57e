"""torch.optim's other optimizers in the catalogue: adadelta, adafactor,
adamax, asgd, nadam, radam, rprop and sparseadam.

Defaults are torch's own; option names follow ktorch's style (``lr``,
``beta1``/``beta2`` for a ``betas`` pair, ``decay`` for ``weight_decay``,
``eps``; other names are the torch keyword without underscores, shortened
where ktorch would: ``mdecay`` momentum_decay, ``decoupled``
decoupled_weight_decay, ``etaminus``/``etaplus`` and ``stepmin``/``stepmax``
for rprop's ``etas``/``step_sizes`` pairs, ``beta2decay`` and ``eps1``/
``eps2`` for adafactor).  State buffers keep torch's state keys as their k
names.  Importing this module registers them; it does not import torch.

adafactor is registered only when the installed torch has
``torch.optim.Adafactor`` (2.5 and later); its ``eps1`` defaults to unset
(``0n``: the dtype's machine epsilon), see :mod:`.adafactor`.
"""

import importlib.util
import os

from .catalog import DECAY, EPS, LR, _beta, _ge0, buf, opt, register

__all__ = ["NAMES"]


def _lr(default, check=LR):
    return opt("lr", "lr", default, check=check, show="always")


def _betas():
    return (opt("beta1", ("betas", 0), 0.9, check=_beta(0)),
            opt("beta2", ("betas", 1), 0.999, check=_beta(1)))


def _has_adafactor():
    """Whether torch has ``torch.optim.Adafactor``, found without importing torch."""
    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    return any(os.path.exists(os.path.join(d, "optim", "_adafactor.py"))
               for d in spec.submodule_search_locations)


_F = "kapi.api.optim.torch_fast."
_STEP = buf("step", kind="step")
_ADAM = (_STEP, buf("exp_avg"), buf("exp_avg_sq"))


def _register():
    names = []

    def reg(name, *a, **k):
        register(name, *a, **k)
        names.append(name)

    reg("adadelta", _F + "Adadelta",
        (_lr(1.0), opt("rho", "rho", 0.9, check=(lambda v: 0 <= v <= 1, "Invalid rho value")),
         opt("eps", "eps", 1e-06, check=EPS), opt("decay", "weight_decay", 0.0, check=DECAY)),
        help="adadelta: rates from running averages of squared gradients and updates",
        buffers=(_STEP, buf("square_avg"), buf("acc_delta")),
        pytorch="torch.optim.Adadelta", checks=("lr", "rho", "eps", "decay"))

    reg("adamax", _F + "Adamax",
        (_lr(0.002),) + _betas() +
        (opt("eps", "eps", 1e-08, check=EPS), opt("decay", "weight_decay", 0.0, check=DECAY)),
        help="adamax: adam with the infinity norm of past gradients",
        buffers=(_STEP, buf("exp_avg"), buf("exp_inf")),
        pytorch="torch.optim.Adamax", checks=("lr", "eps", "beta1", "beta2", "decay"))

    reg("nadam", _F + "NAdam",
        (_lr(0.002),) + _betas() +
        (opt("eps", "eps", 1e-08, check=EPS), opt("decay", "weight_decay", 0.0, check=DECAY),
         opt("mdecay", "momentum_decay", 0.004, check=_ge0("Invalid momentum_decay value")),
         opt("decoupled", "decoupled_weight_decay", False, "bool")),
        help="nadam: adam with nesterov momentum (momentum schedule mdecay)",
        buffers=(_STEP, buf("mu_product"), buf("exp_avg"), buf("exp_avg_sq")),
        pytorch="torch.optim.NAdam", checks=("lr", "eps", "beta1", "beta2", "decay", "mdecay"))

    reg("radam", _F + "RAdam",
        (_lr(0.001),) + _betas() +
        (opt("eps", "eps", 1e-08, check=EPS), opt("decay", "weight_decay", 0.0, check=DECAY),
         opt("decoupled", "decoupled_weight_decay", False, "bool")),
        help="radam: adam with a rectified adaptive rate (variance warm-up)",
        buffers=_ADAM, pytorch="torch.optim.RAdam",
        checks=("lr", "eps", "beta1", "beta2", "decay"))

    reg("asgd", "torch.optim.ASGD",
        (_lr(0.01), opt("lambda", "lambd", 0.0001), opt("alpha", "alpha", 0.75),
         opt("t0", "t0", 1000000.0), opt("decay", "weight_decay", 0.0, check=DECAY)),
        help="averaged sgd: sgd with decaying rates and a running average ax of the weights",
        buffers=(_STEP, buf("eta"), buf("mu"), buf("ax")),
        pytorch="torch.optim.ASGD", checks=("lr", "decay"))

    reg("rprop", _F + "Rprop",
        (_lr(0.01),
         opt("etaminus", ("etas", 0), 0.5), opt("etaplus", ("etas", 1), 1.2),
         opt("stepmin", ("step_sizes", 0), 1e-06), opt("stepmax", ("step_sizes", 1), 50.0)),
        help="resilient backprop: per-element step sizes from gradient signs",
        buffers=(_STEP, buf("prev"), buf("step_size")),
        pytorch="torch.optim.Rprop",
        checks=("lr", lambda o: None if 0 < o["etaminus"] < 1 < o["etaplus"] else
                "Invalid eta values: %g, %g" % (o["etaminus"], o["etaplus"])))

    reg("sparseadam", "torch.optim.SparseAdam",
        (_lr(0.001),) + _betas() + (opt("eps", "eps", 1e-08, check=EPS),),
        help="lazy adam for sparse gradients (only the rows a gradient touches)",
        buffers=_ADAM, pytorch="torch.optim.SparseAdam",
        checks=("lr", "eps", "beta1", "beta2"))

    if _has_adafactor():
        reg("adafactor", "kapi.api.optim.adafactor.Adafactor",
            (_lr(0.01),
             opt("beta2decay", "beta2_decay", -0.8,
                 check=(lambda v: v <= 0, "beta2_decay should be <= 0")),
             opt("eps1", ("eps", 0), None, nullable=True, show="default"),
             opt("eps2", ("eps", 1), 0.001, check=EPS),
             opt("d", "d", 1.0, check=(lambda v: v >= 1, "Clipping threshold d should be >= 1")),
             opt("decay", "weight_decay", 0.0, check=DECAY)),
            help="adafactor: factored second moments (row and column averages)",
            buffers=(_STEP, buf("row_var", always=False), buf("col_var", always=False),
                     buf("variance", always=False)),
            pytorch="torch.optim.Adafactor",
            checks=("lr", "eps2", "beta2decay", "d", "decay"))
    return tuple(names)


NAMES = _register()
