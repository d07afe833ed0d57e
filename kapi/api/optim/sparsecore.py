"""The JAX SparseCore optimizers ftrl, laprop and adagradm, dense form.

Semantics and defaults are those of jax-tpu-embedding's optimizer specs
(``FTRLOptimizerSpec``, ``LaPropOptimizerSpec``,
``AdagradMomentumOptimizerSpec``; reference/optimizers.md 1.2), applied to
every element of a dense parameter.  (SparseCore updates only the embedding
rows present in a batch; with a dense gradient every row is present.)
``λ`` is the group's ``lr``, ``t`` the parameter's step count (1 on the
first step).

ftrl -- state ``step``, ``accumulator`` (a, from ``initial_accumulator_value``),
``linear`` (L, from ``initial_linear_value``); p = ``lr_power``::

    a' = a + g^2;  Δ = a'^(-p) - a^(-p)
    multiply_linear_by_lr false:  L += g - (Δ/λ)·w
        w = (clamp(L, -l1, l1) - L) / ((a'^(-p) + beta)/λ + 2·l2)
    multiply_linear_by_lr true:   L += λ·g - Δ·w
        w = (clamp(L, -λ·l1, λ·l1) - L) / (a'^(-p) + 2·λ·l2 + beta)
    a = a'

laprop -- state ``step``, ``mu``, ``nu`` (both from ``initial_slot_value``)::

    s = t-1;  d = b2·(1-b2^s)/(1-b2^(s+1))        (0 on the first step)
    nu = d·nu + (1-d)·(g^2 + eps);  r = g/sqrt(nu)
    r = r / max(1, rms(r)/rms_clip_threshold)      if rms_clip_threshold set
    mu = b1·mu + sqrt(1-b1^2)·r;  w -= λ·mu

(SparseCore refuses a ``rms_clip_threshold``; here it clips the normalised
gradient of each tensor to that root-mean-square, Adafactor style.)

adagradm -- state ``step``, ``accumulator`` (from ``initial_accumulator_value``),
``momentum`` (from ``initial_momentum_value``)::

    a = a + g^2 if beta2 == 1 else beta2·a + (1-beta2)·g^2
    ĝ = (a + eps)^(-1/exponent)·g
    m = momentum·m + ĝ
    w -= λ·(momentum·m + ĝ if nesterov else m)
"""

import math

import torch

from ._common import KOptimizer, check, grouped, unset
from ._work import pieces

__all__ = ["Ftrl", "LaProp", "AdagradMomentum"]


