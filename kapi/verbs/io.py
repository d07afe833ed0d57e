"""Files: read0 read1 hcount hdel, 0: and 1: (text and byte files), get and
set of files and globals by name, hsym.
"""

import os

import numpy as np

from .. import values as V
from ..caps import needs
from ..errors import KError
from ..files import read_regular, write_bytes
from ..values import qtype
from .amend import value
from .registry import dyad, keyword, takes_interp


@keyword("get")
@takes_interp
def get(interp, x):
    """get x  the value of a global, or read a file written by set."""
    t = qtype(x)
    if t == -11 and x.startswith(":"):
        return read_file(interp, x)
    return value(interp, x)


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
@takes_interp
def set_(interp, x, y):
    """`:file set v writes v to a file (atomically) and returns `:file;
    `name set v assigns the global name."""
    it = interp
    if qtype(x) != -11:
        raise KError("type")
    if x.startswith(":"):
        from ..files import write_file
        write_file(file_path(it, x), y)
        return x
    it.assign(x, y)     # in the current context, or .ns.x (kapi.namespace)
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

_INTS = (-7, -6, -5)


def _path(h):
    """The OS path of a file symbol `:path."""
    if qtype(h) != -11 or not h.startswith(":"):
        raise KError("type")
    return h[1:]


def _source(x):
    """(path, offset, length) of a file symbol or a file descriptor (f;o;n)."""
    if qtype(x) == -11:
        return _path(x), 0, None
    if type(x) is list and len(x) == 3 and qtype(x[1]) in _INTS and qtype(x[2]) in _INTS:
        o, n = int(x[1]), int(x[2])
        if o < 0 or n < 0:
            raise KError("domain")
        return _path(x[0]), o, n
    raise KError("type")


@keyword("read0")
@needs("files")
def read0(x):
    """read0 `:f  the lines of a text file (LF or CRLF removed);
    read0 (`:f;o;n)  n characters from offset o."""
    path, o, n = _source(x)
    b = read_regular(path, o, n)
    if n is not None:
        return V.string(b)
    lines = b.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [V.string(ln[:-1] if ln.endswith(b"\r") else ln) for ln in lines]


@keyword("read1")
@needs("files")
def read1(x):
    """read1 `:f  the bytes of a file; read1 (`:f;o;n)  n bytes from offset o."""
    path, o, n = _source(x)
    return np.frombuffer(read_regular(path, o, n), dtype=np.uint8).copy()


@keyword("hcount")
@needs("files")
def hcount(x):
    """hcount `:f  the size of a file in bytes."""
    path = _path(x)
    try:
        return np.int64(os.stat(path).st_size)
    except OSError as e:
        raise KError("%s. OS reports: %s" % (path, e.strerror or e)) from None


@keyword("hdel")
@needs("files")
def hdel(x):
    """hdel `:f  delete a file or an empty directory; returns `:f."""
    path = _path(x)
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        else:
            os.unlink(path)
    except OSError as e:
        raise KError("%s. OS reports: %s" % (path, e.strerror or e)) from None
    return x


def _strings(y):
    if type(y) is np.ndarray and y.dtype.kind == "S":
        return [y.tobytes()]
    if type(y) is list and all(type(s) is np.ndarray and s.dtype.kind == "S" or qtype(s) == -10
                               for s in y):
        return [s.tobytes() if type(s) is np.ndarray else bytes(s) for s in y]
    raise KError("type")


@dyad("0:")
@needs("files")
def zero_colon(x, y):
    """`:f 0: strings  write the strings as lines of a text file (each ends
    in LF); returns `:f. (The parsing and formatting forms are not here yet.)"""
    if qtype(x) != -11 or not x.startswith(":"):
        raise KError("nyi: 0: other than `:file 0: strings")
    lines = _strings(y)
    write_bytes(_path(x), [b"".join(s + b"\n" for s in lines)])
    return x


@dyad("1:")
@needs("files")
def one_colon(x, y):
    """`:f 1: bytes  write a byte (or char) vector to a file; returns `:f.
    (The fixed-width reading form is not here yet.)"""
    if qtype(x) != -11 or not x.startswith(":"):
        raise KError("nyi: 1: other than `:file 1: bytes")
    if qtype(y) not in (4, 10, -4, -10):
        raise KError("type")
    write_bytes(_path(x), [np.atleast_1d(y).tobytes()])
    return x
