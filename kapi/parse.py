"""Parser: q text -> AST (kapi.lexer's tokens, lark's LALR tables, kapi's driver).

The AST is small: nodes are tuples whose first item names the node.

    ("expr", [term...])                     a flat run of terms
    ("term", primary, [post...])            post: ("adverb", glyph, pos) | ("args", [expr...], pos)
    primaries:
      ("num", value, pos)  ("sym", value, pos)  ("str", value, pos)
      ("name", str, pos)   ("verb", glyph, pos)  ("verbassign", glyph, pos)
      ("colon", pos)  ("dcolon", pos)  ("signal", pos)
      ("paren", [expr...], pos)              one item: parenthesised; else a list
      ("table", [key expr...], [col expr...], pos)
      ("lambda", params|None, [expr...], text, pos)
      ("cond", [expr...], pos)   ("control", kind, [expr...], pos)
      ("sql", kind, cols, by, from_expr, where, pos)

lark builds the LALR(1) tables from grammar/q.lark; :func:`_tables` turns
them into one action tuple per (state, token type) and :func:`_drive` runs
them.  What makes the driver cheap (docs/performance.md has the figures):

* default reductions: a state whose only actions reduce by one rule reduces
  without looking at the next token, so a shift and the reductions that
  follow it (``NAME`` -> ``name`` -> ``term_one``) are one precomputed action
  with one composed value maker, as are the empty-``expr`` reductions before
  a shift (after ``[``, ``{``, ``;``);
* left-recursive rules (``expr: expr term``, ``seq: seq SEMI expr``,
  ``term: term ADVERB`` ...) return to the state under their first symbol,
  so they need no goto lookup, and the commonest (appending a term to its
  expression) is inlined;
* a one-token term is appended to its expression at once (TERM, ETERM):
  a twin of the after-term state (the same actions, its append made a pop)
  is pushed only when the next token is an adverb or ``[``, which may still
  extend the term in place;
* tokens are plain tuples ``(type, text, start, end)``.

Error positions and names are those of a plain LALR driver: every check is
still made against the token that would be shifted.
"""

import functools
import importlib.resources as resources
import re

import numpy as np

from . import temporal, values as V
from .errors import KError
from .lexer import _fast, _slow_iter


def _grammar_text():
    try:
        return resources.files("kapi.grammar").joinpath("q.lark").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        import os
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        with open(os.path.join(here, "grammar", "q.lark")) as f:
            return f.read()


# --------------------------------------------------------------------------
# rule actions: one per rule alias of grammar/q.lark, called with the list of
# the rule's children (tokens are (type, text, start, end) tuples)

_TEXT = [""]        # the text being parsed (lambda bodies, error frames)


def _start(c):
    return c[0]


def _seq_one(c):
    return [c[0]]


def _seq_more(c):
    c[0].append(c[2])
    return c[0]


def _expr_empty(c):
    return ("expr", [])


def _expr_more(c):
    c[0][1].append(c[1])
    return c[0]


def _term_one(c):
    return ("term", c[0], [])


def _adverb(c):
    t = c[1]
    c[0][2].append(("adverb", t[1], t[2]))
    return c[0]


def _brackets(c):
    c[0][2].append(("args", c[2], c[1][2]))
    return c[0]


def _primary(c):
    return c[0]


_SIMPLE_INT = re.compile(r"\d+\Z").match
_INT_VECTOR = re.compile(r"\d+(?: \d+)+\Z").match
_SIMPLE_FLOAT = re.compile(r"\d+\.\d*\Z").match
_J = V.SCALAR[V.J]
_F = V.SCALAR[V.F]
_JTYPE = V.DTYPE[V.J]


def _num(c):
    t = c[0]
    s = t[1]
    # the common cases first: a long atom, a long vector, a float atom
    if _SIMPLE_INT(s):
        return ("num", _J(int(s)), t[2])
    if _INT_VECTOR(s):
        return ("num", np.array([int(x) for x in s.split()], dtype=_JTYPE), t[2])
    if _SIMPLE_FLOAT(s):
        return ("num", _F(float(s)), t[2])
    try:
        return ("num", parse_number(s, _TEXT[0], t[2]), t[2])
    except Exception:
        if len(t) > 4:          # the last token before a lexer error (_tokens)
            raise t[4] from None
        raise


