"""Reading values never runs code, and file readers are bounded.

Files and ``-9!`` bytes are crafted by hand here (not written by kapi), with
functions whose stored source has side effects, at the top level and nested
in lists, dicts and tables."""

import os
import struct
import subprocess
import sys
import threading
import time
import tracemalloc

import pytest

from kapi.errors import KError
from kapi.embed import Interpreter


# ---------------------------------------------------------------------------
# crafting serialized objects (the layout of docs/file-format.md)

def lam(src):
    b = src.encode()
    return b"\x64\x00" + b"\x0a\x00" + struct.pack("<i", len(b)) + b


def glist(*items):
    return b"\x00\x00" + struct.pack("<i", len(items)) + b"".join(items)


def longs(*v):
    return b"\x07\x00" + struct.pack("<i", len(v)) + struct.pack("<%dq" % len(v), *v)


def syms(*names):
    return b"\x0b\x00" + struct.pack("<i", len(names)) + b"".join(n.encode() + b"\0" for n in names)


def dct(k, v):
    return b"\x63" + k + v


def table(names, cols):
    return b"\x62\x00" + dct(syms(*names), glist(*cols))


def proj(*items):
    return b"\x68" + struct.pack("<i", len(items)) + b"".join(items)


def as_file(obj):
    return b"\xff\x01" + obj


def as_ipc(obj):
    return b"\x01\x00\x00\x00" + struct.pack("<i", 8 + len(obj)) + obj


def hexlit(b):
    return "0x" + b.hex()


def _snapshot(q):
    return {k: q.console("-3!" + k) if k.isidentifier() else None for k in q.globals}


def _registry_size(q):
    reg = getattr(q, "registry", None)
    return 0 if reg is None else len(reg.objs)


# sources that would do harm if run; none of them is one lambda
HARMFUL = [
    "`pwned set 1",
    "{x}[`pwned set 1]",
    "{x};`pwned set 1",
    "`pwned set 1;{x}",
    "{x} `pwned set 1",
    "exit 3",
    "{exit 3}[]",
    "{x}[exit 3]",
    "while[1;]",
    "{while[1;]}[]",
    "til 4000000000",
    "{til 4000000000}[]",
    "\\\\",
    "\\l /etc/passwd",
    "`:FILE set 1 2 3",
    "{`:FILE set x}[1]",
    "tensor(`randn;3 3)",
    "{x} tensor(`randn;3 3)",
    "{x}\n`pwned set 1",
    "",
    "   ",
    "{x",
]


def _nestings(src):
    one = lam(src)
    return {
        "top": one,
        "list": glist(longs(1, 2), one),
        "deep list": glist(glist(glist(one))),
        "dict": dct(syms("a", "b"), glist(longs(1), one)),
        "table": table(["c"], [glist(one)]),
        "projection": proj(lam("{x+y}"), one),
        "projected": proj(one, longs(1)),
    }


@pytest.fixture
def q():
    return Interpreter()


@pytest.mark.parametrize("src", HARMFUL)
def test_stored_source_with_side_effects_never_runs(q, tmp_path, src):
    target = tmp_path / "written"
    src = src.replace("FILE", str(target))
    q.console("keep:42")
    before, reg = _snapshot(q), _registry_size(q)
    for where, obj in _nestings(src).items():
        f = tmp_path / ("f_" + where.replace(" ", "_"))
        f.write_bytes(as_file(obj))
        for expr in ("get `:%s" % f, "-9!" + hexlit(as_ipc(obj)), "r:get `:%s" % f):
            t0 = time.perf_counter()
            out = q.console(expr)       # a KExit would fail the test here
            assert time.perf_counter() - t0 < 1.0, (where, expr)
            assert out.startswith("'"), (src, where, out)
            assert "pwned" not in q.globals and "r" not in q.globals
            assert _snapshot(q) == before and _registry_size(q) == reg
            assert not target.exists()


def test_rejected_function_error_is_clear(q, tmp_path):
    f = tmp_path / "f"
    f.write_bytes(as_file(lam("{x}[`pwned set 1]")))
    assert q.console("get `:%s" % f).startswith("'type: a stored function must be the source of one lambda")
    f.write_bytes(as_file(lam("{x+")))
    assert q.console("get `:%s" % f).startswith("'type: a stored function's source does not parse")


@pytest.mark.parametrize("src", ["{exit 3}", "{`pwned set 1}", "{while[1;]}", "{til 4000000000}",
                                 "{[a;b] `:/x set a}", " {x*2} ", "{x+y}\n"])
def test_one_lambda_is_compiled_not_run(q, tmp_path, src):
    f = tmp_path / "f"
    for where, obj in _nestings(src).items():
        if where in ("projection", "projected") and "[a;b]" in src:
            continue
        f.write_bytes(as_file(obj))
        t0 = time.perf_counter()
        out = q.console("r:get `:%s" % f)
        assert out == "", (where, out)
        assert time.perf_counter() - t0 < 1.0
        assert "pwned" not in q.globals
        assert q.console("type r") in ("100h", "0h", "99h", "98h", "104h"), where
    f.write_bytes(as_file(lam(src)))
    assert q.console("(get `:%s)~{x}" % f) == "0b"
    assert q.console("string get `:%s" % f) == q.console("string " + src.strip())


