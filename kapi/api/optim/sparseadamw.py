"""SparseAdamW as RecIS has it (``recis/optim/sparse_adamw.py``,
``csrc/embedding/adamw.cc``).

Only the rows a gradient touches are updated (decay included): for a sparse
gradient (``nn.Embedding(sparse=True)``) the rows of its coalesced indices,
for a dense gradient the rows with any non-zero element (a 0-d or 1-d
parameter's rows are its elements).  With t the parameter's update count
(as RecIS's per-table step: an update that touches no row of the
parameter -- an all-zero dense gradient, a sparse one with no indices --
leaves it and t as they are)::

    α = lr·sqrt(1-β2^t)/(1-β1^t)
    for each touched row i:
        w_i = w_i·(1 - lr·decay)                   # decoupled decay, touched rows only
        m_i = β1·m_i + (1-β1)·g_i;   v_i = β2·v_i + (1-β2)·g_i^2
        w_i = w_i - α·m_i/(sqrt(v_i) + eps)        # eps on the raw sqrt(v) (TF style)

Gradient accumulation (RecIS ``set_grad_accum_steps``): with ``accumulate``
k > 1 a call to ``step`` adds the gradient to the ``grad_accum`` buffer and
updates only on every k-th call, with the accumulated gradient divided by k
(zero the gradients between calls as usual); t counts those updates that
touch a row.  State per parameter: ``step`` (t: updates that touched a
row), ``exp_avg``, ``exp_avg_sq``, and while accumulating ``calls`` and
``grad_accum``.
"""

from .catalog import betas, buf, DECAY, EPS, lazy, lr_opt, opt, register, STEP

__all__ = ["SparseAdamW"]

