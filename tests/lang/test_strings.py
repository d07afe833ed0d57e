"""Strings and conversions (kapi.verbs.strings): $ cast/tok/pad, string,
sv/vs, like, ss/ssr, upper/lower, trims, hsym."""

import os

import numpy as np
import pytest

from kapi import values as V
from kapi.errors import KError
from kapi.values import KDict, KTable, qtype
from kapi.verbs.compare import match
from kapi.verbs.strings import (cast, dollar, hsym, like, lower, ltrim, pad,
                                rtrim, ss, ssr, string, sv, tok, trim, upper,
                                vs)

s = V.string
syms = V.syms
j = np.int64
i32 = np.int32
h16 = np.int16
f = np.float64
e32 = np.float32
b1 = np.bool_
x8 = np.uint8


def ij(*a):
    return np.array(a, dtype=np.int64)


def ii(*a):
    return np.array(a, dtype=np.int32)


def ff(*a):
    return np.array(a, dtype=np.float64)


def bb(bits):
    return np.array([c == "1" for c in bits], dtype=bool)


def xx(hexs):
    return np.frombuffer(bytes.fromhex(hexs), dtype=np.uint8).copy()


def same(a, b):
    return qtype(a) == qtype(b) and match(a, b)


def check(got, want):
    assert same(got, want), "got %r want %r" % (got, want)


def raises(name, fn, *args):
    with pytest.raises(KError) as ei:
        fn(*args)
    assert ei.value.name == name


# --------------------------------------------------------------------------
# cast

class TestCast:
    def test_char_letter(self):
        check(dollar(b"i", j(10)), i32(10))
        check(dollar(b"i", b"a"), i32(97))
        check(dollar(b"c", j(97)), b"a")
        check(dollar(b"j", f(5.0)), j(5))
        check(dollar(b"f", b"a"), f(97))

    def test_symbol_name_and_short(self):
        check(dollar("int", j(10)), i32(10))
        check(dollar(h16(6), j(10)), i32(10))
        check(dollar("float", s("AC")), ff(65, 67))
        check(dollar("char", ij(50, 43, 51)), s("2+3"))
        check(dollar(h16(8), j(789)), e32(789))

    def test_list_of_specs(self):
        check(dollar(["int", b"i", h16(6)], j(10)), ii(10, 10, 10))
        check(dollar([b"*", h16(0)], j(1)), ij(1, 1))

    def test_rounding_half_away(self):
        check(cast(V.J, ff(-2.5, 2.5, 6.6, -6.6, 6.1)), ij(-3, 3, 7, -7, 6))
        check(cast(V.I, [ff(6.1, 6.6), ff(-6.1, -6.6)]), [ii(6, 7), ii(-6, -7)])

    def test_nulls_and_infinities(self):
        check(cast(V.J, ff(np.nan, np.inf, -np.inf)), ij(V.NULL_INT[7], V.INF_INT[7], -V.INF_INT[7]))
        check(cast(V.F, ij(V.NULL_INT[7], 1)), ff(np.nan, 1))
        check(cast(V.J, ii(V.NULL_INT[6], 5)), ij(V.NULL_INT[7], 5))
        # integer infinities are plain numbers once cast
        check(cast(V.F, j(V.INF_INT[7])), f(9223372036854775807.0))
        check(cast(V.F, i32(V.INF_INT[6])), f(2147483647.0))
        check(cast(V.F, h16(32767)), f(32767))

    def test_narrowing_wraps(self):
        check(cast(V.H, j(70000)), h16(4464))
        check(cast(V.X, ij(256, 255, -1)), xx("00ffff"))

    def test_boolean(self):
        check(dollar(h16(1), [ij(1, 0, 2), ij(-1, 0, -2)]), [bb("101"), bb("101")])
        check(cast(V.B, s(" a")), bb("11"))
        check(cast(V.H, b1(True)), h16(1))

    def test_real(self):
        check(cast(V.E, f(1.5)), e32(1.5))
        check(cast(V.F, e32(1.5)), f(1.5))

    def test_symbol(self):
        check(dollar("", s("abc")), "abc")
        check(dollar("", s("   IBM   ")), "IBM")
        check(dollar(b"s", s("abc")), "abc")
        check(dollar("symbol", [s("ab"), s("cd")]), syms(["ab", "cd"]))
        check(dollar("", []), syms([]))
        check(dollar("", b"a"), "a")

    def test_identity(self):
        v = s("abc")
        check(dollar("char", v), v)
        check(dollar(b"*", v), v)

    def test_dict_table(self):
        d = KDict(syms(["a", "b"]), ij(1, 2))
        check(cast(V.F, d), KDict(syms(["a", "b"]), ff(1, 2)))
        t = KTable(["a"], [ij(1, 2)])
        check(cast(V.I, t), KTable(["a"], [ii(1, 2)]))

    def test_empty_general(self):
        check(cast(V.I, []), V.empty(V.I))

    def test_errors(self):
        raises("type", dollar, "int", "a")
        raises("type", dollar, b"c", "a")
        raises("type", dollar, "foo", j(1))
        raises("type", dollar, b"q", j(1))
        raises("nyi", dollar, "guid", j(1))     # the temporal types are tests/lang/test_temporal.py's
        raises("nyi", dollar, b"g", j(1))
        raises("length", dollar, [b"i", b"j"], ij(1, 2, 3))


