"""The system: system getenv setenv exit show, and 2: (dynamic load).
"""

import os

from .. import values as V
from ..caps import needs
from ..errors import KError
from ..values import qtype
from .atomic import INTLIKE
from .registry import dyad, keyword, takes_interp


@keyword("show")
@takes_interp
def show(interp, x):
    """show x  print x in console form; returns ::."""
    it = interp
    txt = it.show_text(x)
    if txt or x is not None:
        it.write(txt + "\n")
    return None


@keyword("exit")
@needs("exit")
def exit_(x):
    """exit n  end the process with status n (in an embedding host: raises
    kapi.KExit, a SystemExit)."""
    from ..errors import KExit
    raise KExit(int(x) if qtype(x) in INTLIKE else 0)


@keyword("system")
@needs("system")
@takes_interp
def system(interp, x):
    """system "cmd"  run a system command (as \\cmd) and return its result."""
    it = interp
    if qtype(x) not in (10, -10):
        raise KError("type")
    return it.system_command(V.pystr(x))


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
@takes_interp
def dynamic_load(interp, x, y):
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
    from ..funcs import Builtin
    return Builtin("fns", lambda _=None: interp.ktorch_fns(), 1)
