"""q's lexer: text -> lark tokens.

q's lexing is context-sensitive (white space decides between minus and a
negative literal, between `/` over and a comment, between `'` each and a
signal), so the tokens are made here by hand and handed to lark's LALR
parser, whose grammar (grammar/q.lark) only declares them.
"""

import re

from lark import Token
from lark.lexer import Lexer

from .errors import KError

# one numeric item of a vector literal (sign handled by the caller)
_NUM = re.compile(
    r"""(?:0x[0-9a-fA-F]*
         |[01]+b
         |0[NnWw][hijefc]?
         |(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?[hijef]?
        )(?![0-9A-Za-z.])""", re.X)
_DATE = re.compile(r"\d{4}\.\d\d\.\d\d")
_NAME = re.compile(r"\.?[A-Za-z][A-Za-z0-9_.]*")
_SYM = re.compile(r"`(?::[A-Za-z0-9_.:/\\-]*|[A-Za-z0-9_.][A-Za-z0-9_.:]*)?")
_WS = re.compile(r"[ \t\r]*")
GLYPHS = "+-*%&|^=<>~!#_,?$@.:"
ENDS_TERM = {"NUM", "SYM", "STR", "NAME", "RPAR", "RBRACK", "RBRACE", "VERB", "ADVERB", "DCOLON", "COLON", "VERBASSIGN"}
NOUN_END = {"NUM", "SYM", "STR", "NAME", "RPAR", "RBRACK", "RBRACE"}
CONTROL = {"if", "do", "while"}
SQL = {"select": "SELECT", "exec": "EXEC", "update": "UPDATE", "delete": "DELETE"}
SQLWORDS = {"by": "BY", "from": "FROM", "where": "WHERE"}


class Tok:
    """A light token (the parser driver in kapi/parse.py reads only these
    four fields; str() gives the text, as lark's Token does)."""

    __slots__ = ("type", "value", "start_pos", "end_pos")

    def __init__(self, kind, value, pos, end):
        self.type = kind
        self.value = value
        self.start_pos = pos
        self.end_pos = end

    def __str__(self):
        return self.value

    def __repr__(self):
        return "Tok(%s, %r)" % (self.type, self.value)


def _tok(kind, value, pos, end):
    return Tok(kind, value, pos, end)


def tokenize(text):
    """Yield lark Tokens for q source text. Raises KError('parse') with a
    position on a character q cannot read."""
    i, n = 0, len(text)
    prev = None           # kind of previous token
    prev_end = -1         # end offset of the previous token
    depth = 0
    sql = []              # stack of (depth, state) for qSQL phrase commas
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
            continue
        adjacent = prev_end == i
        # comments: / at line start or after white space
        if c == "/" and not (adjacent and prev in ENDS_TERM):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        start = i
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise KError("parse", text, i)
            i = j + 1
            kind, val = "STR", text[start:i]
        elif c == "`":
            m = _SYM.match(text, i)
            j = m.end()
            while j < n and text[j] == "`":
                j = _SYM.match(text, j).end()
            i = j
            kind, val = "SYM", text[start:i]
        elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()) or (
                c == "-" and i + 1 < n and (text[i + 1].isdigit() or (text[i + 1] == "." and i + 2 < n and text[i + 2].isdigit()))
                and not (adjacent and prev in NOUN_END)):
            j = _number_run(text, i)
            if j == i:
                raise KError("parse", text, i)
            # "2:" and "0:" "1:" are verbs (2: is dynamic load)
            if text[i:j] in ("0", "1", "2") and j < n and text[j] == ":" and (j + 1 >= n or text[j + 1] != ":"):
                i = j + 1
                kind, val = "VERB", text[start:i]
            else:
                i = j
                kind, val = "NUM", text[start:i]
        elif c.isalpha() or (c == "." and i + 1 < n and text[i + 1].isalpha()):
            m = _NAME.match(text, i)
            i = m.end()
            val = text[start:i]
            kind = "NAME"
            if val in CONTROL and i < n and text[i] == "[":
                kind = "CONTROL"
            elif val in SQL:
                kind = SQL[val]
                sql.append([depth, "cols"])
            elif val in SQLWORDS and sql and sql[-1][0] == depth:
                kind = SQLWORDS[val]
                sql[-1][1] = {"by": "cols", "from": "from", "where": "cols"}[val]
        elif c in "'/\\":
            if c == "'" and not (adjacent and prev in ENDS_TERM):
                i += 1
                kind, val = "SIGNAL", "'"
            else:
                i += 1
                if i < n and text[i] == ":":
                    i += 1
                kind, val = "ADVERB", text[start:i]
        elif c in "([{":
            i += 1
            kind = {"(": "LPAR", "[": "LBRACK", "{": "LBRACE"}[c]
            val = c
            depth += 1
        elif c in ")]}":
            i += 1
            kind = {")": "RPAR", "]": "RBRACK", "}": "RBRACE"}[c]
            val = c
            depth -= 1
            while sql and sql[-1][0] > depth:
                sql.pop()
        elif c == ";":
            i += 1
            kind, val = "SEMI", c
            while sql and sql[-1][0] >= depth:
                sql.pop()
        elif c in GLYPHS:
            if c == "$" and i + 1 < n and text[i + 1] == "[":
                i += 1
                kind, val = "COND", "$"
            elif c == ":":
                if i + 1 < n and text[i + 1] == ":":
                    i += 2
                    kind, val = "DCOLON", "::"
                else:
                    i += 1
                    kind, val = "COLON", ":"
            elif c == "," and sql and sql[-1][0] == depth and sql[-1][1] == "cols":
                i += 1
                kind, val = "SQLCOMMA", ","
            else:
                j = i + 1
                if j < n and c in "<>" and text[j] in "=>" and text[i:j + 1] != "><":
                    j += 1
                if j < n and text[j] == ":" and (j + 1 >= n or text[j + 1] != ":"):
                    i = j + 1
                    kind, val = "VERBASSIGN", text[start:i]
                else:
                    i = j
                    kind, val = "VERB", text[start:i]
        else:
            raise KError("parse", text, i)
        yield _tok(kind, val, start, i)
        prev, prev_end = kind, i


def _number_run(text, i):
    """End of a vector literal starting at i: numeric items separated by spaces."""
    n = len(text)
    j = _one_number(text, i)
    if j == i:
        return i
    first = text[i:j]
    if first.startswith("0x") or first.endswith("b"):
        return j  # byte and boolean literals are whole vectors already
    while True:
        k = j
        while k < n and text[k] == " ":
            k += 1
        if k == j or k >= n:
            return j
        e = _one_number(text, k)
        if e == k:
            return j
        j = e


def _one_number(text, i):
    n = len(text)
    s = i
    if i < n and text[i] == "-":
        s = i + 1
    m = _DATE.match(text, s)
    if m:
        return i  # temporal literals are not in the subset
    m = _NUM.match(text, s)
    if not m:
        return i
    if s > i and (m.group().startswith("0x") or m.group().endswith("b")):
        return i
    return m.end()


class QLexer(Lexer):
    """lark's hook: a Lexer whose lex() is our tokenizer (lark builds the
    LALR tables from grammar/q.lark with it; kapi/parse.py drives them)."""

    def __init__(self, lexer_conf):
        pass

    def lex(self, data):
        for t in tokenize(data):
            tok = Token(t.type, t.value, start_pos=t.start_pos, end_pos=t.end_pos)
            tok.line = 1
            tok.column = t.start_pos
            yield tok
