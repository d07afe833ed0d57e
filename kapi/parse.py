"""Parser: q text -> AST (via lark LALR and kapi.lexer).

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
"""

import functools
import re
import importlib.resources as resources

import numpy as np
from lark import Lark, Transformer, v_args
from lark.exceptions import UnexpectedInput, UnexpectedToken, UnexpectedEOF

from . import values as V
from .errors import KError
from .lexer import QLexer


def _grammar_text():
    try:
        return resources.files("kapi.grammar").joinpath("q.lark").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        import os
        here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        with open(os.path.join(here, "grammar", "q.lark")) as f:
            return f.read()


class _ToAST(Transformer):
    """Runs inside the LALR parser (on the fly, no parse tree)."""

    text = ""

    def start(self, c):
        return c[0]

    def seq_one(self, c):
        return [c[0]]

    def seq_more(self, c):
        c[0].append(c[2])
        return c[0]

    def expr_empty(self, c):
        return ("expr", [])

    def expr_more(self, c):
        c[0][1].append(c[1])
        return c[0]

    def term_one(self, c):
        return ("term", c[0], [])

    def adverb(self, c):
        t = c[1]
        c[0][2].append(("adverb", str(t), t.start_pos))
        return c[0]

    def brackets(self, c):
        c[0][2].append(("args", c[2], c[1].start_pos))
        return c[0]

    def primary(self, c):
        return c[0]

    def num(self, c):
        t = c[0]
        return ("num", parse_number(str(t), self.text, t.start_pos), t.start_pos)

    def sym(self, c):
        t = c[0]
        parts = str(t).split("`")[1:]
        val = parts[0] if len(parts) == 1 else V.syms(parts)
        return ("sym", val, t.start_pos)

    def str(self, c):
        t = c[0]
        s = unescape(str(t)[1:-1])
        val = s if len(s) == 1 else V.string(s)
        return ("str", val, t.start_pos)

    def name(self, c):
        return ("name", str(c[0]), c[0].start_pos)

    def verb(self, c):
        return ("verb", str(c[0]), c[0].start_pos)

    def verbassign(self, c):
        return ("verbassign", str(c[0])[:-1], c[0].start_pos)

    def colon(self, c):
        return ("colon", c[0].start_pos)

    def dcolon(self, c):
        return ("dcolon", c[0].start_pos)

    def signal(self, c):
        return ("signal", c[0].start_pos)

    def block(self, c):
        return ("block", c[1], c[0].start_pos)

    def paren(self, c):
        return ("paren", c[1], c[0].start_pos)

    def table(self, c):
        return ("table", c[2], c[4], c[0].start_pos)

    def params(self, c):
        names = []
        for e in c[1]:
            ts = e[1]
            if not ts:
                continue
            if len(ts) != 1 or ts[0][1][0] != "name" or ts[0][2]:
                raise KError("parse", self.text, c[0].start_pos)
            names.append(ts[0][1][1])
        return names

    def lambda_(self, c):
        start = c[0].start_pos
        end = c[-1].end_pos
        params = c[1] if len(c) == 4 else None
        body = c[-2]
        if params is not None and len(params) > 8:
            raise KError("params", self.text, start)
        return ("lambda", params, body, self.text[start:end], start)

    def cond(self, c):
        return ("cond", c[2], c[0].start_pos)

    def control(self, c):
        return ("control", str(c[0]), c[2], c[0].start_pos)

    def sql(self, c):
        return c[0]

    def phrases_one(self, c):
        return [c[0]]

    def phrases_more(self, c):
        c[0].append(c[2])
        return c[0]

    def by(self, c):
        return ("by", c[1])

    def where(self, c):
        return ("where", c[1])

    def _sql(self, kind, c):
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
        return ("sql", kind, cols, by, frm, where, kw.start_pos)

    def select(self, c):
        return self._sql("select", c)

    def exec(self, c):
        return self._sql("exec", c)

    def update(self, c):
        return self._sql("update", c)

    def delete(self, c):
        return self._sql("delete", c)


_ToAST.__dict__  # noqa
setattr(_ToAST, "lambda", _ToAST.lambda_)


_TRANSFORMER = _ToAST()


@functools.lru_cache(maxsize=1)
def _parser():
    return Lark(_grammar_text(), parser="lalr", lexer=QLexer, start="start",
                maybe_placeholders=False, transformer=_TRANSFORMER)


class _End:
    type = "$END"
    value = ""
    start_pos = end_pos = 0

    def __str__(self):
        return ""


@functools.lru_cache(maxsize=1)
def _tables():
    """lark's LALR tables, flattened for a tight driver loop: for each state,
    token type -> (shift?, next state | (size, callback, nonterminal))."""
    from lark.parsers.lalr_analysis import Shift
    inner = _parser().parser.parser.parser
    pt = inner.parse_table
    callbacks = inner.callbacks
    states = {}
    for st, actions in pt.states.items():
        row = {}
        for ttype, (action, arg) in actions.items():
            # plain str keys: lark's Token compares in Python, slowly
            if action is Shift:
                row[ttype + ""] = (True, arg)
            else:
                row[ttype + ""] = (False, (len(arg.expansion), callbacks[arg], arg.origin.name + ""))
        states[st] = row
    return states, pt.start_states["start"], pt.end_states["start"]


def _drive(text):
    """The LALR loop over lark's tables (lark's own driver costs ~3x more per
    token); tokens come straight from kapi.lexer."""
    from .lexer import tokenize
    states, start, end = _tables()
    sstack = [start]
    vstack = []
    end_tok = _End()
    end_tok.start_pos = end_tok.end_pos = len(text)
    for tok in _chain(tokenize(text), end_tok):
        ttype = tok.type
        while True:
            try:
                shift, arg = states[sstack[-1]][ttype]
            except KeyError:
                if ttype == "$END":
                    raise KError("parse", text, len(text)) from None
                raise KError(_parse_error_name(tok), text, tok.start_pos) from None
            if shift:
                sstack.append(arg)
                vstack.append(tok)
                break
            size, cb, origin = arg
            if size:
                args = vstack[-size:]
                del vstack[-size:]
                del sstack[-size:]
            else:
                args = []
            value = cb(args)
            if origin == "start" and ttype == "$END" and len(sstack) == 1:
                return value
            sstack.append(states[sstack[-1]][origin][1])
            vstack.append(value)
    raise KError("parse", text, len(text))


def _chain(it, last):
    yield from it
    yield last


def parse(text):
    """Parse q source into a list of statement expressions."""
    _TRANSFORMER.text = text
    try:
        return _drive(text)
    except KError as e:
        if e.frame is None:
            e.frame = text
        raise
    except UnexpectedEOF:
        raise KError("parse", text, len(text)) from None
    except UnexpectedToken as e:
        tok = e.token
        pos = getattr(tok, "start_pos", None)
        if pos is None or tok.type == "$END":
            pos = len(text)
        raise KError(_parse_error_name(tok), text, pos) from None
    except UnexpectedInput as e:
        raise KError("parse", text, getattr(e, "pos_in_stream", 0) or 0) from None
    except RecursionError:
        raise KError("stack", text, 0) from None
    except Exception as e:  # a literal the lexer let through but cannot be read
        raise KError("parse", text, 0) from e


def _parse_error_name(tok):
    v = str(tok)
    if tok.type in ("RPAR", "RBRACK", "RBRACE"):
        return v
    if tok.type == "$END":
        return "parse"
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
    try:
        items = [_item(p) for p in text.split()]
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
