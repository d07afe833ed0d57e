"""The system (kapi/verbs/system.py): q code run by the interpreter, compared with what
q prints (KX reference, docs/ref)."""

import pytest

@pytest.mark.parametrize("src,out", [
    ('getenv `KAPI_SURELY_UNSET_VAR_', '""'),
])
def test_console(q, src, out):
    assert q.console(src).split("\n")[0] == out