def test_lambdas_and_projections_round_trip(q, tmp_path):
    p = tmp_path / "p"
    cases = {"{x+y}": "3", "{x+y}[1]": "3", "{x+y+z}[;1]": "3", "{[a;b;c] a*b-c}[2;;1]": "2",
             "'[{x+1};{x*2}]": "5"}
    for f, want in cases.items():
        call = {"{x+y}": "[1;2]", "{x+y}[1]": "[2]", "{x+y+z}[;1]": "[1;1]",
                "{[a;b;c] a*b-c}[2;;1]": "[2]", "'[{x+1};{x*2}]": "[2]"}[f]
        assert q.console("`:%s set %s" % (p, f)) == "`:%s" % p
        assert q.console("(get `:%s)%s" % (p, call)) == want, f
        assert q.console("((-9!-8!(%s))%s)" % (f, call)) == want, f
        assert q.console("-3!get `:%s" % p) == q.console("-3!(%s)" % f), f


def test_projection_of_data_or_operator_is_refused(q):
    for obj in (proj(longs(1), longs(2)),                       # a list is not a function
                proj(b"\x66\x01", longs(1)),                    # +[1]: an operator
                glist(b"\x65\xff"),                             # an elided argument outside a projection
                proj(b"\x65\xff", lam("{x}")),                  # ... or as the function
                proj(lam("{x+y}"), longs(1), longs(2), longs(3)),   # too many arguments
                b"\x69" + struct.pack("<i", 3) + lam("{x}") * 3):    # a composition of three
        out = q.console("-9!" + hexlit(as_ipc(obj)))
        assert out.startswith("'"), obj


# ---------------------------------------------------------------------------
# bounded reads

def _bounded(q, expr):
    """Run expr; return (output, seconds, peak bytes allocated)."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        out = q.console(expr)
    finally:
        dt = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return out, dt, peak


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("expr", ["get `:/dev/zero", "\\l /dev/zero", "get `:/dev/urandom",
                                  "system \"l /dev/zero\""])
def test_devices_refused_at_once(q, expr):
    out, dt, peak = _bounded(q, expr)
    assert out.startswith("'/dev/") and "not a regular file (a device)" in out, out
    assert dt < 1.0 and peak < 100e6


def test_fifo_refused_without_blocking(q, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    done = []

    def run():
        done.append(_bounded(q, "get `:%s" % fifo))
        done.append(_bounded(q, "\\l %s" % fifo))
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(5)
    if t.is_alive():    # unblock the reader so the test process can end
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    for out, dt, peak in done:
        assert "not a regular file (a FIFO)" in out, out
        assert dt < 1.0 and peak < 100e6


def test_directory_refused(q, tmp_path):
    for expr in ("get `:%s" % tmp_path, "\\l %s" % tmp_path):
        out, dt, peak = _bounded(q, expr)
        assert "Is a directory" in out, out
        assert dt < 1.0 and peak < 100e6


@pytest.mark.parametrize("obj", [
    b"\x07\x00" + struct.pack("<i", 2**31 - 1),                    # a long vector of 2^31-1 items
    b"\x00\x00" + struct.pack("<i", 2**31 - 1) + longs(1),          # a general list
    b"\x0b\x00" + struct.pack("<i", 2**31 - 1) + b"a\0",            # symbols
    b"\x0a\x00" + struct.pack("<i", 2**31 - 1) + b"abc",            # chars
    lam("{x}")[:4] + struct.pack("<i", 2**31 - 1) + b"{x}",         # a lambda's source
    proj(lam("{x}"))[:1] + struct.pack("<i", 2**31 - 1),            # a projection
])
def test_length_fields_beyond_the_file(q, tmp_path, obj):
    f = tmp_path / "lie"
    f.write_bytes(as_file(obj))
    for expr in ("get `:%s" % f, "-9!" + hexlit(as_ipc(obj))):
        out, dt, peak = _bounded(q, expr)
        assert out.startswith(("'badtail", "'corrupt")), out
        assert dt < 1.0 and peak < 100e6


def test_a_file_is_read_to_its_size_only(tmp_path):
    from kapi.files import read_regular
    f = tmp_path / "f"
    f.write_bytes(b"abc")
    assert read_regular(f) == b"abc"
    with pytest.raises(KError):
        read_regular(tmp_path / "missing")


# ---------------------------------------------------------------------------
# set leaves no stray temporaries

def _dead_pid():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_temporaries_of_dead_writers_are_removed(q, tmp_path):
    target = tmp_path / "t"
    dead = tmp_path / (".t.kapi-%d-0123456789ab.tmp" % _dead_pid())
    live = tmp_path / (".t.kapi-%d-0123456789ab.tmp" % os.getppid())   # a live process: kept
    other = tmp_path / (".u.kapi-%d-0123456789ab.tmp" % _dead_pid())   # another target: kept
    for p in (dead, live, other):
        p.write_bytes(b"partial")
    assert q.console("`:%s set 1 2 3" % target) == "`:%s" % target
    assert not dead.exists() and live.exists() and other.exists()
    assert q.console("get `:%s" % target) == "1 2 3"
    assert sorted(os.listdir(tmp_path)) == sorted(["t", live.name, other.name])


def test_killed_writer_temporary_is_cleaned_by_next_write(tmp_path):
    """A writer killed mid-write leaves its temporary; the next set removes it."""
    target = tmp_path / "big"
    code = ("import kapi,os,signal,kapi.files as F\n"
            "orig=os.fsync\n"
            "def die(fd): os.kill(os.getpid(), signal.SIGKILL)\n"
            "os.fsync=die\n"
            "kapi.Interpreter().console('`:%s set til 100000')\n" % target)
    subprocess.run([sys.executable, "-c", code], timeout=60)
    left = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    assert left, "the killed writer left no temporary (the test did not kill it mid-write)"
    q = Interpreter()
    assert q.console("`:%s set 1 2" % target) == "`:%s" % target
    assert os.listdir(tmp_path) == ["big"]
