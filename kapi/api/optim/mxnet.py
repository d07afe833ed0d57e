"""MXNet's optimizers nag, signum, sgld, dcasgd, ftml and lars (LARS with
LBSGD's warm-up), with MXNet 1.9.1's defaults and kernels
(``src/operator/optimizer_op-inl.h``; reference/optimizers.md 1.5).

Gradient rescaling and clipping (MXNet's ``rescale_grad``/``clip_gradient``)
are left to kapi's optimizer-level clipping; ``lr_mult``/``wd_mult`` are
parameter groups.  g'' = g + decay·w; t the parameter's step (1 first).

nag -- state ``step``, ``momentum`` (when momentum > 0)::

    m = μ·m - lr·g'';  w += μ·m - lr·g''          (μ = 0: w -= lr·g'')

signum -- state ``step``, ``momentum`` (when momentum > 0)::

    m = μ·m - (1-μ)·g'';  w = (1-lr·wdlh)·w + lr·sign(m)
    μ = 0 (signSGD):      w = (1-lr·decay)·w - lr·sign(g)

sgld -- state ``step``::

    w -= lr/2·g'';  w += N(0, lr)                 (normal, standard deviation sqrt(lr))

dcasgd -- state ``step``, ``weight_prev`` (w when the state was made),
``momentum`` (when momentum > 0)::

    δ = -lr·(g'' + λ·g²·(w - weight_prev))
    m = μ·m + δ  (μ = 0: m = δ);  weight_prev = w;  w += m

ftml -- state ``step``, ``d``, ``v``, ``z``::

    v = β2·v + (1-β2)·g''²;  d_t = (1-β1^t)/lr·(sqrt(v/(1-β2^t)) + eps)
    z = β1·z + (1-β1)·g'' - (d_t - β1·d)·w;  d = d_t;  w = -z/d_t

lars -- state ``step``, ``momentum`` (when momentum > 0), ``last_lr``::

    r = eta·|w|/(|g| + decay·|w| + eps)  if |w| > 0 and |g| > 0, else 1   (L2 norms)
    lr' = lr·r·warmup(t)
    μ' = μ·lr/last_lr  if correction and last_lr > 0, else μ
    m = μ'·m - lr'·g'';  w += m                    (μ = 0: w -= lr'·g'')

  warmup (LBSGD): n = t-1 + beginepoch·epochupdates, N = wepochs·epochupdates,
  M = batchscale; n >= N: M; else linear 1+(M-1)·n/N, power2 1+(M-1)·(n/N)^2,
  sqrt 1+(M-1)·sqrt(n/N); no strategy: 1.
"""

import math

import torch

from ._common import KOptimizer, check, grouped
from ._work import pieces

__all__ = ["Nag", "Signum", "Sgld", "Dcasgd", "Ftml", "Lars"]


def _lr_decay_checks(lr, wd):
    check(lr >= 0, "Invalid learning rate", lr)
    check(wd >= 0, "Invalid weight_decay value", wd)


def _mom(state, p):
    m = state.get("momentum")
    if m is None:
        m = state["momentum"] = torch.zeros_like(p, memory_format=torch.preserve_format)
    return m


class Nag(KOptimizer):
    """MXNet ``NAG``: Nesterov momentum with lr inside the momentum buffer."""

    kname = "nag"

    def __init__(self, params, lr=0.01, momentum=0.0, weight_decay=0.0, *, foreach=None):
        _lr_decay_checks(lr, weight_decay)
        check(momentum >= 0, "Invalid momentum value", momentum)
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay),
                         foreach)

    def _state_init(self, p, group, state):
        pass

    def _update(self, group, params, grads, states, foreach):
        lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
        if not foreach:
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                g2 = g.add(w, alpha=wd) if wd != 0 else g
                if mu == 0:
                    w.add_(g2, alpha=-lr)
                    continue
                m = _mom(st, w)
                m.mul_(mu).add_(g2, alpha=-lr)
                w.add_(m, alpha=mu).add_(g2, alpha=-lr)
            return
        torch._foreach_add_([s["step"] for s in states], 1)
        if mu == 0:
            for (w, g), _ in grouped([params, grads]):
                g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
                torch._foreach_add_(w, g2, alpha=-lr)
            return
        ms = [_mom(st, w) for st, w in zip(states, params)]
        for (w, g, m), _ in grouped([params, grads, ms]):
            g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
            torch._foreach_mul_(m, mu)
            torch._foreach_add_(m, g2, alpha=-lr)
            torch._foreach_add_(w, m, alpha=mu)
            torch._foreach_add_(w, g2, alpha=-lr)