# --------------------------------------------------------------------------
# tok

class TestTok:
    def test_numbers(self):
        check(dollar(b"I", s("42")), i32(42))
        check(dollar(b"F", s("1.5")), f(1.5))
        check(dollar(b"E", s("3.14")), e32(3.14))
        check(dollar(h16(-8), s("3.14")), e32(3.14))
        check(dollar(b"J", [s("1"), s("2")]), ij(1, 2))
        check(dollar(b"J", s(" -12 ")), j(-12))
        check(dollar(b"F", s("1e3")), f(1000))
        check(dollar(b"F", s("-0w")), f(-np.inf))
        check(dollar(b"J", s("0W")), j(V.INF_INT[7]))

    def test_unparsable_is_null(self):
        check(dollar(b"J", s("abc")), j(V.NULL_INT[7]))
        check(dollar(b"F", s("x")), f(np.nan))
        check(dollar(b"I", s("")), i32(V.NULL_INT[6]))
        check(dollar(b"H", s("32768")), h16(V.NULL_INT[5]))
        check(dollar(b"I", s("2147483648")), i32(V.NULL_INT[6]))

    def test_ip_address(self):
        check(dollar(b"I", s("192.168.1.34")), i32(-1062731486))

    def test_boolean_byte(self):
        check(dollar(b"B", s("1")), b1(True))
        check(dollar(b"B", s("   Y  ")), b1(True))
        check(dollar(b"B", [s(" Y "), s("    N ")]), bb("10"))
        check(dollar(b"B", s("42")), b1(False))
        check(dollar(b"X", s("42")), x8(0x42))
        check(dollar(b"H", s("42")), h16(42))

    def test_near_atomic(self):
        check(dollar(s("BXH"), [s("42"), s("42"), s("42")]), [b1(False), x8(0x42), h16(42)])
        check(dollar([b"B", s("XHI")], [s("42"), [s("42"), s("42"), s("42")]]),
              [b1(False), [x8(0x42), h16(42), i32(42)]])

    def test_symbol_and_identity(self):
        check(dollar(b"S", s("hello")), "hello")
        check(dollar(b"*", s("2012")), s("2012"))
        check(dollar(h16(0), s("2012")), s("2012"))

    def test_empty(self):
        check(tok(V.J, []), V.empty(V.J))

    def test_errors(self):
        raises("type", dollar, b"J", j(1))
        raises("nyi", dollar, b"G", s("2000.01.01"))


# --------------------------------------------------------------------------
# pad

