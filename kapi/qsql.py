"""qSQL: select / exec / update / delete templates.

``compile_sql`` turns a ("sql", kind, cols, by, from, where, pos) node into a
closure.  The from-expression is compiled in the enclosing context; the
phrases in a context with ``sql=True``, where names look first in the top of
``interp.sqlstack``: a dict of column name -> zero-argument callable giving
the column restricted to the rows in play (plus the virtual column ``i``).

Evaluation order follows q: from, where (each subphrase filters the rows
left by the previous one), by (groups sorted ascending by key), then the
select phrase.
"""

import numpy as np

from . import values as V
from .compile import compile_seq, Ctx, compile_expr, guard_node
from .errors import KError
from .values import KDict, KTable, qtype
from .tabular import fill, is_column_value, take_rows, unkey


# --------------------------------------------------------------------------
# compile time

def _phrase(expr, sctx, keywords):
    """(name or None if unnamed, implicit name, closure) of one subphrase."""
    terms = expr[1]
    if (len(terms) >= 2 and terms[0][1][0] == "name" and not terms[0][2]
            and terms[1][1][0] == "colon" and not terms[1][2]):
        name = terms[0][1][1]
        return name, name, compile_expr(("expr", terms[2:]), sctx)
    implicit = column_name(terms, keywords) or "x"
    if "." in implicit[1:]:
        implicit = implicit.rsplit(".", 1)[1]     # q: select time.minute names the column minute
    return None, implicit, compile_expr(expr, sctx)


def column_name(terms, keywords):
    """q's name for an unnamed computed column: the leftmost term of the
    expression when it is a name (function applications are looked through:
    ``sum a`` -> a, ``f amount`` -> amount, ``c2+c3`` -> c2), else None."""
    if not terms:
        return None
    prim, posts = terms[0][1], terms[0][2]
    kind = prim[0]
    rest = terms[1:]
    if kind == "name":
        nm = prim[1]
        if posts:
            if len(posts) == 1 and posts[0][0] == "args" and not rest:
                args = posts[0][1]
                return column_name(args[0][1], keywords) if args else None
            return None
        if nm in keywords:
            if getattr(keywords[nm], "infix", False):
                return None
            return column_name(rest, keywords)
        if not rest:
            return "x" if nm == "i" else nm
        nxt = rest[0]
        if nxt[1][0] == "verb" or (nxt[1][0] == "name" and nxt[1][1] in keywords
                                   and getattr(keywords[nxt[1][1]], "infix", False)):
            if nxt[2]:
                return None     # a derived function (each, over...): no name
            return "x" if nm == "i" else nm
        if nxt[1][0] in ("colon", "verbassign", "dcolon"):
            return None
        # juxtaposition: nm is applied to what follows
        return column_name(rest, keywords)
    if kind == "lambda":
        if posts:
            if len(posts) == 1 and posts[0][0] == "args" and not rest:
                args = posts[0][1]
                return column_name(args[0][1], keywords) if args else None
            return None
        return column_name(rest, keywords)
    if kind == "paren" and len(prim[1]) == 1 and not posts:
        if not rest or (rest[0][1][0] == "verb" and not rest[0][2]):
            return column_name(prim[1][0][1], keywords)
        return None
    return None


def _dedup(names):
    """q suffixes a repeated column name with 1, 2, ... to make it unique."""
    out = []
    seen = set()
    for n in names:
        m = n
        k = 1
        while m in seen:
            m = "%s%d" % (n, k)
            k += 1
        seen.add(m)
        out.append(m)
    return out


