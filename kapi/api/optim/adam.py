"""adam: the catalogue row of torch.optim.Adam (the class is torch's; step turns on
its fused CPU kernel, :mod:`.fast`).

The option rows, buffers and checks are shared with adamw (:mod:`.adamw`).
"""

from .catalog import betas, buf, DECAY, EPS, LR, lr_opt, opt, register

def _adam_options(decay):
    return (
        opt("lr", "lr", 0.001, check=LR),
        *betas(0.9, 0.999),
        opt("eps", "eps", 1e-08, check=EPS),
        opt("decay", "weight_decay", decay, check=DECAY),
        opt("amsgrad", "amsgrad", False, "bool"),
    )


_ADAM_BUFFERS = (buf("step", kind="step"), buf("exp_avg"), buf("exp_avg_sq"),
                 buf("max_exp_avg_sq"))
_ADAM_CHECKS = ("lr", "eps", "beta1", "beta2", "decay")

register(
    "adam", "torch.optim.Adam", (lr_opt(0.001),) + _adam_options(0.0)[1:],
    help="adam: moment estimates with L2 weight decay",
    buffers=_ADAM_BUFFERS, pytorch="torch.optim.Adam", checks=_ADAM_CHECKS)
