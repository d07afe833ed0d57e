"""Compiler: AST -> Python closures.

Every node becomes a closure ``f(env)`` once, when its line or lambda is
compiled; evaluation is then just calling closures.  ``env`` is the slot list
of the running lambda (None at top level).  An expression is a flat run of
terms folded right to left: no precedence, long right scope.
"""

import numpy as np

from . import values as V
from .errors import KError
from .iterators import Derived
from .funcs import (ELIDED, _elided, Builtin, Composition, Lambda, Prim,
                    Projection, V_UNSET, _Return, apply1, call)
from .values import KDict, KFunc, KTable

NOUN, VERB, COLON, DCOLON, VASSIGN, SIGNAL = range(6)


def _compose_all(*fs):
    """'[f;g;..]  compose: f applied to the result of g (of ..)."""
    f = fs[-1]
    for h in reversed(fs[:-1]):
        f = Composition(h, f)
    return f


COMPOSE = Builtin("'", _compose_all, rank=2, qtype=105)


class Scope:
    """Compile-time scope of a lambda: slots of parameters and locals."""

    def __init__(self, names):
        self.slots = {n: i for i, n in enumerate(names)}


class Ctx:
    """What a closure needs to know about where it was compiled."""

    __slots__ = ("interp", "frame", "shift", "scope", "sql", "origin", "cname", "space", "selfcell")

    def __init__(self, interp, frame, shift=0, scope=None, sql=False, origin=None, cname="",
                 selfcell=None):
        self.interp = interp
        self.frame = frame      # the source text shown in an error's frame line
        self.shift = shift      # offset of this text's positions inside frame
        self.scope = scope
        self.sql = sql
        self.origin = origin    # (file, first line, statement text) of script code
        # the context the code is compiled in ("" the root, "ut" for \d .ut):
        # its unqualified globals live in ``space``
        self.cname = cname
        self.space = interp.ws.context(cname) if cname else interp.globals
        self.selfcell = selfcell    # [the lambda being compiled] for .z.s


def _locate(e, ctx, pos):
    if e.frame is None:
        e.frame = ctx.frame
        e.pos = pos + ctx.shift
        e.depth = ctx.interp.depth


def host_error(exc, interp=None):
    """A Python exception escaping a primitive, as a q error.  An interpreter
    whose ``host_errors`` is a list records the exception there (tests and
    the fuzzer look for host errors that way)."""
    rec = getattr(interp, "host_errors", None)
    if rec is not None:
        rec.append(exc)
    if isinstance(exc, RecursionError):
        return KError("stack")
    if isinstance(exc, MemoryError):
        return KError("wsfull")
    if isinstance(exc, (OverflowError,)):
        return KError("limit")
    if isinstance(exc, ZeroDivisionError):
        return KError("domain")
    return KError("type")


def raise_located(exc, ctx, pos):
    """Re-raise an exception escaping a call at ``pos`` as a located q error
    (a host error must not escape as a traceback)."""
    if isinstance(exc, KError):
        _locate(exc, ctx, pos)
        raise exc
    e = host_error(exc, ctx.interp)
    _locate(e, ctx, pos)
    raise e from exc


def guard(fn, ctx, pos):
    """Wrap a primitive call so an error gets this node's position."""
    def g(*a):
        try:
            return fn(*a)
        except _Return:
            raise
        except Exception as exc:
            raise_located(exc, ctx, pos)
    return g


# --------------------------------------------------------------------------

def compile_seq(exprs, ctx):
    """Statements separated by ';' evaluated left to right; value of the last."""
    fs = [compile_expr(e, ctx) for e in exprs]
    if len(fs) == 1:
        return fs[0]
    body, last = fs[:-1], fs[-1]

    def seq(env):
        for f in body:
            f(env)
        return last(env)
    return seq


def compile_expr(expr, ctx):
    terms = expr[1]
    if not terms:
        return lambda env: None
    cts = _compile_terms(terms, ctx)
    return _fold(cts, ctx)


class CT:
    """A compiled term: its syntactic class, closure, position and AST."""

    __slots__ = ("kind", "fn", "pos", "ast", "const", "value")

    def __init__(self, kind, fn, pos, ast, value=None, const=False):
        self.kind = kind
        self.fn = fn
        self.pos = pos
        self.ast = ast
        self.value = value
        self.const = const


