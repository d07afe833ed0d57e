"""The temporal types (kapi/temporal.py): literals, display, type, nulls,
arithmetic, comparison and order, casts, tok, parts, xbar, the clock.

Numeric checks use Python's datetime as the independent oracle: q counts
days, months, nanoseconds... from 2000.01.01."""

import datetime as dt
import time

import numpy as np
import pytest

from kapi import temporal as TM
from kapi import values as V
from kapi.errors import KError

EPOCH = dt.date(2000, 1, 1)
EPOCH_DT = dt.datetime(2000, 1, 1)


def days(y, m, d):
    return (dt.date(y, m, d) - EPOCH).days


def ns(*a):
    return (dt.datetime(*a) - EPOCH_DT) // dt.timedelta(microseconds=1) * 1000


def show(q, src):
    return q.console(src)


def raw(q, src):
    """q's own integer view of a value, through `long$."""
    return q.eval('"j"$' + src).tolist()


# --------------------------------------------------------------------------
# literals, types, display

@pytest.mark.parametrize("src,t", [
    ("2024.01.02D10:00:00.000000000", -12), ("2024.01m", -13), ("2024.01.02", -14),
    ("2024.01.02T10:00:00.000", -15), ("0D00:00:01", -16), ("12:30", -17),
    ("12:30:00", -18), ("12:30:00.000", -19), ("12:00:00.000000000", -16),
    ("2024.01.02 2024.01.03", 14), ("12:30 13:45", 17), ("2024.01 2024.02m", 13),
    ("0Np", -12), ("0Nm", -13), ("0Nd", -14), ("0Nz", -15), ("0Nn", -16), ("0Nu", -17),
    ("0Nv", -18), ("0Nt", -19), ("0Wd", -14), ("0Wp", -12), ("-0Wt", -19),
    ("`timestamp$()", 12), ("`time$()", 19),
])
def test_types(q, src, t):
    assert int(q.eval("type " + src)) == t


@pytest.mark.parametrize("src,out", [
    ("2024.01.02", "2024.01.02"),
    ("2024.01.02 2024.01.03", "2024.01.02 2024.01.03"),
    ("2024.01m", "2024.01m"),
    ("2024.01 2024.02m", "2024.01 2024.02m"),
    ("2024.01.02T10:00:00.000", "2024.01.02T10:00:00.000"),
    ("2024.01.02D10:00:00.000000000", "2024.01.02D10:00:00.000000000"),
    ("2024.01.02D10:00", "2024.01.02D10:00:00.000000000"),
    ("0D00:00:01", "0D00:00:01.000000000"),
    ("-0D00:00:01.5", "-0D00:00:01.500000000"),
    ("2D03:04:05.000000006", "2D03:04:05.000000006"),
    ("12:30", "12:30"), ("12:30:00", "12:30:00"), ("12:30:00.000", "12:30:00.000"),
    ("12:00:00.000000000", "0D12:00:00.000000000"),
    ("0Nd", "0Nd"), ("0Wd", "0Wd"), ("-0Wd", "-0Wd"), ("0Np", "0Np"), ("0Nt", "0Nt"),
    ("2024.01.02 0N", "2024.01.02 0N"), ("0Nd 0Nd", "0N 0Nd"),
    ("enlist 2024.01.02", ",2024.01.02"), ("`date$()", "`date$()"),
    ("-3!12:30 13:00", '"12:30 13:00"'),
    ("string 2024.01.02", '"2024.01.02"'), ("string 2024.01m", '"2024.01"'),
    ("(2024.01.02;12:30)", "2024.01.02\n12:30"),
])
def test_display(q, src, out):
    assert show(q, src) == out


def test_table_and_dict_display(q):
    lines = show(q, "([]d:2024.01.02 2024.01.03;t:10:00 0Nu)").split("\n")
    assert [ln.rstrip() for ln in lines] == ["d          t", "----------------",
                                            "2024.01.02 10:00", "2024.01.03"]
    assert show(q, "`a`b!2024.01.02 2024.01.03") == "a| 2024.01.02\nb| 2024.01.03"


