"""qSQL (select/exec/update/delete) and tables: end-to-end through the
console against the conformance corpus, plus unit tests of kapi.verbs.tables
and kapi.qsql helpers."""

import os

import numpy as np
import pytest

from kapi import values as V
from kapi.errors import KError
from kapi.embed import Interpreter
from kapi.values import KDict, KTable

HERE = os.path.dirname(os.path.abspath(__file__))
CONF = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "conformance", "q"))


# --------------------------------------------------------------------------
# the conformance corpus: `/ comment` starts a case; `q)input` lines are run
# in one fresh interpreter; the lines after an input are its expected output

def load_cases(fname):
    path = os.path.join(CONF, fname)
    if not os.path.exists(path):
        return []
    cases = []
    cur = None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("/"):
                if cur is not None and cur["steps"]:
                    cases.append(cur)
                cur = {"id": line[1:].strip(), "steps": []}
                continue
            if cur is None:
                continue
            if line.startswith("q)"):
                cur["steps"].append([line[2:], []])
            elif cur["steps"]:
                cur["steps"][-1][1].append(line.rstrip())
    if cur is not None and cur["steps"]:
        cases.append(cur)
    # the header comments precede the first case
    return [c for c in cases if c["steps"]]


def _ids(cases):
    return ["%d:%s" % (k, c["id"].split(" ")[0]) for k, c in enumerate(cases)]


def run_case(case):
    q = Interpreter()
    for src, expected in case["steps"]:
        got = q.console(src)
        got_lines = [ln.rstrip() for ln in got.split("\n")] if got else []
        while got_lines and got_lines[-1] == "":
            got_lines.pop()
        exp = list(expected)
        while exp and exp[-1] == "":
            exp.pop()
        assert got_lines == exp, "q)%s\n--- expected\n%s\n--- got\n%s" % (
            src, "\n".join(exp), "\n".join(got_lines))


QSQL = load_cases("qsql.txt")
TABLES = load_cases("tables.txt")


@pytest.mark.parametrize("case", QSQL, ids=_ids(QSQL))
def test_conformance_qsql(case):
    run_case(case)


@pytest.mark.parametrize("case", TABLES, ids=_ids(TABLES))
def test_conformance_tables(case):
    run_case(case)


# --------------------------------------------------------------------------
# helpers

@pytest.fixture
def q():
    return Interpreter()


def lines(q, src):
    out = ""
    for s in src.strip("\n").split("\n"):
        out = q.console(s)
    return [ln.rstrip() for ln in out.split("\n")]


def ev(q, src):
    r = None
    for s in src.strip("\n").split("\n"):
        r = q.eval(s)
    return r


SP = ("sp:([]s:`s1`s1`s1`s1`s4`s1`s2`s2`s3`s4`s4`s1;p:`p1`p2`p3`p4`p5`p6`p1`p2`p2`p2`p4`p5;"
      "qty:300 200 400 200 100 100 300 400 200 200 300 400)")
P = ("p:([p:`p1`p2`p3`p4`p5`p6]name:`nut`bolt`screw`screw`cam`cog;color:`red`green`blue`red`blue`red;"
     "weight:12 17 17 14 12 19;city:`london`paris`rome`london`paris`london)")
T = "t:([] c1:`a`b`c; c2:10 20 30; c3:1.1 2.2 3.3)"


# --------------------------------------------------------------------------
# make_table / flip / cols (unit)

def test_make_table_basic():
    from kapi.verbs.tables import make_table
    t = make_table([], [("a", np.array([1, 2], dtype=np.int64)), ("b", np.int64(5))])
    assert isinstance(t, KTable)
    assert t.names == ("a", "b")
    assert t.cols[1].tolist() == [5, 5] and t.cols[1].dtype == np.int64


def test_make_table_length_error():
    from kapi.verbs.tables import make_table
    with pytest.raises(KError) as e:
        make_table([], [("a", np.array([1, 2])), ("b", np.array([1, 2, 3]))])
    assert e.value.name == "length"


def test_make_table_general_list_column():
    from kapi.verbs.tables import make_table
    col = [V.string("ab"), V.string("c")]
    t = make_table([], [("s", col), ("n", np.array([1, 2], dtype=np.int64))])
    assert t.cols[0] is col


def test_make_table_keyed():
    from kapi.verbs.tables import make_table
    kt = make_table([("k", V.syms(["a", "b"]))], [("v", np.array([1, 2], dtype=np.int64))])
    assert V.is_keyed(kt)
    assert kt.keys.names == ("k",) and kt.values.names == ("v",)