class Signum(KOptimizer):
    """MXNet ``Signum`` (signSGD when momentum is 0)."""

    kname = "signum"

    def __init__(self, params, lr=0.01, momentum=0.9, weight_decay=0.0, wd_lh=0.0, *,
                 foreach=None):
        _lr_decay_checks(lr, weight_decay)
        check(0 <= momentum < 1, "Invalid momentum value", momentum)
        check(wd_lh >= 0, "Invalid wd_lh value", wd_lh)
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay,
                                      wd_lh=wd_lh), foreach)

    def _state_init(self, p, group, state):
        pass

    def _fast(self, group, params, grads, states, ws):
        lr, mu, wd, wdlh = (group[k] for k in ("lr", "momentum", "weight_decay", "wd_lh"))
        for w, g, st in zip(params, grads, states):
            st["step"] += 1
            if mu == 0:
                for (w_, g_), (s1,) in pieces(ws, (w, g), 1):
                    if wd != 0:
                        w_.mul_(1 - lr * wd)
                    w_.add_(torch.sign(g_, out=s1), alpha=-lr)
                continue
            for (w_, g_, m), (s1,) in pieces(ws, (w, g, _mom(st, w)), 1):
                m.mul_(mu).add_(g_, alpha=-(1 - mu))
                if wd != 0:
                    m.add_(w_, alpha=-(1 - mu) * wd)
                if wdlh != 0:
                    w_.mul_(1 - lr * wdlh)
                w_.add_(torch.sign(m, out=s1), alpha=lr)

    def _update(self, group, params, grads, states, foreach):
        lr, mu, wd, wdlh = (group[k] for k in ("lr", "momentum", "weight_decay", "wd_lh"))
        if not foreach:
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                if mu == 0:
                    w.mul_(1 - lr * wd).add_(torch.sign(g), alpha=-lr)
                    continue
                m = _mom(st, w)
                m.mul_(mu).add_(g.add(w, alpha=wd) if wd != 0 else g, alpha=-(1 - mu))
                if wdlh != 0:
                    w.mul_(1 - lr * wdlh)
                w.add_(torch.sign(m), alpha=lr)
            return
        torch._foreach_add_([s["step"] for s in states], 1)
        if mu == 0:
            for (w, g), _ in grouped([params, grads]):
                torch._foreach_mul_(w, 1 - lr * wd)
                torch._foreach_add_(w, torch._foreach_sign(g), alpha=-lr)
            return
        ms = [_mom(st, w) for st, w in zip(states, params)]
        for (w, g, m), _ in grouped([params, grads, ms]):
            g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
            torch._foreach_mul_(m, mu)
            torch._foreach_add_(m, g2, alpha=-(1 - mu))
            if wdlh != 0:
                torch._foreach_mul_(w, 1 - lr * wdlh)
            torch._foreach_add_(w, torch._foreach_sign(m), alpha=lr)


class Sgld(KOptimizer):
    """MXNet ``SGLD``: Langevin dynamics, half a gradient step plus N(0, lr) noise.

    Noise comes from torch's global generator, or ``generator=``, drawn one
    parameter after another in group order (both paths draw the same)."""

    kname = "sgld"

    def __init__(self, params, lr=0.01, weight_decay=0.0, *, foreach=None, generator=None):
        _lr_decay_checks(lr, weight_decay)
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay), foreach)
        self.generator = generator

    def _state_init(self, p, group, state):
        pass

    def _noise(self, w):
        return torch.randn(w.shape, generator=self.generator, dtype=w.dtype, device=w.device)

    def _fast(self, group, params, grads, states, ws):
        # the noise of a whole parameter at once (torch.randn's draws), into
        # scratch; then both steps in one pass a piece at a time
        lr, wd = group["lr"], group["weight_decay"]
        sd = math.sqrt(lr)
        for w, g, st in zip(params, grads, states):
            st["step"] += 1
            z = ws.get(w.numel(), w.dtype, w.device, 1, tag="whole")[0].view(w.shape)
            z.normal_(generator=self.generator)
            for (w_, g_, z_), _ in pieces(ws, (w, g, z), 0):
                if wd != 0:
                    w_.mul_(1 - lr / 2 * wd)
                w_.add_(g_, alpha=-lr / 2).add_(z_, alpha=sd)

    def _update(self, group, params, grads, states, foreach):
        lr, wd = group["lr"], group["weight_decay"]
        sd = math.sqrt(lr)
        if not foreach:
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                w.add_(g.add(w, alpha=wd) if wd != 0 else g, alpha=-lr / 2)
                w.add_(self._noise(w), alpha=sd)
            return
        noise = [self._noise(w) for w in params]
        torch._foreach_add_([s["step"] for s in states], 1)
        for (w, g, z), _ in grouped([params, grads, noise]):
            g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
            torch._foreach_add_(w, g2, alpha=-lr / 2)
            torch._foreach_add_(w, z, alpha=sd)


