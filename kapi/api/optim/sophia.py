"""Sophia-H (Sophia with a Hutchinson estimate of the Hessian diagonal), as
``optax.contrib.sophia``.

State per parameter: ``step`` (c, steps taken), ``exp_avg`` (m) and
``hessian`` (ν, an EMA of the Hessian-diagonal estimate).  With t = c+1::

    m = b1·m + (1-b1)·g;   m̂ = m/(1-b1^t)
    u = clamp(m̂ / max(gamma·ν, eps), -clip, clip)      # ν from before this step
    if c mod interval == 0:                              # steps 1, 1+interval, ...
        h = z ⊙ (H z),  z Rademacher (±1)               # Hutchinson
        ν = b2·ν + (1-b2)·h
    p = p - lr·(u + decay·p)

The Hessian-vector product needs the gradient's graph, so ``step`` needs a
closure that recomputes the loss and back-propagates it.  On a refresh step
the closure runs with ``torch.autograd.backward`` told to ``create_graph``
(so a plain ``backward l`` / ``loss.backward()`` in the closure is enough);
gradients that already carry a graph (``backward(l;`create)``) are used as
they are.  ``z`` is drawn from torch's global generator
(``torch.manual_seed`` makes it repeatable); ``generator=`` takes a
``torch.Generator`` instead.  The gradients are detached after the step.
"""

import contextlib
import warnings

from ...errors import KError

from .catalog import betas, buf, DECAY, EPS, _ge0, lazy, lr_opt, opt, register, STEP

__all__ = ["SophiaH"]

