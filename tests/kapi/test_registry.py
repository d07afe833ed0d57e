"""Pointers, the registry, seed, laziness."""

import os
import subprocess
import sys

import numpy as np
import torch

from .conftest import fresh


def test_pointer_shape(q):
    p = q.eval("t:tensor 1 2 3")
    assert type(p) is list and len(p) == 1 and type(p[0]) is np.int64
    assert q.console("type t") == "0h"
    assert q.console("type each t") == ",-7h"


def test_stale_and_free_forms(q):
    q.eval("a:tensor 1 2; b:tensor 3 4; c:vector(1 2;3 4)")
    assert len(q.registry) == 3
    q.eval("free a")
    assert q.console("tensor a").split("\n")[0] == "'stale pointer"
    assert q.console("free a").split("\n")[0] == "'stale pointer"
    assert q.console("free(b;a)").split("\n")[0] == "'free: stale pointer, element[1] of given list"
    assert len(q.registry) == 2       # nothing freed by the failed call
    q.eval("free(b;c)")
    assert len(q.registry) == 0
    q.eval("a:tensor 1 2; b:tensor 3 4")
    q.eval("free[]")
    assert len(q.registry) == 0
    q.eval("a:tensor 1 2; b:tensor 3 4")
    q.eval("free()")
    assert len(q.registry) == 0
    q.eval("d:`x`y!(tensor 1 2;tensor 3)")
    q.eval("free d")
    assert len(q.registry) == 0


def test_vector_consumes_pointers(q):
    q.eval("t:tensor 1 2 3e; v:vector(t;4 5e)")
    assert q.console("tensor t").split("\n")[0] == "'stale pointer"
    assert q.console("vector v") == "1 2 3e\n4 5e"
    assert q.console("vector(v;1)") == "4 5e"
    q.eval("vector(v;1;9 9 9.0)")
    assert q.console("vector(v;1)") == "9 9 9f"
    assert q.console("vector(v;5)").split("\n")[0].startswith("'vector: index 5 invalid")
    assert q.console("size v") == "2"
    assert q.console("tensorcount v") == "2"
    assert q.console("elements v") == "6"
    assert q.console("bytes v") == "36"
    assert q.console("gradflag v") == "00b"
    q.eval("gradflag(v;1b)")
    assert q.console("gradflag v") == "11b"
    q.eval("gradflag(v;0;0b)")
    assert q.console("gradflag(v;0 1)") == "01b"


def test_info(q):
    q.eval("t:tensor(`zeros;64 128)")
    assert q.console("size t") == "64 128"
    assert q.console("(tensorcount;elements;bytes)@\\:t") == "1 8192 32768"
    assert q.console("class t") == "`tensor"
    assert q.console("objtype t") == "`tensor"
    q.eval("d:dict `a`b!(1 2 3e;4 5e)")
    assert q.console("`class`objtype`size`tensorcount`elements`bytes@\\:d") == \
        "`dictionary\n`tensor\n2\n2\n5\n20"
    assert q.console("class 5").split("\n")[0] == \
        "'class: need allocated torch object, e.g. tensor, module, given long scalar"
    assert q.console("size t") == "64 128"


def test_use(q):
    q.eval("a:tensor 1 2 3; v:vector(1 2;3 4)")
    assert q.console("use[a]v").split("\n")[0] == "'use: cannot re-assign tensor to vector"
    assert q.console("use[5]v").split("\n")[0] == "'use: 1st arg must be tensor, vector or dictionary"
    assert q.console("vector v") == "1 2\n3 4"          # unchanged
    q.eval("use[a]4 5e")
    assert q.console("tensor a") == "4 5e"
    assert len(q.registry) == 2


def test_seed_matches_torch(q):
    q.eval("seed 1234")
    a = q.eval("tensor t:tensor(`randn;3 1000;`double)")
    torch.manual_seed(1234)
    b = torch.randn(3, 1000, dtype=torch.float64).numpy()
    assert np.array_equal(np.array(a), b)
    q.eval("seed 7")
    a = q.eval("tensor t:tensor(`rand;5)")
    torch.manual_seed(7)
    assert np.array_equal(a, torch.rand(5).numpy())
    q.eval("seed 42; tensor(`randn;3 4;t)")
    torch.manual_seed(42)
    assert np.array_equal(np.array(q.eval("tensor t")), torch.randn(3, 4).numpy())


def test_registries_are_per_interpreter():
    q1, q2 = fresh(), fresh()
    q1.eval("t:tensor 1 2")
    assert len(q1.registry) == 1 and len(getattr(q2, "registry", ())) == 0


def test_help_text_is_docstring(q):
    from kapi.api import VERBS
    for name, (fn, _) in VERBS.items():
        assert fn.__doc__ and fn.__doc__.strip(), name
        assert q.builtins[name].__doc__ == fn.__doc__


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_create_free_cycles(q):
    q.eval("f:{t:tensor 1 2 3e; v:vector(1 2;3 4e); d:dict `a`b!(1 2;3e); free t; free(v;d)}")
    q.eval("do[1000;f[]]")
    before = _rss()
    q.eval("do[10000;f[]]")
    assert len(q.registry) == 0
    assert _rss() - before < 20 * 2**20


def test_import_is_lazy():
    code = ("import sys, kapi; from kapi.embed import Interpreter; from kapi.api import install; "
            "q=Interpreter(); install(q); q.eval('1+1'); assert 'torch' not in sys.modules, 'torch imported'")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_ktorch_loader_line():
    from kapi.embed import Interpreter
    q = Interpreter()
    assert q.console("{key[x]set'x;}(`ktorch 2:`fns,1)[]") == ""
    assert "tensor" in q.globals and "free" in q.globals
    assert q.console("t:tensor 1 2 3e;tensor t") == "1 2 3e"
    assert q.console("`nosuch 2:`fns,1").startswith("'nosuch: no such library")
