"""q's lexer: text -> tokens for the LALR driver in kapi/parse.py.

q's lexing is context-sensitive (white space decides between minus and a
negative literal, between `/` over and a comment, between `'` each and a
signal), so the tokens are made here by hand and handed to the driver that
runs lark's LALR tables; the grammar (grammar/q.lark) only declares them.

A token is a tuple ``(type, text, start, end)``.

Two tokenizers give the same tokens:

* :func:`_fast` runs one master regular expression over the text (white
  space folded into the following token, one ``finditer`` step per token)
  and settles the few context-sensitive cases by looking at the previous
  token (and, once a qSQL keyword is seen, at the bracket depth).  It gives
  up (returns None) on anything unusual: characters q cannot read, a signal
  followed by a colon, ``x-2:``, ``,:`` between qSQL phrases.
* :func:`_slow` is the character-by-character reference: it handles
  everything, including qSQL's phrase commas and the parse errors.

:func:`tokenize` tries the first and falls back to the second.
"""

import re

from .errors import KError
from .temporal import LEX as _TEMP

# one numeric item of a vector literal (sign handled by the caller)
_NUM = re.compile(
    r"""(?:0x[0-9a-fA-F]*
         |%s
         |[01]+b
         |0[NnWw][hijefc]?
         |(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?[hijef]?
        )(?![0-9A-Za-z.])""" % _TEMP, re.X)
_NAME = re.compile(r"\.?[A-Za-z][A-Za-z0-9_.]*")
_SYM = re.compile(r"`(?::[A-Za-z0-9_.:/\\-]*|[A-Za-z0-9_.][A-Za-z0-9_.:]*)?")
GLYPHS = "+-*%&|^=<>~!#_,?$@.:"
ENDS_TERM = frozenset({"NUM", "SYM", "STR", "NAME", "RPAR", "RBRACK", "RBRACE", "VERB",
                       "ADVERB", "DCOLON", "COLON", "VERBASSIGN"})
NOUN_END = frozenset({"NUM", "SYM", "STR", "NAME", "RPAR", "RBRACK", "RBRACE"})
CONTROL = {"if", "do", "while"}
SQL = {"select": "SELECT", "exec": "EXEC", "update": "UPDATE", "delete": "DELETE"}
SQLWORDS = {"by": "BY", "from": "FROM", "where": "WHERE"}


def tokenize(text):
    """The tokens of q source text, a list of ``(type, text, start, end)``.
    Raises KError('parse') with a position on a character q cannot read."""
    toks = _fast(text)
    if toks is None:
        toks = _slow(text)
    return toks


# --------------------------------------------------------------------------
# the master-regex tokenizer

_T = r"(?![0-9A-Za-z.])"                                   # end of a numeric item
_DEC = r"(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?[hijef]?"
_PLAIN = r"(?:%s|0[NnWw][hijefc]?|%s)%s" % (_TEMP, _DEC, _T)          # no hex, no boolean
_ITEM = r"(?:0x[0-9a-fA-F]*|%s|[01]+b|0[NnWw][hijefc]?|%s)%s" % (_TEMP, _DEC, _T)   # = _NUM
# a vector literal: a hex or boolean literal alone, or items separated by blanks
# (later items may be negative, or hex/boolean: _slow's _number_run)
_TAIL = r"(?:[ ]+(?:%s|-%s))*" % (_ITEM, _PLAIN)
_RUN = r"(?:(?:0x[0-9a-fA-F]*|[01]+b)%s|%s%s)" % (_T, _PLAIN, _TAIL)
_NRUN = r"-%s%s" % (_PLAIN, _TAIL)                          # a negative first item

# group numbers are the token codes below (each alternative is one group;
# the commonest first: the regex engine tries them in order)
_MASTER = re.compile(r"""[ \t\r\n]*(?:
     (\.?[A-Za-z][A-Za-z0-9_.]*)                               # 1 NAME
    |([\[\]();{}])                                            # 2 brackets, SEMI
    |([012]:(?!:|\d\d))                                      # 3 0: 1: 2: verbs (not 0:30)
    |(%(run)s)                                                # 4 NUM
    |(%(nrun)s)                                               # 5 negative NUM (or - then NUM)
    |((?:<[=>]|>[=>]|[-+*%%&|^=<>~!\#_,?@.$])(?::(?!:))?)      # 6 VERB, VERBASSIGN
    |(::?)                                                    # 7 COLON DCOLON
    |(['/\\]:?)                                               # 8 ADVERB SIGNAL comment
    |("[^"\\]*(?:\\.[^"\\]*)*")                               # 9 STR
    |((?:`(?::[A-Za-z0-9_.:/\\-]*|[A-Za-z0-9_.][A-Za-z0-9_.:]*)?)+)   # 10 SYM
    |(\Z)                                                     # 11 end
    |()                                                       # 12 anything else: give up
    )""" % {"run": _RUN, "nrun": _NRUN}, re.X | re.S)

_BRACKET = {"(": "LPAR", ")": "RPAR", "[": "LBRACK", "]": "RBRACK", "{": "LBRACE",
            "}": "RBRACE", ";": "SEMI"}
_SPECIAL = frozenset(CONTROL) | frozenset(SQL) | frozenset(SQLWORDS)