def test_make_table_symbol_atom_extended():
    from kapi.verbs.tables import make_table
    t = make_table([], [("a", np.array([1, 2, 3])), ("s", "x")])
    assert t.cols[1].dtype == object and list(t.cols[1]) == ["x", "x", "x"]


def test_flip_dict_table_roundtrip():
    from kapi.verbs.tables import flip
    d = KDict(V.syms(["a", "b"]), [np.array([1, 2]), V.syms(["x", "y"])])
    t = flip(d)
    assert isinstance(t, KTable) and t.names == ("a", "b")
    d2 = flip(t)
    assert isinstance(d2, KDict) and list(d2.keys) == ["a", "b"]


def test_flip_matrix():
    from kapi.verbs.tables import flip
    m = [np.array([1, 2, 3]), np.array([4, 5, 6])]
    r = flip(m)
    assert len(r) == 3 and r[0].tolist() == [1, 4] and r[2].tolist() == [3, 6]


def test_flip_length_error():
    from kapi.verbs.tables import flip
    with pytest.raises(KError):
        flip([np.array([1, 2, 3]), np.array([4, 5])])


def test_unkey():
    from kapi.verbs.tables import make_table, unkey
    kt = make_table([("k", np.array([1, 2]))], [("v", np.array([3, 4]))])
    t = unkey(kt)
    assert t.names == ("k", "v")


def test_column_name_rule(q):
    from kapi.parse import parse
    from kapi.qsql import column_name

    def nm(src):
        return column_name(parse(src)[0][1], q.keywords)
    assert nm("c3*2") == "c3"
    assert nm("2*c2") is None
    assert nm("c2+c3") == "c2"
    assert nm("string c3") == "c3"
    assert nm("sum a") == "a"
    assert nm("{(),sum x}a") == "a"
    assert nm("(id,'4)") is None
    assert nm("f amount") == "amount"
    assert nm("i") == "x"


# --------------------------------------------------------------------------
# console-level behaviour

def test_table_literals(q):
    assert lines(q, "([] a:1 2; b:5)") == ["a b", "---", "1 5", "2 5"]
    assert lines(q, "([] a:1 2; b:1 2 3)")[0] == "'length"
    assert lines(q, "([]`a`b)") == ["x", "-", "a", "b"]


def test_flip_cols(q):
    assert lines(q, "cols ([]a:1 2;b:3 4)") == ["`a`b"]
    assert lines(q, "cols ([k:1 2]b:3 4)") == ["`k`b"]
    assert lines(q, "flip (1 2 3;4 5 6)") == ["1 4", "2 5", "3 6"]


def test_select_columns(q):
    ev(q, T)
    assert lines(q, "select c3, c1 from t") == ["c3  c1", "------", "1.1 a", "2.2 b", "3.3 c"]
    assert lines(q, "select c1, c3*2 from t") == ["c1 c3", "------", "a  2.2", "b  4.4", "c  6.6"]


def test_select_duplicate_names(q):
    ev(q, T)
    assert lines(q, "select c1, c1, 2*c2 from t")[0].split() == ["c1", "c11", "x"]


def test_select_where_sequence(q):
    ev(q, T)
    assert lines(q, "select from t where c2>15,c3<3.0") == ["c1 c2 c3", "---------", "b  20 2.2"]
    assert lines(q, "select from t where 101b") == ["c1 c2 c3", "---------", "a  10 1.1",
                                                    "c  30 3.3"]


def test_select_where_length(q):
    ev(q, T)
    assert lines(q, "select from t where 10b")[0] == "'length"


def test_select_by_no_cols_last_row(q):
    ev(q, "t:([] name:`tom`dick`harry`jack`jill;sex:`m`m`m`m`f;eye:`blue`green`blue`blue`gray)")
    assert lines(q, "select name,eye by sex from t") == [
        "sex| name                 eye",
        "---| ------------------------------------------",
        "f  | ,`jill               ,`gray",
        "m  | `tom`dick`harry`jack `blue`green`blue`blue"]


def test_select_from_keyed_with_cols_is_plain(q):
    ev(q, P)
    r = ev(q, "select name from p")
    assert isinstance(r, KTable) and r.names == ("name",)
    r = ev(q, "select from p where weight>15")
    assert V.is_keyed(r) and len(r.keys) == 3


def test_select_keys_visible_in_keyed(q):
    ev(q, P)
    assert lines(q, "exec p from p where weight=17") == ["`p2`p3"]


def test_select_local_and_global_names(q):
    ev(q, "t:([]a:1 2 3)")
    ev(q, "lim:1")
    assert lines(q, "select from t where a>lim") == ["a", "-", "2", "3"]
    assert lines(q, "{[n] select from t where a>n}[2]") == ["a", "-", "3"]