class Ftrl(KOptimizer):
    """FTRL-proximal as JAX SparseCore's ``FTRLOptimizerSpec`` (see module doc)."""

    kname = "ftrl"

    def __init__(self, params, lr=0.01, lr_power=-0.5, l1=0.0, l2=0.0, beta=0.0,
                 initial_accumulator_value=0.1, initial_linear_value=0.0,
                 multiply_linear_by_lr=False, *, foreach=None):
        check(lr > 0, "Invalid learning rate", lr)
        check(lr_power <= 0, "Invalid lr_power value", lr_power)
        check(l1 >= 0, "Invalid l1 value", l1)
        check(l2 >= 0, "Invalid l2 value", l2)
        check(beta >= 0, "Invalid beta value", beta)
        check(initial_accumulator_value >= 0, "Invalid initial_accumulator_value value",
              initial_accumulator_value)
        super().__init__(params, dict(
            lr=lr, lr_power=lr_power, l1=l1, l2=l2, beta=beta,
            initial_accumulator_value=initial_accumulator_value,
            initial_linear_value=initial_linear_value,
            multiply_linear_by_lr=multiply_linear_by_lr), foreach)

    def _state_init(self, p, group, state):
        state["accumulator"] = torch.full_like(p, group["initial_accumulator_value"],
                                               memory_format=torch.preserve_format)
        state["linear"] = torch.full_like(p, group["initial_linear_value"],
                                          memory_format=torch.preserve_format)

    def _fast(self, group, params, grads, states, ws):
        lr, p_, l1, l2, beta = (group[k] for k in ("lr", "lr_power", "l1", "l2", "beta"))
        mult = group["multiply_linear_by_lr"]
        cap = l1 * lr if mult else l1

        def power(a, out):                       # a^(-p)
            return torch.sqrt(a, out=out) if p_ == -0.5 else torch.pow(a, -p_, out=out)
        for w, g, st in zip(params, grads, states):
            st["step"] += 1
            for (w_, g_, a, lin), (s1, s2) in pieces(ws, (w, g, st["accumulator"],
                                                          st["linear"]), 2):
                old = power(a, s1)
                a.addcmul_(g_, g_)                      # a' (the new accumulator)
                new = power(a, s2)
                delta = torch.sub(new, old, out=s1)
                if mult:
                    lin.add_(g_, alpha=lr).addcmul_(delta, w_, value=-1)
                    nden, c = new.neg_(), 2 * lr * l2 + beta      # -denominator
                else:
                    lin.add_(g_).addcmul_(delta, w_, value=-1 / lr)
                    nden, c = new.mul_(-1 / lr), beta / lr + 2 * l2
                if c != 0:
                    nden.sub_(c)
                if cap != 0:                 # (clamp(L) - L)/den = (L - clamp(L))/(-den)
                    torch.sub(lin, torch.clamp(lin, -cap, cap, out=s1), out=s1)
                    torch.div(s1, nden, out=w_)
                else:
                    torch.div(lin, nden, out=w_)

    def _update(self, group, params, grads, states, foreach):
        lr, p_, l1, l2, beta = (group[k] for k in ("lr", "lr_power", "l1", "l2", "beta"))
        mult = group["multiply_linear_by_lr"]
        for w, g, st in zip(params, grads, states):
            st["step"] += 1
            a, lin = st["accumulator"], st["linear"]
            a_new = a + g * g
            pow_new = a_new.pow(-p_)
            delta = pow_new - a.pow(-p_)
            if mult:
                lin.add_(g, alpha=lr).addcmul_(delta, w, value=-1)
                cap, den = l1 * lr, pow_new.add(2 * lr * l2 + beta)
            else:
                lin.add_(g).addcmul_(delta, w, value=-1 / lr)
                cap, den = l1, pow_new.add(beta).div_(lr).add_(2 * l2)
            numer = lin.clamp(-cap, cap).sub_(lin) if cap != 0 else lin.neg()
            w.copy_(numer.div_(den))
            a.copy_(a_new)