class Dcasgd(KOptimizer):
    """MXNet ``DCASGD``: delay-compensated asynchronous SGD."""

    kname = "dcasgd"

    def __init__(self, params, lr=0.01, momentum=0.0, lamda=0.04, weight_decay=0.0, *,
                 foreach=None):
        _lr_decay_checks(lr, weight_decay)
        check(momentum >= 0, "Invalid momentum value", momentum)
        check(lamda >= 0, "Invalid lambda value", lamda)
        super().__init__(params, dict(lr=lr, momentum=momentum, lamda=lamda,
                                      weight_decay=weight_decay), foreach)

    def _state_init(self, p, group, state):
        state["weight_prev"] = p.detach().clone(memory_format=torch.preserve_format)

    def _fast(self, group, params, grads, states, ws):
        lr, mu, lam, wd = (group[k] for k in ("lr", "momentum", "lamda", "weight_decay"))
        for w, g, st in zip(params, grads, states):
            st["step"] += 1
            ts = (w, g, st["weight_prev"]) + ((_mom(st, w),) if mu != 0 else ())
            for v, (s1,) in pieces(ws, ts, 1):
                w_, g_, prev = v[:3]
                d = torch.sub(w_, prev, out=s1).mul_(g_)          # g*(w - prev)
                torch.addcmul(g_, d, g_, value=lam, out=d)        # g + lam*g^2*(w - prev)
                if wd != 0:
                    d.add_(w_, alpha=wd)
                prev.copy_(w_)
                if mu != 0:
                    w_.add_(v[3].mul_(mu).add_(d, alpha=-lr))
                else:
                    w_.add_(d, alpha=-lr)

    def _update(self, group, params, grads, states, foreach):
        lr, mu, lam, wd = (group[k] for k in ("lr", "momentum", "lamda", "weight_decay"))
        if not foreach:
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                prev = st["weight_prev"]
                d = g.add(w, alpha=wd) if wd != 0 else g.clone()
                d.add_(g * g * (w - prev), alpha=lam).mul_(-lr)
                if mu != 0:
                    m = _mom(st, w)
                    d = m.mul_(mu).add_(d)
                prev.copy_(w)
                w.add_(d)
            return
        torch._foreach_add_([s["step"] for s in states], 1)
        prevs = [s["weight_prev"] for s in states]
        ms = [_mom(st, w) for st, w in zip(states, params)] if mu != 0 else prevs
        for (w, g, prev, m), _ in grouped([params, grads, prevs, ms]):
            diff = torch._foreach_sub(w, prev)
            torch._foreach_mul_(diff, g)
            torch._foreach_mul_(diff, g)
            d = torch._foreach_add(g, w, alpha=wd) if wd != 0 else [x.clone() for x in g]
            torch._foreach_add_(d, diff, alpha=lam)
            torch._foreach_mul_(d, -lr)
            if mu != 0:
                torch._foreach_mul_(m, mu)
                torch._foreach_add_(m, d)
                d = m
            torch._foreach_copy_(prev, w)
            torch._foreach_add_(w, d)