class TestPad:
    def test_pad(self):
        check(dollar(j(9), s("foo")), s("foo      "))
        check(dollar(j(-9), s("foo")), s("      foo"))
        check(dollar(j(2), s("foo")), s("fo"))
        check(dollar(j(-2), s("foo")), s("oo"))

    def test_string_atomic(self):
        got = pad(9, [s("The"), [s("fox"), [s("jumps"), s("over")]]])
        check(got, [s("The      "), [s("fox      "), [s("jumps    "), s("over     ")]]])
        d = KDict(syms(["a", "b"]), [s("quick"), s("fox")])
        check(pad(-9, d), KDict(syms(["a", "b"]), [s("    quick"), s("      fox")]))

    def test_short_is_cast(self):
        check(dollar(h16(9), [s("ab"), s("c")]), [ff(97, 98), ff(99)])


# --------------------------------------------------------------------------
# string

class TestString:
    def test_atoms(self):
        check(string(j(42)), s("42"))
        check(string(j(2)), s("2"))
        check(string(f(1.5)), s("1.5"))
        check(string(f(1.0)), s("1"))
        check(string(f(2.0 / 3)), s("0.6666667"))
        check(string(f(2.0 / 3), 3), s("0.667"))
        check(string("ibm"), s("ibm"))
        check(string(b"a"), s("a"))
        check(string(b1(True)), s("1"))
        check(string(x8(10)), s("0a"))
        check(string(j(V.NULL_INT[7])), s("0N"))
        check(string(f(np.nan)), s("0n"))
        check(string(i32(7)), s("7"))
        check(string(None), s("::"))

    def test_lists(self):
        check(string(s("cat")), [s("c"), s("a"), s("t")])
        check(string([ij(2, 3), s("abc")]), [[s("2"), s("3")], [s("a"), s("b"), s("c")]])
        check(string(syms(["a", "bc"])), [s("a"), s("bc")])
        check(string(V.empty(V.J)), [])

    def test_dict_table(self):
        d = KDict(syms(["a", "b"]), ij(2002, 2004))
        check(string(d), KDict(syms(["a", "b"]), [s("2002"), s("2004")]))
        t = KTable(["a"], [ij(1, 2)])
        check(string(t), KTable(["a"], [[s("1"), s("2")]]))


# --------------------------------------------------------------------------
# sv / vs

class TestSv:
    def test_join_strings(self):
        y = [s("one"), s("two"), s("three")]
        check(sv(b",", y), s("one,two,three"))
        check(sv(s(", "), y), s("one, two, three"))
        check(sv("", y), s("one\ntwo\nthree\n"))
        check(sv(b".", string(ij(192, 168, 1, 23))), s("192.168.1.23"))
        check(sv(b",", []), s(""))

    def test_symbols(self):
        check(sv("", syms(["quick", "brown", "fox"])), "quick.brown.fox")
        check(sv("", syms([":/home/kdb/q", "data", "trade"])), ":/home/kdb/q/data/trade")
        check(sv("", syms([":a", "b"])), ":a/b")

    def test_base(self):
        check(sv(j(10), ij(2, 3, 5, 7)), j(2357))
        check(sv(j(100), ij(2010, 3, 17)), j(20100317))
        check(sv(ij(0, 24, 60, 60), ij(2, 3, 5, 7)), j(183907))
        check(sv(j(2), bb("101")), j(5))
        check(sv(j(10), [ij(1, 1), ij(9, 9), ij(9, 9), ij(5, 6)]), ij(1995, 1996))
        check(sv(j(10), ff(1.5, 2)), f(17))

    def test_bytes_bits(self):
        check(sv(x8(0), xx("00ff")), h16(255))
        check(sv(x8(0), xx("80ff")), h16(-32513))
        check(sv(x8(0), xx("004080ff")), i32(4227327))
        check(sv(x8(0), xx("0001020304050607")), j(283686952306183))
        check(sv(j(256), ij(*range(8))), j(283686952306183))
        check(sv(b1(False), np.ones(64, dtype=bool)), j(-1))
        check(sv(b1(False), np.ones(32, dtype=bool)), i32(-1))
        check(sv(b1(False), np.ones(16, dtype=bool)), h16(-1))
        check(sv(b1(False), np.ones(8, dtype=bool)), x8(255))
        raises("length", sv, b1(False), np.ones(5, dtype=bool))

    def test_errors(self):
        raises("type", sv, b",", j(1))
        raises("length", sv, ij(10, 10), ij(1, 2, 3))


