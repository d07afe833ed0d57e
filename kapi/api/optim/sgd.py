"""sgd: the catalogue row of torch.optim.SGD (the class is torch's; step turns on
its fused CPU kernel, :mod:`.fast`).
"""

from .catalog import DECAY, MOMENTUM, buf, lr_opt, opt, register

def _nesterov(o):
    if o["nesterov"] and (o["momentum"] <= 0 or o["dampening"] != 0):
        return "Nesterov momentum requires a momentum and zero dampening"
    return None


register(
    "sgd", "torch.optim.SGD",
    (lr_opt(0.01),
     opt("momentum", "momentum", 0.0, check=MOMENTUM),
     opt("dampening", "dampening", 0.0),
     opt("decay", "weight_decay", 0.0, check=DECAY),
     opt("nesterov", "nesterov", False, "bool")),
    help="stochastic gradient descent, optional momentum and nesterov",
    buffers=(buf("momentum_buffer"),),
    pytorch="torch.optim.SGD",
    checks=("lr", "momentum", "decay", _nesterov),
    note="lr default 0.01 (torch's is 0.001)")
