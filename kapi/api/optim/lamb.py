"""LAMB as ktorch has it (kopt/lamb.cpp, "based on NVLAMB").

For every parameter ``p`` with gradient ``g`` (``t`` its step count)::

    if global_norm:  G = sqrt(sum of g^2 over every parameter of every group)
                     g = g / G                     (in place on p.grad, as ktorch)
    m = b1*m + (1-b1)*g
    v = b2*v + (1-b2)*g^2
    u = (m/(1-b1^t)) / (sqrt(v)/sqrt(1-b2^t) + eps)   if bias_correction
        m / (sqrt(v) + eps)                           otherwise
    u = u + weight_decay*p                            if weight_decay != 0
    r = |p|/|u| if |p| > 0 and |u| > 0 else 1        (L2 norms of whole tensors)
    r = clamp(r, trust_min, trust_max)                if trust_clip
    p = p - lr*r*u

As in ktorch, ``global_norm`` is read from the optimizer defaults (the
options the optimizer was created with), not from each group.  One
departure: an all-zero gradient (G = 0) is left at zero instead of
becoming NaN.

State per parameter: ``step`` (0-d float32 tensor, as torch's optimizers
keep it, so ``load_state_dict`` leaves it alone), ``exp_avg`` (m) and
``exp_avg_sq`` (v).
"""

import math

from ...errors import KError

from .catalog import betas, buf, DECAY, EPS, lazy, lr_opt, opt, register

__all__ = ["Lamb"]