class TestVs:
    def test_split(self):
        check(vs(b",", s("one,two,three")), [s("one"), s("two"), s("three")])
        check(vs(s(", "), s("spring, summer")), [s("spring"), s("summer")])
        check(vs(b"|", s("red|green||blue")), [s("red"), s("green"), s(""), s("blue")])
        check(vs(b"\n", s("abc\ndef\n")), [s("abc"), s("def"), s("")])

    def test_lines(self):
        check(vs("", s("abc\ndef\nghi")), [s("abc"), s("def"), s("ghi")])
        check(vs("", s("abc\r\ndef\r\nghi")), [s("abc"), s("def"), s("ghi")])
        check(vs("", s("abc\ndef\nghi\n")), [s("abc"), s("def"), s("ghi")])
        check(vs("", xx("610a62")), [s("a"), s("b")])

    def test_symbols(self):
        check(vs("", "mywork.dat"), syms(["mywork", "dat"]))
        check(vs("", ":/home/kdb/data/mywork.dat"), syms([":/home/kdb/data", "mywork.dat"]))

    def test_bits_bytes(self):
        check(vs(b1(False), h16(23173)), bb("0101101010000101"))
        check(vs(b1(False), i32(23173)), bb("00000000000000000101101010000101"))
        check(vs(x8(0), h16(2413)), xx("096d"))
        check(vs(x8(0), i32(2413)), xx("0000096d"))
        check(vs(x8(0), j(2413)), xx("000000000000096d"))
        check(vs(x8(0), e32(2413)), xx("4516d000"))
        check(vs(x8(0), f(2413)), xx("40a2da0000000000"))
        check(vs(x8(0), f(3.1415)), xx("400921cac083126f"))

    def test_base(self):
        check(vs(j(10), j(1995)), ij(1, 9, 9, 5))
        check(vs(j(2), j(9)), ij(1, 0, 0, 1))
        check(vs(ij(24, 60, 60), j(3805)), ij(1, 3, 25))
        check(vs(j(10), ij(1995, 1996, 1997)),
              [ij(1, 1, 1), ij(9, 9, 9), ij(9, 9, 9), ij(5, 6, 7)])
        check(vs(j(10), ij(5, 123)), [ij(0, 1), ij(0, 2), ij(5, 3)])
        check(vs(j(10), [j(1995), ij(1996, 1997)]),
              [[j(1), ij(1, 1)], [j(9), ij(9, 9)], [j(9), ij(9, 9)], [j(5), ij(6, 7)]])
        check(vs(j(10), i32(12)), ii(1, 2))

    def test_roundtrip(self):
        for n in (1, 7, 255, 1234567):
            check(sv(j(10), vs(j(10), j(n))), j(n))
            check(sv(j(2), vs(j(2), j(n))), j(n))


# --------------------------------------------------------------------------
# like / ss / ssr

class TestLike:
    @pytest.mark.parametrize("x,p,want", [
        ("brown", "?rown", True),
        ("brown", "[bf]rown", True),
        ("brown", "[^cf]rown", True),
        ("br^wn", "br[&^]wn", True),
        ("brAwn", "br[A-Z]wn", True),
        ("br0wn", "br[0-3]wn", True),
        ("br0wn", "br[3-6]wn", False),
        ("br0wn", "br[^3-6]wn", True),
        ("brown", "br?*wn", True),
        ("brown", "br[?*]wn", False),
        ("br*wn", "br[*]wn", True),
        ("br?wn", "br[?]wn", True),
        ("br]wn", "[bf]r[]]wn", True),
        ("a[c", "a[[]c", True),
        ("broom of your own", "br*wn", True),
        ("brwn", "br*wn", True),
        ("a.c", "a.c", True),
        ("abc", "a.c", False),
        ("a\nb", "a?b", True),
        ("Now is the time", "*the*", True),
    ])
    def test_patterns(self, x, p, want):
        check(like(s(x), s(p)), b1(want))

    def test_symbols_and_lists(self):
        check(like("quickly", s("quick*")), b1(True))
        check(like("quick", s("quickish")), b1(False))
        check(like(syms(["brawn", "brown"]), s("br[^o]wn")), bb("10"))
        check(like([s("roam"), s("rome")], s("r?me")), bb("01"))
        check(like([s("roam"), s("rome")], s("ro[^ab]?")), bb("01"))
        check(like([], s("a")), np.empty(0, dtype=bool))
        d = KDict(syms(["a", "b"]), syms(["quick", "brown"]))
        check(like(d, s("brown")), KDict(syms(["a", "b"]), bb("01")))
        check(like(s("a"), b"a"), b1(True))

    def test_errors(self):
        raises("type", like, j(1), s("a"))
        raises("type", like, s("a"), "a")