def _sym(c):
    t = c[0]
    parts = t[1].split("`")[1:]
    val = parts[0] if len(parts) == 1 else V.syms(parts)
    return ("sym", val, t[2])


def _str(c):
    t = c[0]
    s = unescape(t[1][1:-1])
    val = s if len(s) == 1 else V.string(s)
    return ("str", val, t[2])


def _name(c):
    return ("name", c[0][1], c[0][2])


def _verb(c):
    return ("verb", c[0][1], c[0][2])


def _verbassign(c):
    return ("verbassign", c[0][1][:-1], c[0][2])


def _colon(c):
    return ("colon", c[0][2])


def _dcolon(c):
    return ("dcolon", c[0][2])


def _signal(c):
    return ("signal", c[0][2])


def _block(c):
    return ("block", c[1], c[0][2])


def _paren(c):
    return ("paren", c[1], c[0][2])


def _table(c):
    return ("table", c[2], c[4], c[0][2])


def _params(c):
    names = []
    for e in c[1]:
        ts = e[1]
        if not ts:
            continue
        if len(ts) != 1 or ts[0][1][0] != "name" or ts[0][2]:
            raise KError("parse", _TEXT[0], c[0][2])
        names.append(ts[0][1][1])
    return names


def _lambda(c):
    start = c[0][2]
    end = c[-1][3]
    params = c[1] if len(c) == 4 else None
    body = c[-2]
    if params is not None and len(params) > 8:
        raise KError("params", _TEXT[0], start)
    return ("lambda", params, body, _TEXT[0][start:end], start)


def _cond(c):
    return ("cond", c[2], c[0][2])


def _control(c):
    return ("control", c[0][1], c[2], c[0][2])


def _by(c):
    return ("by", c[1])


def _where(c):
    return ("where", c[1])


def _sql(kind):
    def action(c):
        kw = c[0]
        cols, by, frm, where = None, None, None, None
        i = 1
        if i < len(c) and isinstance(c[i], list):
            cols = c[i]
            i += 1
        if i < len(c) and isinstance(c[i], tuple) and c[i][0] == "by":
            by = c[i][1]
            i += 1
        i += 1  # FROM
        frm = c[i]
        i += 1
        if i < len(c):
            where = c[i][1]
        return ("sql", kind, cols, by, frm, where, kw[2])
    return action


ACTIONS = {
    "start": _start, "seq_one": _seq_one, "seq_more": _seq_more,
    "expr_empty": _expr_empty, "expr_more": _expr_more,
    "term_one": _term_one, "adverb": _adverb, "brackets": _brackets,
    "primary": _primary, "num": _num, "sym": _sym, "str": _str, "name": _name,
    "verb": _verb, "verbassign": _verbassign, "colon": _colon, "dcolon": _dcolon,
    "signal": _signal, "paren": _paren, "block": _block, "table": _table,
    "lambda": _lambda, "cond": _cond, "control": _control, "params": _params,
    "select": _sql("select"), "exec": _sql("exec"), "update": _sql("update"),
    "delete": _sql("delete"), "by": _by, "where": _where,
    "phrases_one": _seq_one, "phrases_more": _seq_more,
}

# a primary from one token, straight to its term (the default reductions
# primary -> term_one after the shift, without two calls)
_TERM_OF = {
    "name": lambda t: ("term", ("name", t[1], t[2]), []),
    "verb": lambda t: ("term", ("verb", t[1], t[2]), []),
    "num": lambda t: ("term", ("num", _J(int(t[1])), t[2]) if _SIMPLE_INT(t[1]) else _num([t]), []),
    "colon": lambda t: ("term", ("colon", t[2]), []),
}


# --------------------------------------------------------------------------
# the tables

@functools.lru_cache(maxsize=1)
def _parser():
    from lark import Lark
    from .lexer import _lark_lexer
    return Lark(_grammar_text(), parser="lalr", lexer=_lark_lexer(), start="start",
                maybe_placeholders=False)


