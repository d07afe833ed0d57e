"""The k-api's imports go one way (issue 15, item 2, the kapi/api side):
no cycle among kapi/api modules, counting imports inside function bodies,
and nothing in kapi/api imports the layers above it (interp, embed, repl, cli)."""

import ast
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API = os.path.join(ROOT, "kapi", "api")
UPWARD = ("kapi.interp", "kapi.embed", "kapi.repl", "kapi.cli", "kapi.ipython", "repl")


def _modname(path):
    rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    return rel[:-len(".__init__")] if rel.endswith(".__init__") else rel


def _modules():
    out = {}
    for d, _, files in os.walk(API):
        for f in files:
            if f.endswith(".py"):
                p = os.path.join(d, f)
                out[_modname(p)] = p
    return out


def _imports(name, path):
    """Every module ``name`` imports, at module level or in a function body
    (``from . import x`` counts as importing the package and, when x is a
    module, x)."""
    pkg = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(open(path).read(), path)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            found.add(mod)
            found.update(mod + "." + a.name for a in node.names)
    return found


def graph():
    mods = _modules()
    return {m: sorted(i for i in _imports(m, p) if i in mods and i != m) for m, p in mods.items()}


def cycles(g):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_the_check_sees_a_cycle():
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert cycles({"a": ["b"], "b": []}) == []


def test_no_cycles_in_kapi_api():
    assert cycles(graph()) == []


@pytest.mark.parametrize("name", sorted(_modules()))
def test_no_upward_imports(name):
    up = [i for i in _imports(name, _modules()[name])
          if any(i == u or i.startswith(u + ".") for u in UPWARD)]
    assert up == []