register(
    "lamb", "kapi.api.optim.lamb.Lamb",
    (lr_opt(0.001),
     *betas(0.9, 0.999),
     opt("eps", "eps", 1e-08, check=EPS),
     opt("decay", "weight_decay", 0.0, check=DECAY),
     opt("unbiased", "bias_correction", True, "bool"),
     opt("globalnorm", "global_norm", True, "bool"),
     opt("trustclip", "trust_clip", True, "bool"),
     opt("trustmin", "trust_min", 0.0),
     opt("trustmax", "trust_max", 1.0)),
    help="lamb: layer-wise adaptive moments (NVLAMB variant)",
    buffers=(buf("step", kind="step"), buf("exp_avg"), buf("exp_avg_sq")),
    pytorch="", checks=("lr", "eps", "beta1", "beta2", "decay"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from torch.optim.optimizer import _get_scalar_dtype, Optimizer
    from ._common import run_closure
    from ._work import workspace

    def _num(x):
        return "%g" % x


    class Lamb(Optimizer):
        """LAMB (NVLAMB variant, as ktorch).

        ``foreach``: ``True`` for the multi-tensor (``torch._foreach_*``) path,
        ``False`` for the per-tensor loop, ``None`` (default) for the CPU path
        (:func:`_fast`, torch's fused Adam kernel; contiguous CPU tensors), else
        the multi-tensor path whenever a group steps more than one parameter.
        The multi-tensor and per-tensor paths give identical results, the CPU
        path the same to rounding.
        """

        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                     weight_decay=0.0, bias_correction=True, global_norm=True,
                     trust_clip=True, trust_min=0.0, trust_max=1.0, *, foreach=None):
            if not lr >= 0:
                raise ValueError("Invalid learning rate: " + _num(lr))
            if not eps >= 0:
                raise ValueError("Invalid epsilon value: " + _num(eps))
            for i in (0, 1):
                if not 0 <= betas[i] < 1:
                    raise ValueError("Invalid beta parameter at index %d: %s" % (i, _num(betas[i])))
            if not weight_decay >= 0:
                raise ValueError("Invalid weight_decay value: " + _num(weight_decay))
            defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                            bias_correction=bias_correction, global_norm=global_norm,
                            trust_clip=trust_clip, trust_min=trust_min, trust_max=trust_max,
                            foreach=foreach)
            super().__init__(params, defaults)

        def __setstate__(self, state):
            super().__setstate__(state)
            for group in self.param_groups:
                group.setdefault("foreach", None)

        # ------------------------------------------------------------------

        def _init_group(self, group):
            params, grads, ms, vs, steps = [], [], [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise KError("lamb: sparse gradients not implemented")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0, dtype=_get_scalar_dtype())
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                params.append(p)
                grads.append(p.grad)
                ms.append(state["exp_avg"])
                vs.append(state["exp_avg_sq"])
                steps.append(state["step"])
            return params, grads, ms, vs, steps

        def _global_norm(self, foreach):
            """sqrt of the sum of squared gradients of every parameter (or None)."""
            grads = [p.grad for g in self.param_groups for p in g["params"] if p.grad is not None]
            if not grads:
                return None
            for g in grads:
                if g.is_sparse:
                    raise KError("lamb: sparse gradients not implemented")
            first = grads[0]
            if _use_foreach(foreach, len(grads)):
                norms = torch._foreach_norm(grads)
            else:
                norms = [torch.linalg.vector_norm(g) for g in grads]
            norm = torch.linalg.vector_norm(
                torch.stack([n.to(device=first.device, dtype=first.dtype) for n in norms]))
            # G = 0 only when every gradient is zero: divide by 1 (ktorch gives NaN)
            return torch.where(norm > 0, norm, torch.ones_like(norm))

        @torch.no_grad()
        def step(self, closure=None):
            """One LAMB step; ``closure`` re-evaluates and returns the loss."""
            loss = run_closure(closure)
            gnorm = self._global_norm(self.defaults.get("foreach")) \
                if self.defaults["global_norm"] else None
            for group in self.param_groups:
                params, grads, ms, vs, steps = self._init_group(group)
                if not params:
                    continue
                if group["foreach"] is None:
                    rows = list(zip(params, grads, ms, vs, steps))
                    fast = [r for r in rows if _fast_ok(*r[:4])]
                    if fast:
                        _fast(*zip(*fast), workspace(self), gnorm=gnorm, lr=group["lr"],
                              beta1=group["betas"][0], beta2=group["betas"][1], eps=group["eps"],
                              weight_decay=group["weight_decay"],
                              bias_correction=group["bias_correction"],
                              trust_clip=group["trust_clip"], trust_min=group["trust_min"],
                              trust_max=group["trust_max"])
                        rest = [r for r in rows if not _fast_ok(*r[:4])]
                        if not rest:
                            continue
                        params, grads, ms, vs, steps = (list(x) for x in zip(*rest))
                fn = _multi_tensor if _use_foreach(group["foreach"], len(params)) else _single_tensor
                fn(params, grads, ms, vs, steps, gnorm=gnorm, lr=group["lr"],
                   beta1=group["betas"][0], beta2=group["betas"][1], eps=group["eps"],
                   weight_decay=group["weight_decay"], bias_correction=group["bias_correction"],
                   trust_clip=group["trust_clip"], trust_min=group["trust_min"],
                   trust_max=group["trust_max"])
            return loss


    def _use_foreach(flag, n):
        return n > 1 if flag is None else bool(flag)


    def _trust(w, r, trust_clip, trust_min, trust_max):
        """Trust ratio |p|/|u| (1 when either norm is 0), optionally clamped;
        elementwise, so the same for one 0-d pair or stacked norms."""
        ratio = torch.where((w > 0) & (r > 0), w / r, torch.ones_like(w))
        if trust_clip:
            ratio = ratio.clamp(trust_min, trust_max)
        return ratio


    def _single_tensor(params, grads, ms, vs, steps, *, gnorm, lr, beta1, beta2, eps,
                       weight_decay, bias_correction, trust_clip, trust_min, trust_max):
        for p, g, m, v, step in zip(params, grads, ms, vs, steps):
            step += 1
            if gnorm is not None:
                g.div_(gnorm)
            m.mul_(beta1).add_(g, alpha=1 - beta1)
            v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
            if bias_correction:
                t = int(step.item())
                bc1 = 1 - beta1 ** t
                bc2 = math.sqrt(1 - beta2 ** t)
                den = v.sqrt().div_(bc2).add_(eps)
                u = m.div(bc1).div_(den)
            else:
                u = m.div(v.sqrt().add_(eps))
            if weight_decay != 0:
                u.add_(p, alpha=weight_decay)
            ratio = _trust(torch.linalg.vector_norm(p), torch.linalg.vector_norm(u),
                           trust_clip, trust_min, trust_max)
            u.mul_(ratio)
            p.add_(u, alpha=-lr)


    def _multi_tensor(params, grads, ms, vs, steps, *, gnorm, lr, beta1, beta2, eps,
                      weight_decay, bias_correction, trust_clip, trust_min, trust_max):
        grouped = Optimizer._group_tensors_by_device_and_dtype([params, grads, ms, vs, steps])
        for (p, g, m, v, step), _ in grouped.values():
            torch._foreach_add_(step, 1)
            if gnorm is not None:
                torch._foreach_div_(g, gnorm.to(device=g[0].device))
            torch._foreach_mul_(m, beta1)
            torch._foreach_add_(m, g, alpha=1 - beta1)
            torch._foreach_mul_(v, beta2)
            torch._foreach_addcmul_(v, g, g, value=1 - beta2)
            den = torch._foreach_sqrt(v)
            if bias_correction:
                ts = [int(s.item()) for s in step]
                bc1 = [1 - beta1 ** t for t in ts]
                bc2 = [math.sqrt(1 - beta2 ** t) for t in ts]
                torch._foreach_div_(den, bc2)
                torch._foreach_add_(den, eps)
                u = torch._foreach_div(m, bc1)
                torch._foreach_div_(u, den)
            else:
                torch._foreach_add_(den, eps)
                u = torch._foreach_div(m, den)
            if weight_decay != 0:
                torch._foreach_add_(u, p, alpha=weight_decay)
            w = torch.stack(torch._foreach_norm(p))
            r = torch.stack(torch._foreach_norm(u))
            ratio = _trust(w, r, trust_clip, trust_min, trust_max)
            torch._foreach_mul_(u, list(ratio.unbind()))
            torch._foreach_add_(p, u, alpha=-lr)


    def _fast_ok(p, g, m, v):
        """The CPU path's case: a contiguous real floating point CPU parameter,
        its gradient and moments of its dtype and shape, contiguous."""
        if p.device.type != "cpu" or not p.is_floating_point():
            return False
        for t in (p, g, m, v):
            if t.dtype != p.dtype or t.shape != p.shape or t.device != p.device \
                    or not t.is_contiguous():
                return False
        return True


    _INF = {}


    def _sq(x):
        """Sum of squares of ``x`` (a float): BLAS dot, which also runs threaded."""
        x = x.reshape(-1)
        return torch.dot(x, x).item()


    def _fast(params, grads, ms, vs, steps, ws, *, gnorm, lr, beta1, beta2, eps,
              weight_decay, bias_correction, trust_clip, trust_min, trust_max):
        """The CPU step (the default on the CPU), per parameter: one pass of
        torch's fused Adam kernel updates the moments, divides the gradient by
        the global norm in place (its gradient scale; float32) and writes
        ``u = (m/(1-b1^t))/(sqrt(v)/sqrt(1-b2^t) + eps)`` into scratch -- the
        kernel's step from a zeroed "parameter" with learning rate -1 (the
        zeroing is the AdamW decay ``1 - lr*decay`` = 0; without bias correction
        the step is +inf, corrections 1).  Then the decay term, the two norms
        and ``p -= lr*r*u``.  The scratch is kept finite (zeroed when a step
        leaves it NaN or infinite), as ``0*x`` must be 0."""
        for p, g, m, v, step in zip(params, grads, ms, vs, steps):
            step += 1
            if bias_correction:
                st = step
            else:
                st = _INF.get(p.device)
                if st is None:
                    st = _INF[p.device] = torch.tensor(float("inf"), device=p.device)
            scale = None if gnorm is None else gnorm.to(device=p.device, dtype=p.dtype)
            if scale is not None and p.dtype != torch.float32:
                g.div_(scale)                 # (the kernel's scale is a float32)
                scale = None
            u = ws.get(p.numel(), p.dtype, p.device, 1, tag="lamb")[0].view(p.shape)
            torch._fused_adamw_([u], [g], [m], [v], [], [st], lr=-1.0, beta1=beta1, beta2=beta2,
                                weight_decay=-1.0, eps=eps, amsgrad=False, maximize=False,
                                grad_scale=scale, found_inf=None)
            if weight_decay != 0:
                u.add_(p, alpha=weight_decay)
            w2, u2 = _sq(p), _sq(u)
            if not math.isfinite(u2):
                ratio = _trust(torch.linalg.vector_norm(p), torch.linalg.vector_norm(u),
                               trust_clip, trust_min, trust_max).item()
                p.add_(u, alpha=-lr * ratio)
                u.zero_()
                continue
            w, r = math.sqrt(w2), math.sqrt(u2)
            ratio = w / r if w > 0 and r > 0 else 1.0
            if trust_clip:
                ratio = min(max(ratio, trust_min), trust_max)
            p.add_(u, alpha=-lr * ratio)

    Lamb.__qualname__ = 'Lamb'
    return {'Lamb': Lamb}


__getattr__ = lazy(globals(), ('Lamb',), _define)
