"""Distributed verbs without a process group: scripts written for several
processes run unchanged on one (rank 0, world size 1, collectives return
their input); bad input gives q errors; ddp and zero need distinit[] first;
the rank-aware console of the kapi command."""

import io
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from kapi.api import dist as D  # noqa: E402
from kapi.embed import Interpreter  # noqa: E402


@pytest.fixture
def q():
    assert not D.initialized(), "a process group was left behind by another test"
    return Interpreter()


def err(q, src):
    out = q.console(src)
    assert out.startswith("'"), (src, out)
    return out.split("\n")[0]


def test_rank_and_size_without_group(q):
    assert q("distrank[]") == 0 and q("worldsize[]") == 1
    assert q.eval("distrank[]").dtype == np.int64
    assert q.console("barrier[]") == ""
    assert q.console("distclose[]") == ""          # nothing to leave


def test_collectives_return_input(q):
    assert q.console("allreduce 1 2 3") == "1 2 3"
    assert q.console("allreduce(2 3#til 6;`max)") == "0 1 2\n3 4 5"
    assert q.console("allreduce(1 2;`avg)") == "1 2f"           # avg of longs: floats
    assert q.console("allreduce 1.5e") == "1.5e"
    assert q.console("broadcast `a`b!1 2") == "a| 1\nb| 2"
    assert q.console("broadcast(`x;0)") == "`x"
    assert q.console("t:tensor 1 2 3f; allreduce t; broadcast t; return t") == "1 2 3f"


@pytest.mark.parametrize("src,msg", [
    ("distrank 1", "'distrank: expecting no argument, e.g. distrank[], given long scalar"),
    ("worldsize`a", "'worldsize: expecting no argument, e.g. worldsize[], given symbol scalar"),
    ("barrier 1 2", "'barrier: expecting no argument, e.g. barrier[], given long list"),
    ("distinit`foo", "'distinit: unrecognized backend `foo, expecting one of: gloo nccl mpi"),
    ("distinit(`gloo;-1)", "'distinit: timeout expected as positive number of seconds"),
    ("distinit 1 2", "'distinit: expecting ::, backend symbol or (backend;timeout), given long list"),
    ("allreduce`a", "'allreduce: expecting numeric k value (short, int, long, real or float), given symbol scalar"),
    ("allreduce \"ab\"", "'allreduce: expecting numeric k value (short, int, long, real or float), given char list"),
    ("allreduce 101b", "'allreduce: expecting numeric k value (short, int, long, real or float), given boolean list"),
    ("allreduce(1 2;`mean)", "'allreduce: unrecognized operation `mean, expecting one of: sum prod min max avg"),
    ("allreduce(tensor 1 2;`avg)", "'allreduce: avg needs floating tensors, given long tensor"),
    ("allreduce module`relu", "'allreduce: expecting tensor, vector or dictionary pointer or k array, given module"),
    ("broadcast(1 2;1)", "'broadcast: source rank 1 invalid, world size 1"),
    ("broadcast(1 2;-1)", "'broadcast: source rank -1 invalid, world size 1"),
    ("broadcast {x}", "'broadcast: cannot send a function, given function"),
    ("broadcast sum", "'broadcast: cannot send a function, given function"),
    ("ddp 1", "'ddp: expecting module, given long scalar"),
    ("ddp opt`sgd", "'ddp: expecting module, given optimizer"),
    ("zero 1", "'zero: expecting optimizer, given long scalar"),
    ("zero module`relu", "'zero: expecting optimizer, given module"),
    ("allranks 1", "'allranks: expecting boolean, given long scalar"),
])
def test_errors(q, src, msg):
    assert err(q, src) == msg


