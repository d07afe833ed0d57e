"""A process killed while `set` writes a large file never leaves a corrupt
or half-written target; `get` of damaged or hostile files gives a q error
and runs no code."""

import os
import signal
import subprocess
import sys
import time

import pytest

from kapi.embed import Interpreter

WRITER = r'''
import sys
from kapi.embed import Interpreter
q = Interpreter()
print("ready", flush=True)
while True:
    q.eval("`:%s set 20000000?1.0" % sys.argv[1])
    print("wrote", flush=True)
'''


def test_killed_writer_leaves_old_or_new_file(tmp_path):
    target = tmp_path / "big"
    q = Interpreter()
    q.eval("`:%s set 1 2 3" % target)
    before = target.read_bytes()
    p = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        time.sleep(0.6)  # in the middle of generating/writing 160 MB
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    data = target.read_bytes()
    if data != before:
        # a complete new file: 20M floats
        assert q.console("count get `:%s" % target) == "20000000"
    else:
        assert q.console("get `:%s" % target) == "1 2 3"
    leftovers = [f for f in os.listdir(tmp_path) if f != "big"]
    # a temporary file may remain after SIGKILL, but never under the target's name
    assert all(f != "big" for f in leftovers)


@pytest.mark.parametrize("cut", [1, 2, 5, 9, 17, 40])
def test_truncated_files_are_errors(tmp_path, cut):
    q = Interpreter()
    p = tmp_path / "t"
    q.eval("`:%s set ([]a:1 2 3;b:`x`y`z;c:(1 2;3;\"ab\"))" % p)
    data = p.read_bytes()
    p.write_bytes(data[:cut])
    out = q.console("get `:%s" % p)
    assert out.startswith("'")


def test_hostile_file_runs_no_code(tmp_path):
    q = Interpreter()
    p = tmp_path / "evil"
    # a pickle that would run code if anything unpickled it
    import pickle

    class Evil:
        def __reduce__(self):
            return (os.system, ("touch %s" % (tmp_path / "pwned"),))
    p.write_bytes(pickle.dumps(Evil()))
    out = q.console("get `:%s" % p)
    assert out.startswith("'")
    assert not (tmp_path / "pwned").exists()
    # a huge count with no data is refused without allocating
    p.write_bytes(bytes([0xff, 0x01, 0x09, 0x00]) + (2**31 - 1).to_bytes(4, "little"))
    assert q.console("get `:%s" % p).startswith("'")
