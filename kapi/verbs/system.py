"""Files, globals by name and the system: set, get (files), system, hsym."""

import os

import numpy as np

from .. import values as V
from ..caps import needs
from ..errors import KError
from ..values import qtype
from . import dyad, keyword


from ..funcs import running as _interp

def file_path(interp, handle):
    """OS path of a file symbol `:path (relative to the working directory)."""
    if qtype(handle) != -11 or not handle.startswith(":"):
        raise KError("type")
    interp.caps.require("files")
    return handle[1:]


def read_file(interp, handle):
    """The value in a file written by set; a function in it is compiled from
    its source, never run (kapi.compile.lambda_from_source)."""
    from ..compile import lambda_from_source
    from ..files import read_file as rf
    path = file_path(interp, handle)
    return rf(path, lambda_factory=lambda src: lambda_from_source(interp, src))


@keyword("set", 2, infix=True)
def set_(x, y):
    """`:file set v writes v to a file (atomically) and returns `:file;
    `name set v assigns the global name."""
    it = _interp()
    if qtype(x) != -11:
        raise KError("type")
    if x.startswith(":"):
        from ..files import write_file
        write_file(file_path(it, x), y)
        return x
    if x in it.reserved:
        raise KError("assign")
    it.globals[x] = y
    return x


@keyword("hsym")
def hsym(x):
    """hsym `a  the file symbol `:a."""
    t = qtype(x)
    if t == -11:
        return x if x.startswith(":") else ":" + x
    if t == 11:
        return V.syms([s if s.startswith(":") else ":" + s for s in x])
    raise KError("type")


@keyword("system")
@needs("system")
def system(x):
    """system "cmd"  run a system command (as \\cmd) and return its result."""
    from ..system import system_command
    it = _interp()
    if qtype(x) not in (10, -10):
        raise KError("type")
    return system_command(it, V.pystr(x))


@keyword("getenv")
@needs("env")
def getenv(x):
    """getenv `NAME  an environment variable as a string."""
    if qtype(x) != -11:
        raise KError("type")
    return V.string(os.environ.get(x, ""))


@keyword("setenv", 2, infix=True)
@needs("env")
def setenv(x, y):
    """`NAME setenv "value"  set an environment variable (for this process and
    the programs it starts)."""
    if qtype(x) != -11 or not x or "=" in x or "\0" in x:
        raise KError("type")
    if qtype(y) not in (10, -10):
        raise KError("type")
    v = V.pystr(y)
    if "\0" in v:
        raise KError("type")
    os.environ[str(x)] = v
    return None


@dyad("2:")
def dynamic_load(x, y):
    """`lib 2:(`name;n)  dynamic load. Only ktorch's loader is known:
    `ktorch 2:`fns,1 gives a function returning the dictionary of k-api verbs,
    so {key[x]set'x;}(`ktorch 2:`fns,1)[] defines them as globals."""
    if qtype(x) != -11:
        raise KError("type")
    lib = x.lstrip(":").split("/")[-1]
    items = V.items(y) if qtype(y) >= 0 else [y]
    if lib != "ktorch" or not items or qtype(items[0]) != -11:
        raise KError(x + ": no such library (kapi provides ktorch only)")
    if items[0] != "fns":
        raise KError(items[0] + ": not a ktorch function (try `fns)")
    from ..api import fns
    from ..funcs import Builtin
    interp = _interp()
    return Builtin("fns", lambda _=None: fns(interp), 1)