def test_ddp_and_zero_need_a_group(q):
    q.eval("m:module seq(`sequential;(`linear;2;3);`relu); o:opt(`sgd;m;.1)")
    before = q.console("state m")
    assert err(q, "ddp m") == "'ddp: no process group, distinit[] first"
    assert err(q, "zero o") == "'zero: no process group, distinit[] first"
    assert err(q, "ddp(m;`bogus,1b)").startswith("'ddp: unrecognized option `bogus")
    assert err(q, "ddp(m;`unused,1)") == "'ddp: unused option expects boolean, given long scalar"
    # failing calls changed nothing
    assert getattr(q.registry.get(q.eval("m")), "ddp", None) is None
    assert type(q.object("o")) is torch.optim.SGD
    assert q.console("state m") == before
    assert q.console("class o") == "`optimizer"


def test_distinit_needs_the_whole_environment(q, monkeypatch):
    monkeypatch.setenv("RANK", "0")
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("MASTER_ADDR", raising=False)
    monkeypatch.delenv("MASTER_PORT", raising=False)
    assert err(q, "distinit[]") == \
        "'distinit: environment variable(s) WORLD_SIZE MASTER_ADDR MASTER_PORT not set (launch with torchrun)"
    monkeypatch.setenv("WORLD_SIZE", "x")
    assert err(q, "distinit[]") == "'distinit: environment variable WORLD_SIZE is not an integer: x"
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "2")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", "1")
    assert err(q, "distinit[]") == "'distinit: RANK 2 invalid for WORLD_SIZE 2"
    assert not D.initialized()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only message")
def test_nccl_needs_cuda(q):
    assert err(q, "distinit`nccl") == "'distinit: nccl backend needs CUDA, none available (use `gloo)"


# --------------------------------------------------------------------------
# the rank-aware console (kapi.api.dist.console, used by the kapi command)

def test_console_of_rank_1(q, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    monkeypatch.delenv("KAPI_ALLRANKS", raising=False)
    buf = io.StringIO()
    q.out = buf
    D.console(q)
    q.write("result\n")
    q.eval('-1 "handle"; show 42; 0N!`x')
    assert buf.getvalue() == ""
    assert bool(q("allranks[]")) is False
    q.eval("allranks 1b")
    q.eval('-1 "handle"')
    assert buf.getvalue() == "handle\n"
    q.eval("allranks 0b")
    q.write("again\n")
    assert buf.getvalue() == "handle\n"
    assert D.tag("'type") == "[rank 1] 'type"


def test_console_of_rank_0_and_env_switch(q, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "0")
    buf = io.StringIO()
    q.out = buf
    D.console(q)
    q.eval('-1 "zero"')
    assert buf.getvalue() == "zero\n"
    assert D.tag("'type") == "[rank 0] 'type"
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("KAPI_ALLRANKS", "1")
    q.eval('-1 "all"')
    assert buf.getvalue() == "zero\nall\n"
    assert bool(q("allranks[]")) is True


def test_single_process_console_untouched(q, monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    out = q.out
    D.console(q)
    assert q.out is out
    assert D.tag("'type") == "'type"


def test_kapi_command_names_the_rank(tmp_path):
    """The kapi command in a launch (torchrun's variables, no group joined): rank 1
    prints nothing and its error is prefixed with its rank."""
    f = tmp_path / "s.q"
    f.write_text('-1 "hello";\n1+1\n-2 "to stderr";\n1+`a\n')
    env = dict(os.environ, WORLD_SIZE="2", RANK="1")
    env.pop("KAPI_ALLRANKS", None)
    r = subprocess.run([sys.executable, "-m", "kapi", str(f)], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("to stderr\n[rank 1] 'type\n"), r.stderr
    env["RANK"] = "0"
    r = subprocess.run([sys.executable, "-m", "kapi", str(f)], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.stdout == "hello\n2\n" and "[rank 0] 'type" in r.stderr
    env.pop("WORLD_SIZE")
    env.pop("RANK")
    r = subprocess.run([sys.executable, "-m", "kapi", str(f)], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.stdout == "hello\n2\n" and r.stderr.startswith("to stderr\n'type"), r.stderr
