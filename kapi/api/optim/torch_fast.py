"""torch.optim's Adadelta, Adamax, NAdam, RAdam, RMSprop, Rprop and
Adafactor with a faster CPU step.

On the CPU torch steps these optimizers with its per-tensor loop
(``_single_tensor_<name>``): every operation of the update is a pass over
the whole parameter and most allocate a temporary.  The subclasses here keep
torch's state (``_init_group`` is torch's own: same keys, dtypes, lazy
creation), options and errors, and step each contiguous parameter a
cache-sized piece at a time into a reusable scratch workspace
(:mod:`._work`), with as few operations as the update allows:

* adamax, rprop, adafactor: torch's operations in torch's order -- results
  bit for bit torch's (rprop's boolean-mask assignments become exact
  selections, see :class:`Rprop`);
* radam (once rectified), rmsprop (without momentum and centering), nadam:
  torch's fused Adam kernel (``torch._fused_adam_``, one pass) with the
  learning rate, betas and eps rewritten so that its update is theirs (see
  each class);
* adadelta: ``sqrt(a+eps)/sqrt(s+eps)`` as one ``rsqrt((s+eps)/(a+eps))``.

The rewritten ones agree with torch to rounding (tests/kapi compare with
torch's classes in float64 and float32).  The fast path is taken when every
group is torch's default CPU configuration: ``foreach``, ``capturable``,
``differentiable`` and ``maximize`` off, a float ``lr``, and every parameter
with a gradient a real floating point CPU tensor with a dense gradient of
its dtype and shape.  Anything else (CUDA, complex parameters, sparse
gradients, a tensor ``lr`` ...) is torch's own step, with its own errors;
a non-contiguous parameter (or gradient, or state) is stepped by torch's
per-tensor function.
"""

import importlib
import math

import torch

from ._work import dense_cpu, pieces, workspace

__all__ = ["Adadelta", "Adamax", "NAdam", "RAdam", "RMSprop", "Rprop", "Adafactor"]

_OFF = ("foreach", "capturable", "differentiable", "maximize", "fused")
_INF = {}


def _mod(name):
    return importlib.import_module("torch.optim." + name)


def _raw_step(cls):
    """``cls.step`` without the hook wrapper torch adds on first construction
    (our own wrapper already ran the hooks)."""
    f = cls.__dict__["step"]
    while getattr(f, "hooked", False) and hasattr(f, "__wrapped__"):
        f = f.__wrapped__
    return f


def _flat(p, ts):
    """Whether ``p`` and the tensors ``ts`` (None skipped) are contiguous,
    of ``p``'s dtype, shape and device: the pieces and fused kernels' case."""
    if not p.is_contiguous():
        return False
    for t in ts:
        if t is None:
            continue
        if t.dtype != p.dtype or t.shape != p.shape or t.device != p.device \
                or not t.is_contiguous():
            return False
    return True


def _sq(x):
    """Sum of squares of ``x`` (a float): BLAS dot, which also runs threaded."""
    x = x.reshape(-1)
    return torch.dot(x, x).item()


def _inf_step(device):
    """A 0-d step of +inf: the fused Adam kernel's bias corrections are then 1."""
    t = _INF.get(device)
    if t is None:
        t = _INF[device] = torch.tensor(float("inf"), device=device)
    return t


def _adam(w, g, m, v, step, lr, beta1, beta2, eps, wd=0.0, decoupled=False):
    """torch's fused Adam(W) kernel on one parameter (piece):
    ``m = lerp(m, g', 1-beta1); v = beta2*v + (1-beta2)*g'^2;
    w -= lr/(1-beta1^t) * m/(sqrt(v)/sqrt(1-beta2^t) + eps)`` with ``t`` the
    step tensor's value and ``g' = g + wd*w`` (decoupled: ``w *= 1-lr*wd`` first)."""
    f = torch._fused_adamw_ if decoupled else torch._fused_adam_
    f([w], [g], [m], [v], [], [step], lr=lr, beta1=beta1, beta2=beta2, weight_decay=wd,
      eps=eps, amsgrad=False, maximize=False)


