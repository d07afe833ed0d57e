"""lbfgs: the catalogue row of torch.optim.LBFGS (the class is torch's).
"""

from .catalog import buf, lr_opt, opt, register

register(
    "lbfgs", "torch.optim.LBFGS",
    (lr_opt(1.0),
     opt("iter", "max_iter", 20, "long"),
     opt("eval", "max_eval", None, "long", nullable=True,
         derive=lambda o: o["iter"] * 5 // 4, show="set"),
     opt("gradtol", "tolerance_grad", 1e-07),
     opt("changetol", "tolerance_change", 1e-09),
     opt("history", "history_size", 100, "long"),
     opt("search", "line_search_fn", None, "symbol", show="set")),
    help="limited-memory BFGS (needs a closure)",
    buffers=(buf("func_evals", kind="long"), buf("n_iter", kind="long"),
             buf("t", kind="float"), buf("prev_loss", kind="float"),
             buf("d"), buf("h_diag", "H_diag", aliases=("H_diag",)),
             buf("prev_flag_grad", "prev_flat_grad", aliases=("prev_flat_grad",)),
             buf("old_dirs", kind="tensors"), buf("old_stps", kind="tensors"),
             buf("ro", kind="tensors"), buf("al", kind="tensors", always=False)),
    pytorch="torch.optim.LBFGS")