def compile_sql(prim, ctx):
    _, kind, cols, by, frm, where, pos = prim
    interp = ctx.interp
    keywords = interp.keywords
    from_f = compile_expr(frm, ctx)
    sctx = Ctx(interp, ctx.frame, ctx.shift, ctx.scope, sql=True, origin=ctx.origin, cname=ctx.cname,
               selfcell=ctx.selfcell)
    cols = [e for e in cols if e[1]] if cols else []
    limit = None
    distinct = False
    if kind == "select" and cols:
        # select[n] ...: a bracket block first in the first phrase
        t0 = cols[0][1][0]
        if t0[1][0] == "block" and not t0[2]:
            limit = compile_seq(t0[1][1], ctx)
            rest = cols[0][1][1:]
            cols = ([("expr", rest)] if rest else []) + cols[1:]
    if kind == "select" and cols:
        # select distinct ...: distinct rows of the result
        ts = cols[0][1]
        if len(ts) > 1 and ts[0][1][0] == "name" and ts[0][1][1] == "distinct" and not ts[0][2]:
            distinct = True
            cols = [("expr", ts[1:])] + cols[1:]
    by = [e for e in by if e[1]] if by else []
    where = [e for e in where if e[1]] if where else []
    wfs = [compile_expr(e, sctx) for e in where]
    bys = [_phrase(e, sctx, keywords) for e in by]
    if kind == "delete":
        names = []
        for e in cols:
            ts = e[1]
            if len(ts) != 1 or ts[0][1][0] != "name" or ts[0][2]:
                raise KError("nyi", ctx.frame, pos + ctx.shift)
            names.append(ts[0][1][1])
        q = _Query(interp, kind, from_f, names, [], wfs)
    else:
        phrases = [_phrase(e, sctx, keywords) for e in cols]
        if kind == "select" and bys:
            bnames = set(_dedup([nm or imp for nm, imp, _ in bys]))
            for nm in _dedup([nm or imp for nm, imp, _ in phrases]):
                if nm in bnames:
                    raise KError("dup names for cols/groups " + nm, ctx.frame, pos + ctx.shift)
        q = _Query(interp, kind, from_f, phrases, bys, wfs)
    run = q.run
    if distinct or limit is not None:
        _distinct, _sublist = interp.ops.distinct, interp.ops.sublist
        inner = run

        def run(env):
            r = inner(env)
            if distinct:
                r = _distinct(r)
            if limit is not None:
                n = limit(env)
                r = _sublist(n, r)
            return r
    return guard_node(run, ctx, pos)


# --------------------------------------------------------------------------
# run time

class _Cols(dict):
    """The name lookup of a phrase: column name -> zero-argument callable
    giving the column restricted to the rows in play."""


def _lazy(col, idx):
    cache = []

    def get():
        if not cache:
            cache.append(take_rows(col, idx))
        return cache[0]
    return get


def _env(names, cols, idx, n):
    """Names visible to a phrase over rows idx (None: all n rows)."""
    d = _Cols()
    for nm, c in zip(names, cols):
        d[nm] = _lazy(c, idx)
    if "i" not in d:
        d["i"] = (lambda: idx) if idx is not None else (lambda: np.arange(n, dtype=np.int64))
    return d


def _count(v):
    return len(v) if is_column_value(v) else None


class _Source:
    """The from-value seen as columns: names/cols (key columns first for a
    keyed table), and how to rebuild a result of the same shape."""

    def __init__(self, v):
        self.dict = None
        self.keyed = 0
        if isinstance(v, KTable):
            self.table = v
        elif V.is_keyed(v):
            self.keyed = len(v.keys.names)
            self.table = unkey(v)
        elif isinstance(v, KDict):
            self.dict = v
            self.table = None
        else:
            raise KError("type")
        if self.table is not None:
            self.names = list(self.table.names)
            self.cols = list(self.table.cols)
            self.n = len(self.table)


