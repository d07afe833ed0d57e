"""Fuzzing: random token streams, mutated conformance lines and k-api calls
with wrong arguments through Interpreter.console; full snapshots of an
interpreter's state (:func:`snapshot`, :func:`diff`) to check that a failing
call changes nothing. Used by tests/hardening (a fast subset, the atomicity
tests) and scripts/fuzz (the long run)."""

import glob
import os
import random

TOKENS = ['1', '2', '3', '1 2 3', '0N', '0n', '0w', '1.5', '2e', '`a', '`a`b', '"abc"', '"a"', 'x', 'y',
          't', 'd', 'l', 'k', '+', '-', '*', '%', '#', '_', ',', '!', '?', '$', '@', '.', '&', '|', '^',
          '=', '<', '>', '~', "'", '/', '\\:', '/:', "':", '(', ')', '[', ']', '{', '}', ';', ':', '::',
          'til', 'count', 'first', 'each', 'over', 'sum', 'enlist', 'flip', 'key', 'value', 'string',
          'where', 'in', 'like', 'reverse', 'raze', 'group', 'distinct', 'asc', 'type', 'neg', 'not',
          'null', 'select', 'from', 'by', 'exec', 'update', 'delete', '0b', '101b', '0x0a', '()', 'i',
          'max', 'avg', 'cols', 'xexp', 'mod', 'div', 'sv', 'vs', '2 3', '"i"', 'cut', 'sublist',
          'rotate', 'except', 'inter', 'union', 'within', 'deltas', 'msum', 'rank', '.5', '-1', '$[',
          'if[', 'do[', 'while[', '{[a;b]', '-3!', '0N!']

SETUP = 'x:1 2 3;y:`a`b`c;t:([]a:1 2 3;b:`x`y`z);d:`a`b!1 2;l:(1;`a;"b");k:([k:1 2]v:3 4)'


def random_source(rng, max_tokens=7):
    return " ".join(rng.choice(TOKENS) for _ in range(rng.randint(1, max_tokens)))


def conformance_lines(root=None):
    root = root or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "..", "shared", "conformance", "q")
    lines = []
    for f in sorted(glob.glob(os.path.join(root, "*.txt"))):
        with open(f, encoding="utf-8") as fh:
            lines += [ln[2:].rstrip("\n") for ln in fh if ln.startswith("q)")]
    return lines


def mutate(rng, line):
    """Delete, duplicate, swap or insert a character or a token."""
    if not line:
        return rng.choice(TOKENS)
    i = rng.randrange(len(line))
    op = rng.randrange(4)
    if op == 0:
        return line[:i] + line[i + 1:]
    if op == 1:
        return line[:i] + line[i] + line[i:]
    if op == 2:
        j = rng.randrange(len(line))
        chars = list(line)
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)
    return line[:i] + rng.choice(TOKENS) + line[i:]


def check_console(q, src):
    """Run src; return the output. Raises AssertionError if a Python
    exception escapes or the output names a host exception."""
    from .errors import KExit
    try:
        out = q.console(src)
    except KExit:
        return ""
    assert isinstance(out, str)
    first = out.split("\n", 1)[0]
    assert first not in HOST_NAMES, (src, out)
    return out


# what the console's last line of defence prints for a Python exception
HOST_NAMES = {"'" + n.lower() for n in ("TypeError", "ValueError", "KeyError", "IndexError", "AttributeError",
                                         "RuntimeError", "AssertionError", "NameError", "StopIteration",
                                         "UnboundLocalError", "ZeroDivisionError", "OverflowError")}


class Timeout(BaseException):
    """A case ran too long (a BaseException: no handler in the interpreter catches it)."""


def _where(e):
    tb = e.__traceback__
    while tb and tb.tb_next:
        tb = tb.tb_next
    return "%s:%d %s" % (os.path.basename(tb.tb_frame.f_code.co_filename), tb.tb_lineno,
                         type(e).__name__) if tb else type(e).__name__