def test_raw_values_against_datetime(q):
    assert raw(q, "2024.01.02") == days(2024, 1, 2)
    assert raw(q, "1999.12.31") == -1
    assert raw(q, "2024.03m") == (2024 - 2000) * 12 + 2
    assert raw(q, "2024.01.02D10:00:00.000000001") == ns(2024, 1, 2, 10) + 1
    assert raw(q, "1990.05.06D01:02:03.000000000") == ns(1990, 5, 6, 1, 2, 3)
    assert raw(q, "12:30") == 750
    assert raw(q, "12:30:01") == 45001
    assert raw(q, "12:30:01.250") == 45001250
    assert raw(q, "0D01:00:00") == 3600 * 10**9
    assert q.eval('"f"$2024.01.02T12:00:00.000') == days(2024, 1, 2) + 0.5
    assert q.eval("`int$2000.01.02") == 1


def test_date_vector_matches_datetime(q):
    r = q.eval("2000.01.01+til 1000")
    base = dt.date(2000, 1, 1)
    want = [(base + dt.timedelta(days=k)).strftime("%Y.%m.%d") for k in range(1000)]
    got = [s.tobytes().decode() for s in q.eval("string 2000.01.01+til 1000")]
    assert got == want
    assert r.dtype == np.dtype("M8[D]")


def test_parse_errors(q):
    for bad in ("2024.01.02 1", "2024.01.02 12:30x"):
        with pytest.raises(KError):
            q.eval(bad)


# --------------------------------------------------------------------------
# nulls, count, join, index, match

def test_nulls(q):
    assert q.eval("null 2024.01.01 0Nd").tolist() == [False, True]
    assert bool(q.eval("null 0Np"))
    assert q.eval("null 0Nz 2000.01.01T00:00:00.000").tolist() == [True, False]
    assert q.eval('"i"$0Nd') == V.NULL_INT[V.I]
    assert q.eval('"j"$0Np') == V.NULL_INT[V.J]
    assert show(q, '"d"$0N') == "0Nd"
    assert show(q, "first 0#2024.01.01") == "0Nd"
    assert show(q, "(2024.01.01 2024.01.02)[5]") == "0Nd"


def test_lists(q):
    assert q.eval("count 2024.01.01 2024.01.02") == 2
    assert show(q, "2024.01.01,2024.01.02") == "2024.01.01 2024.01.02"
    assert int(q.eval("type 2024.01.01,1")) == 0
    assert show(q, "(2024.01.01 2024.01.02)[1]") == "2024.01.02"
    assert show(q, "2#12:00") == "12:00 12:00"
    assert bool(q.eval("2024.01.01~2024.01.01"))
    assert not bool(q.eval("2024.01.01~2024.01m"))
    assert not bool(q.eval("2000.01.02~1i"))
    assert show(q, "reverse 10:00 11:00") == "11:00 10:00"


# --------------------------------------------------------------------------
# arithmetic

