"""torch loads on the first k-api use, not before: starting kapi (the CLI,
the REPL's modules, an interpreter) and running plain q leave it unimported.
Each check runs in a fresh process (this one has torch loaded already)."""

import re
import subprocess
import sys

PLAIN = r'''
import sys
import kapi, kapi.cli, kapi.repl_entry
from kapi.repl import shell, complete, history, lexer, validate
q = kapi.Interpreter()
for src in ["x:til 10", "sum x*x", "t:([]n:`x`y`x;p:10 15 12)", "select s:sum p by n from t",
            "{x+y}/[1 2 3]", "2+\"a\"", "\\P 3", "\\t sum til 1000", "10?1.0", "`a`b!1 2",
            "f:{x*2}; f each 1 2", "@[{x+`a};1;{x}]", "string exp 1.0", "help`til", "key `.",
            "flip 3 4#til 12", "ss[\"abcabc\";\"b\"]", "value \"1+2\""]:
    q.console(src)
names = kapi.repl_entry.symbol_names(q)()      # completion's symbol names
assert "adam" in names and "linear" in names
print("torch" in sys.modules)
print(q.console("t:tensor 1 2 3; tensor t"))
print("torch" in sys.modules)
'''


def test_plain_q_does_not_import_torch():
    r = subprocess.run([sys.executable, "-c", PLAIN], capture_output=True, text=True, timeout=120)
    assert r.stdout.split("\n")[:3] == ["False", "1 2 3", "True"], r.stdout + r.stderr


def test_the_kapi_command_does_not_import_torch():
    # piped stdin: the REPL reads plain lines; -X importtime lists every module imported
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "kapi"], input="til 3\n1+1\n",
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout == "0 1 2\n2\n", r.stdout + r.stderr
    mods = re.findall(r"^import time:.*\|\s*(\S+)\s*$", r.stderr, re.M)
    assert "kapi.cli" in mods and "kapi.interp" in mods
    assert not [m for m in mods if m.split(".")[0] == "torch"]
