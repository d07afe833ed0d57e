"""adagrad: torch.optim.Adagrad whose lazily made state starts from the group's
``init`` (catalogue row and class; step uses torch's fused CPU kernel, :mod:`.fast`).
"""

from .catalog import DECAY, EPS, buf, _ge0, lazy, lr_opt, opt, register

__all__ = ["Adagrad"]

register(
    "adagrad", "kapi.api.optim.adagrad.Adagrad",
    (lr_opt(0.01),
     opt("lrdecay", "lr_decay", 0.0, check=_ge0("Invalid lr_decay value")),
     opt("decay", "weight_decay", 0.0, check=DECAY),
     opt("init", "initial_accumulator_value", 0.0,
         check=_ge0("Invalid initial_accumulator_value value")),
     opt("eps", "eps", 1e-10, check=EPS)),
    help="adaptive gradient: per-element rates from the sum of squared gradients",
    buffers=(buf("step", kind="step"), buf("sum")),
    pytorch="torch.optim.Adagrad",
    note="steps (ktorch's asserts); lazy state from the group's init")


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from torch.optim.optimizer import _get_scalar_dtype

    class Adagrad(torch.optim.Adagrad):
        """torch.optim.Adagrad whose state, when created lazily (parameters
        added after construction, as ktorch's ``opt`` always does), starts
        from the *group's* ``initial_accumulator_value`` as libtorch's does,
        not the optimizer default."""

        def _init_group(self, group, *args):
            init = group["initial_accumulator_value"]
            fused = bool(group.get("fused"))
            for p in group["params"]:
                if p.grad is not None and len(self.state[p]) == 0:
                    st = self.state[p]
                    st["step"] = (torch.zeros((), dtype=_get_scalar_dtype(is_fused=True),
                                              device=p.device) if fused else
                                  torch.tensor(0.0, dtype=_get_scalar_dtype()))
                    v = complex(init, init) if torch.is_complex(p) else init
                    st["sum"] = torch.full_like(p, v, memory_format=torch.preserve_format)
            return super()._init_group(group, *args)



    Adagrad.__qualname__ = 'Adagrad'
    return {'Adagrad': Adagrad}


__getattr__ = lazy(globals(), ('Adagrad',), _define)