def run(n, seed=0, report=None, kfrac=0.3):
    """The long run: n cases, a fraction ``kfrac`` of them k-api calls
    (:func:`random_kcall` through :class:`KapiFuzz`), the rest random token
    streams and mutated conformance lines. Returns (cases run, counter):
    the counter has host exceptions mapped to q errors by location (the
    console's last line of defence; for the language these are counted, for
    k-api calls they are bugs, "kapi HOST ..."), plus "ESCAPED" (a host
    exception reached the console's output) and the k-api failure labels
    "kapi PYMSG ..." (a Python-internal error text) and "kapi ATOMIC ..." (a
    failing call changed state); "TIMEOUT" counts cases stopped after 2 s."""
    import collections
    import signal
    import warnings
    from .embed import Interpreter
    rng = random.Random(seed)
    lines = conformance_lines()
    q = Interpreter()
    q.console(SETUP)
    kf = KapiFuzz() if kfrac else None
    counts = collections.Counter()
    examples = {}

    def alarm(*_):
        raise Timeout

    def note(key, src):
        counts[key] += 1
        examples.setdefault(key, src)

    signal.signal(signal.SIGALRM, alarm)
    done = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(n):
            if kf is not None and rng.random() < kfrac:
                nested = []
                src = random_kcall(rng, nested)
                signal.alarm(2)
                try:
                    r = kf.case(src, atomic=not nested and "{" not in src)
                except Timeout:
                    note("TIMEOUT", src)
                    kf = KapiFuzz()
                    continue
                finally:
                    signal.alarm(0)
                done += 1
                counts["kapi cases"] += 1
                if r == "ESCAPED":
                    note("ESCAPED", src)
                elif r == "HOST":
                    note("kapi HOST " + _where(kf.host[0]), src)
                elif r == "PYMSG":
                    note("kapi PYMSG " + kf.first[:60], src)
                elif r == "ATOMIC":
                    note("kapi ATOMIC " + src.split("(")[0].split("[")[0].split(" ")[0] + " " +
                         ",".join(kf.changed)[:60], src)
                continue
            src = random_source(rng) if rng.random() < 0.5 or not lines else mutate(rng, rng.choice(lines))
            if src.lstrip().startswith("\\"):
                continue
            q.host_errors = []
            signal.alarm(2)
            try:
                check_console(q, src)
            except Timeout:  # a legitimate endless loop (e.g. converge that never settles)
                note("TIMEOUT", src)
                q = Interpreter()
                q.console(SETUP)
                continue
            except AssertionError:  # a host exception reached the console: a bug
                note("ESCAPED", src)
                continue
            finally:
                signal.alarm(0)
                errs, q.host_errors = q.host_errors, None
            done += 1
            for e in errs:
                note(_where(e), src)
    if report:
        for k, v in counts.most_common(40):
            report("%6d %s | %s" % (v, k, examples.get(k, "")))
    return done, counts


# --------------------------------------------------------------------------
# full snapshots: everything a failing call must leave alone

def _tensor_summary(t, walk):
    import torch as T
    d = t.detach()
    if d.is_sparse:
        d = d.to_dense()
    d = d.cpu().contiguous().reshape(-1)
    try:
        data = bytes(d.view(T.uint8).numpy())
    except (RuntimeError, TypeError):
        data = repr(d.tolist())
    return ("T", str(t.dtype), tuple(t.shape), str(t.device), str(t.layout), bool(t.requires_grad),
            data, walk(t.grad if t.is_leaf or t.retains_grad else None))


