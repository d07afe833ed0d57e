"""The q conformance corpus (../shared/conformance/q) through `kapi --doctest`.

Expected outputs are q's own.  The bar is 97%; cases we believe
wrong for q are listed in KNOWN_DIFFERENCES with a reason (none yet)."""

import glob
import io
import os

import pytest

from kapi.doctest import run_file

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "conformance", "q"))
FILES = sorted(glob.glob(os.path.join(CORPUS, "*.txt")))

# the share of cases that must pass: all of them (at least 97% is the bar)
BAR = float(os.environ.get("KAPI_CONFORMANCE_BAR", "1.0"))


@pytest.mark.skipif(not FILES, reason="shared/conformance not beside the checkout")
def test_conformance_corpus():
    out = io.StringIO()
    passed = failed = 0
    for f in FILES:
        p, fl = run_file(f, out)
        passed += p
        failed += fl
    share = passed / (passed + failed)
    print("conformance: %d passed, %d failed (%.1f%%)" % (passed, failed, 100 * share))
    assert share >= BAR, out.getvalue()[-5000:]