@pytest.mark.parametrize("src,out", [
    ("2024.01.02+1", "2024.01.03"),
    ("2024.01.02+1 2 3", "2024.01.03 2024.01.04 2024.01.05"),
    ("1+2024.01.02", "2024.01.03"),
    ("2024.01.05-2024.01.02", "3i"),
    ("2024.03m-2024.01m", "2i"),
    ("2024.01.02D10:00:00.000000000-2024.01.02D09:00:00.000000000", "0D01:00:00.000000000"),
    ("2024.01.02D10:00:00.000000000+0D00:00:01", "2024.01.02D10:00:01.000000000"),
    ("12:00:00.000+1000", "12:00:01.000"),
    ("12:00+1", "12:01"),
    ("2000.11.22 - 03:44:55.666", "2000.11.21D20:15:04.334000000"),
    ("2024.01.02+0D12:00", "2024.01.02D12:00:00.000000000"),
    ("12:00+00:00:01", "12:00:01"),
    ("12:00:00+00:00:00.500", "12:00:00.500"),
    ("12:00:00.000+0D00:00:00.000000001", "0D12:00:00.000000001"),
    ("2*0D01:00:00", "0D02:00:00.000000000"),
    ("0D01:00:00*3", "0D03:00:00.000000000"),
    ("2024.01m+13", "2025.02m"),
    ("2000.01.01T12:00:00.000+0.5", "2000.01.02T00:00:00.000"),
    ("2000.01.01T12:00:00.000-2000.01.01T00:00:00.000", "0.5"),
    ("2000.01.02+1.5", "2000.01.03T12:00:00.000"),
    ("2000.01.01T00:00:00.000+01:00:00.000", "2000.01.01T01:00:00.000"),
    ("neg 0D01", "-0D01:00:00.000000000"),
    ("12:30:00.123 mod 1000", "00:00:00.123"),
    ("0Nd+1", "0Nd"),
    ("2024.01.02-0Nd", "0Ni"),
    # q's table of result types: two points of one type add like their counts
    ("2000.01.02+2000.01.03", "3i"),
    ("1p+2p", "0D00:00:00.000000003"),
    ("1 2p", "2000.01.01D00:00:00.000000001 2000.01.01D00:00:00.000000002"),
])
def test_arithmetic(q, src, out):
    assert show(q, src) == out


@pytest.mark.parametrize("src", ["2024.01.02-2024.01m", "2024.01.02D00:00+2024.01.02", "2024.01.02*2", "`a+2024.01.02",
                                 "\"a\"$2024.01.02", "2024.01.02+`a"])
def test_arithmetic_type_errors(q, src):
    with pytest.raises(KError) as e:
        q.eval(src)
    assert str(e.value.args[0]) == "type"


def test_arithmetic_against_datetime(q):
    r = q.eval("2000.01.01+til 3000")
    got = (r.view("i8") - r.view("i8")[0]).tolist()
    assert got == list(range(3000))
    d = q.eval("2024.03.01D00:00:00.000000000-2024.02.28D12:00:00.000000000")
    assert int(d.view("i8")) == (dt.datetime(2024, 3, 1) - dt.datetime(2024, 2, 28, 12)) \
        // dt.timedelta(microseconds=1) * 1000


def test_length_error(q):
    with pytest.raises(KError):
        q.eval("2024.01.01 2024.01.02+1 2 3")


# --------------------------------------------------------------------------
# comparison and order

@pytest.mark.parametrize("src,out", [
    ("2024.01.02=2024.01.02 2024.01.03", "10b"),
    ("2024.01.02<2024.01.03", "1b"),
    ("2024.01.02<2024.01.02D01:00", "1b"),
    ("2024.01.02=2024.01.02D00:00", "1b"),
    ("2024.01m<2024.01.02", "1b"),
    ("12:00=12:00:00.000", "1b"),
    ("12:00<12:00:00.001", "1b"),
    ("2000.01.02=1", "1b"),
    ("0Nd<2000.01.01", "1b"),
    ("0Nd=0Nd", "1b"),
    ("2024.01.01 2024.01.02 in 2024.01.02", "01b"),
    ("2024.01.05 within 2024.01.01 2024.01.31", "1b"),
    ("asc 2024.01.03 0Nd 2024.01.01", "0N 2024.01.01 2024.01.03"),
    ("desc 2024.01.03 0Nd 2024.01.01", "2024.01.03 2024.01.01 0N"),
    ("iasc 12:00 11:00 0Nu", "2 1 0"),
    ("distinct 2024.01.01 2024.01.01 2024.01.02", "2024.01.01 2024.01.02"),
    ("min 2024.01.03 2024.01.01", "2024.01.01"),
    ("max 2024.01.03 0Nd 2024.01.01", "2024.01.03"),
    ("min 0Nd 2024.01.03", "2024.01.03"),
    ("2024.01.01|2024.01.05", "2024.01.05"),
    ("12:00&11:00 13:00", "11:00 12:00"),
    ("sum 12:00 01:00", "13:00"),
    ("avg 2000.01.01 2000.01.03", "1f"),
    ("2024.01.01 2024.01.02?2024.01.02", "1"),
])
def test_compare_and_order(q, src, out):
    assert show(q, src) == out