_OPEN = frozenset("([{")
_SQLSTATE = {"by": "cols", "from": "from", "where": "cols"}


def _fast(text):
    """Tokens by the master regex, or None where :func:`_slow` must decide."""
    toks = []
    add = toks.append
    pos = 0
    sql = None        # qSQL phrase state, from the first qSQL keyword on (as _slow)
    depth = 0
    while True:
        for m in _MASTER.finditer(text, pos):
            k = m.lastindex
            if k == 1:
                s, e = m.span(1)
                v = text[s:e]
                if v in _SPECIAL:
                    if v in SQL:
                        if sql is None:
                            sql = []
                            depth = _depth(toks)
                        sql.append([depth, "cols"])
                        add((SQL[v], v, s, e))
                        continue
                    if v in CONTROL and text[e:e + 1] == "[":
                        add(("CONTROL", v, s, e))
                        continue
                    if sql and v in SQLWORDS and sql[-1][0] == depth:
                        sql[-1][1] = _SQLSTATE[v]
                        add((SQLWORDS[v], v, s, e))
                        continue
                add(("NAME", v, s, e))
            elif k == 2:
                s, e = m.span(2)
                v = text[s]
                add((_BRACKET[v], v, s, e))
                if sql is not None:
                    if v in _OPEN:
                        depth += 1
                    elif v == ";":
                        while sql and sql[-1][0] >= depth:
                            sql.pop()
                    else:
                        depth -= 1
                        while sql and sql[-1][0] > depth:
                            sql.pop()
            elif k == 6:
                s, e = m.span(6)
                v = text[s:e]
                if v[0] == "," and sql and sql[-1][0] == depth and sql[-1][1] == "cols":
                    if e - s > 1:
                        return None      # ",:" between phrases
                    add(("SQLCOMMA", v, s, e))
                elif v[-1] == ":":
                    add(("VERBASSIGN", v, s, e))
                elif v == "$" and text[e:e + 1] == "[":
                    add(("COND", v, s, e))
                elif v == "-" and (text[e:e + 1].isdigit() or (text[e:e + 1] == "." and text[e + 1:e + 2].isdigit())) \
                        and not (toks and toks[-1][3] == s and toks[-1][0] in NOUN_END):
                    return None          # "-" before an unreadable number: _slow raises
                elif v == "." and text[e:e + 1].isdigit():
                    return None          # "." before an unreadable number
                else:
                    add(("VERB", v, s, e))
            elif k == 4:
                s, e = m.span(4)
                add(("NUM", text[s:e], s, e))
            elif k == 7:
                s, e = m.span(7)
                add(("DCOLON" if e - s == 2 else "COLON", text[s:e], s, e))
            elif k == 5:
                s, e = m.span(5)
                if toks and toks[-1][3] == s and toks[-1][0] in NOUN_END:
                    # x-1: minus, then the literal
                    rest = text[s + 1:e]
                    if rest in ("0", "1", "2") and text[e:e + 1] == ":":
                        return None
                    add(("VERB", "-", s, s + 1))
                    add(("NUM", rest, s + 1, e))
                else:
                    add(("NUM", text[s:e], s, e))
            elif k == 8:
                s, e = m.span(8)
                c = text[s]
                if toks and toks[-1][3] == s and toks[-1][0] in ENDS_TERM or c == "\\":
                    add(("ADVERB", text[s:e], s, e))
                elif c == "/":
                    j = text.find("\n", s)
                    pos = len(text) if j < 0 else j
                    break                    # restart after the comment
                elif e - s == 1:
                    add(("SIGNAL", "'", s, e))
                else:
                    return None              # ': after a blank: signal, then a colon
            elif k == 9:
                s, e = m.span(9)
                add(("STR", text[s:e], s, e))
            elif k == 10:
                s, e = m.span(10)
                add(("SYM", text[s:e], s, e))
            elif k == 3:
                s, e = m.span(3)
                add(("VERB", text[s:e], s, e))
            elif k == 11:
                return toks
            else:
                return None
        if pos >= len(text):
            return toks


def _depth(toks):
    d = 0
    for t in toks:
        if t[0] in ("LPAR", "LBRACK", "LBRACE"):
            d += 1
        elif t[0] in ("RPAR", "RBRACK", "RBRACE"):
            d -= 1
    return d


# --------------------------------------------------------------------------
# the reference tokenizer

def _slow(text):
    return list(_slow_iter(text))


def _slow_iter(text):
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
        yield (kind, val, start, i)
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
    m = _NUM.match(text, s)
    if not m:
        return i
    if s > i and (m.group().startswith("0x") or m.group().endswith("b")):
        return i
    return m.end()


def _lark_lexer():
    """lark's hook: a Lexer class whose lex() is :func:`tokenize` (lark needs
    one to build the LALR tables from grammar/q.lark; kapi/parse.py drives
    the tables itself)."""
    from lark import Token
    from lark.lexer import Lexer

    class QLexer(Lexer):
        def __init__(self, lexer_conf):
            pass

        def lex(self, data):
            for kind, val, s, e in tokenize(data):
                tok = Token(kind, val, start_pos=s, end_pos=e)
                tok.line = 1
                tok.column = s
                yield tok

    return QLexer
