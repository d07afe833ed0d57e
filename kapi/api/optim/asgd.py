"""asgd: the catalogue row of torch.optim.ASGD (the class is torch's).
"""

from .catalog import DECAY, STEP, buf, lr_opt, opt, register

register("asgd", "torch.optim.ASGD",
    (lr_opt(0.01), opt("lambda", "lambd", 0.0001), opt("alpha", "alpha", 0.75),
     opt("t0", "t0", 1000000.0), opt("decay", "weight_decay", 0.0, check=DECAY)),
    help="averaged sgd: sgd with decaying rates and a running average ax of the weights",
    buffers=(STEP, buf("eta"), buf("mu"), buf("ax")),
    pytorch="torch.optim.ASGD", checks=("lr", "decay"))