# action codes (first item of an action tuple)
PUSH = 0        # (PUSH, state, maker): push state and maker(token) (the token if None)
PUSHES = 1      # (PUSHES, ((state, maker), ...)): several pushes
APPEND = 2      # (APPEND,): expr: expr term -- append the term, pop its state
LEFT = 3        # (LEFT, size, fn): a left-recursive rule: pop size-1 states
REDUCE = 4      # (REDUCE, size, fn, goto): any other rule
ACCEPT = 5      # (ACCEPT,): start: seq with $END
EMPTY = 6       # (EMPTY, fn, state): an empty rule: push fn([]) and its goto state
TERM = 7        # (TERM, state, maker): a one-token term, appended to its expr at once
ETERM = 8       # (ETERM, state, state', maker): a new expr holding a one-token term
POP = 9         # (POP,): expr: expr term for a term already appended
SEQ1 = 10       # (SEQ1, goto): seq: expr
UNIT = 11       # (UNIT, fn, goto): any other one-child rule


def _compose(fns):
    """A maker: the token through a chain of one-child rule actions."""
    if not fns:
        return None
    names = [n for n, _ in fns]
    if len(names) == 2 and names[1] == "term_one" and names[0] in _TERM_OF:
        return _TERM_OF[names[0]]
    if len(fns) == 1:
        f = fns[0][1]
        return lambda t: f([t])
    if len(fns) == 2:
        f, g = fns[0][1], fns[1][1]
        return lambda t: g([f([t])])

    def maker(t):
        v = t
        for _, f in fns:
            v = f([v])
        return v
    return maker


def _epsilon(f):
    return lambda t: f([])


@functools.lru_cache(maxsize=1)
def _tables():
    """lark's LALR tables as {state: {token type: action tuple}}, the start
    state, and the token types that extend a term (ADVERB, LBRACK)."""
    from lark.parsers.lalr_analysis import Shift
    pt = _parser().parser.parser.parser.parse_table
    raw = {}        # state -> {symbol: ("s", state) | ("r", rule)}
    for st, actions in pt.states.items():
        raw[st] = {sym + "": (("s", arg) if act is Shift else ("r", arg))
                   for sym, (act, arg) in actions.items()}

    def terminal(sym):
        return sym.isupper() or sym == "$END"

    def rname(rule):
        return (rule.alias or rule.origin.name) + ""

    def default_rule(st):
        """The rule a state reduces by whatever the next token, or None."""
        rules = set()
        for sym, (kind, arg) in raw[st].items():
            if terminal(sym):
                if kind == "s":
                    return None
                rules.add(arg)
        return rules.pop() if len(rules) == 1 else None

    def after_shift(base, st):
        """Follow the default reductions of one-child rules after shifting
        into st from base: (final state, chain of (name, action))."""
        chain = []
        while True:
            rule = default_rule(st)
            if rule is None or len(rule.expansion) != 1 or rule.origin.name == "start":
                return st, chain
            go = raw[base].get(rule.origin.name + "")
            if go is None or go[0] != "s":
                return st, chain
            chain = chain + [(rname(rule), ACTIONS[rname(rule)])]
            st = go[1]

    gotos = {}
    for st, row in raw.items():
        for sym, (kind, arg) in row.items():
            if not terminal(sym):
                gotos.setdefault(sym, {})[st] = arg

    # the states after "expr term" (where a one-token term lands) get a twin
    # for a term appended at once: the same actions, POP for APPEND
    ids = iter(range(max(raw) + 1, 10 ** 6))
    twin = {}
    states = {}
    for st in raw:
        row = {}
        for sym, (kind, arg) in raw[st].items():
            if not terminal(sym):
                continue
            if kind == "s":
                s1, chain = after_shift(st, arg)
                if chain and chain[-1][0] == "term_one":
                    if s1 not in twin:
                        twin[s1] = next(ids)
                    row[sym] = (TERM, twin[s1], _compose(chain))
                else:
                    row[sym] = (PUSH, s1, _compose(chain))
                continue
            rule = arg
            name = rname(rule)
            size = len(rule.expansion)
            if rule.origin.name == "start":
                row[sym] = (ACCEPT,)
            elif size == 0:
                # an empty rule (expr_empty): its goto is known here; when
                # the token then shifts, both are one action
                go = raw[st][rule.origin.name + ""][1]
                nxt = raw[go].get(sym)
                if nxt is not None and nxt[0] == "s":
                    s2, chain = after_shift(go, nxt[1])
                    if name == "expr_empty" and chain and chain[-1][0] == "term_one":
                        if s2 not in twin:
                            twin[s2] = next(ids)
                        row[sym] = (ETERM, go, twin[s2], _compose(chain))
                    else:
                        row[sym] = (PUSHES, ((go, _epsilon(ACTIONS[name])), (s2, _compose(chain))))
                else:
                    row[sym] = (EMPTY, ACTIONS[name], go)
            elif name == "expr_more":
                row[sym] = (APPEND,)
            elif rule.expansion[0].name == rule.origin.name:
                row[sym] = (LEFT, size, ACTIONS[name])
            elif name == "seq_one":
                row[sym] = (SEQ1, gotos[rule.origin.name + ""])
            elif size == 1:
                row[sym] = (UNIT, ACTIONS[name], gotos[rule.origin.name + ""])
            else:
                row[sym] = (REDUCE, size, ACTIONS[name], gotos[rule.origin.name + ""])
        states[st] = row
    postfix = set()
    for st, tw in twin.items():
        row = dict(states[st])
        for sym, a in row.items():
            if a[0] == APPEND:
                row[sym] = (POP,)
            elif a[0] in (PUSH, TERM, PUSHES):
                postfix.add(sym)
        states[tw] = row
    return states, pt.start_states["start"], frozenset(postfix)