def test_group_and_sort_tables(q):
    assert show(q, "group 2024.01.01 2024.01.01 2024.01.02") == "2024.01.01| 0 1\n2024.01.02| ,2"
    q.eval("t:([]s:2024.01.03 2024.01.01 2024.01.02;v:1 2 3)")
    assert q.eval("exec v from `s xasc t").tolist() == [2, 3, 1]
    assert q.eval("exec v from `s xdesc t").tolist() == [1, 3, 2]
    assert show(q, "exec first s from t") == "2024.01.03"
    # group keys of different types stay apart
    assert q.eval("count group (2000.01m;2000.01.01)") == 2


def test_sort_matches_numpy(q):
    q.eval("x:2000.01.01D00:00+1000?1000000000000000")
    x = q.eval("x")
    assert (q.eval("asc x").view("i8") == np.sort(x.view("i8"))).all()


# --------------------------------------------------------------------------
# casts

@pytest.mark.parametrize("src,out", [
    ('"i"$2024.01.02', str(days(2024, 1, 2)) + "i"),
    ('"d"$2024.01.02D10:00:00.000000000', "2024.01.02"),
    ('"p"$2024.01.02', "2024.01.02D00:00:00.000000000"),
    ("`date$2024.01.02T12:00:00.000", "2024.01.02"),
    ('"z"$2024.01.02', "2024.01.02T00:00:00.000"),
    ('"m"$2024.01.15', "2024.01m"),
    ('"d"$2024.03m', "2024.03.01"),
    ('"p"$2024.03m', "2024.03.01D00:00:00.000000000"),
    ('"t"$2024.01.02D10:30:00.123456789', "10:30:00.123"),
    ('"u"$10:30:59.999', "10:30"),
    ('"v"$10:30', "10:30:00"),
    ('"n"$12:00:00.000', "0D12:00:00.000000000"),
    ('"t"$0D01:00:00', "01:00:00.000"),
    ('"d"$5', "2000.01.06"),
    ('"t"$1000', "00:00:01.000"),
    ('"p"$1', "2000.01.01D00:00:00.000000001"),
    ('"n"$1', "0D00:00:00.000000001"),
    ("`minute$12:34:56.789", "12:34"),
    ("`date$2024.01.02D23:59:59.999999999", "2024.01.02"),
    ("`date$1999.12.31D23:00", "1999.12.31"),
    ("`timestamp$1666.09.02", "-0Wp"),
    ('"z"$0001.01.01-1', "0000.00.00T00:00:00.000"),
    ("0001.01.01-1", "0000.00.00"),
    ('"i"$0Wd', "0Wi"),
    ('"d"$0Wi', "0Wd"),
    ("`long$12:00 13:00", "720 780"),
    ("12h$2024.01.02", "2024.01.02D00:00:00.000000000"),
    ("`date$(2024.01.02D10:00;2024.01.03D11:00)", "2024.01.02 2024.01.03"),
])
def test_casts(q, src, out):
    assert show(q, src) == out


def test_cast_dict_like_q(q):
    r = q.eval('"j"$`minutes`seconds`nanoseconds!(12:00;12:00:00;12:00:00.000000000)')
    assert r.values.tolist() == [720, 43200, 43200000000000]


@pytest.mark.parametrize("src", ['"d"$12:00:00.000', '"u"$2024.01.02', '"s"$2024.01.02',
                                 '"m"$12:00'])
def test_cast_type_errors(q, src):
    with pytest.raises(KError):
        q.eval(src)


# --------------------------------------------------------------------------
# tok