class Ftml(KOptimizer):
    """MXNet ``FTML``: follow the moving leader."""

    kname = "ftml"

    def __init__(self, params, lr=0.01, betas=(0.6, 0.999), eps=1e-8, weight_decay=0.0, *,
                 foreach=None):
        _lr_decay_checks(lr, weight_decay)
        check(lr > 0, "Invalid learning rate", lr)
        check(eps >= 0, "Invalid epsilon value", eps)
        for i in (0, 1):
            check(0 <= betas[i] < 1, "Invalid beta parameter at index %d" % i, betas[i])
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay), foreach)

    def _state_init(self, p, group, state):
        for k in ("d", "v", "z"):
            state[k] = torch.zeros_like(p, memory_format=torch.preserve_format)

    def _fast(self, group, params, grads, states, ws):
        """One pass of torch's fused Adam kernel does most of the step:
        with ``y = b1*(z + d*w) + (1-b1)*g''`` the update is ``w -= y/d_t``
        and ``d_t = (1-b1^t)/lr*(sqrt(v/(1-b2^t)) + eps)`` is Adam's
        denominator with step size ``lr/(1-b1^t)``; so the kernel runs with
        ``z + d*w`` as its first moment (which it turns into y) and ``v`` as
        its second.  Then ``d = d_t`` and ``z = -d_t*w`` (as ``w = -z/d_t``)."""
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        b1, b2 = group["betas"]
        for w, g, st in zip(params, grads, states):
            st["step"] += 1
            t = int(st["step"].item())
            c = (1 - b1 ** t) / lr
            k = c / math.sqrt(1 - b2 ** t)
            for (w_, g_, d, v, z), _ in pieces(ws, (w, g, st["d"], st["v"], st["z"]), 0):
                z.addcmul_(d, w_)
                torch._fused_adam_([w_], [g_], [z], [v], [], [st["step"]], lr=lr, beta1=b1,
                                   beta2=b2, weight_decay=wd, eps=eps, amsgrad=False,
                                   maximize=False)
                torch.sqrt(v, out=d).mul_(k).add_(c * eps)
                torch.mul(d, w_, out=z).neg_()

    def _update(self, group, params, grads, states, foreach):
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        b1, b2 = group["betas"]
        if not foreach:
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                t = int(st["step"].item())
                d, v, z = st["d"], st["v"], st["z"]
                g2 = g.add(w, alpha=wd) if wd != 0 else g
                v.mul_(b2).addcmul_(g2, g2, value=1 - b2)
                dt = v.div(1 - b2 ** t).sqrt_().add_(eps).mul_((1 - b1 ** t) / lr)
                z.mul_(b1).add_(g2, alpha=1 - b1).sub_((dt - d * b1).mul_(w))
                d.copy_(dt)
                torch.div(z, dt, out=w).neg_()
            return
        for (w, g, d, v, z, steps), _ in grouped(
                [params, grads] + [[s[k] for s in states] for k in ("d", "v", "z", "step")]):
            torch._foreach_add_(steps, 1)
            ts = [int(s.item()) for s in steps]
            g2 = torch._foreach_add(g, w, alpha=wd) if wd != 0 else g
            torch._foreach_mul_(v, b2)
            torch._foreach_addcmul_(v, g2, g2, value=1 - b2)
            dt = torch._foreach_div(v, [1 - b2 ** t for t in ts])
            torch._foreach_sqrt_(dt)
            torch._foreach_add_(dt, eps)
            torch._foreach_mul_(dt, [(1 - b1 ** t) / lr for t in ts])
            torch._foreach_mul_(z, b1)
            torch._foreach_add_(z, g2, alpha=1 - b1)
            sig = torch._foreach_mul(d, -b1)
            torch._foreach_add_(sig, dt)
            torch._foreach_mul_(sig, w)
            torch._foreach_sub_(z, sig)
            torch._foreach_copy_(d, dt)
            nw = torch._foreach_div(z, dt)
            torch._foreach_neg_(nw)
            torch._foreach_copy_(w, nw)


WARMUPS = ("linear", "power2", "sqrt")


def lbmult(strategy, n, wepochs, epochupdates, batchscale):
    """LBSGD's warm-up multiplier after ``n`` updates."""
    nw = wepochs * epochupdates
    m = float(batchscale)
    if strategy is None or strategy == "":
        return 1.0
    if n >= nw:
        return m
    if nw <= 1:
        return 1.0
    if strategy == "linear":
        return 1.0 + (m - 1) * n / nw
    if strategy == "power2":
        return 1.0 + (m - 1) * (n * n) / (nw * nw)
    return 1.0 + (m - 1) * math.sqrt(n / nw)