def _drive(text, toks):
    """Run the LALR tables over the tokens (a list ending with $END);
    returns the statement list.  The branches are in order of frequency."""
    states, start, postfix = _tables()
    ss = [start]
    vs = []
    i = 0
    while True:
        tok = toks[i]
        a = states[ss[-1]].get(tok[0])
        if a is None:
            _error(text, tok)
        op = a[0]
        if op == TERM:
            v = a[2](tok)
            vs[-1][1].append(v)
            i += 1
            if toks[i][0] in postfix:
                ss.append(a[1])
                vs.append(v)
        elif op == PUSH:
            ss.append(a[1])
            mk = a[2]
            vs.append(tok if mk is None else mk(tok))
            i += 1
        elif op == ETERM:
            v = a[3](tok)
            ss.append(a[1])
            vs.append(("expr", [v]))
            i += 1
            if toks[i][0] in postfix:
                ss.append(a[2])
                vs.append(v)
        elif op == SEQ1:
            vs[-1] = [vs[-1]]
            ss[-1] = a[1][ss[-2]]
        elif op == LEFT:
            size = a[1]
            vs[-size] = a[2](vs[-size:])
            del vs[1 - size:]
            del ss[1 - size:]
        elif op == ACCEPT:
            if tok[0] == "$END" and len(ss) == 2:
                return vs[0]
            raise KError("parse", text, len(text))
        elif op == UNIT:
            vs[-1] = a[1](vs[-1:])
            ss[-1] = a[2][ss[-2]]
        elif op == APPEND:
            v = vs.pop()
            vs[-1][1].append(v)
            ss.pop()
        elif op == REDUCE:
            size = a[1]
            v = a[2](vs[-size:])
            del vs[-size:]
            del ss[-size:]
            vs.append(v)
            ss.append(a[3][ss[-1]])
        elif op == POP:
            vs.pop()
            ss.pop()
        elif op == PUSHES:
            for st, mk in a[1]:
                ss.append(st)
                vs.append(tok if mk is None else mk(tok))
            i += 1
        else:  # EMPTY
            vs.append(a[1]([]))
            ss.append(a[2])


def _error(text, tok):
    t = tok[0]
    if t == "$ERR":
        raise tok[1]
    if t == "$END":
        raise KError("parse", text, len(text))
    raise KError(_parse_error_name(tok), text, tok[2])