class _FastStep:
    """Mixin: gather every group with torch's ``_init_group``, then either
    the fast update or torch's own step."""

    _torch = None            # the torch class
    _nlists = 0              # how many lists its _init_group fills

    def _eligible(self):
        for g in self.param_groups:
            if any(g.get(k) for k in _OFF) or isinstance(g.get("lr"), torch.Tensor):
                return False
            if not dense_cpu(g["params"]):
                return False
        return True

    def _gather(self, group):
        lists = [[] for _ in range(self._nlists)]
        self._init_group(group, *lists)
        return lists

    @torch.no_grad()
    def step(self, closure=None):
        """One step, as torch's class; ``closure`` re-evaluates and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        if not self._eligible():
            _raw_step(self._torch)(self)
            return loss
        ws = workspace(self)
        for group in self.param_groups:
            lists = self._gather(group)
            if not lists[0]:
                continue
            rest = [[] for _ in lists]
            ctx = self._context(group)
            for row in zip(*lists):
                if _flat(row[0], self._states(row)):
                    self._fast(group, ctx, ws, *row)
                else:
                    for r, x in zip(rest, row):
                        r.append(x)
            if rest[0]:
                self._torch_single(group, rest)
        return loss

    def _context(self, group):
        return None

    def _states(self, row):
        """The tensors of a parameter's row that must share its layout."""
        return row[1:-1]


class Adadelta(_FastStep, torch.optim.Adadelta):
    """torch.optim.Adadelta; the fast update computes
    ``sqrt(acc+eps)/sqrt(sq+eps)`` as ``rsqrt((sq+eps)/(acc+eps))``."""

    _torch = torch.optim.Adadelta
    _nlists = 5

    def _torch_single(self, group, lists):
        _mod("adadelta")._single_tensor_adadelta(
            *lists, lr=group["lr"], rho=group["rho"], eps=group["eps"],
            weight_decay=group["weight_decay"], maximize=False, differentiable=False,
            capturable=False, has_complex=False)

    def _fast(self, group, ctx, ws, p, g, sq, acc, step):
        lr, rho, eps, wd = group["lr"], group["rho"], group["eps"], group["weight_decay"]
        step += 1
        for (w, g, sq, acc), (s1, s2, s3) in pieces(ws, (p, g, sq, acc), 3):
            if wd != 0:
                g = torch.add(g, w, alpha=wd, out=s3)
            sq.mul_(rho).addcmul_(g, g, value=1 - rho)
            delta = torch.add(sq, eps, out=s1).div_(torch.add(acc, eps, out=s2))
            delta.rsqrt_().mul_(g)
            acc.mul_(rho).addcmul_(delta, delta, value=1 - rho)
            w.add_(delta, alpha=-lr)


class Adamax(_FastStep, torch.optim.Adamax):
    """torch.optim.Adamax: torch's operations, a piece at a time."""

    _torch = torch.optim.Adamax
    _nlists = 5

    def _torch_single(self, group, lists):
        b1, b2 = group["betas"]
        _mod("adamax")._single_tensor_adamax(
            *lists, eps=group["eps"], beta1=b1, beta2=b2, lr=group["lr"],
            weight_decay=group["weight_decay"], maximize=False, differentiable=False,
            capturable=False, has_complex=False)

    def _fast(self, group, ctx, ws, p, g, m, u, step):
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        b1, b2 = group["betas"]
        step += 1
        clr = lr / (1 - b1 ** step.item())
        for (w, g, m, u), (s1, s2) in pieces(ws, (p, g, m, u), 2):
            if wd != 0:
                g = torch.add(g, w, alpha=wd, out=s2)
            m.lerp_(g, 1 - b1)
            torch.maximum(u.mul_(b2), torch.abs(g, out=s1).add_(eps), out=u)
            w.addcdiv_(m, u, value=-clr)