class Lars(KOptimizer):
    """MXNet ``LARS`` (layer-wise trust ratio on SGD-momentum), with LBSGD's
    warm-up strategies (see module doc)."""

    kname = "lars"

    def __init__(self, params, lr=0.01, momentum=0.0, eta=0.001, weight_decay=0.0, eps=0.0,
                 momentum_correction=True, warmup=None, warmup_epochs=5, batch_scale=1,
                 updates_per_epoch=32, begin_epoch=0, *, foreach=None):
        _lr_decay_checks(lr, weight_decay)
        check(momentum >= 0, "Invalid momentum value", momentum)
        check(eta >= 0, "Invalid eta value", eta)
        check(eps >= 0, "Invalid epsilon value", eps)
        if warmup not in (None, "") and warmup not in WARMUPS:
            raise ValueError("Invalid warmup strategy: %s (expecting one of %s)"
                             % (warmup, ", ".join(WARMUPS)))
        super().__init__(params, dict(
            lr=lr, momentum=momentum, eta=eta, weight_decay=weight_decay, eps=eps,
            momentum_correction=momentum_correction, warmup=warmup or None,
            warmup_epochs=int(warmup_epochs), batch_scale=int(batch_scale),
            updates_per_epoch=int(updates_per_epoch), begin_epoch=int(begin_epoch)), foreach)

    def _state_init(self, p, group, state):
        state["last_lr"] = 0.0

    def _fast(self, group, params, grads, states, ws):
        lr, mu, eta, wd, eps = (group[k] for k in ("lr", "momentum", "eta", "weight_decay",
                                                   "eps"))
        for w, g, st in zip(params, grads, states):
            a = torch.linalg.vector_norm(w).item()
            b = torch.linalg.vector_norm(g).item()
            r = eta * a / (b + wd * a + eps) if a > 0 and b > 0 else 1.0
            n = int(st["step"].item()) + group["begin_epoch"] * group["updates_per_epoch"]
            mult = lbmult(group["warmup"], n, group["warmup_epochs"],
                          group["updates_per_epoch"], group["batch_scale"])
            lr_ = r * (lr * mult)
            last = st["last_lr"]
            mu_ = mu * lr / last if group["momentum_correction"] and last > 0 else mu
            st["last_lr"] = lr
            st["step"] += 1
            if mu == 0:
                for (w_, g_), _ in pieces(ws, (w, g), 0):
                    if wd != 0:
                        w_.mul_(1 - lr_ * wd)
                    w_.add_(g_, alpha=-lr_)
                continue
            for (w_, g_, m), _ in pieces(ws, (w, g, _mom(st, w)), 0):
                m.mul_(mu_).add_(g_, alpha=-lr_)
                if wd != 0:
                    m.add_(w_, alpha=-lr_ * wd)
                w_.add_(m)

    def _update(self, group, params, grads, states, foreach):
        lr, mu, eta, wd, eps = (group[k] for k in ("lr", "momentum", "eta", "weight_decay",
                                                   "eps"))
        if foreach:
            wn = torch._foreach_norm(params)
            gn = torch._foreach_norm(grads)
        else:
            wn = [torch.linalg.vector_norm(w) for w in params]
            gn = [torch.linalg.vector_norm(g) for g in grads]
        lrs, mus = [], []
        for w, st, a, b in zip(params, states, wn, gn):
            r = torch.where((a > 0) & (b > 0), eta * a / (b + wd * a + eps), torch.ones_like(a))
            n = int(st["step"].item()) + group["begin_epoch"] * group["updates_per_epoch"]
            mult = lbmult(group["warmup"], n, group["warmup_epochs"],
                          group["updates_per_epoch"], group["batch_scale"])
            lrs.append(r.to(w.dtype) * (lr * mult))
            last = st["last_lr"]
            mus.append(mu * lr / last if group["momentum_correction"] and last > 0 else mu)
            st["last_lr"] = lr
            st["step"] += 1
        if not foreach:
            for w, g, st, lr_, mu_ in zip(params, grads, states, lrs, mus):
                g2 = g.add(w, alpha=wd) if wd != 0 else g
                if mu == 0:
                    w.sub_(g2 * lr_)
                    continue
                m = _mom(st, w)
                m.mul_(mu_).sub_(g2 * lr_)
                w.add_(m)
            return
        ms = [_mom(st, w) for st, w in zip(states, params)] if mu != 0 else None
        g2 = torch._foreach_add(grads, params, alpha=wd) if wd != 0 else list(grads)
        upd = torch._foreach_mul(g2, lrs)
        if mu == 0:
            torch._foreach_sub_(params, upd)
            return
        torch._foreach_mul_(ms, mus)
        torch._foreach_sub_(ms, upd)
        torch._foreach_add_(params, ms)
