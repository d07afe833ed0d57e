"""Every q) example in README.md and docs/*.md runs, and prints what the
doc shows: `kapi --doctest` on each file (its q) blocks in order in one
fresh interpreter, its ```python blocks in one namespace), each file in a
process of its own, as a reader starting kapi would.  Blocks that cannot
run here carry a visible `<!-- no-test: reason -->` marker."""

import glob
import io
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from kapi.doctest import NO_TEST, markdown_blocks, mask_addresses, run_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def _runnable(path):
    return [b for b in markdown_blocks(_read(path)) if b[3] is None]


RUN = [p for p in DOCS if _runnable(p)]


def _doctest(path, cwd):
    # a fresh process in an empty directory: the examples may write files (`:m set ..)
    return subprocess.run([sys.executable, "-m", "kapi", "--doctest", path], cwd=cwd,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """`kapi --doctest` of every doc, one process per core at a time (most
    of each one's time is importing torch)."""
    dirs = {p: tmp_path_factory.mktemp("doc") for p in RUN}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        futs = {p: ex.submit(_doctest, p, dirs[p]) for p in RUN}
        return {p: f.result() for p, f in futs.items()}


@pytest.mark.parametrize("path", RUN, ids=[os.path.relpath(p, ROOT) for p in RUN])
def test_doc_examples(path, results):
    r = results[path]
    assert r.returncode == 0 and r.stdout.rstrip().endswith(" 0 failed"), r.stdout + r.stderr
    passed = int(re.fullmatch(r"(\d+) passed, 0 failed", r.stdout.splitlines()[-1]).group(1))
    assert passed >= len(_runnable(path))     # a block is one case or more: none was dropped


def test_the_docs_hold_examples():
    kinds = [b[0] for p in DOCS for b in _runnable(p)]
    assert kinds.count("q") >= 15 and kinds.count("python") >= 5


def test_every_marker_skips_a_block():
    # a marker that is misspelt or not right before a fence would skip nothing
    for p in DOCS:
        text = _read(p)
        markers = sum(bool(NO_TEST.fullmatch(ln.strip())) for ln in text.split("\n"))
        skipped = [b for b in markdown_blocks(text) if b[3] is not None]
        assert markers == len(skipped), p
        assert all(b[3] for b in skipped), p          # each gives its reason


# --------------------------------------------------------------------------
# the Markdown runner itself: it finds what it should and can fail

def _run(tmp_path, text):
    f = tmp_path / "t.md"
    f.write_text(text)
    out = io.StringIO()
    fails = []
    p, n = run_file(str(f), out, failures=fails)
    return p, n, fails, out.getvalue()


GOOD = """# title

```
q)x:1 2 3
q)x+1
2 3 4
```

Prose with `q)1+1` inline is not run.

```q
q)x*2
2 4 6
q)2+"a"
'type
  [0]  2+"a"
        ^
```

```python
import kapi
kapi.Interpreter().console("1")
```
"""


def test_markdown_blocks_run_in_order(tmp_path):
    assert _run(tmp_path, GOOD)[:3] == (3, 0, [])


def test_a_wrong_output_fails(tmp_path):
    p, n, fails, out = _run(tmp_path, GOOD.replace("2 4 6", "2 4 7"))
    assert (p, n, fails) == (2, 1, ["t.md:12"])
    assert "2 4 7" in out and "2 4 6" in out


def test_a_missing_output_fails(tmp_path):
    assert _run(tmp_path, "```\nq)1+1\n```\n")[:2] == (0, 1)


def test_a_failing_python_block_fails(tmp_path):
    p, n, fails, out = _run(tmp_path, "text\n\n```python\nx = 1\n1/0\n```\n")
    assert (p, n, fails) == (0, 1, ["t.md:4"])
    assert "t.md:5" in out and "ZeroDivisionError" in out


def test_a_python_syntax_error_fails(tmp_path):
    p, n, fails, out = _run(tmp_path, "```python\nx = (\n```\n\n```\nq)1+1\n2\n```\n")
    assert (p, n, fails) == (1, 1, ["t.md:2"]) and "SyntaxError" in out


def test_no_test_marker_skips_only_the_next_block(tmp_path):
    text = "<!-- no-test: needs two ranks -->\n```\nq)1+1\n3\n```\n\n```\nq)1+1\n3\n```\n"
    assert _run(tmp_path, text)[:2] == (0, 1)
    assert [b[3] for b in markdown_blocks(text)] == ["needs two ranks", None]


def test_other_blocks_are_not_run(tmp_path):
    text = "```\n$ kapi --doctest t.md\n1 passed\n```\n\n    q)indented\n\n```sh\nq)x\n```\n"
    blocks = markdown_blocks(text)
    # a ```sh block holding q) lines is still a q) block; the indented line is prose
    assert [(b[0], b[1]) for b in blocks] == [("q", 9)]


def test_address_mask_is_narrow():
    a = ["parmgroup pointer        module", "-------------------------", "0         94318534864048 parmdict"]
    b = ["parmgroup pointer         module", "--------------------------", "0         140318534864048 parmdict"]
    assert mask_addresses(a) == mask_addresses(b)
    # without an address nothing changes: widths and other numbers count
    assert mask_addresses(["1  2", "---"]) == ["1  2", "---"]
    assert mask_addresses(["12345678901 0"]) == ["12345678901 0"]
    assert mask_addresses(["0 94318534864048 x"]) != mask_addresses(["1 94318534864048 x"])
    # a float's digits are not an address
    assert mask_addresses(["0.123456789012345"]) == ["0.123456789012345"]