def _compile_terms(terms, ctx):
    out = []
    n = len(terms)
    for k, t in enumerate(terms):
        prefix = None
        prim = t[1]
        if prim[0] == "lambda" and not t[2] and k == n - 1 and k >= 2 and terms[k - 1][1][0] == "colon" \
                and terms[k - 2][1][0] == "name" and not terms[k - 2][2] and k == 2:
            prefix = terms[k - 2][1][1] + ":"
        out.append(compile_term(t, ctx, prefix))
    return out


def compile_term(t, ctx, prefix=None):
    _, prim, posts = t
    kind = prim[0]
    pos = prim[-1]
    interp = ctx.interp
    if kind == "verb":
        p = interp.prims.get(prim[1])
        if p is None:
            raise KError("nyi", ctx.frame, pos + ctx.shift)
        ct = CT(VERB, lambda env, p=p: p, pos, prim, value=p, const=True)
    elif kind == "name":
        name = prim[1]
        b = interp.keywords.get(name)
        if b is not None and (ctx.scope is None or name not in ctx.scope.slots):
            ct = CT(VERB if getattr(b, "infix", False) else NOUN, lambda env, b=b: b, pos, prim, value=b, const=True)
        else:
            ct = CT(NOUN, compile_name(name, ctx, pos), pos, prim)
    elif kind in ("num", "sym", "str"):
        v = prim[1]
        ct = CT(NOUN, lambda env, v=v: v, pos, prim, value=v, const=True)
    elif kind == "colon":
        ct = CT(COLON, None, pos, prim)
    elif kind == "dcolon":
        ct = CT(DCOLON, lambda env: None, pos, prim, value=None, const=True)
    elif kind == "verbassign":
        ct = CT(VASSIGN, None, pos, prim)
    elif kind == "signal":
        ct = CT(SIGNAL, None, pos, prim)
    elif kind == "paren":
        ct = CT(NOUN, compile_paren(prim, ctx), pos, prim)
    elif kind == "block":
        ct = CT(NOUN, compile_seq(prim[1], ctx), pos, prim)
    elif kind == "lambda":
        lam = compile_lambda(prim, ctx, prefix)
        ct = CT(NOUN, lam, pos, prim)
    elif kind == "table":
        ct = CT(NOUN, compile_table(prim, ctx), pos, prim)
    elif kind == "cond":
        ct = CT(NOUN, compile_cond(prim, ctx), pos, prim)
    elif kind == "control":
        ct = CT(NOUN, compile_control(prim, ctx), pos, prim)
    elif kind == "sql":
        # qSQL sits above this module (it compiles its parts with it): the
        # interpreter hands its compiler in
        ct = CT(NOUN, ctx.interp.compile_sql(prim, ctx), pos, prim)
    else:  # pragma: no cover
        raise KError("nyi", ctx.frame, pos + ctx.shift)
    for post in posts:
        ct = _postfix(ct, post, ctx)
    return ct