def summary(x, memo=None):
    """A comparable, hashable summary of a value: tensors by dtype, shape, device,
    flags, bytes and gradient; modules by type, training flag, parameters,
    buffers, children and public attributes; optimizers by type, defaults,
    groups and state; shared objects (the same tensor in a module and an
    optimizer) appear once and are referred to by visit number after."""
    import numpy as np
    memo = {} if memo is None else memo
    # visited objects stay alive as long as the memo does: a temporary (a
    # state dict copy, a densified tensor) freed between two summaries of one
    # snapshot could hand its id to another and be taken for a reference
    keep = memo.setdefault("keep", [])

    def walk(v, depth=0):
        if v is None or isinstance(v, (bool, int, str, bytes)):
            return v
        if isinstance(v, float):
            return ("f", repr(v))
        if isinstance(v, np.generic):
            return ("np", v.dtype.str, bytes(np.asarray(v).tobytes()) if v.dtype != object else walk(v.item()))
        if isinstance(v, np.ndarray):
            if v.dtype == object:
                return ("npo", v.shape, tuple(walk(a, depth + 1) for a in v.ravel().tolist()))
            return ("nd", v.dtype.str, v.shape, v.tobytes())
        k = id(v)
        if k in memo:
            return ("ref", memo[k])
        memo[k] = len(memo)
        keep.append(v)
        if depth > 40:
            return ("deep", type(v).__name__)
        import sys
        T = sys.modules.get("torch")
        if T is not None:
            if isinstance(v, T.Tensor):
                return _tensor_summary(v, lambda g: walk(g, depth + 1))
            if isinstance(v, (T.dtype, T.device, T.Size)):
                return ("t", str(v))
            if isinstance(v, T.nn.Module):
                pub = tuple((a, walk(b, depth + 1)) for a, b in sorted(vars(v).items())
                            if not a.startswith("_") and a != "training")
                return ("M", type(v).__name__, v.training,
                        tuple((n, walk(p, depth + 1)) for n, p in v._parameters.items()),
                        tuple((n, walk(b, depth + 1)) for n, b in v._buffers.items()),
                        tuple((n, walk(c, depth + 1)) for n, c in v._modules.items()),
                        tuple((a, walk(getattr(v, a), depth + 1)) for a in ("_ktype", "_kopts", "_kname")
                              if a in vars(v)), pub)
            if isinstance(v, T.optim.Optimizer):
                return ("O", type(v).__name__, walk(v.defaults, depth + 1),
                        tuple(tuple((a, walk(b, depth + 1)) for a, b in g.items()) for g in v.param_groups),
                        tuple((walk(p, depth + 1), walk(dict(s), depth + 1)) for p, s in v.state.items()))
        from .values import KFunc
        if isinstance(v, KFunc):
            return ("fn", type(v).__name__, k)
        if isinstance(v, type):
            return ("type", v.__qualname__)
        if type(v).__name__ == "Interpreter":
            return ("interp", k)
        if isinstance(v, (list, tuple)):
            return (type(v).__name__, tuple(walk(a, depth + 1) for a in v))
        if isinstance(v, (set, frozenset)):
            return ("set", tuple(sorted(repr(walk(a, depth + 1)) for a in v)))
        if isinstance(v, dict):
            return ("dict", tuple((walk(a, depth + 1), walk(b, depth + 1)) for a, b in v.items()))
        if type(v).__name__ == "OptObj":
            ex = v._extras if v.has_extras() else None
            return ("OptObj", v.name, walk(v.opt, depth + 1), walk(v.kdefaults, depth + 1),
                    walk(v.module, depth + 1), walk(ex, depth + 1))
        if type(v).__name__ in ("function", "method", "builtin_function_or_method", "module", "partial"):
            return ("fn", type(v).__name__, k)
        attrs = []
        for c in type(v).__mro__:
            for a in getattr(c, "__slots__", ()):
                if a not in ("__dict__", "__weakref__") and hasattr(v, a):
                    attrs.append((a, walk(getattr(v, a), depth + 1)))
        for a, b in sorted(getattr(v, "__dict__", {}).items()):
            if not a.startswith("__"):
                attrs.append((a, walk(b, depth + 1)))
        return ("obj", type(v).__name__, tuple(attrs))

    return walk(x)


def snapshot(q):
    """Everything a failing call must leave alone: the registry (ids, kinds,
    tensors with values, dtypes, requires_grad and gradients; modules with
    parameters, buffers and training flags; optimizers with groups, options,
    state and step settings), every global, the display settings, and torch's
    default dtype and grad mode. Compare two with :func:`diff`."""
    import sys
    memo = {}
    reg = getattr(q, "registry", None)
    objs = reg.objs if reg is not None else {}
    out = {"registry ids": tuple(sorted(objs))}
    for j in sorted(objs):
        out["registry %d (%s)" % (j, objs[j].cls)] = summary(objs[j], memo)
    for name in sorted(q.globals):
        out["global " + name] = summary(q.globals[name], memo)
    out["settings"] = summary(q.settings, memo)
    T = sys.modules.get("torch")
    if T is not None:
        out["torch"] = (str(T.get_default_dtype()), T.is_grad_enabled())
    return out