register("sparseadamw", "kapi.api.optim.sparseadamw.SparseAdamW",
    (lr_opt(0.001),
     *betas(0.9, 0.999),
     opt("eps", "eps", 1e-08, check=EPS),
     opt("decay", "weight_decay", 0.01, check=DECAY),
     opt("accumulate", "accumulate", 1, "long",
         check=(lambda v: v >= 1, "Invalid accumulate value"))),
    help="sparse adamw (RecIS): decoupled decay on touched rows only; "
         "gradient accumulation",
    buffers=(STEP, buf("exp_avg"), buf("exp_avg_sq"),
             buf("calls", kind="long", always=False)),
    pytorch="",
    checks=("lr", "eps", "beta1", "beta2", "decay", "accumulate"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, KOptimizer
    from ._work import pieces

    def _rows(x):
        return x if x.dim() > 0 else x.view(1)


    def _nonzero(ws, g):
        """Whether every element of (contiguous) ``g`` is non-zero (NaN counts
        as zero here: the caller then looks at the rows)."""
        for (x,), (s,) in pieces(ws, (g,), 1):
            if not torch.abs(x, out=s).amin().item() > 0:
                return False
        return True


    class SparseAdamW(KOptimizer):
        """Row-lazy AdamW for sparse (and dense) gradients (see module doc)."""

        kname = "sparseadamw"
        sparse_ok = True

        def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01,
                     accumulate=1, *, foreach=None):
            check(lr >= 0, "Invalid learning rate", lr)
            check(eps >= 0, "Invalid epsilon value", eps)
            for i in (0, 1):
                check(0 <= betas[i] < 1, "Invalid beta parameter at index %d" % i, betas[i])
            check(weight_decay >= 0, "Invalid weight_decay value", weight_decay)
            check(accumulate >= 1, "Invalid accumulate value", accumulate)
            super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                          weight_decay=weight_decay, accumulate=int(accumulate)),
                             foreach)

        def _state_init(self, p, group, state):
            state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)

        @staticmethod
        def _touched(p, g):
            """(rows, values): the touched rows of ``p`` and their gradient rows."""
            if g.is_sparse:
                if g.sparse_dim() != 1:
                    g = g.to_dense()
                else:
                    g = g.coalesce()
                    return g.indices()[0], g.values()
            g = _rows(g)
            if g.numel() == 0:          # an empty parameter has no row to touch
                return g.new_zeros(0, dtype=torch.long), g
            flat = g.reshape(g.shape[0], -1)
            rows = (flat != 0).any(1).nonzero().squeeze(1)
            return rows, g.index_select(0, rows)

        def _accumulate(self, group, g, st):
            """The gradient to apply now (None while accumulating)."""
            k = group["accumulate"]
            if k <= 1:
                return g
            acc = st.get("grad_accum")
            st["grad_accum"] = g.clone() if acc is None else acc + g
            st["calls"] = st.get("calls", 0) + 1
            if st["calls"] % k:
                return None
            g = st.pop("grad_accum") / k
            st["calls"] = 0
            return g

        def _update(self, group, params, grads, states, foreach):
            for p, g, st in zip(params, grads, states):
                g = self._accumulate(group, g, st)
                if g is not None:
                    self._rows_update(group, p, g, st, *self._touched(p, g))

        def _rows_update(self, group, p, g, st, rows, vals):
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            b1, b2 = group["betas"]
            if rows.numel() == 0:       # no row updated: not a step for this parameter
                return
            st["step"] += 1
            t = int(st["step"].item())
            alpha = lr * (1 - b2 ** t) ** 0.5 / (1 - b1 ** t)
            w, m, v = _rows(p), _rows(st["exp_avg"]), _rows(st["exp_avg_sq"])
            wr, mr, vr = (x.index_select(0, rows) for x in (w, m, v))
            if wd != 0:
                wr.mul_(1 - lr * wd)
            mr.mul_(b1).add_(vals, alpha=1 - b1)
            vr.mul_(b2).addcmul_(vals, vals, value=1 - b2)
            wr.addcdiv_(mr, vr.sqrt().add_(eps), value=-alpha)
            w.index_copy_(0, rows, wr)
            m.index_copy_(0, rows, mr)
            v.index_copy_(0, rows, vr)

        def _fast(self, group, params, grads, states, ws):
            """Dense contiguous gradients: when every row is touched (the usual
            case) RecIS's update is AdamW's -- ``alpha*m/(sqrt(v)+eps)`` is
            ``lr/(1-b1^t)*m/(sqrt(v)/sqrt(1-b2^t) + eps/sqrt(1-b2^t))`` -- so
            torch's fused AdamW kernel steps the whole parameter in one pass.
            With a few untouched rows it still does, and their rows of the
            weights and moments are put back; with many, the rows are gathered."""
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            b1, b2 = group["betas"]
            for p, g, st in zip(params, grads, states):
                g = self._accumulate(group, g, st)
                if g is None:
                    continue
                g = g.contiguous()
                if g.numel() == 0:      # no rows to update, so no step either
                    continue
                keep = None
                if not _nonzero(ws, g):
                    g2 = _rows(g)
                    hit = (g2.reshape(g2.shape[0], -1) != 0).any(1)
                    miss = (~hit).nonzero().squeeze(1)
                    if 2 * miss.numel() > hit.numel():
                        rows = hit.nonzero().squeeze(1)
                        self._rows_update(group, p, g, st, rows, g2.index_select(0, rows))
                        continue
                    if miss.numel():
                        keep = [(x, x.index_select(0, miss)) for x in
                                (_rows(p), _rows(st["exp_avg"]), _rows(st["exp_avg_sq"]))]
                st["step"] += 1
                t = st["step"].item()
                e = eps / (1 - b2 ** t) ** 0.5
                torch._fused_adamw_([p], [g], [st["exp_avg"]], [st["exp_avg_sq"]], [], [st["step"]],
                                    lr=lr, beta1=b1, beta2=b2, weight_decay=wd, eps=e,
                                    amsgrad=False, maximize=False)
                if keep is not None:
                    for x, saved in keep:
                        x.index_copy_(0, miss, saved)

    SparseAdamW.__qualname__ = 'SparseAdamW'
    return {'SparseAdamW': SparseAdamW}


__getattr__ = lazy(globals(), ('SparseAdamW',), _define)