def _postfix(ct, post, ctx):
    if post[0] == "adverb":
        glyph, apos = post[1], post[2]
        if ct.kind == SIGNAL:
            raise KError("parse", ctx.frame, apos + ctx.shift)
        if ct.kind in (COLON, VASSIGN):
            base = ct_value_fn(ct, ctx)
        else:
            base = ct.fn
        if ct.const:
            d = Derived(ct.value, glyph, ctx.interp)
            return CT(VERB, lambda env, d=d: d, ct.pos, ct.ast, value=d, const=True)
        g = guard(Derived, ctx, apos)
        interp = ctx.interp
        return CT(VERB, lambda env: g(base(env), glyph, interp), ct.pos, ct.ast)
    # bracket application; f[] applies f to ::
    if len(post[1]) == 1 and not post[1][0][1]:
        args = [lambda env: None]
    else:
        args = [compile_item(e, ctx) for e in post[1]]
    fpos = ct.pos
    if ct.kind == SIGNAL:
        # '[f;g;..] composition (a projection if an argument is elided)
        gcomp = guard(call, ctx, fpos)
        rargs_c = args[::-1]

        def comp(env):
            vals = [a(env) for a in rargs_c]
            vals.reverse()
            return gcomp(COMPOSE, vals)
        return CT(NOUN, comp, fpos, ct.ast)
    if ct.kind in (COLON, VASSIGN):
        f0 = ct_value_fn(ct, ctx)
    else:
        f0 = ct.fn
    if ct.const and isinstance(ct.value, Prim):
        p = ct.value
        if len(args) == 2:
            a0, a1 = args
            dy = guard(p.dyad, ctx, fpos) if p.dyad else None
            if dy is not None:
                def ap2(env):
                    y = a1(env)
                    x = a0(env)
                    if x is ELIDED or y is ELIDED:
                        return Projection(p, [x, y])
                    return dy(x, y)
                return CT(NOUN, ap2, fpos, ct.ast)
    gcall = guard(call, ctx, fpos)
    interp = ctx.interp
    if len(args) == 1:
        a0 = args[0]

        def ap1(env):
            x = a0(env)
            return gcall(f0(env), [x], interp)
        return CT(NOUN, ap1, fpos, ct.ast)
    rargs = args[::-1]

    def ap(env):
        vals = [a(env) for a in rargs]
        vals.reverse()
        f = f0(env)
        try:
            # a lambda (the common case) is called directly; call() does the rest
            return f.call(vals) if type(f) is Lambda else call(f, vals, interp)
        except _Return:
            raise
        except Exception as exc:
            raise_located(exc, ctx, fpos)
    if len(args) == 3:
        a0, a1, a2 = args

        def ap(env, ap=ap):
            z = a2(env)
            y = a1(env)
            vals = [a0(env), y, z]
            f = f0(env)
            if type(f) is Lambda:
                try:
                    return f.call(vals)
                except _Return:
                    raise
                except Exception as exc:
                    raise_located(exc, ctx, fpos)
            return gcall(f, vals, interp)
    return CT(NOUN, ap, fpos, ct.ast)


def ct_value_fn(ct, ctx):
    """A COLON or VASSIGN term used as a value: (:) or the k unary form (,:)."""
    if ct.kind == COLON:
        p = ctx.interp.prims[":"]
    else:
        g = ct.ast[1]
        p = ctx.interp.kunary.get(g)
        if p is None:
            raise KError("nyi", ctx.frame, ct.pos + ctx.shift)
    return lambda env: p


def compile_item(expr, ctx):
    """An item of a list or argument list: empty means elided."""
    if not expr[1]:
        return lambda env: ELIDED
    return compile_expr(expr, ctx)


def compile_name(name, ctx, pos):
    scope = ctx.scope
    interp = ctx.interp
    if ctx.sql:
        inner = _plain_name(name, ctx, pos, scope, interp)
        sqlstack = interp.sqlstack

        def sqlname(env):
            cols = sqlstack[-1] if sqlstack else None
            if cols is not None:
                v = cols.get(name, cols)
                if v is not cols:
                    return v() if callable(v) and not isinstance(v, KFunc) else v
            return inner(env)
        return sqlname
    return _plain_name(name, ctx, pos, scope, interp)


def _plain_name(name, ctx, pos, scope, interp):
    if "." in name:
        return _dotted_name(name, ctx, pos, scope, interp)
    if scope is not None and name in scope.slots:
        i = scope.slots[name]

        def local(env):
            v = env[i]
            if v is V_UNSET:
                raise KError(name, ctx.frame, pos + ctx.shift, interp.depth)
            return v
        return local
    g = ctx.space
    builtins = interp.builtins

    def glob(env):
        try:
            return g[name]
        except KeyError:
            v = builtins.get(name)
            if v is None:
                raise KError(name, ctx.frame, pos + ctx.shift, interp.depth) from None
            return v
    return glob