def diff(a, b):
    """The entries of two snapshots that differ (empty if none)."""
    return sorted(k for k in set(a) | set(b) if a.get(k, "<missing>") != b.get(k, "<missing>"))


# --------------------------------------------------------------------------
# k-api calls: wrong types, ranks and pointers

KSETUP = ("free[]; t:tensor 1 2 3e; g:tensor(1 2 3.0;`grad); e:tensor[]; v:vector(1 2 3e;4 5e); "
          "dd:dict `a`b!(1 2e;3 4 5e); m:module seq(`sequential;(`linear;`a;3;2);`relu`r); "
          "l:loss`mse; o:opt(`sgd;m;.1;.9); o2:opt(`adam;g;.1); w:mse(g;0 0 0.0); backward(w;`retain); "
          "step o2; s:tensor 1; free s; y:forward(m;2 3#1e); z:mse(y;2 2#0e); "
          "iv:vector(1 2 3e;1 2); di:dict `a`b!(1 2e;1 2); p:tensor(1 2e;`grad); opt(o;1;p;.2)")
KLIVE = ("t", "g", "e", "v", "dd", "m", "l", "o", "o2", "w", "y", "z", "iv", "di", "p")   # s is stale
KPTRS = KLIVE + ("s",)
KVALS = ("1", "-1", "0", "2", "3", "0N", "0W", "-0W", "1.5", "0n", "0w", "-1.0", "1e", "1i", "1h",
         "0x01", "1b", "0b", "101b", '"a"', '"abc"', "`", "`x", "`a", "`b", "`sgd", "`adam", "`lbfgs",
         "`relu", "`linear", "`sequential", "`grad", "`double", "`long", "`bool", "`cpu", "`cuda",
         "`mean", "`none", "`retain", "`randn", "`zeros", "`full", "`arange", "`eye", "`a`b", "`lr",
         "`decay", "`lr`decay", "`weight", "()", "::", "1 2 3", "1 2 3e", "1 2 3.0", "2 3", "-2 3",
         "0 1", "2 3#1e", "3 3#1.0", "0#0", "`long$()", "1000000000000", "-5", "1000000 1000000",
         "100000 100000 100000", "`a`b!1 2", "`lr`momentum!.1 .2", "([]a:1 2)", "{x}", "{x+y}",
         "enlist 1", "(1;`a)", "(();())", "(1 2;3 4 5)", "2000.01.01", "0Ng", "(`linear;2;2)",
         "enlist(`linear;3;2)", "`lr,.1", "((`lr;.1);(`momentum;.9))", "0N 3", "(0N;`a)",
         "state m", "opt o", "state o", "state o2", "module m", "enlist 0N", "(1;2;3)")
KSELECT = ("enlist t", "t,v", "(t;v)", "(m;`a)", "(m;0)", "(m;`a.weight)", "(v;1)", "(v;0 1)",
           "(dd;`a)", "(t;0)", "(o;0)", "(s;0)", "(m;5)", "(v;-1)", "(dd;`zz)", "(g;1b)")