class _Query:
    def __init__(self, interp, kind, from_f, cols, bys, wfs):
        self.interp = interp
        self.kind = kind
        self.from_f = from_f
        self.cols = cols
        self.bys = bys
        self.wfs = wfs

    # ------------------------------------------------------------------
    def run(self, env):
        v = self.from_f(env)
        name = None
        if qtype(v) == -V.S:
            name = v
            v = self.interp.lookup(name)
        src = _Source(v)
        stack = self.interp.sqlstack
        stack.append(None)
        depth = len(stack)
        try:
            if src.dict is not None:
                r = self._run_dict(env, src, stack)
            else:
                r = getattr(self, "_" + self.kind)(env, src, stack)
        finally:
            del stack[depth - 1:]
        if name is not None and self.kind in ("update", "delete"):
            self.interp.assign(name, r)
            return name
        return r

    def _eval(self, fn, env, stack, d):
        stack[-1] = d
        return fn(env)

    def _where(self, env, src, stack):
        """Rows (int64 array) left by the where phrases, or None for all."""
        idx = None
        for f in self.wfs:
            d = _env(src.names, src.cols, idx, src.n)
            m = self._eval(f, env, stack, d)
            cur = src.n if idx is None else len(idx)
            t = qtype(m)
            if t == V.B:
                if len(m) != cur:
                    raise KError("length")
                sel = np.flatnonzero(m)
            elif t == -V.B:
                sel = np.arange(cur) if m else np.arange(0)
            elif t in (V.H, V.I, V.J):
                sel = m.astype(np.int64)
                if len(sel) and (sel.min() < 0 or sel.max() >= cur):
                    raise KError("index")
            elif t in (-V.H, -V.I, -V.J):
                k = int(m)
                if not 0 <= k < cur:
                    raise KError("index")
                sel = np.array([k])
            else:
                raise KError("type")
            idx = sel.astype(np.int64) if idx is None else idx[sel]
        return idx

    def _groups(self, env, src, stack, idx):
        """(by names, key columns, list of absolute row arrays) or None."""
        if not self.bys:
            return None
        d = _env(src.names, src.cols, idx, src.n)
        rows = np.arange(src.n, dtype=np.int64) if idx is None else idx
        n = len(rows)
        vals = []
        for _, _, f in self.bys:
            vals.append(self._eval(f, env, stack, d))
        for b in vals:
            c = _count(b)
            if c is not None and c != n:
                raise KError("length")
            if isinstance(b, KTable) and len(b) != n:
                raise KError("length")
        keycols = []
        for b in vals:
            if isinstance(b, KTable):
                keycols.extend(b.cols)
            else:
                keycols.append(b)
        groups = self.interp.ops.group_rows(keycols, n)
        names, kcols = [], []
        for (nm, imp, _), b in zip(self.bys, vals):
            if isinstance(b, KTable):
                for cn, c in zip(b.names, b.cols):
                    names.append(cn)
                    kcols.append(V.collapse([V.item(c, g[0]) for g in groups]) if groups else c[:0])
                continue
            names.append(nm or imp)
            if is_column_value(b):
                kcols.append(V.collapse([V.item(b, g[0]) for g in groups]) if groups else b[:0])
            else:
                kcols.append(fill(b, len(groups)) if groups else fill(b, 0))
        return names, kcols, [rows[g] for g in groups], vals

    def _percol(self, env, src, stack, groups):
        """Each select-phrase value per group: list (per phrase) of lists."""
        out = [[] for _ in self.cols]
        for g in groups:
            d = _env(src.names, src.cols, g, src.n)
            for k, (_, _, f) in enumerate(self.cols):
                out[k].append(self._eval(f, env, stack, d))
        return out

    # ------------------------------------------------------------------
    def _select(self, env, src, stack):
        idx = self._where(env, src, stack)
        grp = self._groups(env, src, stack, idx)
        if grp is None:
            if not self.cols:
                t = KTable(src.names, [take_rows(c, idx) for c in src.cols])
                return _rekey(t, src.keyed)
            d = _env(src.names, src.cols, idx, src.n)
            vals = [self._eval(f, env, stack, d) for _, _, f in self.cols]
            names = _dedup([nm or imp for nm, imp, _ in self.cols])
            return _table_of(names, vals)
        bnames, kcols, groups, _ = grp
        if not self.cols:
            vn = [n for n in src.names if n not in bnames]
            vc = [V.collapse([V.item(src.cols[src.names.index(n)], g[-1]) for g in groups])
                  if groups else src.cols[src.names.index(n)][:0] for n in vn]
            return KDict(KTable(bnames, kcols), KTable(vn, vc))
        per = self._percol(env, src, stack, groups)
        names = _dedup([nm or imp for nm, imp, _ in self.cols])
        vcols = [V.collapse(p) if groups else [] for p in per]
        return KDict(KTable(bnames, kcols), KTable(names, vcols))

    # ------------------------------------------------------------------
    def _exec(self, env, src, stack):
        idx = self._where(env, src, stack)
        if len(self.bys) == 1 and self.bys[0][0] is None:
            # exec ... by <atom> (e.g. by 0b): the columns as a table
            d = _env(src.names, src.cols, idx, src.n)
            b = self._eval(self.bys[0][2], env, stack, d)
            if not is_column_value(b) and not isinstance(b, KTable):
                vals = [self._eval(f, env, stack, d) for _, _, f in self.cols]
                return _table_of(_dedup([nm or imp for nm, imp, _ in self.cols]), vals)
        grp = self._groups(env, src, stack, idx)
        if grp is None:
            d = _env(src.names, src.cols, idx, src.n)
            if not self.cols:
                rows = np.arange(src.n) if idx is None else idx
                if len(rows):
                    r = int(rows[-1])
                    vals = [V.item(c, r) for c in src.cols]
                else:
                    vals = [V.null_item(c) for c in src.cols]
                return KDict(V.syms(src.names), V.collapse(vals))
            vals = [self._eval(f, env, stack, d) for _, _, f in self.cols]
            if len(self.cols) == 1 and self.cols[0][0] is None:
                return vals[0]
            names = _dedup([nm or imp for nm, imp, _ in self.cols])
            return KDict(V.syms(names), V.collapse(vals))
        bnames, kcols, groups, _ = grp
        if len(self.bys) == 1 and self.bys[0][0] is None and len(kcols) == 1:
            keys = kcols[0]
        else:
            keys = KTable(bnames, kcols)
        if not self.cols:
            vals = [V.collapse([V.item(c, g[-1]) for g in groups]) for c in src.cols]
            return KDict(keys, KTable(src.names, vals))
        per = self._percol(env, src, stack, groups)
        if len(self.cols) == 1 and self.cols[0][0] is None:
            return KDict(keys, V.collapse(per[0]) if groups else [])
        names = _dedup([nm or imp for nm, imp, _ in self.cols])
        return KDict(keys, KTable(names, [V.collapse(p) if groups else [] for p in per]))

    # ------------------------------------------------------------------
    def _update(self, env, src, stack):
        idx = self._where(env, src, stack)
        n = src.n
        rows = np.arange(n, dtype=np.int64) if idx is None else idx
        m = len(rows)
        grp = self._groups(env, src, stack, idx)
        names = [nm or imp for nm, imp, _ in self.cols]
        if grp is None:
            d = _env(src.names, src.cols, idx, n)
            vals = []
            for _, _, f in self.cols:
                v = self._eval(f, env, stack, d)
                c = _count(v)
                if c is None:
                    v = fill(v, m)
                elif c != m:
                    raise KError("length")
                vals.append(v)
        else:
            _, _, groups, _ = grp
            per = self._percol(env, src, stack, groups)
            pos = np.empty(n, dtype=np.int64)
            pos[rows] = np.arange(m)
            vals = []
            for p in per:
                out = [None] * m
                for g, v in zip(groups, p):
                    c = _count(v)
                    local = pos[g].tolist()
                    if c is None:
                        for k in local:
                            out[k] = v
                    else:
                        if c != len(g):
                            raise KError("length")
                        its = V.items(v)
                        for k, x in zip(local, its):
                            out[k] = x
                vals.append(V.collapse(out) if m else [])
        ncols = list(src.cols)
        nnames = list(src.names)
        for nm, v in zip(names, vals):
            if nm in nnames:
                k = nnames.index(nm)
                ncols[k] = v if idx is None else _amend(ncols[k], idx, v)
            else:
                nnames.append(nm)
                ncols.append(v if idx is None else _amend(_nulls(v, n), idx, v))
        return _rekey(KTable(nnames, ncols), src.keyed)

    # ------------------------------------------------------------------
    def _delete(self, env, src, stack):
        if self.cols:
            if self.wfs:
                raise KError("nyi")
            drop = set(self.cols)
            keep = [k for k, nm in enumerate(src.names) if nm not in drop or k < src.keyed]
            t = KTable([src.names[k] for k in keep], [src.cols[k] for k in keep])
            return _rekey(t, src.keyed)
        idx = self._where(env, src, stack)
        if idx is None:
            keep = np.arange(0, dtype=np.int64)
        else:
            mask = np.ones(src.n, dtype=bool)
            mask[idx] = False
            keep = np.flatnonzero(mask)
        t = KTable(src.names, [take_rows(c, keep) for c in src.cols])
        return _rekey(t, src.keyed)

    # ------------------------------------------------------------------
    def _run_dict(self, env, src, stack):
        """A dictionary as the from-value: its keys are the names in play."""
        dct = src.dict
        ks = V.items(dct.keys)
        if qtype(dct.keys) != V.S:
            raise KError("type")
        vs = V.items(dct.values)
        d = _Cols()
        for k, v in zip(ks, vs):
            d[k] = (lambda v=v: v)
        if self.kind == "delete":
            if self.wfs:
                raise KError("nyi")
            drop = set(self.cols)
            keep = [j for j, k in enumerate(ks) if k not in drop]
            return KDict(V.syms([ks[j] for j in keep]), V.collapse([vs[j] for j in keep])
                         if keep else [])
        if self.wfs or self.bys:
            if self.kind == "update" and self.bys:
                raise KError("type")
            # treat the dict as a one-row table
            t = V.enlist(dct)
            if not isinstance(t, KTable):
                raise KError("type")
            return getattr(self, "_" + self.kind)(env, _Source(t), stack)
        vals = [self._eval(f, env, stack, d) for _, _, f in self.cols]
        names = [nm or imp for nm, imp, _ in self.cols]
        if self.kind == "exec":
            if not self.cols:
                return dct
            if len(self.cols) == 1 and self.cols[0][0] is None:
                return vals[0]
            return KDict(V.syms(_dedup(names)), V.collapse(vals))
        if self.kind == "update":
            keys = list(ks)
            out = list(vs)
            for nm, v in zip(names, vals):
                if nm in keys:
                    out[keys.index(nm)] = v
                else:
                    keys.append(nm)
                    out.append(v)
            return KDict(V.syms(keys), V.collapse(out))
        # select from a dict: a one-row table
        if not self.cols:
            return _table_of(list(ks), vs)
        return _table_of(_dedup(names), vals)


