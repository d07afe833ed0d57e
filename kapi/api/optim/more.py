"""kapi's own optimizers in the catalogue (issue D): ftrl, laprop, adagradm
(JAX SparseCore), sophia (optax's Sophia-H), lars, signum, sgld, dcasgd,
ftml, nag (MXNet 1.9.1) and sparseadamw (RecIS).

Defaults follow the project that names each optimizer (SparseCore for
ftrl/laprop/adagradm, optax for sophia -- optax has no default learning
rate, 1e-3 here --, RecIS for sparseadamw, MXNet 1.9.1 for the rest).
Option names follow ktorch's style: ``lr``, ``beta1``/``beta2``, ``eps``,
``decay`` (weight decay), ``momentum``, ``nesterov``, ``init`` (initial
accumulator, as adagrad); the rest are short lower-case words listed by
``help`<name>``.  Importing this module registers them without importing
torch (the classes are resolved on first use).
"""

from .catalog import DECAY, EPS, LR, MOMENTUM, _beta, _ge0, buf, opt, register

__all__ = ["NAMES"]

_P = "kapi.api.optim."


def _lr(default, check=LR):
    return opt("lr", "lr", default, check=check, show="always")


_STEP = buf("step", kind="step")


def _register():
    names = []

    def reg(name, *a, **k):
        register(name, *a, **k)
        names.append(name)

    reg("ftrl", _P + "sparsecore.Ftrl",
        (_lr(0.01, check=(lambda v: v > 0, "Invalid learning rate")),
         opt("lrpower", "lr_power", -0.5, check=(lambda v: v <= 0, "Invalid lr_power value")),
         opt("l1", "l1", 0.0, check=_ge0("Invalid l1 value")),
         opt("l2", "l2", 0.0, check=_ge0("Invalid l2 value")),
         opt("beta", "beta", 0.0, check=_ge0("Invalid beta value")),
         opt("init", "initial_accumulator_value", 0.1,
             check=_ge0("Invalid initial_accumulator_value value")),
         opt("linear", "initial_linear_value", 0.0),
         opt("multlr", "multiply_linear_by_lr", False, "bool")),
        help="ftrl-proximal (SparseCore): follow the regularized leader with l1/l2",
        buffers=(_STEP, buf("accumulator"), buf("linear")),
        pytorch="")

    reg("laprop", _P + "sparsecore.LaProp",
        (_lr(0.001),
         opt("beta1", ("betas", 0), 0.9, check=_beta(0)),
         opt("beta2", ("betas", 1), 0.95, check=_beta(1)),
         opt("eps", "eps", 1e-30, check=EPS),
         opt("rmsclip", "rms_clip_threshold", None, nullable=True),
         opt("init", "initial_slot_value", 0.0)),
        help="laprop (SparseCore): momentum of rms-normalised gradients",
        buffers=(_STEP, buf("mu"), buf("nu")),
        pytorch="",
        checks=("lr", "eps", "beta1", "beta2"))

    reg("adagradm", _P + "sparsecore.AdagradMomentum",
        (_lr(0.001),
         opt("momentum", "momentum", 0.9, check=MOMENTUM),
         opt("beta2", "beta2", 1.0, check=(lambda v: 0 <= v <= 1, "Invalid beta2 value")),
         opt("eps", "eps", 1e-10, check=EPS),
         opt("exponent", "exponent", 2.0, check=(lambda v: v > 0, "Invalid exponent value")),
         opt("nesterov", "nesterov", False, "bool"),
         opt("init", "initial_accumulator_value", 0.1,
             check=_ge0("Invalid initial_accumulator_value value")),
         opt("minit", "initial_momentum_value", 0.0)),
        help="adagrad with momentum (SparseCore): (a+eps)^(-1/exponent) scaling, momentum",
        buffers=(_STEP, buf("accumulator"), buf("momentum")),
        pytorch="",
        checks=("lr", "momentum", "beta2", "eps", "exponent", "init"))

    reg("sophia", _P + "sophia.SophiaH",
        (_lr(0.001),
         opt("beta1", ("betas", 0), 0.965, check=_beta(0)),
         opt("beta2", ("betas", 1), 0.99, check=_beta(1)),
         opt("eps", "eps", 1e-08, check=EPS),
         opt("decay", "weight_decay", 0.0001, check=DECAY),
         opt("gamma", "gamma", 0.01, check=_ge0("Invalid gamma value")),
         opt("clip", "clip_threshold", 1.0, check=(lambda v: v > 0, "Invalid clip value")),
         opt("interval", "update_interval", 10, "long",
             check=(lambda v: v >= 1, "Invalid interval value"))),
        help="sophia-h (optax): clipped second-order steps, Hutchinson hessian (needs a closure)",
        buffers=(_STEP, buf("exp_avg"), buf("hessian")),
        pytorch="",
        checks=("lr", "eps", "beta1", "beta2", "decay", "gamma", "clip", "interval"))

    reg("lars", _P + "mxnet.Lars",
        (_lr(0.01),
         opt("momentum", "momentum", 0.0, check=MOMENTUM),
         opt("eta", "eta", 0.001, check=_ge0("Invalid eta value")),
         opt("decay", "weight_decay", 0.0, check=DECAY),
         opt("eps", "eps", 0.0, check=EPS),
         opt("correction", "momentum_correction", True, "bool"),
         opt("warmup", "warmup", None, "symbol"),
         opt("wepochs", "warmup_epochs", 5, "long"),
         opt("batchscale", "batch_scale", 1, "long"),
         opt("epochupdates", "updates_per_epoch", 32, "long"),
         opt("beginepoch", "begin_epoch", 0, "long")),
        help="lars (MXNet): layer-wise trust ratio eta*|w|/|g| on sgd-momentum; "
             "lbsgd warmup `linear`power2`sqrt",
        buffers=(_STEP, buf("momentum"), buf("last_lr", kind="float")),
        pytorch="",
        checks=("lr", "momentum", "eta", "decay", "eps",
                lambda o: None if o["warmup"] in (None, "linear", "power2", "sqrt") else
                "Invalid warmup strategy: %s" % o["warmup"]))

    reg("signum", _P + "mxnet.Signum",
        (_lr(0.01),
         opt("momentum", "momentum", 0.9,
             check=(lambda v: 0 <= v < 1, "Invalid momentum value")),
         opt("decay", "weight_decay", 0.0, check=DECAY),
         opt("wdlh", "wd_lh", 0.0, check=_ge0("Invalid wd_lh value"))),
        help="signum (MXNet): sign of a gradient momentum (signsgd when momentum is 0)",
        buffers=(_STEP, buf("momentum")),
        pytorch="")

    reg("sgld", _P + "mxnet.Sgld",
        (_lr(0.01), opt("decay", "weight_decay", 0.0, check=DECAY)),
        help="stochastic gradient langevin dynamics (MXNet): half step plus N(0,lr) noise",
        buffers=(_STEP,),
        pytorch="")

    reg("dcasgd", _P + "mxnet.Dcasgd",
        (_lr(0.01),
         opt("momentum", "momentum", 0.0, check=MOMENTUM),
         opt("lambda", "lamda", 0.04, check=_ge0("Invalid lambda value")),
         opt("decay", "weight_decay", 0.0, check=DECAY)),
        help="delay-compensated asynchronous sgd (MXNet)",
        buffers=(_STEP, buf("weight_prev"), buf("momentum")),
        pytorch="")

    reg("ftml", _P + "mxnet.Ftml",
        (_lr(0.01, check=(lambda v: v > 0, "Invalid learning rate")),
         opt("beta1", ("betas", 0), 0.6, check=_beta(0)),
         opt("beta2", ("betas", 1), 0.999, check=_beta(1)),
         opt("eps", "eps", 1e-08, check=EPS),
         opt("decay", "weight_decay", 0.0, check=DECAY)),
        help="follow the moving leader (MXNet)",
        buffers=(_STEP, buf("d"), buf("v"), buf("z")),
        pytorch="",
        checks=("lr", "eps", "beta1", "beta2", "decay"))

    reg("nag", _P + "mxnet.Nag",
        (_lr(0.01),
         opt("momentum", "momentum", 0.0, check=MOMENTUM),
         opt("decay", "weight_decay", 0.0, check=DECAY)),
        help="nesterov accelerated gradient (MXNet; lr inside the momentum buffer)",
        buffers=(_STEP, buf("momentum")),
        pytorch="")

    reg("sparseadamw", _P + "sparseadamw.SparseAdamW",
        (_lr(0.001),
         opt("beta1", ("betas", 0), 0.9, check=_beta(0)),
         opt("beta2", ("betas", 1), 0.999, check=_beta(1)),
         opt("eps", "eps", 1e-08, check=EPS),
         opt("decay", "weight_decay", 0.01, check=DECAY),
         opt("accumulate", "accumulate", 1, "long",
             check=(lambda v: v >= 1, "Invalid accumulate value"))),
        help="sparse adamw (RecIS): decoupled decay on touched rows only; "
             "gradient accumulation",
        buffers=(_STEP, buf("exp_avg"), buf("exp_avg_sq"),
                 buf("calls", kind="long", always=False)),
        pytorch="",
        checks=("lr", "eps", "beta1", "beta2", "decay", "accumulate"))
    return tuple(names)


NAMES = _register()
