"""schedule: learning-rate schedules attached to an optimizer's groups (the
schedules themselves are :mod:`kapi.api.optim.schedule`; they advance with
each update made by step)."""

from ..errors import KError
from ..values import qtype
from .base import verb
from .optargs import _is_list, _pairs_of
from .registry import find, is_ptr, kname
from .state import _optobj, schedule_table


def _sched_groups(reg, oo, g):
    n = len(oo.opt.param_groups)
    t = qtype(g)
    if t == -7:
        gs = [int(g)]
    elif t == 7:
        gs = [int(i) for i in g]
    else:
        raise KError("schedule: group(s) expected as long(s), given " + kname(reg, g))
    for i in gs:
        if not 0 <= i < n:
            raise KError("schedule: group %d invalid, %d group(s) defined" % (i, n))
    if len(set(gs)) != len(gs):
        raise KError("schedule: duplicate group(s)")
    return gs


@verb("schedule")
def schedule(reg, x):
    """schedule o  the learning-rate schedules attached to an optimizer: a table of
group, schedule, options, base (the group's lr when attached), step (updates since) and
done (ran past its end; the rate then holds). lr o shows the current rates.
schedule(o;s) / schedule(o;group(s);s)  attach schedule s to every group or the given
group(s), replacing any there; the group's lr is set to the schedule's step-0 rate and
moves after every update (step o). s is
  a function of the step {[n] ..} or {[n;lr0] ..} returning the rate (lr0: the lr when attached)
  a name, or (name;options..;name-value pairs), as torch.optim.lr_scheduler:
  `constant (factor 1/3; iters 5)      `linear (start 1/3; end 1; iters 5) -- warmup
  (`step;size;gamma .1)   (`multistep;milestones;gamma .1)   (`exponential;gamma)
  (`polynomial;iters 5;power 1)   (`cosine;tmax;min 0)   (`restarts;t0;tmult 1;min 0)
  (`onecycle;maxlr;total;pct .3;anneal`cos;cyclemom 1b;basemom .85;maxmom .95;div 25;
   finaldiv 1e4;threephase 0b)  -- also sets momentum/beta1 unless cyclemom is 0b
  :: removes the schedule(s), leaving the current rates."""
    from .optim import schedule as S
    if is_ptr(x):
        oo = _optobj(find(reg, x))
        if oo is None:
            raise KError("schedule: expecting optimizer or model, given " + kname(reg, x))
        return schedule_table(oo)
    if not (_is_list(x) and len(x) in (2, 3) and is_ptr(x[0])):
        raise KError("schedule: expecting (optimizer;schedule) or (optimizer;group(s);schedule)")
    oo = _optobj(find(reg, x[0]))
    if oo is None:
        raise KError("schedule: expecting optimizer or model, given " + kname(reg, x[0]))
    groups = oo.opt.param_groups
    gs = list(range(len(groups))) if len(x) == 2 else _sched_groups(reg, oo, x[1])
    spec = x[-1]
    if spec is None:
        if oo._extras is not None:
            for g in gs:
                oo._extras.schedules.pop(g, None)
        return None
    kind, opts = S.parse(reg, spec, _pairs_of)
    built = [(g,) + S.Schedule.build(kind, opts, groups[g]) for g in gs]
    ex = oo.extras
    for g, s, vals in built:
        S.apply(groups[g], vals)
        ex.schedules[g] = s
    return None