def _dotted_name(name, ctx, pos, scope, interp):
    """A name with dots: ``.ns.x`` (absolute) or ``d.k`` (relative: ``d`` is
    a name of the context or a local).  Resolved once here into the
    namespace to look in and the parts to walk; past the namespaces a part
    is field access on the value (kapi.namespace.field)."""
    from .namespace import Namespace, as_dict, field

    def err():
        return KError(name, ctx.frame, pos + ctx.shift, interp.depth)

    if name == ".z.s" and ctx.selfcell is not None:
        cell = ctx.selfcell
        return lambda env: cell[0]
    if name.startswith("."):
        parts = name[1:].split(".")
        if not all(parts):
            raise KError("parse", ctx.frame, pos + ctx.shift)
        spaces = interp.ws.spaces
        top, rest = parts[0], parts[1:]
        if not rest:
            def space_value(env):
                ns = spaces.get(top)
                if ns is None:
                    raise err()
                return as_dict(ns)
            return space_value
        k0, more = rest[0], rest[1:]

        def base(env):
            ns = spaces.get(top)
            if ns is not None:
                try:
                    return ns[k0]
                except KeyError:
                    pass
            raise err()
    else:
        parts = name.split(".")
        if not all(parts):
            raise KError("parse", ctx.frame, pos + ctx.shift)
        base = compile_name(parts[0], ctx, pos)     # a local, a global or (in qSQL) a column
        more = parts[1:]
    if not more:
        def dotted1(env):
            v = base(env)
            return as_dict(v) if isinstance(v, Namespace) else v
        return dotted1

    def dotted(env):
        v = base(env)
        for p in more:
            if isinstance(v, Namespace):
                try:
                    v = v[p]
                except KeyError:
                    raise err() from None
            else:
                try:
                    v = field(v, p)
                except KError as e:
                    _locate(e, ctx, pos)
                    raise
        return as_dict(v) if isinstance(v, Namespace) else v
    return dotted


def compile_paren(prim, ctx):
    items = prim[1]
    if len(items) == 1:
        e = items[0]
        if not e[1]:
            return lambda env: []  # ()
        return compile_expr(e, ctx)
    fs = [compile_item(e, ctx) for e in items][::-1]

    def lst(env):
        vals = [f(env) for f in fs]
        vals.reverse()
        if _elided(vals):
            return _list_projection(vals)
        return V.collapse(vals)
    return lst


def _list_projection(vals):
    def build(*args):
        it = iter(args)
        return V.collapse([next(it) if v is ELIDED else v for v in vals])
    n = sum(1 for v in vals if v is ELIDED)
    return Builtin("list", build, rank=n, qtype=104)


def compile_table(prim, ctx):
    from .tabular import make_table
    keys = [_column_spec(e, ctx, k) for k, e in enumerate(prim[1]) if e[1]]
    cols = [_column_spec(e, ctx, k) for k, e in enumerate(prim[2]) if e[1]]

    def table(env):
        cvals = [(n, f(env)) for n, f in reversed(cols)][::-1]
        kvals = [(n, f(env)) for n, f in reversed(keys)][::-1]
        return make_table(kvals, cvals)
    return guard_node(table, ctx, prim[-1])


def _column_spec(expr, ctx, k):
    """(name, closure) of a table-literal column `name:expr` or a bare expr."""
    terms = expr[1]
    if len(terms) >= 2 and terms[0][1][0] == "name" and not terms[0][2] and terms[1][1][0] == "colon":
        return terms[0][1][1], compile_expr(("expr", terms[2:]), ctx)
    name = _implicit_name(terms, ctx.interp.keyword_names) or ("x" if k == 0 else "x%d" % k)
    return name, compile_expr(expr, ctx)


def _implicit_name(terms, keyword_names):
    for t in reversed(terms):
        if t[1][0] == "name" and t[1][1] not in keyword_names:
            return t[1][1]
    return None


def guard_node(fn, ctx, pos):
    def g(env):
        try:
            return fn(env)
        except _Return:
            raise
        except Exception as exc:
            raise_located(exc, ctx, pos)
    return g


def truth(v, ctx, pos):
    """The truth of a condition ($[c;..], if, while): a non-zero atom; a list
    or a symbol is 'type, located at the condition."""
    t = V.qtype(v)
    if t >= 0 or t == -11:
        if t == 101:
            return False
        e = KError("type")
        _locate(e, ctx, pos)
        raise e
    if t == -10:
        return v != b"\x00"
    return bool(v != 0)