# --------------------------------------------------------------------------
# building results

def _rekey(t, nk):
    if not nk:
        return t
    return KDict(KTable(t.names[:nk], t.cols[:nk]), KTable(t.names[nk:], t.cols[nk:]))


def _table_of(names, vals):
    """A table from column values: lists must have one count; atoms are
    extended to it (a one-row table when every value is an atom)."""
    lens = set()
    for v in vals:
        c = _count(v)
        if c is not None:
            lens.add(c)
        elif isinstance(v, KTable):
            raise KError("type")
    if len(lens) > 1:
        raise KError("length")
    n = lens.pop() if lens else 1
    return KTable(names, [v if is_column_value(v) else fill(v, n) for v in vals])


def _nulls(v, n):
    """A column of n nulls of the type of the values v."""
    t = qtype(v)
    if 0 < t < 20:
        if t == V.S:
            return V.syms([""] * n)
        return np.full(n, V.null_of(t), dtype=V.DTYPE[t])
    proto = V.null_like(v[0]) if t == 0 and len(v) else []
    return [proto] * n


def _amend(col, idx, v):
    """col with the rows idx replaced by the items of v."""
    tc, tv = qtype(col), qtype(v)
    if type(col) is np.ndarray and type(v) is np.ndarray:
        if tc != tv:
            raise KError("type")
        out = col.copy()
        out[idx] = v
        return out
    if type(col) is np.ndarray:
        # a general list of values into a typed column: atoms of its type only
        its = V.items(v)
        if any(qtype(x) != -tc for x in its):
            raise KError("type")
        out = col.copy()
        for k, x in zip(idx.tolist(), its):
            out[k] = x
        return out
    out = list(col)
    for k, x in zip(idx.tolist(), V.items(v)):
        out[k] = x
    return out


__all__ = ["compile_sql", "column_name"]
