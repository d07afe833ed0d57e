"""q constructs used by ktorch's optimizer doc (seed 003), on plain q data
standing in for k-api objects: the language half of those examples."""

import pytest

from kapi.embed import Interpreter


@pytest.fixture
def q():
    q = Interpreter()
    # a stand-in for `opt o`: a dict holding a symbol and two tables
    q.console("d:`optimizer`options`parms!(`adamw;"
              "([]lr:.0002 .01;beta1:.9 .9;amsgrad:00b);"
              "([]parmgroup:0 0;module:`linear`linear;size:(10 128;,10)))")
    return q


def lines(q, src):
    return [ln.rstrip() for ln in q.console(src).split("\n")]


def test_exec_first_from_dict(q):
    assert lines(q, "exec first options from d") == [
        "lr     | 0.0002", "beta1  | 0.9", "amsgrad| 0b"]


def test_first_of_dict_column(q):
    assert lines(q, "first d`options") == ["lr     | 0.0002", "beta1  | 0.9", "amsgrad| 0b"]


def test_dict_display_with_tables(q):
    out = lines(q, "d")
    assert out[0] == "optimizer| `adamw"
    assert out[1].startswith("options  | +`lr`beta1`amsgrad!(")
    assert out[2].startswith("parms    | +`parmgroup`module`size!(0 0;`linear`linear;(10 128;,10))")


def test_ragged_table_cells(q):
    assert lines(q, "d`parms") == [
        "parmgroup module size", "-----------------------", "0         linear 10 128", "0         linear ,10"]


def test_each_left_over_functions(q):
    # ktorch: {x!x@\:y}[`class`objtype...;o] applies each verb named to o
    q.console("cls:{`optimizer};sz:{3}")
    assert lines(q, "{x!x@\\:y}[`cls`sz;0]") == ["cls| `optimizer", "sz | 3"]


def test_while_scan_with_composition(q):
    # ktorch: f ignores its argument, steps and returns (loss;tensor)
    q.console("c:0;f:{c::c+1;(1%2 xexp c;c)}")
    assert lines(q, "`loss`tensor!/:1_(.1<first@) f\\0w") == [
        "loss   tensor", "-------------", "0.5    1", "0.25   2", "0.125  3", "0.0625 4"]


def test_match_each_each_between_tables(q):
    assert lines(q, "s:([]a:1 2;b:3 4);s~''s") == ["a b", "---", "1 1", "1 1"]


def test_index_at_depth_with_symbols(q):
    q.console("s:`parms`buffers!(([]a:1 2);([]b:3 4))")
    assert lines(q, "s .`parms`a") == ["1 2"]


def test_reshape_and_roll(q):
    assert lines(q, "count 20 64#1e") == ["20"]
    assert lines(q, "count each 20 64#1e") == [" ".join(["64"] * 20)]
    assert lines(q, "type 20 64#1e") == ["0h"]
    assert lines(q, "{(count x;all x within 0 9;type x)} 20?10") == ["20", "1b", "7h"]


def test_projection_with_each_both(q):
    q.console("g:{(x;y;z)}")
    assert lines(q, "{g[x;y;z]}[`n]'[til 2;`a`b]") == ["`n 0 `a", "`n 1 `b"]
    assert q.console("{g[x;y;z]}[`n]'[til 2;`a`b];") == ""


def test_right_to_left_arithmetic(q):
    assert lines(q, "2*(1*1 8)+65*10*1 4") == ["1302 5216"]


def test_lr_style_list_argument(q):
    q.console("lr:{$[1=count x;x;x 1]}")
    assert lines(q, "lr(`o; .9*lr(`o;1.0))") == ["0.9"]