KEDIT = ("opt(o;%(g)s;%(p)s;%(a)s)", "opt(o;%(p)s;%(a)s)", "opt(o;%(g)s;%(p)s)", "opt(o2;%(g)s;();%(a)s)",
         "opt(%(st)s;m)", "opt(%(st)s;%(a)s)", "lr(o;%(a)s)", "lr(%(p)s;%(a)s)", "lr(o2;%(a)s)",
         "tensor(%(mode)s;%(a)s)", "tensor(%(mode)s;%(a)s;%(b)s)", "tensor(%(mode)s;%(a)s;%(b)s;%(c)s)",
         "use[%(p)s;%(a)s]", "use[%(p)s]%(v)s(%(a)s;%(b)s)", "module %(st)s", "vector(v;%(a)s;%(b)s)",
         "dict(dd;%(a)s;%(b)s)", "tensor(%(a)s;%(p)s)", "gradflag(%(p)s;%(a)s;%(b)s)",
         "to(%(p)s;%(a)s)", "to(%(p)s;%(a)s;%(b)s)", "backward(%(p)s;%(a)s;%(b)s)",
         "step(%(p)s;%(a)s)", "clip(%(p)s;%(a)s;%(b)s)", "onstep(o;%(a)s;%(b)s)",
         "schedule(o;%(a)s;%(b)s)", "nodecay(o;%(a)s)", "forward(m;%(a)s)", "evaluate(m;%(p)s)",
         "loss(l;%(p)s;%(a)s)", "%(v)s(%(p)s;%(a)s)",
         # verb-specific shapes with one or two arguments wrong
         "opt(%(oname)s;%(p)s;%(a)s;%(b)s)", "opt(%(oname)s;%(g)s;%(p)s;%(a)s)", "opt(%(oname)s;%(a)s)",
         "opt(o;%(g)s;%(p)s;%(a)s;%(b)s;%(c)s)", "opt(o2;%(p)s;%(a)s)", "opt(%(p)s;%(a)s)", "opt[(o;%(a)s)]",
         "module enlist(`linear;%(a)s;%(b)s)", "module enlist(%(mtype)s;%(a)s)", "module(`sequential;%(a)s;%(b)s)",
         "module seq(`sequential;%(a)s;`relu)", "module((0;`sequential);(%(a)s;`relu))", "module(m;%(a)s)",
         "loss(%(ltype)s;%(a)s)", "loss(l;%(a)s)", "loss(l;%(a)s;%(b)s)", "tensor(%(a)s;`grad)",
         "tensor(%(a)s;%(b)s)", "tensor(t;%(a)s;%(b)s)", "vector(%(a)s;%(b)s)", "vector(v;%(a)s)",
         "dict(%(a)s;%(b)s)", "dict(dd;%(a)s)", "dict %(a)s!%(b)s", "names(m;%(a)s)", "childnames(%(p)s;%(a)s)",
         "parmnames(m;%(a)s)", "buffernames(%(p)s;%(a)s)", "training(%(p)s;%(a)s)", "gradflag(v;%(a)s;%(b)s)",
         "gradflag(dd;%(a)s)", "gradflag(m;%(a)s)", "grad enlist %(p)s", "backward(z;%(a)s)",
         "backward(w;%(a)s;%(b)s)", "backward(v;%(a)s)", "clip(o;%(a)s)", "clip(%(p)s;%(a)s;%(b)s;%(c)s)",
         "clipv(%(p)s;%(a)s)", "step(o;%(fn)s)", "step(o2;%(fn)s)", "schedule(o;%(sched)s)",
         "schedule(o;%(g)s;%(sched)s)", "onstep(o;%(pairs)s)", "onstep(o2;%(pairs)s)", "help %(a)s",
         "state(%(p)s;%(a)s)", "zerograd %(p)s", "nograd(%(p)s;%(a)s)", "return %(p)s", "addref %(p)s",
         "to(m;%(a)s)", "to(t;%(a)s;%(b)s)", "lr(o;%(a)s)", "lr %(p)s", "nodecay(o;%(a)s)",
         "forward(m;%(a)s;%(b)s)", "forward(m;`a;%(a)s)", "evaluate(m;%(a)s)", "nforward(%(p)s;%(a)s)",
         "mse(%(a)s;%(b)s)", "mse(%(p)s;%(a)s;%(b)s)", "ce(%(a)s;%(b)s)", "ce(y;%(a)s;%(b)s)",
         "use[%(p)s;%(a)s]", "use[%(p)s;%(q)s]", "free(%(p)s;%(q)s)", "seed %(a)s", "dtype %(a)s",
         "device %(p)s", "options %(p)s", "ptr %(p)s", "ref %(p)s", "seq %(a)s", "seq(%(a)s;%(b)s)")
