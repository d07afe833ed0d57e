"""n!x internal functions on tables (they were taken for n!t keying)."""

from kapi.embed import Interpreter


def test_internal_functions_on_tables():
    q = Interpreter()
    assert q.console("-3!([]a:1 2)") == '"+(,`a)!,1 2"'
    assert q.console("-3!([k:1 2]v:3 4)") == '"(+(,`k)!,1 2)!+(,`v)!,3 4"'
    assert q.console("(-9!-8!t)~t:([]a:1 2;b:`x`y)") == "1b"
    out = q.console("0N!([]a:1 2)")
    assert out.split("\n")[0] == "+(,`a)!,1 2"
    assert q.console("1!([]a:1 2;b:3 4)") == "a| b\n-| -\n1| 3\n2| 4"