@pytest.mark.parametrize("src,out", [
    ('"D"$"2024.01.02"', "2024.01.02"),
    ('"D"$"2024-01-02"', "2024.01.02"),
    ('"D"$"20240102"', "2024.01.02"),
    ('"D"$("2024.01.02";"2024-01-03";"20240104";"bad";"")', "2024.01.02 2024.01.03 2024.01.04 0N 0N"),
    ('"D"$("2024.01.02";"2024.02.30")', "2024.01.02 0N"),
    ('"D"$"3001.01.01"', "3001.01.01"),
    ('"P"$"2024.01.02D10:00:00.123456789"', "2024.01.02D10:00:00.123456789"),
    ('"P"$"2024.01.02"', "2024.01.02D00:00:00.000000000"),
    ('"T"$"10:00:00.500"', "10:00:00.500"),
    ('"T"$"10:00"', "10:00:00.000"),
    ('"U"$"10:30"', "10:30"),
    ('"V"$"10:30:05"', "10:30:05"),
    ('"N"$"0D00:00:01"', "0D00:00:01.000000000"),
    ('"N"$"00:00:01"', "0D00:00:01.000000000"),
    ('"M"$"2024.01"', "2024.01m"),
    ('"Z"$"2024.01.02T10:00:00.000"', "2024.01.02T10:00:00.000"),
    ('"T"$"xx"', "0Nt"),
    ('"D"$""', "0Nd"),
    ('-14h$"2024.01.02"', "2024.01.02"),
])
def test_tok(q, src, out):
    assert show(q, src) == out


def test_tok_vector_against_datetime(q):
    q.eval("s:string 1990.01.01+til 20000")
    r = q.eval('"D"$s')
    want = [(dt.date(1990, 1, 1) + dt.timedelta(days=k) - EPOCH).days for k in range(20000)]
    assert TM.to_raw(r, TM.D).tolist() == want


def test_tok_bad_items_in_vector_path(q):
    r = q.eval('"D"$("2024.01.02";"2024.x1.02";"2024-01.02")')
    assert show(q, '"D"$("2024.01.02";"2024.x1.02";"2024-01.02")') == "2024.01.02 0N 0N"
    assert r.dtype == np.dtype("M8[D]")


def test_string_roundtrip(q):
    for src in ("2024.01.02D10:00:00.123456789", "2024.01.02T10:00:00.123", "12:30:00.001",
                "0D01:02:03.000000004", "2024.05m", "12:30", "12:30:05"):
        t = q.eval("type " + src)
        c = V.CHARS[-int(t)].upper()
        assert bool(q.eval('%s~"%s"$string %s' % (src, c, src))), src


# --------------------------------------------------------------------------
# parts

@pytest.mark.parametrize("src,out", [
    ("`hh`uu`ss$03:55:58.11", "3 55 58i"),
    ("`year`dd`mm`hh`uu`ss$2015.10.28D03:55:58", "2015 28 10 3 55 58i"),
    ("`year$2024.05.06", "2024i"),
    ("`mm$2024.05m", "5i"),
    ("`week$2024.05.08", "2024.05.06"),
    ("`week$2000.01.01", "1999.12.27"),
    ("`dd$2024.02.29 2024.03.01", "29 1i"),
])
def test_part_casts(q, src, out):
    assert show(q, src) == out


def test_dotted_parts(q):
    q.eval("x:2024.05.06D10:20:30.123456789")
    for f, out in [("year", "2024i"), ("month", "2024.05m"), ("mm", "5i"), ("dd", "6i"),
                   ("hh", "10i"), ("uu", "20i"), ("ss", "30i"), ("minute", "10:20"),
                   ("second", "10:20:30"), ("date", "2024.05.06"), ("time", "10:20:30.123"),
                   ("week", "2024.05.06")]:
        assert show(q, "x." + f) == out, f
    assert show(q, "{x.year}2024.01.01") == "2024i"
    q.eval("t:([]d:2024.01.02 2024.02.03;v:1 2)")
    assert q.eval("exec v from t where d.mm=2").tolist() == [2]
    with pytest.raises(KError):
        q.eval("nosuch.year")
    q.eval("n:5")
    with pytest.raises(KError):
        q.eval("n.year")


def test_parts_against_datetime(q):
    q.eval("d:1990.01.01+til 5000")
    base = dt.date(1990, 1, 1)
    ds = [base + dt.timedelta(days=k) for k in range(5000)]
    assert q.eval("d.year").tolist() == [x.year for x in ds]
    assert q.eval("d.mm").tolist() == [x.month for x in ds]
    assert q.eval("d.dd").tolist() == [x.day for x in ds]
    wk = TM.to_raw(q.eval("d.week"), TM.D).tolist()
    assert wk == [((x - dt.timedelta(days=x.weekday())) - EPOCH).days for x in ds]


