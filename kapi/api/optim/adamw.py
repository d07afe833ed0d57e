"""adamw: the catalogue row of torch.optim.AdamW (the class is torch's; step turns on
its fused CPU kernel, :mod:`.fast`).  Options as adam's (:mod:`.adam`), decay 0.01."""

from .adam import _ADAM_BUFFERS, _ADAM_CHECKS, _adam_options
from .catalog import lr_opt, register

register(
    "adamw", "torch.optim.AdamW", (lr_opt(0.001),) + _adam_options(0.01)[1:],
    help="adamw: adam with decoupled weight decay",
    buffers=_ADAM_BUFFERS, pytorch="torch.optim.AdamW", checks=_ADAM_CHECKS)
