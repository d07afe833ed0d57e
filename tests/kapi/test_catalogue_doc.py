"""docs/catalogue.md covers every optimizer in the catalogue, with an update
rule and an oracle (regenerate with scripts/gen_catalogue.py)."""

import os
import re

from kapi.api.optim import catalog

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_catalogue_doc_is_complete():
    with open(os.path.join(ROOT, "docs", "catalogue.md")) as f:
        text = f.read()
    sections = re.findall(r"^## `(\w+)`$", text, re.M)
    # built-in optimizers only: tests may register custom ones in this process
    builtin = [r for r in catalog.help_table()
               if catalog.get(r[0]).cls.__module__.startswith(("kapi.", "torch.optim"))]
    assert set(r[0] for r in builtin) <= set(sections)
    assert set(sections) <= set(catalog.names())
    for name, _, opts, _ in builtin:
        part = text.split("## `%s`" % name, 1)[1].split("\n## ", 1)[0]
        assert "- update: (see its help)" not in part
        assert "- oracle:" in part
        for o in opts:
            assert "`%s`" % o in part, (name, o)