register("sophia", "kapi.api.optim.sophia.SophiaH",
    (lr_opt(0.001),
     *betas(0.965, 0.99),
     opt("eps", "eps", 1e-08, check=EPS),
     opt("decay", "weight_decay", 0.0001, check=DECAY),
     opt("gamma", "gamma", 0.01, check=_ge0("Invalid gamma value")),
     opt("clip", "clip_threshold", 1.0, check=(lambda v: v > 0, "Invalid clip value")),
     opt("interval", "update_interval", 10, "long",
         check=(lambda v: v >= 1, "Invalid interval value"))),
    help="sophia-h (optax): clipped second-order steps, Hutchinson hessian (needs a closure)",
    buffers=(STEP, buf("exp_avg"), buf("hessian")),
    pytorch="",
    checks=("lr", "eps", "beta1", "beta2", "decay", "gamma", "clip", "interval"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import check, grouped, KOptimizer, use_foreach

    @contextlib.contextmanager
    def _create_graph():
        """Make every ``torch.autograd.backward`` call keep a differentiable graph."""
        orig = torch.autograd.backward

        def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
                     **kwargs):
            return orig(tensors, grad_tensors, retain_graph=True, create_graph=True, **kwargs)

        torch.autograd.backward = backward
        try:
            with warnings.catch_warnings():
                # "backward() with create_graph=True will create a reference cycle":
                # the gradients are detached after the step
                warnings.filterwarnings("ignore", message=".*create_graph=True.*")
                yield
        finally:
            torch.autograd.backward = orig


    class SophiaH(KOptimizer):
        """Sophia-H as ``optax.contrib.sophia`` (see module doc); ``step(closure)``."""

        kname = "sophia"

        def __init__(self, params, lr=0.001, betas=(0.965, 0.99), eps=1e-8, weight_decay=1e-4,
                     gamma=0.01, clip_threshold=1.0, update_interval=10, *, foreach=None,
                     generator=None):
            check(lr >= 0, "Invalid learning rate", lr)
            check(eps >= 0, "Invalid epsilon value", eps)
            for i in (0, 1):
                check(0 <= betas[i] < 1, "Invalid beta parameter at index %d" % i, betas[i])
            check(weight_decay >= 0, "Invalid weight_decay value", weight_decay)
            check(gamma >= 0, "Invalid gamma value", gamma)
            check(clip_threshold > 0, "Invalid clip_threshold value", clip_threshold)
            check(update_interval >= 1, "Invalid update_interval value", update_interval)
            super().__init__(params, dict(
                lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, gamma=gamma,
                clip_threshold=clip_threshold, update_interval=int(update_interval)), foreach)
            self.generator = generator

        def _state_init(self, p, group, state):
            state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            state["hessian"] = torch.zeros_like(p, memory_format=torch.preserve_format)

        def _refresh_due(self):
            for group in self.param_groups:
                for p in group["params"]:
                    st = self.state.get(p)
                    c = int(st["step"].item()) if st else 0
                    if c % group["update_interval"] == 0:
                        return True
            return False

        def _rademacher(self, p):
            z = torch.randint(0, 2, p.shape, generator=self.generator, dtype=p.dtype,
                              device=p.device)
            return z.mul_(2).sub_(1)

        def step(self, closure=None):
            """One Sophia-H step; ``closure`` recomputes the loss, back-propagates
            it and returns it (required: the Hessian estimate needs it)."""
            if closure is None:
                raise KError("sophia: step requires a closure that recomputes the loss")
            if self._refresh_due():
                with torch.enable_grad(), _create_graph():
                    loss = closure()
            else:
                with torch.enable_grad():
                    loss = closure()
            self._hutchinson()
            self._apply()
            return loss

        def _hutchinson(self):
            """z ⊙ (H z) for every parameter due a refresh (stored as ``_h``)."""
            self._h = {}
            due = []
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    st = self.state.get(p)
                    c = int(st["step"].item()) if st else 0
                    if c % group["update_interval"] == 0:
                        due.append(p)
            with_graph = [p for p in due if p.grad.requires_grad]
            if len(with_graph) != len(due):
                raise KError("sophia: gradient without graph on a Hessian refresh step")
            if due:
                zs = [self._rademacher(p) for p in due]
                with torch.enable_grad():
                    hz = torch.autograd.grad([p.grad for p in due], due, grad_outputs=zs,
                                             allow_unused=True)
                for p, z, h in zip(due, zs, hz):
                    self._h[p] = torch.zeros_like(p) if h is None else (z * h).detach()
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None and p.grad.requires_grad:
                        p.grad = p.grad.detach()

        @torch.no_grad()
        def _apply(self):
            for group in self.param_groups:
                params, grads, states = self._init_group(group)
                if params:
                    self._update(group, params, grads, states,
                                 use_foreach(group["foreach"], len(params)))
            self._h = {}

        def _update(self, group, params, grads, states, foreach):
            lr, eps, wd, gamma = (group[k] for k in ("lr", "eps", "weight_decay", "gamma"))
            b1, b2 = group["betas"]
            clip = group["clip_threshold"]
            hs = [self._h.get(p) for p in params]
            if not foreach:
                for p, g, st, h in zip(params, grads, states, hs):
                    st["step"] += 1
                    t = int(st["step"].item())
                    m, nu = st["exp_avg"], st["hessian"]
                    m.mul_(b1).add_(g, alpha=1 - b1)
                    u = (m / (1 - b1 ** t)).div_(torch.clamp(nu * gamma, min=eps))
                    u.clamp_(-clip, clip)
                    if h is not None:
                        nu.mul_(b2).add_(h, alpha=1 - b2)
                    u.add_(p, alpha=wd)
                    p.add_(u, alpha=-lr)
                return
            refresh = [i for i, h in enumerate(hs) if h is not None]
            if refresh:
                nus = [states[i]["hessian"] for i in refresh]
                old = [n.clone() for n in nus]        # u uses ν from before the refresh
            else:
                old = []
            before = dict(zip(refresh, old))
            nu_for_u = [before.get(i, st["hessian"]) for i, st in enumerate(states)]
            for (p, g, m, nu, steps), _ in grouped(
                    [params, grads, [s["exp_avg"] for s in states], nu_for_u,
                     [s["step"] for s in states]]):
                torch._foreach_add_(steps, 1)
                bc = [1 - b1 ** int(s.item()) for s in steps]
                torch._foreach_mul_(m, b1)
                torch._foreach_add_(m, g, alpha=1 - b1)
                den = torch._foreach_mul(nu, gamma)
                torch._foreach_clamp_min_(den, eps)
                u = torch._foreach_div(m, bc)
                torch._foreach_div_(u, den)
                torch._foreach_clamp_min_(u, -clip)
                torch._foreach_clamp_max_(u, clip)
                torch._foreach_add_(u, p, alpha=wd)
                torch._foreach_add_(p, u, alpha=-lr)
            for i in refresh:
                states[i]["hessian"].mul_(b2).add_(hs[i], alpha=1 - b2)

    SophiaH.__qualname__ = 'SophiaH'
    return {'SophiaH': SophiaH}


__getattr__ = lazy(globals(), ('SophiaH',), _define)