# --------------------------------------------------------------------------
# xbar

@pytest.mark.parametrize("src,out", [
    ("5 xbar 10:17", "10:15"),
    ("0D00:05 xbar 2024.01.02D10:17:00.000000000 2024.01.02D10:22:30.000000000",
     "2024.01.02D10:15:00.000000000 2024.01.02D10:20:00.000000000"),
    ("0D00:15 xbar 10:17:00.000", "10:15:00.000"),
    ("1000 xbar 10:17:01.234", "10:17:01.000"),
    ("15 xbar 10:07 10:15 10:31", "10:00 10:15 10:30"),
    ("3 xbar 2024.05m", "2024.04m"),
])
def test_xbar(q, src, out):
    assert show(q, src) == out


# --------------------------------------------------------------------------
# the clock

@pytest.mark.parametrize("name,t", [(".z.p", -12), (".z.P", -12), (".z.d", -14), (".z.D", -14),
                                    (".z.t", -19), (".z.T", -19), (".z.n", -16), (".z.N", -16),
                                    (".z.z", -15), (".z.Z", -15)])
def test_clock_types(q, name, t):
    assert int(q.eval("type " + name)) == t


def test_clock_value(q):
    before = time.time_ns()
    p = int(q.eval('"j"$.z.p'))
    after = time.time_ns()
    epoch = 946684800 * 10**9
    assert before - epoch <= p <= after - epoch
    assert int(q.eval('"j"$.z.d')) == (dt.datetime.now(dt.timezone.utc).date() - EPOCH).days \
        or int(q.eval('"j"$.z.d')) == (dt.datetime.now(dt.timezone.utc).date() - EPOCH).days - 1
    local = int(q.eval('"j"$.z.P'))
    assert abs((local - p) - time.localtime().tm_gmtoff * 10**9) < 10**9


# --------------------------------------------------------------------------
# the representation

def test_representation():
    assert V.DTYPE[12] == np.dtype("M8[ns]") and V.DTYPE[19] == np.dtype("m8[ms]")
    assert len({V.DTYPE[t] for t in V.TEMPORAL}) == 8
    x = TM.from_raw(np.array([1, V.NULL_INT[V.I], V.INF_INT[V.I]]), TM.D)
    assert TM.to_raw(x, TM.D).tolist() == [1, V.NULL_INT[V.I], V.INF_INT[V.I]]
    assert V.qtype(V.null_of(14)) == -14 and V.qtype(V.inf_of(12)) == -12


def test_select_names_a_part_column_by_its_field(q):
    q.eval("t:([]time:09:30:00 09:41:00;size:1 2)")
    r = q.eval("select time.minute from t")
    assert r.names == ("minute",)
    assert show(q, "exec time.minute from t") == "09:30 09:41"


def test_tok_list_with_a_non_string_is_a_type_error(q):
    with pytest.raises(KError) as e:
        q.eval('"D"$("2024.01.02";1 2)')
    assert e.value.args[0] == "type"
    with pytest.raises(KError):
        q.eval('"D"$(`a;"2024.01.02")')


def test_tok_calendar_checks_match_datetime(q):
    # the vectorised path's own calendar (leap years, month lengths) against datetime
    cand = ["%04d.%02d.%02d" % (y, m, d) for y in (1900, 2000, 2023, 2024, 2100)
            for m in range(0, 14) for d in (0, 1, 28, 29, 30, 31, 32)]
    q.eval("s:(%s)" % ";".join('"%s"' % c for c in cand))
    got = q.eval('"D"$s').view("i8")

    def oracle(c):
        try:
            return (dt.date(int(c[:4]), int(c[5:7]), int(c[8:])) - dt.date(1970, 1, 1)).days
        except ValueError:
            return -2**63
    assert got.tolist() == [oracle(c) for c in cand]