class LaProp(KOptimizer):
    """LaProp as JAX SparseCore's ``LaPropOptimizerSpec`` (see module doc)."""

    kname = "laprop"

    def __init__(self, params, lr=0.001, betas=(0.9, 0.95), eps=1e-30,
                 rms_clip_threshold=None, initial_slot_value=0.0, *, foreach=None):
        check(lr >= 0, "Invalid learning rate", lr)
        check(eps >= 0, "Invalid epsilon value", eps)
        for i in (0, 1):
            check(0 <= betas[i] < 1, "Invalid beta parameter at index %d" % i, betas[i])
        if not unset(rms_clip_threshold):
            check(rms_clip_threshold > 0, "Invalid rms_clip_threshold value", rms_clip_threshold)
        super().__init__(params, dict(
            lr=lr, betas=tuple(betas), eps=eps, rms_clip_threshold=rms_clip_threshold,
            initial_slot_value=initial_slot_value), foreach)

    def _state_init(self, p, group, state):
        v = group["initial_slot_value"]
        state["mu"] = torch.full_like(p, v, memory_format=torch.preserve_format)
        state["nu"] = torch.full_like(p, v, memory_format=torch.preserve_format)

    @staticmethod
    def _decay(b2, s):
        return b2 * (1 - b2 ** s) / (1 - b2 ** (s + 1))

    def _fast(self, group, params, grads, states, ws):
        lr, eps = group["lr"], group["eps"]
        b1, b2 = group["betas"]
        clip = group["rms_clip_threshold"]
        clip = None if unset(clip) else clip
        c1 = math.sqrt(1 - b1 * b1)
        for w, g, st in zip(params, grads, states):
            d = self._decay(b2, int(st["step"].item()))
            st["step"] += 1
            mu, nu = st["mu"], st["nu"]
            if clip is None:
                for (w_, g_, m, v), (s1,) in pieces(ws, (w, g, mu, nu), 1):
                    v.lerp_(torch.mul(g_, g_, out=s1).add_(eps), 1 - d)
                    r = torch.rsqrt(v, out=s1).mul_(g_)
                    m.mul_(b1).add_(r, alpha=c1)
                    w_.add_(m, alpha=-lr)
                continue
            # rms clipping: the normalised gradient of the whole tensor first
            r = ws.get(w.numel(), w.dtype, w.device, 1, tag="whole")[0].view(w.shape)
            for (r_, g_, v), (s1,) in pieces(ws, (r, g, nu), 1):
                v.lerp_(torch.mul(g_, g_, out=s1).add_(eps), 1 - d)
                torch.rsqrt(v, out=r_).mul_(g_)
            scale = c1
            if w.numel():
                rms = torch.linalg.vector_norm(r).item() / math.sqrt(w.numel())
                scale = c1 / max(rms / clip, 1.0)
            for (w_, r_, m), _ in pieces(ws, (w, r, mu), 0):
                m.mul_(b1).add_(r_, alpha=scale)
                w_.add_(m, alpha=-lr)

    def _update(self, group, params, grads, states, foreach):
        lr, eps = group["lr"], group["eps"]
        b1, b2 = group["betas"]
        clip = group["rms_clip_threshold"]
        clip = None if unset(clip) else clip
        c1 = math.sqrt(1 - b1 * b1)
        if not foreach:
            for w, g, st in zip(params, grads, states):
                s = int(st["step"].item())
                st["step"] += 1
                d = self._decay(b2, s)
                nu, mu = st["nu"], st["mu"]
                nu.mul_(d).add_(g * g + eps, alpha=1 - d)
                r = g / nu.sqrt()
                if clip is not None and r.numel():
                    rms = r.square().mean().sqrt()
                    r.div_(torch.clamp(rms / clip, min=1.0))
                mu.mul_(b1).add_(r, alpha=c1)
                w.add_(mu, alpha=-lr)
            return
        for (w, g, mu, nu, steps), _ in grouped(
                [params, grads, [s["mu"] for s in states], [s["nu"] for s in states],
                 [s["step"] for s in states]]):
            ds = [self._decay(b2, int(s.item())) for s in steps]
            torch._foreach_add_(steps, 1)
            g2 = torch._foreach_mul(g, g)
            torch._foreach_add_(g2, eps)
            torch._foreach_mul_(nu, ds)
            torch._foreach_mul_(g2, [1 - d for d in ds])
            torch._foreach_add_(nu, g2)
            r = torch._foreach_div(g, torch._foreach_sqrt(nu))
            if clip is not None:
                rms = [x.square().mean().sqrt() if x.numel() else x.new_ones(())
                       for x in r]
                torch._foreach_div_(r, [torch.clamp(x / clip, min=1.0) for x in rms])
            torch._foreach_mul_(mu, b1)
            torch._foreach_add_(mu, r, alpha=c1)
            torch._foreach_add_(w, mu, alpha=-lr)


