"""Write docs/catalogue.md: every optimizer with its update rule, its k
options and defaults (read from the catalogue itself) and the oracle the
test suite checks it against. Run: .venv/bin/python scripts/gen_catalogue.py"""

import os

from kapi.api.optim import catalog

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (origin, update rule in short form, oracle used by the tests)
# g: gradient, p: parameter, lr: learning rate, t: step count; m, v: moment buffers
RULES = {
    "sgd": ("ktorch / torch", "b = mu*b + (1-dampening)*g (+ nesterov); p -= lr*b", "torch.optim.SGD"),
    "adam": ("ktorch / torch", "m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr*m^/(sqrt v^ + eps)",
             "torch.optim.Adam"),
    "adamw": ("ktorch / torch", "adam with decoupled decay: p -= lr*decay*p before the update", "torch.optim.AdamW"),
    "adagrad": ("ktorch / torch", "s += g^2; p -= lr/(1+(t-1)*lrdecay) * g/(sqrt s + eps)", "torch.optim.Adagrad"),
    "rmsprop": ("ktorch / torch", "v = alpha*v + (1-alpha)*g^2; p -= lr*g/(sqrt v + eps) (momentum, centered)",
                "torch.optim.RMSprop"),
    "lbfgs": ("ktorch / torch", "limited-memory BFGS with a closure, optional strong-Wolfe line search",
              "torch.optim.LBFGS"),
    "lamb": ("ktorch (NVLAMB)", "adam direction u plus decay*p, scaled by the trust ratio |p|/|u| (clipped)",
             "NumPy transcription of the NVLAMB equations; timm Lamb"),
    "adadelta": ("torch", "v = rho*v + (1-rho)*g^2; d = g*sqrt(u+eps)/sqrt(v+eps); u = rho*u + (1-rho)*d^2",
                 "optax.adadelta; torch.optim.Adadelta (to rounding)"),
    "adamax": ("torch", "m = b1*m + (1-b1)*g; u = max(b2*u, |g|+eps); p -= lr/(1-b1^t) * m/u",
               "torch.optim.Adamax (bit for bit)"),
    "nadam": ("torch", "adam with Nesterov momentum and momentum decay", "torch.optim.NAdam (to rounding)"),
    "radam": ("torch", "adam with the variance rectification term r_t (SGD-with-momentum while r_t is undefined)",
              "optax.radam; torch.optim.RAdam (to rounding)"),
    "asgd": ("torch", "sgd with averaging of the iterates after t0", "torch.optim.ASGD (same class)"),
    "rprop": ("torch", "per-element step sizes grown/shrunk by etas on sign agreement of g", "torch.optim.Rprop (bit for bit)"),
    "sparseadam": ("torch", "adam on the rows touched by a sparse gradient; t, one count per parameter, "
                   "advances on every step in which the parameter has a gradient, even a sparse "
                   "gradient with no rows (torch's class)", "torch.optim.SparseAdam"),
    "adafactor": ("torch", "factored second moment (row and column statistics), relative step size",
                  "torch.optim.Adafactor (to rounding)"),
    "ftrl": ("JAX SparseCore", "n += g^2; sigma = (n^-lrpower - n0^-lrpower)/lr; z += g - sigma*p; "
             "p = -(z - sign(z)*l1)/((beta + n^-lrpower)/lr + 2*l2) where |z| > l1, else 0",
             "keras Ftrl on the torch backend; NumPy of the SparseCore equations"),
    "laprop": ("JAX SparseCore", "v = b2*v + (1-b2)*g^2; m = b1*m + (1-b1)*g/(sqrt v + eps); p -= lr*m",
               "optax chain; NumPy"),
    "adagradm": ("JAX SparseCore", "adagrad with momentum: s += g^exponent; m = b1*m + g/s^(1/exponent) "
                 "(+ nesterov); p -= lr*m", "optax chain; NumPy"),
    "sophia": ("optax (Sophia-H)", "m = b1*m + (1-b1)*g; every k steps h = b2*h + (1-b2)*(u*Hu) (Hutchinson); "
               "p -= lr*clip(m/max(gamma*h, eps), 1) + decay", "optax.contrib.sophia"),
    "lars": ("MXNet (LARS / LBSGD)", "sgd with a layer-wise rate lr*eta*|p|/(|g| + decay*|p|), warm-up strategies",
             "timm Lars; NumPy of MXNet's kernel"),
    "signum": ("MXNet", "m = mu*m - (1-mu)*g; p = (1-lr*wd_lh)*p + lr*sign(m)", "optax.signum; NumPy"),
    "sgld": ("MXNet", "p -= lr/2*(g + decay*p) + N(0, lr) noise", "NumPy with the same noise"),
    "dcasgd": ("MXNet", "delay-compensated sgd: g + lambda*g*g*(p - p_previous)", "NumPy of MXNet's kernel"),
    "ftml": ("MXNet", "follow the moving leader: d_t from v and b1, z = b1*z + (1-b1)*g - sigma*p; p = -z/d",
             "NumPy of MXNet's kernel"),
    "nag": ("MXNet", "m = mu*m + g; p -= lr*(g + mu*m)", "NumPy of MXNet's kernel; torch SGD(nesterov)"),
    "sparseadamw": ("RecIS", "adamw on touched rows only, decay applied to those rows, gradient accumulation; "
                    "t, one count per parameter as RecIS's per-table step, advances only on an update "
                    "that touches a row of it (an all-zero gradient, as zerograd leaves for a table a "
                    "batch did not use, or a sparse one with no rows is not a step; with accumulation, "
                    "the k-th call's update is counted if the accumulated gradient touches a row)",
                    "NumPy of RecIS's kernel; torch SparseAdam without decay"),
}


def fmt(v):
    if v is None:
        return "(unset)"
    if isinstance(v, bool):
        return "1b" if v else "0b"
    if isinstance(v, str):
        return "`" + v
    return repr(v)


def main():
    out = ["# Optimizer catalogue\n",
           "Generated by `scripts/gen_catalogue.py` from the catalogue kapi uses (`help`optimizer` at the",
           "q) prompt shows the same options). Options are given positionally in this order or by name",
           "(`` `decay,.01 ``). The oracle column names what the test suite compares each optimizer with",
           "(float64, 100 steps, two parameter groups; tests/kapi/test_optim_*.py).\n"]
    for name, pytorch, opts, defaults in catalog.help_table():
        origin, rule, oracle = RULES.get(name, ("custom", "(see its help)", "(registered from Python)"))
        out.append("## `%s`\n" % name)
        out.append("- origin: %s%s" % (origin, " (`%s`)" % pytorch if pytorch else ""))
        out.append("- update: %s" % rule)
        out.append("- options: " + ", ".join("`%s` %s" % (o, fmt(d)) for o, d in zip(opts, defaults)))
        out.append("- oracle: %s\n" % oracle)
    path = os.path.join(HERE, "..", "docs", "catalogue.md")
    with open(path, "w") as f:
        f.write("\n".join(out))
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
