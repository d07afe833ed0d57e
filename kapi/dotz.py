"""The .z namespace: the environment (.z.K .z.o .z.i .z.h .z.u .z.a .z.f
.z.x ...) and the callbacks a session may assign (.z.pi .z.exit).

Static entries are stored when the interpreter starts; the rest are
computed when read (:meth:`ZSpace.__missing__`), so starting costs nothing
and an unassigned callback reads as ``'.z.pi``, as in q.  ``.z.s`` (the
running lambda) is resolved by the compiler inside a lambda's body.
"""

import os
import sys

import numpy as np

from . import temporal
from . import values as V
from .namespace import Namespace

VERSION = 4.1          # .z.K (and .Q.k): the q version kapi follows

# The clock values come from the temporal types (kapi/temporal.py, `now`);
# .z.k, the release date kapi answers as, is a date atom.
CLOCKS = ("p", "P", "d", "D", "t", "T", "n", "N", "z", "Z")
DATES = ("k",)
RELEASE = (2024, 10, 18)


def _os():
    """q's name of the platform: l64 m64 w64 (l64arm on 64-bit ARM Linux)."""
    import platform
    m = platform.machine().lower()
    if sys.platform.startswith("linux"):
        return "l64arm" if m in ("aarch64", "arm64") else "l64"
    if sys.platform == "darwin":
        return "m64"
    if sys.platform.startswith("win"):
        return "w64"
    return "l64"


def _host():
    import socket
    try:
        return socket.gethostname()
    except OSError:
        return ""


def _user():
    try:
        import getpass
        return getpass.getuser()
    except Exception:   # no user name in this environment (no passwd entry, no LOGNAME)
        return ""


def _address():
    """The host's IPv4 address as q's int (big-endian, signed)."""
    import socket
    try:
        ip = socket.gethostbyname(socket.gethostname())
    except OSError:
        ip = "127.0.0.1"
    a, b, c, d = (int(p) for p in ip.split("."))
    return np.int32(np.uint32((a << 24) | (b << 16) | (c << 8) | d).view(np.int32))


class ZSpace(Namespace):
    """.z: entries computed when read; a blocked capability reads as 'access."""

    __slots__ = ("interp",)

    # name -> (capability needed or None, function of the interpreter)
    COMPUTED = {
        "a": ("env", lambda it: _address()),
        "h": ("env", lambda it: _host()),
        "u": ("env", lambda it: _user()),
        "i": (None, lambda it: np.int32(os.getpid())),
        "c": (None, lambda it: np.int32(os.cpu_count() or 1)),
    }

    def __init__(self, interp):
        super().__init__("z")
        self.interp = interp

    def computed(self):
        return tuple(self.COMPUTED) + CLOCKS + DATES

    def __missing__(self, key):
        c = self.COMPUTED.get(key)
        if c is not None:
            cap, fn = c
            if cap is not None:
                self.interp.caps.require(cap)
            return fn(self.interp)
        if key in CLOCKS:
            return temporal.now(key)
        if key in DATES:
            return temporal.from_raw(np.datetime64("%04d-%02d-%02d" % RELEASE, "D")
                                     .astype(np.int64) - temporal.OFFSET[V.D], V.D, atom=True)
        raise KeyError(key)


def install(interp):
    """Make the interpreter's .z namespace."""
    z = ZSpace(interp)
    z.update({
        "K": np.float64(VERSION),
        "o": _os(),
        "f": "",                    # the script file (kapi file.q sets it)
        "x": [],                    # the script's arguments, as strings
        "X": [V.string("kapi")],    # the raw command line
        "w": np.int32(0),           # the handle: 0, the console
        "q": np.False_,             # quiet mode
    })
    interp.ws.spaces["z"] = z
    return z


def set_command_line(interp, file, args, argv0="kapi"):
    """.z.f .z.x .z.X for a script run as ``kapi file args..``."""
    z = interp.ws.spaces["z"]
    z["f"] = str(file or "")
    z["x"] = [V.string(a) for a in args]
    z["X"] = [V.string(a) for a in [argv0] + ([file] if file else []) + list(args)]