def test_select_unknown_name(q):
    ev(q, "t:([]a:1 2 3)")
    assert lines(q, "select from t where zz>1")[0] == "'zz"


def test_select_length_error(q):
    ev(q, "t:([]a:1 2 3)")
    assert lines(q, "select a, b:1 2 from t")[0] == "'length"


def test_select_atoms_one_row(q):
    ev(q, "t:([]a:1 2 3;b:4 5 6)")
    assert lines(q, "select sum a, m:max b from t") == ["a m", "---", "6 6"]


def test_select_nested(q):
    ev(q, "t:([]a:1 2 3 4;b:`x`y`x`y)")
    assert lines(q, "select from (select from t where a>1) where b=`x") == ["a b", "---", "3 x"]


def test_select_by_computed_key(q):
    ev(q, "t:([]a:1 2 3 4 5)")
    assert lines(q, "select sum a by odd:a mod 2 from t") == ["odd| a", "---| -", "0  | 6",
                                                               "1  | 9"]


def test_select_from_dict(q):
    ev(q, "d:`a`b!(1 2 3;`x)")
    assert lines(q, "exec first a from d") == ["1"]
    assert lines(q, "exec a from d") == ["1 2 3"]


def test_exec_forms(q):
    ev(q, SP)
    assert lines(q, "exec amount:qty from sp") == [
        "amount| 300 200 400 200 100 100 300 400 200 200 300 400"]
    assert lines(q, "exec sum qty by s from sp") == ["s1| 1600", "s2| 700", "s3| 200", "s4| 600"]
    assert lines(q, "exec q:sum qty by s from sp") == [
        "  | q", "--| ----", "s1| 1600", "s2| 700", "s3| 200", "s4| 600"]
    assert lines(q, "exec q:sum qty by s:s from sp") == [
        "s | q", "--| ----", "s1| 1600", "s2| 700", "s3| 200", "s4| 600"]


def test_exec_last_record(q):
    ev(q, "t:([]a:1 2 3;b:`x`y`z)")
    assert lines(q, "exec from t") == ["a| 3", "b| `z"]


def test_exec_differing_lengths(q):
    ev(q, "t:([] name:`tom`dick`harry`jack`jill;sex:`m`m`m`m`f;eye:`blue`green`blue`blue`gray)")
    assert lines(q, "exec name, distinct eye from t") == [
        "name| `tom`dick`harry`jack`jill", "eye | `blue`green`gray"]
    assert lines(q, "select name, distinct eye from t")[0] == "'length"


def test_update_where_new_column_nulls(q):
    ev(q, "t:([]a:1 2 3)")
    r = ev(q, "update b:10 from t where a>1")
    assert r.col("b").dtype == np.int64
    assert r.col("b").tolist() == [-2**63, 10, 10]
    r = ev(q, "update s:`z from t where a=2")
    assert list(r.col("s")) == ["", "z", ""]
    r = ev(q, "update f:1.5 from t where a=2")
    assert np.isnan(r.col("f")[0]) and r.col("f")[1] == 1.5


def test_display_null_cells_blank(q):
    # q shows nulls in table cells as blanks (docs/ref/lj.md: `2 J 20`);
    # this depends on kapi/display.py, not on qsql
    ev(q, "t:([]a:1 2 3)")
    assert lines(q, "update b:10 from t where a>1") == ["a b", "----", "1", "2 10", "3 10"]
    assert lines(q, "update s:`z from t where a=2") == ["a s", "---", "1", "2 z", "3"]


def test_update_by_uniform(q):
    ev(q, SP)
    r = ev(q, "update cumqty:sums qty by s from sp")
    assert r.col("cumqty").tolist() == [300, 500, 900, 1100, 100, 1200, 300, 700, 200, 300,
                                        600, 1600]


def test_update_uses_original_columns(q):
    ev(q, "t:([]a:1 2)")
    assert lines(q, "update a:a+1, b:a from t") == ["a b", "---", "2 1", "3 2"]


def test_update_type_error_with_where(q):
    ev(q, "t:([]a:1 2)")
    assert lines(q, "update a:1.5 from t where a=1")[0] == "'type"


def test_update_by_name(q):
    ev(q, "t:([]a:1 2)")
    assert lines(q, "update a:neg a from `t") == ["`t"]
    assert lines(q, "t") == ["a", "--", "-1", "-2"]


def test_update_dict(q):
    ev(q, "d:`a`b!1 2")
    assert lines(q, "update a:10, c:3 from d") == ["a| 10", "b| 2", "c| 3"]