class AdagradMomentum(KOptimizer):
    """Adagrad with momentum as JAX SparseCore's ``AdagradMomentumOptimizerSpec``."""

    kname = "adagradm"

    def __init__(self, params, lr=0.001, momentum=0.9, beta2=1.0, eps=1e-10, exponent=2.0,
                 nesterov=False, initial_accumulator_value=0.1, initial_momentum_value=0.0,
                 *, foreach=None):
        check(lr >= 0, "Invalid learning rate", lr)
        check(momentum >= 0, "Invalid momentum value", momentum)
        check(0 <= beta2 <= 1, "Invalid beta2 value", beta2)
        check(eps >= 0, "Invalid epsilon value", eps)
        check(exponent > 0, "Invalid exponent value", exponent)
        check(initial_accumulator_value >= 0, "Invalid initial_accumulator_value value",
              initial_accumulator_value)
        super().__init__(params, dict(
            lr=lr, momentum=momentum, beta2=beta2, eps=eps, exponent=exponent,
            nesterov=nesterov, initial_accumulator_value=initial_accumulator_value,
            initial_momentum_value=initial_momentum_value), foreach)

    def _state_init(self, p, group, state):
        state["accumulator"] = torch.full_like(p, group["initial_accumulator_value"],
                                               memory_format=torch.preserve_format)
        state["momentum"] = torch.full_like(p, group["initial_momentum_value"],
                                            memory_format=torch.preserve_format)

    def _fast(self, group, params, grads, states, ws):
        lr, mom, b2, eps, k = (group[x] for x in ("lr", "momentum", "beta2", "eps", "exponent"))
        nesterov = group["nesterov"]
        for w, g, st in zip(params, grads, states):
            st["step"] += 1
            for (w_, g_, a, m), (s1,) in pieces(ws, (w, g, st["accumulator"],
                                                     st["momentum"]), 1):
                if b2 == 1:
                    a.addcmul_(g_, g_)
                else:
                    a.mul_(b2).addcmul_(g_, g_, value=1 - b2)
                gh = torch.add(a, eps, out=s1)          # (a + eps)^(-1/k) * g
                if k == 2:
                    gh.rsqrt_()
                elif k == 1:
                    gh.reciprocal_()
                else:
                    gh.pow_(-1.0 / k)
                gh.mul_(g_)
                m.mul_(mom).add_(gh)
                if nesterov:
                    w_.add_(m, alpha=-lr * mom).add_(gh, alpha=-lr)
                else:
                    w_.add_(m, alpha=-lr)

    def _update(self, group, params, grads, states, foreach):
        lr, mom, b2, eps, k = (group[x] for x in ("lr", "momentum", "beta2", "eps", "exponent"))
        nesterov = group["nesterov"]
        if not foreach:
            for w, g, st in zip(params, grads, states):
                st["step"] += 1
                a, m = st["accumulator"], st["momentum"]
                if b2 == 1:
                    a.addcmul_(g, g)
                else:
                    a.mul_(b2).addcmul_(g, g, value=1 - b2)
                gh = (a + eps).pow_(-1.0 / k).mul_(g)
                m.mul_(mom).add_(gh)
                w.add_(m * mom + gh if nesterov else m, alpha=-lr)
            return
        for (w, g, a, m, steps), _ in grouped(
                [params, grads, [s["accumulator"] for s in states],
                 [s["momentum"] for s in states], [s["step"] for s in states]]):
            torch._foreach_add_(steps, 1)
            if b2 == 1:
                torch._foreach_addcmul_(a, g, g)
            else:
                torch._foreach_mul_(a, b2)
                torch._foreach_addcmul_(a, g, g, value=1 - b2)
            gh = torch._foreach_add(a, eps)
            torch._foreach_pow_(gh, -1.0 / k)
            torch._foreach_mul_(gh, g)
            torch._foreach_mul_(m, mom)
            torch._foreach_add_(m, gh)
            if nesterov:
                u = torch._foreach_mul(m, mom)
                torch._foreach_add_(u, gh)
            else:
                u = m
            torch._foreach_add_(w, u, alpha=-lr)