class TestSs:
    def test_ss(self):
        check(ss(s("We the people of the United States"), s("the")), ij(3, 17))
        t = s("toronto ontario")
        check(ss(t, s("ont")), ij(3, 8))
        check(ss(t, s("[ir]o")), ij(2, 13))
        check(ss(t, s("t?r")), ij(0, 10))
        check(ss(s("A grown man in a gown"), b"n"), ij(6, 10, 13, 20))
        check(ss(s("abc"), s("x")), V.empty(V.J))

    def test_ss_errors(self):
        raises("length", ss, s("abc"), s(""))
        raises("length", ss, s("the time"), s("t*e"))

    def test_ssr(self):
        t = s("toronto ontario")
        check(ssr(t, s("ont"), s("x")), s("torxo xario"))
        check(ssr(t, s("t?r"), upper), s("TORonto onTARio"))
        check(ssr(s("a.b.c"), b".", b"/"), s("a/b/c"))
        check(ssr(s("abc"), s("z"), s("y")), s("abc"))


# --------------------------------------------------------------------------
# case, trim, hsym

class TestCaseTrim:
    def test_case(self):
        check(upper(s("ibm")), s("IBM"))
        check(upper("ibm"), "IBM")
        check(lower(syms(["IBM", "X"])), syms(["ibm", "x"]))
        check(lower(b"A"), b"a")
        check(upper([s("ab"), s("c")]), [s("AB"), s("C")])
        raises("type", upper, j(1))

    def test_trim(self):
        check(trim(s("   IBM   ")), s("IBM"))
        check(ltrim(s("   IBM   ")), s("IBM   "))
        check(rtrim(s("   IBM   ")), s("   IBM"))
        check(trim(s("    ")), s(""))
        check(trim(b"a"), b"a")
        check(trim(j(42)), j(42))
        n = V.NULL_INT[7]
        check(trim(ij(n, n, 1, 2, 3, n, n, 4, 5, n, n)), ij(1, 2, 3, n, n, 4, 5))
        check(trim([[s("fox"), [s("jumps "), s("over   ")]], [s("a"), s("dog ")]]),
              [[s("fox"), [s("jumps"), s("over")]], [s("a"), s("dog")]])

    def test_hsym(self):
        check(hsym("a"), ":a")
        check(hsym(":a"), ":a")
        check(hsym(syms(["a", ":b"])), syms([":a", ":b"]))
        raises("type", hsym, s("a"))


# --------------------------------------------------------------------------
# end to end through the interpreter (q console text)

def _interp():
    try:
        from kapi.embed import Interpreter
        q = Interpreter()
        if q.console("1+1") != "2":
            return None
        return q
    except Exception:  # pragma: no cover - interpreter under construction
        return None


@pytest.fixture(scope="module")
def q():
    it = _interp()
    if it is None:
        pytest.skip("interpreter not available")
    return it