def test_delete_rows_and_cols(q):
    ev(q, "table:([] a:`a`b`c; n:1 2 3)")
    assert lines(q, "delete from table where a=`c") == ["a n", "---", "a 1", "b 2"]
    assert lines(q, "delete n from table") == ["a", "-", "a", "b", "c"]
    assert lines(q, "count delete from table") == ["0"]


def test_delete_dict_by_name(q):
    ev(q, "d:`a`b`c!til 3")
    assert lines(q, "delete b from `d") == ["`d"]
    assert lines(q, "d") == ["a| 0", "c| 2"]


def test_delete_keyed(q):
    ev(q, P)
    r = ev(q, "delete from p where city=`london")
    assert V.is_keyed(r) and list(r.keys.cols[0]) == ["p2", "p3", "p5"]


def test_select_in_lambda_locals(q):
    assert lines(q, "{[x;y]select from ([]a:0 1;b:2 3) where a=x,b=y}[0;2]") == [
        "a b", "---", "0 2"]


def test_select_sorted_by_float_key_with_null(q):
    ev(q, "t:([]k:1.5 0n 1.5 0.5;v:1 2 3 4)")
    r = ev(q, "select sum v by k from t")
    k = r.keys.cols[0]
    assert np.isnan(k[0]) and k[1:].tolist() == [0.5, 1.5]
    assert r.values.cols[0].tolist() == [2, 4, 4]


def test_select_by_string_column(q):
    ev(q, 't:([]s:("b";"a";"b");v:1 2 3)')
    r = ev(q, "select sum v by s from t")
    assert V.is_keyed(r)
    assert r.values.cols[0].tolist() == [2, 4]


def test_table_keywords(q):
    ev(q, "t:([]a:3 1 2;b:`c`a`b)")
    assert lines(q, "`a xasc t") == ["a b", "---", "1 a", "2 b", "3 c"]
    assert lines(q, "`a xdesc t") == ["a b", "---", "3 c", "2 b", "1 a"]
    assert lines(q, "`b xkey t") == ["b| a", "-| -", "c| 3", "a| 1", "b| 2"]
    assert lines(q, "`x`y xcol t") == ["x y", "---", "3 c", "1 a", "2 b"]
    assert lines(q, "`b xcols t") == ["b a", "---", "c 3", "a 1", "b 2"]
    assert lines(q, "keys `b xkey t") == [",`b"]


def test_insert_upsert(q):
    ev(q, "t:([]a:1 2;b:`x`y)")
    assert lines(q, "`t insert (3;`z)") == [",2"]
    assert lines(q, "count t") == ["3"]
    ev(q, "k:([a:1 2]b:`x`y)")
    assert lines(q, "k upsert (2;`w)") == ["a| b", "-| -", "1| x", "2| w"]


def test_fby(q):
    ev(q, "t:([]s:`a`b`a`b;p:1 5 3 2)")
    assert lines(q, "select from t where p=(max;p) fby s") == ["s p", "---", "b 5", "a 3"]


def test_ungroup(q):
    ev(q, "k:`a`b`a`b`c")
    ev(q, "v:10 20 30 40 50")
    assert lines(q, "ungroup select c2 by c1 from ([]c1:k;c2:v)") == [
        "c1 c2", "-----", "a  10", "a  30", "b  20", "b  40", "c  50"]


def test_dup_names_error(q):
    ev(q, "t:([]a:1 2;b:`x`y)")
    assert lines(q, "select b by b from t") == [
        "'dup names for cols/groups b", "  [0]  select b by b from t", "       ^"]
    r = ev(q, "select a by c:b,b from t")
    assert r.keys.names == ("c", "b")


def test_ktorch_options_dict(q):
    ev(q, "o:`optimizer`options!(`sgd;([]lr:enlist .1;momentum:enlist 0.9))")
    assert lines(q, "exec first options from o") == ["lr      | 0.1", "momentum| 0.9"]
    assert lines(q, "exec optimizer from o") == ["`sgd"]


def test_where_int_indices_and_i(q):
    ev(q, "t:([]a:10 20 30 40)")
    assert lines(q, "select i from t where a>15") == ["x", "-", "1", "2", "3"]
    assert lines(q, "select a by i mod 2 from t")[2:] == ["0| 10 30", "1| 20 40"]


def test_exec_by_named_key_table(q):
    ev(q, SP)
    r = ev(q, "exec sum qty by s:s from sp")
    assert isinstance(r.keys, KTable) and not isinstance(r.values, KTable)
    assert r.values.tolist() == [1600, 700, 200, 600]
