"""Argument helpers shared by the optimizer verbs (opt, step, onstep, clip,
schedule, nodecay and restore): name-value pairs read as ktorch reads them
(its xargc/xpairs), and the checks of positive numbers and norm types."""

import numpy as np

from .. import values as V
from ..errors import KError
from ..values import KDict, KTable, qtype
from .registry import is_ptr, kname


NULLJ = -2**63


def _is_list(x):
    return type(x) is list


def _xpairs(reg, x):
    """(kind, x) if ``x`` is a name-value form, else None (ktorch's xpairs)."""
    if isinstance(x, KDict):
        k = x.keys
        if qtype(k) == 11 or (type(k) in (list, np.ndarray) and len(k) == 0 and qtype(k) in (0, 11)):
            return ("dict", x)
        raise KError("unexpected name,value dictionary with %s as keys: %s" % (kname(reg, k), _s1(reg, x)))
    if isinstance(x, KTable):
        return None
    t = qtype(x)
    if t == 11:
        if len(x) % 2 == 0:
            return ("syms", x)
        raise KError("uneven no. of symbols for name,value pairs: " + _s1(reg, x))
    if _is_list(x) and not is_ptr(x):
        if not x:
            return ("pairs", x)
        if qtype(x[0]) == -11:
            if len(x) % 2 == 0:
                return ("flat", x)
            raise KError("uneven no. of elements for name,value pairs in list: " + _s1(reg, x))
        y = x[0]
        if (qtype(y) == 11 and len(y) == 2) or (_is_list(y) and len(y) == 2 and qtype(y[0]) == -11):
            return ("pairs", x)
    return None


def _s1(reg, x):
    try:
        from ..display import s1
        return s1(x)
    except Exception:       # pragma: no cover - display helper missing
        return kname(reg, x)


def _pairval(reg, v):
    """ktorch's xpair: scalars only; short/int become long, real stays real."""
    t = qtype(v)
    if t == -11 or t == -1 or t == -7 or t == -8 or t == -9:
        return v
    if t in (-5, -6):
        return np.int64(v)
    raise KError("name-value pairs not implemented for %s value" % kname(reg, v))


def _pairs_list(reg, p):
    kind, x = p
    out = []
    if kind == "dict":
        keys = [str(k) for k in x.keys]
        vals = V.items(x.values) if not isinstance(x.values, KTable) else []
        for k, v in zip(keys, vals):
            out.append((k, _pairval(reg, v)))
    elif kind == "syms":
        for i in range(0, len(x), 2):
            out.append((str(x[i]), str(x[i + 1])))
    elif kind == "flat":
        for i in range(0, len(x), 2):
            if qtype(x[i]) != -11:
                raise KError("unrecognized name for pair, element[%d], expected symbol, received: %s"
                             % (i, kname(reg, x[i])))
            out.append((str(x[i]), _pairval(reg, x[i + 1])))
    else:
        for i, y in enumerate(x):
            n = len(y) if (_is_list(y) or type(y) is np.ndarray) else 1
            if n != 2:
                raise KError("name,value pair[%d] has %d elements (expected 2)" % (i, n))
            if qtype(y) == 11:
                out.append((str(y[0]), str(y[1])))
            elif _is_list(y) and qtype(y[0]) == -11:
                out.append((str(y[0]), _pairval(reg, y[1])))
            else:
                raise KError("name,value pair[%d] has no name symbol" % i)
    return out


def _pairs_of(reg, v):
    pr = _xpairs(reg, v)
    return _pairs_list(reg, pr) if pr is not None else None


def _normtype(reg, v, what):
    if qtype(v) in (-5, -6, -7, -9) and not np.isnan(float(v)) and float(v) > 0:
        return float(v)
    raise KError("%s: norm type expected as positive long or double (0w for infinity), given %s"
                 % (what, _s1(reg, v) if qtype(v) < 0 else kname(reg, v)))


def _positive(reg, v, what, desc):
    if qtype(v) in (-5, -6, -7, -9) and np.isfinite(float(v)) and float(v) > 0:
        return float(v)
    raise KError("%s: %s expected as positive long or double, given %s"
                 % (what, desc, _s1(reg, v) if qtype(v) < 0 else kname(reg, v)))