def compile_cond(prim, ctx):
    pos = prim[-1]
    if len(prim[1]) == 2:
        # $[x;y] is the verb $ applied to two arguments; $[;y] projects it
        args = [compile_item(e, ctx) for e in prim[1]]
        dollar = ctx.interp.prims["$"]
        g = guard(call, ctx, pos)
        return lambda env: g(dollar, [a(env) for a in args[::-1]][::-1])
    parts = [compile_expr(e, ctx) for e in prim[1]]
    if len(parts) < 3:
        raise KError("parse", ctx.frame, pos + ctx.shift)
    pairs = [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
    other = parts[-1] if len(parts) % 2 else (lambda env: None)

    def cond(env):
        for c, t in pairs:
            v = c(env)
            ok = truth(v, ctx, pos)
            if ok:
                return t(env)
        return other(env)
    return cond


def compile_control(prim, ctx):
    kind = prim[1]
    parts = [compile_expr(e, ctx) for e in prim[2]]
    pos = prim[-1]
    if not parts:
        raise KError("parse", ctx.frame, pos + ctx.shift)
    test, body = parts[0], parts[1:]

    def run(env):
        for f in body:
            f(env)

    if kind == "if":
        def f_if(env):
            v = test(env)
            ok = truth(v, ctx, pos)
            if ok:
                run(env)
            return None
        return f_if
    if kind == "do":
        def f_do(env):
            v = test(env)
            if V.qtype(v) not in (-7, -6, -5, -4, -1):
                raise KError("type", ctx.frame, pos + ctx.shift, ctx.interp.depth)
            for _ in range(int(v)):
                run(env)
            return None
        return f_do

    def f_while(env):
        while True:
            v = test(env)
            ok = truth(v, ctx, pos)
            if not ok:
                return None
            run(env)
    return f_while


# --------------------------------------------------------------------------
# lambdas

def _scan_lambda(body):
    """Names assigned locally (with ':' or 'op:'), and the highest of x y z used."""
    assigned = []
    implicit = 0

    def walk_exprs(exprs, in_sql=False):
        for e in exprs:
            walk_expr(e, in_sql)

    def walk_expr(e, in_sql):
        nonlocal implicit
        terms = e[1]
        for k, t in enumerate(terms):
            prim = t[1]
            kind = prim[0]
            if kind == "name":
                nm = prim[1]
                if in_sql != "sql" and nm in ("x", "y", "z"):   # q counts them in ([]..), not in qSQL
                    implicit = max(implicit, "xyz".index(nm) + 1)
                if k + 1 < len(terms) and terms[k + 1][1][0] in ("colon", "verbassign") and not in_sql \
                        and "." not in nm:
                    if nm not in assigned:
                        assigned.append(nm)
            elif kind in ("paren", "cond", "block"):
                walk_exprs(prim[1], in_sql)
            elif kind == "control":
                walk_exprs(prim[2], in_sql)
            elif kind == "table":
                walk_exprs(prim[1], in_sql or True)
                walk_exprs(prim[2], in_sql or True)
            elif kind == "sql":
                _, _, cols, by, frm, where, _ = prim
                for part in (cols, by, where):
                    if part:
                        walk_exprs(part, "sql")
                walk_expr(frm, in_sql)
            for post in t[2]:
                if post[0] == "args":
                    walk_exprs(post[1], in_sql)
    walk_exprs(body)
    return assigned, implicit


def compile_lambda(prim, ctx, prefix=None):
    _, params, body, text, pos = prim
    interp = ctx.interp
    assigned, implicit = _scan_lambda(body)
    if params is None:
        params = ["x", "y", "z"][:max(implicit, 1)]
        rank = max(implicit, 1)
    else:
        rank = len(params)
    names = list(params) + [n for n in assigned if n not in params]
    scope = Scope(names)
    # positions inside a lambda are relative to the whole line; the frame shown is the lambda text
    frame = (prefix or "") + text
    origin = ctx.origin
    if origin is not None:      # defined in a script: its frame names file and line
        path, line, stmt = origin
        frame = "%s:%d: %s" % (path, line + stmt.count("\n", 0, pos), frame)
    cell = []       # the lambda itself, for .z.s in its body
    lctx = Ctx(interp, frame, shift=len(frame) - len(text) - pos, scope=scope, origin=origin,
               cname=ctx.cname, selfcell=cell)
    bodyf = compile_lambda_body(body, lctx)
    nslots = len(names)
    lam = Lambda(rank, nslots, bodyf, text, interp)
    cell.append(lam)
    lam.params = list(params)
    lam.locals = [n for n in names if n not in params]
    lam.context = ctx.cname
    if rank == 0:
        lam.rank = 0
    return lambda env: lam


def lambda_from_source(interp, src):
    """The lambda whose source text is ``src``, compiled and never run: how a
    function stored in a file or in ``-9!`` bytes is read back.  ``src``
    must be exactly one lambda (white space around it aside); anything else
    (an application, an assignment, several statements, a system command) is
    ``'type``: reading data must not run code."""
    from .parse import parse
    if not isinstance(src, str) or not src.strip().startswith("{"):
        raise KError("type: a stored function must be the source of one lambda")
    try:
        try:
            exprs = parse(src)
        except KError as e:
            raise KError("type: a stored function's source does not parse ('%s)" % e.name) from None
        if len(exprs) != 1:
            raise KError("type: a stored function must be the source of one lambda")
        terms = exprs[0][1]
        if len(terms) != 1 or terms[0][1][0] != "lambda" or terms[0][2]:
            raise KError("type: a stored function must be the source of one lambda")
        make = compile_lambda(terms[0][1], Ctx(interp, src))
    except RecursionError:
        raise KError("stack") from None
    return make(None)     # the closure of a lambda term only returns the Lambda


def compile_lambda_body(body, ctx):
    if len(body) == 1 and not body[0][1]:
        return lambda env: None
    return compile_seq(body, ctx)


# --------------------------------------------------------------------------
# the right-to-left fold

def _fold(cts, ctx):
    n = len(cts)
    last = cts[-1]
    i = n - 1
    functional = False
    # a dangling function: a verb at the end (`2*` projects, `count each`
    # composes), or the function before a closing `::` (sum abs:: is
    # '[sum;abs]; sum (<>):: keeps <>'s rank); what is to its left composes
    end = n - 2 if last.kind == DCOLON and n >= 2 else n - 1
    if end < n - 1 or last.kind == VERB:
        f = cts[end]
        if f.kind == VERB and end >= 1 and cts[end - 1].kind == NOUN:
            right = _projection(f, cts[end - 1], ctx)
            i = end - 2
        else:
            right = f.fn
            i = end - 1
        functional = True
    elif last.kind in (COLON, VASSIGN):
        if n >= 2 and cts[-2].kind == NOUN and last.kind == VASSIGN:
            raise KError("parse", ctx.frame, last.pos + ctx.shift)
        right = ct_value_fn(last, ctx)
        i = n - 2
    elif last.kind == SIGNAL:
        raise KError("parse", ctx.frame, last.pos + ctx.shift)
    else:
        right = last.fn
        i = n - 2
    while i >= 0:
        t = cts[i]
        k = t.kind
        if k in (COLON, VASSIGN) or (k == DCOLON and i >= 1 and i < n - 1 and cts[i - 1].kind == NOUN
                                     and _is_target(cts[i - 1])):
            if i == 0:
                if k == COLON:
                    right = _return(right)
                    i -= 1
                    continue
                # a VASSIGN with nothing to its left: k unary form applied
                f0 = ct_value_fn(t, ctx)
                right = _monad_call(f0, right, ctx, t.pos)
                i -= 1
                continue
            target = cts[i - 1]
            if not _is_target(target) or target.kind != NOUN:
                raise KError("parse", ctx.frame, t.pos + ctx.shift)
            right = _assign(target, t, right, ctx)
            i -= 2
            continue
        if k == VERB:
            if i == 1 and cts[0].kind == VERB and t.const and isinstance(t.value, Prim) \
                    and t.value.glyph in (".", "@") and not functional:
                cts[0].kind = NOUN
            if i >= 1 and cts[i - 1].kind == NOUN:
                left = cts[i - 1]
                if functional:
                    right = _compose(_projection(t, left, ctx), right)
                else:
                    right = _dyad(t, left, right, ctx)
                i -= 2
            else:
                if functional:
                    right = _compose(t.fn, right)
                else:
                    right = _monad(t, right, ctx)
                i -= 1
            continue
        if k == SIGNAL:
            right = _signal(right, ctx, t.pos)
            i -= 1
            continue
        # noun juxtaposed with what is to its right (composed, if that is a function)
        right = _compose(t.fn, right) if functional else _juxt(t, right, ctx)
        i -= 1
    return right


def _is_target(ct):
    ast = ct.ast
    return ast[0] == "name"


def _projection(verb, left, ctx):
    lf, vf = left.fn, verb.fn

    def proj(env):
        return Projection(vf(env), [lf(env), ELIDED])
    return proj


def _compose(f, g):
    def comp(env):
        gv = g(env)
        return Composition(f(env), gv)
    return comp


# --------------------------------------------------------------------------
# temporary elision (as numpy's own): in a*b-a the float vector b-a is a
# temporary nobody else holds, so a* can write its result into it instead of
# allocating (a fresh 8 MB array costs page faults on every use).  A value is
# a temporary when its reference count is what a fresh array's is at that
# point; the count is measured once here, so a Python whose counts differ
# simply turns the optimisation off.

import sys as _sys

_ND, _F8 = np.ndarray, np.dtype(np.float64)


def _probe(f):
    y = f()
    return _sys.getrefcount(y)


_HELD = np.zeros(1)
_TEMP = _probe(lambda: np.zeros(1))
_ELIDE_OK = _TEMP < _probe(lambda: _HELD)


_ELIDE = {"+": np.add, "-": np.subtract, "*": np.multiply}


def _elide_ufunc(prim, ctx):
    """The numpy ufunc of this interpreter's + - * (None for other verbs)."""
    if not _ELIDE_OK or prim is not ctx.interp.prims.get(prim.glyph):
        return None
    return _ELIDE.get(prim.glyph)


def _scratch(a):
    """a is a float vector only the caller holds and may overwrite."""
    return (type(a) is _ND and a.dtype == _F8 and _sys.getrefcount(a) == _TEMP + 1
            and a.flags.owndata and a.flags.writeable)


def _float_like(a, n):
    t = type(a)
    return t is np.float64 or t is _ND and a.dtype == _F8 and a.shape == n


def _dyad(verb, left, right, ctx):
    lf = left.fn
    pos = verb.pos
    if verb.const and isinstance(verb.value, Prim) and verb.value.dyad is not None:
        op = verb.value.dyad
        uf = _elide_ufunc(verb.value, ctx)
        if uf is not None:
            def dyad_prim(env):
                y = right(env)
                x = lf(env)
                if type(y) is _ND:
                    if _scratch(y) and _float_like(x, y.shape):
                        return uf(x, y, out=y)
                    if type(x) is _ND and _scratch(x) and _float_like(y, x.shape):
                        return uf(x, y, out=x)
                elif type(x) is _ND and _scratch(x) and _float_like(y, x.shape):
                    return uf(x, y, out=x)
                try:
                    return op(x, y)
                except _Return:
                    raise
                except Exception as exc:
                    raise_located(exc, ctx, pos)
            return dyad_prim

        def dyad_prim(env):
            y = right(env)
            x = lf(env)
            try:
                return op(x, y)
            except _Return:
                raise
            except Exception as exc:
                raise_located(exc, ctx, pos)
        return dyad_prim
    vf = verb.fn
    gcall = guard(call, ctx, pos)
    interp = ctx.interp

    def dyad(env):
        y = right(env)
        x = lf(env)
        return gcall(vf(env), [x, y], interp)
    return dyad


def _monad(verb, right, ctx):
    vf = verb.fn
    pos = verb.pos
    if verb.const and isinstance(verb.value, Prim):
        p = verb.value
        if p.monad is None:
            raise KError("nyi", ctx.frame, pos + ctx.shift)
        op = guard(p.monad, ctx, pos)
        return lambda env: op(right(env))
    if verb.const and isinstance(verb.value, Builtin) and verb.value.infix:
        b = verb.value
        gcall = guard(b.call, ctx, pos)
        return lambda env: gcall([right(env)])
    return _monad_call(vf, right, ctx, pos)


def _monad_call(vf, right, ctx, pos):
    g = guard(apply1, ctx, pos)
    interp = ctx.interp

    def monad(env):
        x = right(env)
        return g(vf(env), x, interp)
    return monad


def _juxt(noun, right, ctx):
    nf = noun.fn
    pos = noun.pos
    if noun.const and isinstance(noun.value, Builtin) and noun.value.rank == 1:
        fn = guard(noun.value.fn, ctx, pos)
        return lambda env: fn(right(env))
    return _monad_call(nf, right, ctx, pos)


def _signal(right, ctx, pos):
    def sig(env):
        v = right(env)
        t = V.qtype(v)
        if t == -11:
            name = v
        elif t == 10:
            name = V.pystr(v)
        else:
            name = "stype"
        raise KError(name, ctx.frame, pos + ctx.shift, ctx.interp.depth)
    return sig


def _return(right):
    def ret(env):
        raise _Return(right(env))
    return ret


def _assign(target, op, right, ctx):
    """`a:v` `a::v` `a+:v` `a[i]:v` `a[i]+:v`."""
    amend_depth = ctx.interp.ops.amend_depth
    ast = target.ast
    name = ast[1]
    interp = ctx.interp
    scope = ctx.scope
    pos = op.pos
    glob = op.kind == DCOLON
    if name in interp.keywords or name in interp.reserved:
        raise KError("assign", ctx.frame, target.pos + ctx.shift)
    # bracket indices of an indexed target
    posts = _target_posts(target, ctx)
    if op.kind == VASSIGN:
        glyph = op.ast[1]
        fn = interp.prims.get(glyph)
        if fn is None:
            raise KError("nyi", ctx.frame, pos + ctx.shift)
    else:
        fn = None
    if "." in name:
        get, put = _dotted_target(name, ctx, scope, interp)
    elif scope is not None and name in scope.slots and not (glob and name not in scope.slots):
        slot = scope.slots[name]

        def get(env):
            v = env[slot]
            if v is V_UNSET:
                raise KError(name)
            return v

        def put(env, v):
            env[slot] = v
    else:
        g = ctx.space

        def get(env):
            try:
                return g[name]
            except KeyError:
                raise KError(name) from None

        def put(env, v):
            g[name] = v
    sql_assign = ctx.sql
    if posts is None:
        if fn is None:
            def assign(env):
                v = right(env)
                put(env, v)
                return v
            if sql_assign:
                return assign
            return assign
        op_fn = fn.dyad
        is_join = fn.glyph == ","

        def modassign(env):
            v = right(env)
            try:
                cur = get(env)
                nv = op_fn(cur, v)
                if is_join:
                    _check_join_type(cur, nv)
            except Exception as exc:
                raise_located(exc, ctx, pos)
            put(env, nv)
            return nv
        return modassign
    idx = [compile_item(e, ctx) for e in posts][::-1]

    def iassign(env):
        v = right(env)
        ix = [f(env) for f in idx]
        ix.reverse()
        try:
            cur = get(env)
            nv = amend_depth(cur, ix, fn, v)
        except Exception as exc:
            raise_located(exc, ctx, pos)
        put(env, nv)
        return v
    return iassign


def _dotted_target(name, ctx, scope, interp):
    """get/put of an assignment to a dotted name: ``.ns.x:`` (a global of
    namespace .ns), ``d.k:`` (amends the dictionary d of the context, or a
    local d, at `k)."""
    ws = interp.ws
    cname = ctx.cname
    amend_depth = interp.ops.amend_depth
    parts = name.split(".")
    if not name.startswith(".") and scope is not None and parts[0] in scope.slots:
        slot = scope.slots[parts[0]]
        from .namespace import field

        def get(env):
            v = env[slot]
            if v is V_UNSET:
                raise KError(parts[0])
            for p in parts[1:]:
                v = field(v, p)
            return v

        def put(env, v):
            cur = env[slot]
            if cur is V_UNSET:
                raise KError(parts[0])
            env[slot] = amend_depth(cur, parts[1:], None, v)
        return get, put

    def get(env):
        return ws.lookup(name, cname)

    def put(env, v):
        ws.assign(name, v, amend_depth, cname)
    return get, put


def _check_join_type(cur, new):
    """x,:y keeps a typed vector's (or a table column's) type."""
    if V.qtype(cur) < 0:
        raise KError("type")
    if type(cur) is np.ndarray and V.qtype(new) != V.qtype(cur) and len(cur):
        raise KError("type")
    if isinstance(cur, KTable) and isinstance(new, KTable) and len(cur):
        for a, b in zip(cur.cols, new.cols):
            if V.qtype(a) != V.qtype(b) and V.qtype(a) != 0:
                raise KError("type")


def _target_posts(target, ctx):
    t = target.ast
    # find the original term: its posts live on the CT's AST only for names;
    # we keep them in target.value when compiled (see compile_term)
    posts = getattr(target, "_posts", None)
    return posts


# record bracket posts on name terms so assignment can see them
_orig_compile_term = compile_term


def compile_term(t, ctx, prefix=None):  # noqa: F811
    ct = _orig_compile_term(t, ctx, prefix)
    if t[1][0] == "name" and len(t[2]) == 1 and t[2][0][0] == "args":
        ct = _TargetCT(ct, t[1], t[2][0][1])
    return ct


class _TargetCT(CT):
    __slots__ = ("_posts",)

    def __init__(self, ct, name_ast, posts):
        super().__init__(ct.kind, ct.fn, ct.pos, name_ast, ct.value, ct.const)
        self._posts = posts