class NAdam(_FastStep, torch.optim.NAdam):
    """torch.optim.NAdam.  Its update ``w += c1*g/den + c2*m/den`` (``m`` the
    new first moment, ``den = sqrt(v/(1-b2^t)) + eps``) is one call of the
    fused Adam kernel on the moments with its first moment steered to
    ``X = (c1*g + c2*m)/(c1+c2)``: ``X = lerp(m_old, g, 1-b)`` for
    ``b = c2*b1/(c1+c2)`` and step size ``-(c1+c2)``.  The first moment is then
    ``m = lerp(g, X, (c1+c2)/c2)``."""

    _torch = torch.optim.NAdam
    _nlists = 6

    def _torch_single(self, group, lists):
        b1, b2 = group["betas"]
        _mod("nadam")._single_tensor_nadam(
            *lists, beta1=b1, beta2=b2, lr=group["lr"], weight_decay=group["weight_decay"],
            momentum_decay=group["momentum_decay"], eps=group["eps"],
            decoupled_weight_decay=group["decoupled_weight_decay"], maximize=False,
            capturable=False, differentiable=False, has_complex=False)

    def _states(self, row):
        return row[1:4]

    def _fast(self, group, ctx, ws, p, g, m, v, mu_product, step_t):
        lr, eps, wd, md = (group[k] for k in ("lr", "eps", "weight_decay", "momentum_decay"))
        b1, b2 = group["betas"]
        decoupled = group["decoupled_weight_decay"]
        step_t += 1
        step = step_t.item()
        mu = b1 * (1.0 - 0.5 * (0.96 ** (step * md)))
        mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * md)))
        mu_product *= mu
        mp = mu_product.item()
        c1 = -lr * (1.0 - mu) / (1.0 - mp)
        c2 = (-lr * mu_next) / (1.0 - mp * mu_next)
        s = c1 + c2
        if not (c2 != 0 and s != 0 and math.isfinite(c1) and math.isfinite(c2)):
            # lr 0, beta1 0 ...: torch's operations
            bc2 = 1 - b2 ** step
            for (w, g, m, v), (s1, s2) in pieces(ws, (p, g, m, v), 2):
                if wd != 0:
                    if decoupled:
                        w.mul_(1 - lr * wd)
                    else:
                        g = torch.add(g, w, alpha=wd, out=s2)
                m.lerp_(g, 1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                den = torch.div(v, bc2, out=s1).sqrt_().add_(eps)
                w.addcdiv_(g, den, value=c1)
                w.addcdiv_(m, den, value=c2)
            return
        beta = c2 * b1 / s
        lr_f = -s * (1 - beta ** step)
        dwd = lr * wd / lr_f if (wd != 0 and decoupled) else 0.0
        for (w, g, m, v), (s1,) in pieces(ws, (p, g, m, v), 1):
            if wd != 0 and not decoupled:
                g = torch.add(g, w, alpha=wd, out=s1)
            _adam(w, g, m, v, step_t, lr_f, beta, b2, eps, dwd, decoupled=dwd != 0)
            torch.lerp(g, m, s / c2, out=m)


class RAdam(_FastStep, torch.optim.RAdam):
    """torch.optim.RAdam.  Once rectified (``rho_t > 5``) its update
    ``lr*rect*(m/(1-b1^t))*sqrt(1-b2^t)/(sqrt(v)+eps)`` is the fused Adam
    kernel's with learning rate ``lr*rect`` and eps ``eps/sqrt(1-b2^t)``
    (decoupled decay ``lr*decay`` as ``(lr*rect)*(decay/rect)``); before, an
    sgd-momentum step ``lr*m/(1-b1^t)``."""

    _torch = torch.optim.RAdam
    _nlists = 5

    def _torch_single(self, group, lists):
        b1, b2 = group["betas"]
        _mod("radam")._single_tensor_radam(
            *lists, beta1=b1, beta2=b2, lr=group["lr"], weight_decay=group["weight_decay"],
            eps=group["eps"], decoupled_weight_decay=group["decoupled_weight_decay"],
            differentiable=False, maximize=False, capturable=False, has_complex=False)

    def _fast(self, group, ctx, ws, p, g, m, v, step_t):
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        b1, b2 = group["betas"]
        decoupled = group["decoupled_weight_decay"]
        rho_inf = 2 / (1 - b2) - 1
        step_t += 1
        step = step_t.item()
        bc1 = 1 - b1 ** step
        bc2 = 1 - b2 ** step
        rho_t = rho_inf - 2 * step * (b2 ** step) / bc2
        rect = 0.0
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf /
                    ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        if rect > 0 and lr > 0:
            lr_f = lr * rect
            dwd = wd / rect if decoupled else wd
            _adam(p, g, m, v, step_t, lr_f, b1, b2, eps / bc2 ** 0.5, dwd, decoupled)
            return
        for (w, g, m, v), (s1,) in pieces(ws, (p, g, m, v), 1):
            if wd != 0:
                if decoupled:
                    w.mul_(1 - lr * wd)
                else:
                    g = torch.add(g, w, alpha=wd, out=s1)
            m.lerp_(g, 1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            if rho_t > 5.0:          # (lr 0 or rect 0: no move, as torch's)
                u = torch.sqrt(v, out=s1).add_(eps).reciprocal_().mul_(bc2 ** 0.5)
                w.addcmul_(m, u, value=-lr * rect / bc1)
            else:
                w.add_(m, alpha=-lr / bc1)


class RMSprop(_FastStep, torch.optim.RMSprop):
    """torch.optim.RMSprop.  Its update ``w -= lr*g/(sqrt(v)+eps)`` is the
    fused Adam kernel's with beta1 0, beta2 alpha and no bias correction (a
    step of +inf); with momentum the kernel writes ``g/(sqrt(v)+eps)`` into
    scratch for the momentum buffer; centered: torch's operations."""

    _torch = torch.optim.RMSprop
    _nlists = 6

    def _gather(self, group):
        # params, grads, square_avgs, momentum buffers, grad_avgs, steps;
        # torch indexes the buffer lists by parameter
        lists = [[] for _ in range(6)]
        self._init_group(group, *lists)
        n = len(lists[0])
        for k, on in ((3, group["momentum"] > 0), (4, group["centered"])):
            if not on:
                lists[k] = [None] * n
            elif len(lists[k]) != n:
                raise KeyError("momentum_buffer" if k == 3 else "grad_avg")
        return lists

    def _torch_single(self, group, lists):
        p, g, sq, mb, ga, st = lists
        _mod("rmsprop")._single_tensor_rmsprop(
            p, g, sq, ga if group["centered"] else [], mb if group["momentum"] > 0 else [],
            st, lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
            weight_decay=group["weight_decay"], momentum=group["momentum"],
            centered=group["centered"], maximize=False, differentiable=False,
            capturable=False, has_complex=False)

    def _fast(self, group, ctx, ws, p, g, sq, buf, gavg, step):
        lr, alpha, eps, wd, mom = (group[k] for k in ("lr", "alpha", "eps", "weight_decay",
                                                      "momentum"))
        centered = group["centered"]
        step += 1
        fused = not centered and 0 <= alpha < 1
        inf = _inf_step(p.device)
        if fused and mom <= 0:                # one pass (the moment: zeroed scratch)
            for (w, g, sq), (s1,) in pieces(ws, (p, g, sq), 1):
                _adam(w, g, s1.zero_(), sq, inf, lr, 0.0, alpha, eps, wd)
            return
        ts = [p, g, sq] + ([buf] if mom > 0 else []) + ([gavg] if centered else [])
        for views, (s1, s2, s3) in pieces(ws, ts, 3):
            w, g, sq = views[:3]
            if wd != 0:
                g = torch.add(g, w, alpha=wd, out=s2)
            if fused:                                     # momentum
                u = s1.zero_()
                _adam(u, g, s3.zero_(), sq, inf, -1.0, 0.0, alpha, eps)
                views[3].mul_(mom).add_(u)
                w.add_(views[3], alpha=-lr)
                continue
            sq.mul_(alpha).addcmul_(g, g, value=1 - alpha)
            if centered:
                ga = views[-1]
                ga.lerp_(g, 1 - alpha)
                avg = torch.addcmul(sq, ga, ga, value=-1, out=s1).sqrt_()
            else:
                avg = torch.sqrt(sq, out=s1)
            avg.add_(eps)
            if mom > 0:
                views[3].mul_(mom).addcdiv_(g, avg)
                w.add_(views[3], alpha=-lr)
            else:
                w.addcdiv_(g, avg, value=-lr)

    def _states(self, row):
        return row[1:5]


class Rprop(_FastStep, torch.optim.Rprop):
    """torch.optim.Rprop, bit for bit: torch's boolean-mask assignments
    (``sign[sign.gt(0)] = etaplus`` ...) become arithmetic selections --
    ``lerp`` with a weight of exactly 0 or 1 returns one end exactly -- so
    the factor is exactly etaplus, etaminus or 1 and the kept gradient
    exactly the gradient or 0.  A piece with a non-finite gradient (where
    that arithmetic would give NaN) takes ``torch.where``.  Only for
    ``0 < etaminus < 1 < etaplus`` (the constructor's check; a group edit
    outside it is torch's step)."""

    _torch = torch.optim.Rprop
    _nlists = 5

    def _eligible(self):
        for g in self.param_groups:
            em, ep = g["etas"]
            if not (0 < em < 1 < ep and math.isfinite(ep)):
                return False
        return super()._eligible()

    def _torch_single(self, group, lists):
        em, ep = group["etas"]
        smin, smax = group["step_sizes"]
        _mod("rprop")._single_tensor_rprop(
            *lists, step_size_min=smin, step_size_max=smax, etaminus=em, etaplus=ep,
            maximize=False, capturable=False, differentiable=False, has_complex=False)

    def _context(self, group):
        return {}

    def _fast(self, group, consts, ws, p, g, prev, ss, step):
        em, ep = group["etas"]
        smin, smax = group["step_sizes"]
        step += 1
        key = (p.dtype, p.device)
        if key not in consts:
            consts[key] = [torch.tensor(x, dtype=p.dtype, device=p.device)
                           for x in (ep, em, 0.0)]
        up, down, zero = consts[key]
        for (w, g, prev, ss), (s1, s2, s3) in pieces(ws, (p, g, prev, ss), 3):
            torch.mul(g, prev, out=s1)                  # sign(g*prev) as two masks
            pos = torch.gt(s1, 0, out=s2)
            neg = torch.lt(s1, 0, out=s3)
            f = s1.fill_(1).lerp_(up, pos).lerp_(down, neg)   # 1, etaplus or etaminus
            ss.mul_(f).clamp_(smin, smax)
            if math.isfinite(g.sum().item()):
                torch.lerp(g, zero, neg, out=prev)      # g, 0 where negative
            else:
                torch.where(neg.bool(), zero, g, out=prev)
            w.addcmul_(torch.sign(prev, out=s1), ss, value=-1)


_Adafactor = getattr(torch.optim, "Adafactor", None)


if _Adafactor is not None:
    from torch.optim._adafactor import _single_tensor_adafactor

    class Adafactor(_FastStep, _Adafactor):
        """torch.optim.Adafactor: torch's operations (vectors a piece at a
        time, matrices whole) except the two norms, sums of squares by BLAS
        dot (vectors: piece by piece while the piece is in cache); other
        shapes torch's per-tensor code."""

        _torch = _Adafactor
        _nlists = 6

        def _states(self, row):
            return (row[1],)

        def _torch_single(self, group, lists):
            eps1, eps2 = group["eps"]
            _single_tensor_adafactor(
                *lists, None, None, d=group["d"], lr=group["lr"],
                beta2_decay=group["beta2_decay"], weight_decay=group["weight_decay"],
                eps1=eps1, eps2=eps2, maximize=False, has_complex=False)

        def _context(self, group):
            return {"eps1": group["eps"][0]}

        def _fast(self, group, ctx, ws, p, g, row, col, var, step_t):
            lr, d, wd, b2d = (group[k] for k in ("lr", "d", "weight_decay", "beta2_decay"))
            eps2 = group["eps"][1]
            if ctx["eps1"] is None:              # torch: the first parameter's dtype
                ctx["eps1"] = torch.finfo(p.dtype).eps
            eps1 = ctx["eps1"]
            vector = p.dim() <= 1 and var is not None and _flat(p, [var])
            matrix = p.dim() == 2 and row is not None and col is not None
            if not (vector or matrix):
                _single_tensor_adafactor(
                    [p], [g], [row], [col], [var], [step_t], None, None, d=d, lr=lr,
                    beta2_decay=b2d, weight_decay=wd, eps1=eps1, eps2=eps2,
                    maximize=False, has_complex=False)
                return
            step_t += 1
            step = step_t.item()
            one_minus_beta2_t = step ** b2d
            rho_t = min(lr, 1 / (step ** 0.5))
            n = p.numel()
            # the update, into scratch
            u = ws.get(n, p.dtype, p.device, 1, tag="whole")[0].view(p.shape)
            if matrix:
                pp = _sq(p)
                row_mean = torch.norm(g, dim=-1, keepdim=True).square_().div_(g.size(-1))
                row.lerp_(row_mean, one_minus_beta2_t)
                col_mean = torch.norm(g, dim=-2, keepdim=True).square_().div_(g.size(-2))
                col.lerp_(col_mean, one_minus_beta2_t)
                torch.mm(row, col, out=u)
                u.div_(row.mean(dim=-2, keepdim=True).clamp_(min=eps1))
                u.clamp_(min=eps1 * eps1).rsqrt_().mul_(g)
                uu = _sq(u)
            else:
                pp = uu = 0.0
                for (uu_, pp_, gg, vv), (s1,) in pieces(ws, (u, p, g, var), 1):
                    pp += _sq(pp_)
                    vv.lerp_(torch.mul(gg, gg, out=s1), one_minus_beta2_t)
                    torch.clamp(vv, min=eps1 * eps1, out=uu_).rsqrt_().mul_(gg)
                    uu += _sq(uu_)
            alpha = max(eps2, math.sqrt(pp) / (n ** 0.5)) * rho_t
            denom = max(1.0, math.sqrt(uu) / ((n ** 0.5) * d))
            if wd != 0:
                p.mul_(1 - lr * wd)
            p.add_(u, alpha=-alpha / denom)
