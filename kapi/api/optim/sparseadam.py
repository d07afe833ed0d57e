"""sparseadam: the catalogue row of torch.optim.SparseAdam (the class is torch's).
"""

from .catalog import EPS, STEP, betas, buf, lr_opt, opt, register

register("sparseadam", "torch.optim.SparseAdam",
    (lr_opt(0.001),) + betas() + (opt("eps", "eps", 1e-08, check=EPS),),
    help="lazy adam for sparse gradients (only the rows a gradient touches)",
    buffers=(STEP, buf("exp_avg"), buf("exp_avg_sq")), pytorch="torch.optim.SparseAdam",
    checks=("lr", "eps", "beta1", "beta2"))
