"""The library's imports go one way (docs/architecture.md).

Every import of every module under kapi/ and repl/ is read from the source
(module level and inside function bodies), together with
``importlib.import_module`` calls and strings that name a kapi module (lazy
loading by name counts as an import).  The graph must have no cycle, and no
module may import a module of a higher layer.
"""

import ast
import functools
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Lowest first. A module belongs to the first layer with a prefix matching it;
# it may import modules of its own layer or below, never above.
LAYERS = [
    ("values", ["kapi.errors", "kapi.values", "kapi.caps", "kapi.temporal"]),
    ("text", ["kapi.text"]),
    ("functions", ["kapi.match", "kapi.tabular", "kapi.funcs", "kapi.iterators", "kapi.files",
                   "kapi.namespace"]),
    ("language", ["kapi.lexer", "kapi.parse", "kapi.compile", "kapi.qsql"]),
    ("verbs", ["kapi.verbs"]),
    ("display, scripts, system commands", ["kapi.display", "kapi.script", "kapi.system",
                                           "kapi.dotq", "kapi.dotz"]),
    ("k-api", ["kapi.api"]),
    ("interpreter", ["kapi.interp"]),
    ("embedding, tools", ["kapi.embed", "kapi.doctest", "kapi.fuzz"]),
    ("ways in: shell, IPython, CLI, the package",
     ["repl", "kapi.ipython", "kapi.repl_entry", "kapi.cli", "kapi.__main__", "kapi"]),
]


def layer_of(mod):
    best = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if mod == p or mod.startswith(p + "."):
                if best is None or len(p) > best[1]:
                    best = (rank, len(p))
    return None if best is None else best[0]


def _modname(path):
    rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    return rel[:-len(".__init__")] if rel.endswith(".__init__") else rel


@functools.lru_cache(maxsize=1)
def modules():
    out = {}
    for top in ("kapi", "repl"):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if f.endswith(".py"):
                    p = os.path.join(d, f)
                    out[_modname(p)] = p
    return out


_MODNAME = re.compile(r"^(kapi(?:\.\w+)+)(?::\w+)?$")


def imports(name, path, mods):
    """(imported module, how) for every kapi/repl module ``name`` imports.
    ``from pkg import x`` imports pkg.x when that is a module, else pkg."""
    pkg = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(open(path).read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            subs = [mod + "." + a.name for a in node.names if mod + "." + a.name in mods]
            if len(subs) < len(node.names):
                found.add(mod)
            found.update(subs)
        elif isinstance(node, ast.Call) and _is_import_module(node):
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif not _external(arg):
                found.add("<import_module of a computed name in %s>" % name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            m = _MODNAME.match(node.value)
            if m and m.group(1) in mods:
                found.add(m.group(1))
    out = set()
    for i in found:
        if i.startswith("<"):
            out.add(i)
            continue
        if i == "kapi.repl" or i.startswith("kapi.repl."):
            i = i[len("kapi."):]         # the installed package maps kapi.repl to repl/
        # importing a.b.c runs a, a.b and a.b.c: count the deepest library module
        while i and i not in mods:
            i = i.rpartition(".")[0]
        if i and i != name:
            out.add(i)
    return out


def _is_import_module(node):
    f = node.func
    return (isinstance(f, ast.Attribute) and f.attr == "import_module") or (
        isinstance(f, ast.Name) and f.id in ("import_module", "__import__"))


def _external(arg):
    """A computed module name that starts with a literal outside the library
    (``"torch.optim." + name``)."""
    while isinstance(arg, ast.BinOp):
        arg = arg.left
    return (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            and not arg.value.startswith((".", "kapi", "repl")))


@functools.lru_cache(maxsize=1)
def graph():
    mods = modules()
    return {m: sorted(imports(m, p, mods)) for m, p in mods.items()}


def cycles(g):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
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


def test_the_checks_see_what_they_look_for(tmp_path):
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert cycles({"a": ["b"], "b": []}) == []
    src = tmp_path / "m.py"
    src.write_text("import importlib\n"
                   "def f():\n    from .parse import parse\n    import kapi.values\n"
                   "    importlib.import_module('kapi.text')\n"
                   "    importlib.import_module('torch.optim.' + 'sgd')\n"
                   "    importlib.import_module(name)\n"
                   "ROW = 'kapi.funcs:Lambda'\n")
    mods = {"kapi.lexer": "", "kapi.parse": "", "kapi.values": "", "kapi.text": "", "kapi.funcs": ""}
    got = imports("kapi.lexer", str(src), mods)
    assert {"kapi.parse", "kapi.values", "kapi.text", "kapi.funcs"} <= got
    assert any(i.startswith("<import_module") for i in got)
    assert layer_of("kapi.verbs.lists") < layer_of("kapi.display") < layer_of("kapi.interp")
    assert layer_of("kapi") == len(LAYERS) - 1


def test_every_module_has_a_layer():
    assert [m for m in modules() if layer_of(m) is None] == []


def test_no_import_cycles():
    assert cycles(graph()) == []


# The optimizer catalogue resolves a row's class from its dotted path on first
# use ("kapi.api.optim.ftml.Ftml", "torch.optim.SGD"); those strings are
# counted above as imports by the module that writes the row.
COMPUTED_OK = {"kapi.api.optim.catalog"}


def test_no_computed_imports_of_library_modules():
    bad = {m: [i for i in deps if i.startswith("<")] for m, deps in graph().items()
           if m not in COMPUTED_OK}
    assert {m: v for m, v in bad.items() if v} == {}


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_go_down(name):
    g = graph()
    mine = layer_of(name)
    up = [(i, LAYERS[layer_of(i)][0]) for i in g[name]
          if not i.startswith("<") and layer_of(i) > mine]
    assert up == [], "%s (layer %r) imports a higher layer" % (name, LAYERS[mine][0])
