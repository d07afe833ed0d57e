"""rmsprop: torch.optim.RMSprop with the faster CPU step of
:class:`._common._FastStep`: its catalogue row and class."""

from .catalog import DECAY, EPS, MOMENTUM, buf, _ge0, lazy, lr_opt, opt, register

__all__ = ["RMSprop"]

register(
    "rmsprop", "kapi.api.optim.rmsprop.RMSprop",
    (lr_opt(0.01),
     opt("alpha", "alpha", 0.99, check=_ge0("Invalid alpha value")),
     opt("eps", "eps", 1e-08, check=EPS),
     opt("decay", "weight_decay", 0.0, check=DECAY),
     opt("momentum", "momentum", 0.0, check=MOMENTUM),
     opt("centered", "centered", False, "bool")),
    help="rmsprop: rates from a moving average of squared gradients",
    buffers=(buf("step", kind="step"), buf("square_avg"),
             buf("momentum", "momentum_buffer", aliases=("momentum_buffer",)),
             buf("grad_avg")),
    pytorch="torch.optim.RMSprop",
    checks=("lr", "eps", "momentum", "decay", "alpha"))


def _define():
    # the class, on first use: it imports torch (the row above does not)
    import torch
    from ._common import _adam, _FastStep, _inf_step, _mod
    from ._work import pieces

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

    RMSprop.__qualname__ = 'RMSprop'
    return {'RMSprop': RMSprop}


__getattr__ = lazy(globals(), ('RMSprop',), _define)