CONSOLE = [
    ('"i"$"a"', "97i"),
    ('"c"$97', '"a"'),
    ("`float$0Wj", "9.223372e+18"),
    ('`float$"AC"', "65 67f"),
    ("`char$50 43 51", '"2+3"'),
    ('`$"hello world"', "`hello world"),
    ('`$"   IBM   "', "`IBM"),
    ('"I"$"42"', "42i"),
    ('"J"$(,"1";,"2")', "1 2"),
    ('"J"$("1";"2")', "12"),
    ('"E"$"3.14"', "3.14e"),
    ('-8h$"3.14"', "3.14e"),
    ('"H"$"32768"', "0Nh"),
    ('"S"$"abc"', "`abc"),
    ('"BXH"$("42";"42";"42")', "0b\n0x42\n42h"),
    ('"B"$(" Y ";"    N ")', "10b"),
    ('"I"$"192.168.1.34"', "-1062731486i"),
    ("(`int;\"i\";6h)$10", "10 10 10i"),
    ('9$"foo"', '"foo      "'),
    ('-9$"foo"', '"      foo"'),
    ('9h$("quick";"brown";"fox")',
     "113 117 105 99 107f\n98 114 111 119 110f\n102 111 120f"),
    ("string 42", '"42"'),
    ("string 2", ',"2"'),
    ("string `ibm", '"ibm"'),
    ("string 1b", ',"1"'),
    ("string 0x0a", '"0a"'),
    ("string 1.5", '"1.5"'),
    ('string "cat"', ',"c"\n,"a"\n,"t"'),
    ("string {x*x}", '"{x*x}"'),
    ('"," sv ("one";"two";"three")', '"one,two,three"'),
    ('` sv ("one";"two";"three")', '"one\\ntwo\\nthree\\n"'),
    ("` sv `quick`brown`fox", "`quick.brown.fox"),
    ("` sv `:a`b", "`:a/b"),
    ("` vs `:/home/kdb/data/mywork.dat", "`:/home/kdb/data`mywork.dat"),
    ('"." sv string 192 168 1 23', '"192.168.1.23"'),
    ("2 sv 1 0 1", "5"),
    ("10 vs 123", "1 2 3"),
    ("0b vs 23173h", "0101101010000101b"),
    ("0x0 vs 2413e", "0x4516d000"),
    ('0x0 sv "x"$128 255', "-32513h"),
    ("24 60 60 vs 3805", "1 3 25"),
    ('", " vs "spring, summer"', '"spring"\n"summer"'),
    ('` vs "abc\\r\\ndef"', '"abc"\n"def"'),
    ("`brawn`brown like \"br[^o]wn\"", "10b"),
    ('"brown" like "[bf]rown"', "1b"),
    ('"toronto ontario" ss "ont"', "3 8"),
    ('ssr["toronto ontario";"t?r";upper]', '"TORonto onTARio"'),
    ('upper "ibm"', '"IBM"'),
    ("lower `IBM", "`ibm"),
    ('trim "   IBM   "', '"IBM"'),
    ('ltrim "  a "', '"a "'),
    ("hsym `a", "`:a"),
    ('"A grown man in a gown" ss ""',
     '\'length\n  [0]  "A grown man in a gown" ss ""\n                               ^'),
]


@pytest.mark.parametrize("src,want", CONSOLE)
def test_console(q, src, want):
    got = "\n".join(ln.rstrip() for ln in q.console(src).split("\n"))
    assert got == want


def _cases(path):
    out, cur = [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("/"):
            if cur and cur[1]:
                out.append(cur)
            cur = [[], [], line]
            continue
        if line.startswith("q)"):
            if cur[1]:
                out.append(cur)
                cur = [[], [], cur[2]]
            cur[0].append(line[2:])
        else:
            cur[1].append(line)
    if cur and cur[1]:
        out.append(cur)
    return out


CASTS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared",
                     "conformance", "q", "casts.txt")


@pytest.mark.skipif(not os.path.exists(CASTS), reason="conformance corpus not found")
def test_conformance_casts():
    it = _interp()
    if it is None:
        pytest.skip("interpreter not available")
    bad = []
    for inputs, want, tag in _cases(CASTS):
        got = []
        for src in inputs:
            r = it.console(src)
            if r:
                got += [ln.rstrip() for ln in r.split("\n")]
        if got != want:
            bad.append((tag, inputs, want, got))
    assert not bad, bad