KFNS = ("{x}", "{1.5}", "{z}", "{'`oops}", "{backward w; 1.0}", "{l:mse(g;0 0 0.0); backward l; l}",
        "{[a;b] a}", "{tensor 1 2}", "{::}", "{free o; 1.0}", "{\"a\"}", "0N", "`f")
KSCHED = ("`constant", "`linear", "(`step;2;.5)", "(`step;-1)", "(`multistep;1 2)", "(`exponential;.9)",
          "(`cosine;10)", "(`restarts;2;1;0.0)", "(`onecycle;.1;10)", "(`nosuch;1)", "::", "{[n] .1}",
          "{[n;r] r%1+n}", "{[n] `a}", "{[n] -1.0}", "{[a;b;c] 1}", "(`step;`a)", "(`cosine;0)", "(`step;2;`gamma,.5)",
          "(`onecycle;.1;10;`pct,2.0)", "(`polynomial;5;-1)", "1.5", "`a`b")
KPAIRS = ("`accumulate,4", "`accumulate,0", "`accumulate,-1", "`clipnorm,1.0", "`clipnorm,-1.0", "`clipp,0w",
          "`clipgroup,1b", "`clipvalue,.5", "`clipvalue,`a", "`clipnorm`clipp!(1.0;2)", "((`clipvalue;.5);(`accumulate;2))",
          "`nosuch,1", "`accumulate", "`accumulate,1.5", "`clipp,\"a\"", "1", "(`accumulate;2;`x)")
KSTATES = ("state o", "state o2", "@[state o;`options;0#]", "@[state o;`parms;0#]",
           "@[state o;`optimizer;:;`adam]", "@[state o2;`parms;{update buffers:(enlist`step!enlist 1.5) from x}]",
           "@[state o2;`parms;{update size:enlist 9 9 from x}]", "@[state o;`options;{update lr:-1.0 from x}]",
           "@[state o;`options;{update lr:`a from x}]", "`optimizer`options!(`sgd;1)", "state m",
           "@[state m;`parms;{x}]", "update name:`zz from state m", "update options:(2#enlist()!()) from state m",
           "update parms:2#enlist(`weight`bias!(2 3#1e;1 2 3e)) from state m",
           "update module:`conv2d`relu from state m", "delete from state m", "([]a:1 2)")
MODES = ("`zeros", "`ones", "`empty", "`rand", "`randn", "`full", "`randint", "`randperm", "`arange",
         "`range", "`linspace", "`logspace", "`eye")


def kapi_verbs():
    """The k-api verbs fuzzed: all but the distributed ones (kapi.api.dist:
    process groups, collectives), which may block on a network."""
    from .api import load_all
    return sorted(n for n, (f, _) in load_all().items() if not f.__module__.endswith(".dist"))


def _karg(rng, nested):
    r = rng.random()
    if r < 0.45:
        return rng.choice(KPTRS)
    if r < 0.55:
        return rng.choice(KSELECT)
    if r < 0.58 and nested is not None:
        nested.append(True)
        return random_kcall(rng, None)
    return rng.choice(KVALS)