def _tokens(text):
    """The tokens and $END; where the text has a character q cannot read,
    the tokens before it and a $ERR token carrying the lexer's error (so that
    a syntax error before it is the one reported)."""
    n = len(text)
    toks = _fast(text)
    if toks is None:
        toks = []
        try:
            for t in _slow_iter(text):
                toks.append(t)
        except KError as e:
            if toks and toks[-1][0] == "NUM":
                # a plain driver reads this literal only when it has the next
                # token: an unreadable literal must not hide the lexer's error
                toks[-1] = toks[-1] + (e,)
            toks.append(("$ERR", e, n, n))
            return toks
    toks.append(("$END", "", n, n))
    return toks


def parse(text):
    """Parse q source into a list of statement expressions."""
    _TEXT[0] = text
    try:
        return _drive(text, _tokens(text))
    except KError as e:
        if e.frame is None:
            e.frame = text
        raise
    except RecursionError:
        raise KError("stack", text, 0) from None
    except Exception as e:  # a literal the lexer let through but cannot be read
        raise KError("parse", text, 0) from e


def _parse_error_name(tok):
    if tok[0] in ("RPAR", "RBRACK", "RBRACE"):
        return tok[1]
    return "parse"


_ESC = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}


def unescape(s):
    if "\\" not in s:
        return s.encode("utf-8")
    out = bytearray()
    i = 0
    b = s.encode("utf-8")
    while i < len(b):
        ch = b[i]
        if ch == 0x5C and i + 1 < len(b):
            nx = chr(b[i + 1])
            if nx in _ESC:
                out += _ESC[nx].encode()
                i += 2
                continue
            if nx.isdigit():
                j = i + 1
                while j < len(b) and j < i + 4 and chr(b[j]) in "01234567":
                    j += 1
                out.append(int(b[i + 1:j], 8) & 255)
                i = j
                continue
            out.append(b[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return bytes(out)


# --------------------------------------------------------------------------
# numeric literals

_TEMPORAL_ITEM = re.compile(r"-?(?:\d{4}\.\d\d[.m]|\d+[D:]|0[NnWw][pmdznuvt]|\d+p\Z)").match
_SUFFIX = {"h": V.H, "i": V.I, "j": V.J, "e": V.E, "f": V.F}
_ITEM = re.compile(r"^(-?)(0[NnWw]|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([hijef]?)$")


def _item(tok):
    """(type fixed by a suffix or None, is-float-looking, value) of one item."""
    m = _ITEM.match(tok)
    if not m:
        raise ValueError(tok)
    neg, body, suf = m.groups()
    suffix = _SUFFIX[suf] if suf else None
    if body[:2] in ("0N", "0n", "0W", "0w"):
        w = body[1]
        val = "null" if w in "Nn" else ("-inf" if neg else "inf")
        return suffix, w in "nw", val
    isfloat = "." in body or "e" in body
    val = float(body) if isfloat else int(body)
    return suffix, isfloat, (-val if neg else val)


def parse_number(text, src=None, pos=0):
    """The k value of a numeric literal token (atom or vector)."""
    if text.startswith("0x"):
        hx = text[2:]
        if len(hx) % 2:
            hx = "0" + hx
        data = bytes.fromhex(hx)
        if len(data) == 1:
            return np.uint8(data[0])
        return np.frombuffer(data, dtype=np.uint8).copy()
    if text.endswith("b") and set(text[:-1]) <= set("01") and len(text) > 1:
        bits = [c == "1" for c in text[:-1]]
        if len(bits) == 1:
            return np.bool_(bits[0])
        return np.array(bits, dtype=bool)
    parts = text.split()
    if any(_TEMPORAL_ITEM(p) for p in parts):
        return temporal.literal(parts, src, pos)
    try:
        items = [_item(p) for p in parts]
    except ValueError:
        raise KError("parse", src, pos) from None
    t = items[-1][0]
    if t is None:
        t = V.F if any(f for _, f, _ in items) else V.J
    elif t in V.INTS and any(f and v != "null" for _, f, v in items):
        raise KError("parse", src, pos)
    vals = []
    for _, _, v in items:
        if v == "null":
            vals.append(V.null_of(t))
        elif v == "inf":
            vals.append(V.inf_of(t))
        elif v == "-inf":
            vals.append(-V.inf_of(t))
        else:
            vals.append(v)
    if len(vals) == 1:
        return V.SCALAR[t](vals[0])
    return np.array(vals, dtype=V.DTYPE[t])