def random_kcall(rng, nested=None):
    """One k-api call with (mostly) wrong arguments. ``nested`` collects a
    marker when the call contains another call (whose side effects make an
    atomicity check meaningless)."""
    verbs = kapi_verbs()
    v = rng.choice(verbs)
    if rng.random() < 0.65:
        sub = {"g": rng.choice(("0", "1", "2", "-1", "5", "`a", "1b", "0N", "()", "0 1", "1 0N")),
               "p": rng.choice(KPTRS + KSELECT + ("()", "::", "1", "`a")),
               "q": rng.choice(KPTRS + KSELECT + ("()", "::", "1", "`a")),
               "oname": rng.choice(("`sgd", "`adam", "`adamw", "`lbfgs", "`lamb", "`rmsprop", "`adagrad",
                                    "`nosuch", "`sgd`adam", "`")),
               "mtype": rng.choice(("`linear", "`relu", "`conv2d", "`embed", "`layernorm", "`dropout",
                                    "`sequential", "`parmdict", "`moduledict", "`nosuch", "`linear`a")),
               "ltype": rng.choice(("`ce", "`mse", "`l1", "`nosuch", "`ce`mse")),
               "fn": rng.choice(KFNS), "sched": rng.choice(KSCHED), "pairs": rng.choice(KPAIRS),
               "a": _karg(rng, nested), "b": _karg(rng, nested), "c": _karg(rng, nested),
               "st": rng.choice(KSTATES), "mode": rng.choice(MODES), "v": v}
        src = rng.choice(KEDIT)
        if "]%(v)s(" in src and nested is not None:
            nested.append(True)
        return src % sub
    n = rng.choice((0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5))
    args = [_karg(rng, nested) for _ in range(n)]
    form = rng.randrange(8)
    if n == 0:
        return rng.choice(("%s[]", "%s()", "%s(::)", "%s`")) % v
    if n == 1:
        if form < 4:
            return "%s %s" % (v, args[0])
        if form < 6:
            return "%s[%s]" % (v, args[0])
        return rng.choice(("%s enlist %s", "%s@%s", "%s each enlist %s")) % (v, args[0])
    if form < 7:
        return "%s(%s)" % (v, ";".join(args))
    return "%s[%s]" % (v, ";".join(args))


PY_INTERNAL = ("object has no attribute", "NoneType", "not subscriptable", "unhashable", "positional argument",
               "is not iterable", "int() argument", "float() argument", "invalid literal", "list index out of range",
               "tuple index out of range", "string index out of range",
               "object of type", "not supported between instances", "unsupported operand", "object is not callable",
               "cannot unpack", "too many values to unpack", "not enough values to unpack", "KeyError",
               "can't multiply sequence", "must be real number", "only integer scalar arrays",
               "truth value of an array", "numpy.", "np.", "takes no arguments", "unexpected keyword",
               "object cannot be interpreted", "argument must be", "must be str", "'builtin", "has no len()")


def python_message(first):
    """True if an error line looks like a Python-internal message (a bug)."""
    return any(s in first for s in PY_INTERNAL)


class KapiFuzz:
    """An interpreter with the k-api and a few live objects; :meth:`case`
    runs one call and returns a failure label (None when all is well):
    ESCAPED (a host exception reached the console), HOST (a host exception
    mapped to a q error by the last line of defence), PYMSG (an error text
    that is a Python-internal message) or ATOMIC (a failing call changed
    the registry, an object or a global)."""

    def __init__(self):
        import torch as T
        from .api import install
        from .embed import Interpreter
        self.T = T
        self.q = install(Interpreter())
        self.dtype = T.get_default_dtype()
        self.setup()

    def setup(self):
        for k in [k for k in self.q.globals if k in self.q.builtins]:
            del self.q.globals[k]   # e.g. `dict ::!101b` assigns a global dict (as q would)
        out = self.q.console(KSETUP)
        assert not out.startswith("'"), out
        self.n = 0

    def healthy(self):
        r = self.q.registry.objs
        for name in KLIVE:
            p = self.q.globals.get(name)
            if not (type(p) is list and len(p) == 1 and int(p[0]) in r):
                return False
        return len(r) < 100 and self.n < 200 and not any(k in self.q.builtins for k in self.q.globals)

    def restore(self):
        """Undo global torch settings a case may change (default dtype, grad mode)."""
        self.T.set_default_dtype(self.dtype)
        self.T.set_grad_enabled(True)

    def case(self, src, atomic=True):
        if not self.healthy():
            self.setup()
        self.n += 1
        before = snapshot(self.q) if atomic else None
        self.q.host_errors = []
        try:
            try:
                out = check_console(self.q, src)
            except AssertionError:
                return "ESCAPED"
            if self.q.host_errors:
                self.host = self.q.host_errors[:]
                return "HOST"
        finally:
            self.q.host_errors = None
            self.restore()
        first = self.first = out.split("\n", 1)[0]
        if first.startswith("'"):
            if python_message(first):
                return "PYMSG"
            if atomic:
                d = diff(before, snapshot(self.q))
                if d:
                    self.changed = d
                    return "ATOMIC"
        return None
