"""kdb+ binary serialization: ``-8!`` / ``-9!`` and the files written by ``set``.

Layout (little-endian throughout; see ``docs/file-format.md``):

* atom            type byte (negative, int8) + the value's bytes
* vector          type byte, attribute byte, int32 count, items
* symbol          UTF-8 bytes + NUL (atoms and vector items)
* general list    type 0, attribute, int32 count, then each item serialized
* dictionary      99, keys object, values object
* table           98, attribute, then a dictionary (99) of a symbol vector of
                  column names to a general list of the columns
* keyed table     a dictionary (99) of two tables
* ``::``          101 followed by the byte 0
* lambda          100, context symbol (NUL-terminated), source as char vector

An IPC message (``-8!x``) prefixes an 8-byte header: endian byte (1 = little),
message type, compression flag, reserved byte, int32 total length.  A file
written by ``set`` holds the bytes ``0xff 0x01`` followed by the serialized
object.

Reading is safe on hostile input: no code is executed, every length is checked
against the bytes that remain before anything is allocated, nesting is
limited, and every failure is a :class:`KError` (``badtail`` for truncated
data, ``corrupt file: ...`` for data that cannot be a serialized object).
Both directions are iterative, so deep nesting cannot exhaust the Python
stack.
"""

import os
import secrets
import stat
import struct

import numpy as np

from .errors import KError
from .funcs import ELIDED as _ELIDED, Composition, Lambda, Projection
from .values import KDict, KFunc, KTable, check_size, count, qtype

__all__ = ["serialize", "deserialize", "to_ipc", "from_ipc", "write_file",
           "read_file", "read_bytes", "FILE_MAGIC", "MAX_DEPTH"]

#: first two bytes of a file written by ``set`` for a plain object
FILE_MAGIC = b"\xff\x01"
#: first two bytes of a kdb+ file holding a simple (mappable) vector
_MAPPED_MAGIC = b"\xfe\x20"
#: maximum number of nested containers (lists, dicts, tables) in one object
MAX_DEPTH = 512

_I32_MAX = 2**31 - 1

# item size and storage dtype (without byte order) of each serialized type
# that maps onto a numpy vector.  Temporal types (12..19) are read as their
# underlying storage type: they have no representation of their own.
_STORAGE = {
    1: ("u1", 1), 4: ("u1", 1), 5: ("i2", 2), 6: ("i4", 4), 7: ("i8", 8),
    8: ("f4", 4), 9: ("f8", 8), 10: ("S1", 1),
    12: ("i8", 8),   # timestamp -> long
    13: ("i4", 4),   # month -> int
    14: ("i4", 4),   # date -> int
    15: ("f8", 8),   # datetime -> float
    16: ("i8", 8),   # timespan -> long
    17: ("i4", 4),   # minute -> int
    18: ("i4", 4),   # second -> int
    19: ("i4", 4),   # time -> int
}
# numpy dtype of our value for each storage type
_RESULT = {"u1": np.dtype(np.uint8), "i2": np.dtype(np.int16),
           "i4": np.dtype(np.int32), "i8": np.dtype(np.int64),
           "f4": np.dtype(np.float32), "f8": np.dtype(np.float64)}

# encoder: numpy dtype -> (q type, little-endian dtype)
_ENC = {
    np.dtype(np.bool_): (1, np.dtype(np.bool_)),
    np.dtype(np.uint8): (4, np.dtype(np.uint8)),
    np.dtype(np.int16): (5, np.dtype("<i2")),
    np.dtype(np.int32): (6, np.dtype("<i4")),
    np.dtype(np.int64): (7, np.dtype("<i8")),
    np.dtype(np.float32): (8, np.dtype("<f4")),
    np.dtype(np.float64): (9, np.dtype("<f8")),
    np.dtype("S1"): (10, np.dtype("S1")),
}
_ATOM_DT = {-1: np.dtype(np.bool_), -4: np.dtype(np.uint8), -5: np.dtype("<i2"),
            -6: np.dtype("<i4"), -7: np.dtype("<i8"), -8: np.dtype("<f4"),
            -9: np.dtype("<f8")}

_NAMES = {2: "guid", 20: "enumeration", 77: "anymap", 102: "operator",
          103: "iterator", 104: "projection", 105: "composition",
          106: "each", 107: "over", 108: "scan", 109: "each-prior",
          110: "each-right", 111: "each-left", 112: "foreign"}


def _corrupt(msg):
    return KError("corrupt file: " + msg)


def _unknown(t):
    """The error for type byte t: ``type`` for kdb+ types that have no value
    here (guid, enumerations, mapped lists, non-lambda functions), a
    corruption error for bytes that are no kdb+ type at all."""
    a = abs(t)
    if a in _NAMES or 20 <= a <= 97:
        return KError("type")
    return _corrupt("unknown type %d" % t)


# ==========================================================================
# encoding

def _sym_bytes(s):
    try:
        b = s.encode("utf-8", "surrogateescape")
    except (UnicodeError, AttributeError):
        raise KError("type") from None
    if b"\0" in b:
        raise KError("domain")   # a symbol cannot hold NUL
    return b + b"\0"


def _sym_vector_bytes(a):
    n = len(a)
    if n == 0:
        return b""
    try:
        joined = "\0".join(a.tolist())
    except TypeError:
        raise KError("type") from None
    try:
        b = joined.encode("utf-8", "surrogateescape")
    except UnicodeError:
        raise KError("type") from None
    if b.count(b"\0") != n - 1:
        raise KError("domain")
    return b + b"\0"


def _vec_header(t, n):
    if n > _I32_MAX:
        raise KError("limit")
    return struct.pack("<bBi", t, 0, n)


def _vector(x, out):
    """Append a 1-d ndarray: header and data (no per-item loop except syms)."""
    if x.ndim != 1:
        raise KError("type")
    n = len(x)
    if x.dtype == object:
        out.append(_vec_header(11, n))
        out.append(_sym_vector_bytes(x))
        return
    enc = _ENC.get(x.dtype)
    if enc is None:
        raise KError("type")
    t, dt = enc
    out.append(_vec_header(t, n))
    if n:
        a = np.ascontiguousarray(x, dtype=dt)
        out.append(memoryview(a.view(np.uint8)))


def _atom(x, out):
    t = qtype(x)
    if t == -11:
        out.append(b"\xf5" + _sym_bytes(str(x)))
    elif t == -10:
        b = bytes(x)
        if len(b) > 1:
            raise KError("type")
        out.append(b"\xf6" + (b or b"\0"))
    else:
        dt = _ATOM_DT.get(t)
        if dt is None:
            raise KError("type")
        out.append(struct.pack("<b", t) + np.asarray(x, dtype=dt).tobytes())


def _lambda(x, out):
    src = getattr(x, "source", None)
    if not isinstance(src, str):
        raise KError("type")
    b = src.encode("utf-8", "surrogateescape") if src else b""
    out.append(b"\x64\x00" + _vec_header(10, len(b)))
    out.append(b)


def _is_listy(x):
    return type(x) is np.ndarray or type(x) is list or isinstance(x, KTable)


def _encode(x):
    """Serialized form of x as a list of bytes-like chunks (nothing joined)."""
    out = []
    work = [(x, 0)]
    pop, push = work.pop, work.append
    while work:
        v, d = pop()
        tv = type(v)
        if tv is np.ndarray:
            _vector(v, out)
        elif tv is list:
            n = len(v)
            out.append(_vec_header(0, n))
            if n:
                if d >= MAX_DEPTH:
                    raise KError("nesting too deep to serialize")
                work.extend([(e, d + 1) for e in reversed(v)])
        elif v is None:
            out.append(b"\x65\x00")
        elif isinstance(v, KTable):
            names = np.empty(len(v.names), dtype=object)
            names[:] = [str(s) for s in v.names]
            cols = list(v.cols)
            if len(cols) != len(names):
                raise KError("length")
            for c in cols:
                if type(c) is not np.ndarray and type(c) is not list:
                    raise KError("type")
            if cols and any(len(c) != len(cols[0]) for c in cols):
                raise KError("length")
            if d + 3 > MAX_DEPTH:
                raise KError("nesting too deep to serialize")
            out.append(b"\x62\x00\x63")
            _vector(names, out)
            out.append(_vec_header(0, len(cols)))
            work.extend([(c, d + 3) for c in reversed(cols)])
        elif isinstance(v, KDict):
            if not (_is_listy(v.keys) and _is_listy(v.values)):
                raise KError("type")
            if count(v.keys) != count(v.values):
                raise KError("length")
            if d >= MAX_DEPTH:
                raise KError("nesting too deep to serialize")
            out.append(b"\x63")
            push((v.values, d + 1))
            push((v.keys, d + 1))
        elif isinstance(v, KFunc):
            parts = _function_parts(v)
            if parts is None:
                _lambda(v, out)
            else:
                if d >= MAX_DEPTH:
                    raise KError("nesting too deep to serialize")
                out.append(struct.pack("<Bi", parts[0], len(parts[1])))
                work.extend([(e, d + 1) for e in reversed(parts[1])])
        elif v is _ELIDED:
            out.append(b"\x65\xff")
        else:
            _atom(v, out)
    return out


def _function_parts(f):
    """(type byte, items) of a projection (104: the function, then its
    arguments, elided ones as 101 255) or a composition (105: its two
    functions); None for a lambda. Other functions cannot be stored."""
    if isinstance(f, Projection):
        args = list(f.args)
        while args and args[-1] is _ELIDED:     # q stores f[1] of {x+y} as (f;1)
            args.pop()
        return 104, [f.f] + args
    if isinstance(f, Composition):
        return 105, [f.f, f.g]
    return None


def _size(chunks):
    return sum(c.nbytes if isinstance(c, memoryview) else len(c) for c in chunks)


def serialize(x):
    """The serialized bytes of k value x (no IPC header, no file header)."""
    return b"".join(_encode(x))


def to_ipc(x, msgtype=0):
    """x as a kdb+ IPC message, i.e. what ``-8!x`` returns (8-byte header)."""
    if msgtype not in (0, 1, 2):
        raise KError("domain")
    chunks = _encode(x)
    n = 8 + _size(chunks)
    if n > _I32_MAX:
        raise KError("limit")
    return b"".join([struct.pack("<BBBBi", 1, msgtype, 0, 0, n)] + chunks)


# ==========================================================================
# decoding

_LIST, _DICT, _TABLE, _PROJ, _COMP = 0, 1, 2, 3, 4


class _Decoder:
    """Iterative reader of one serialized object from ``buf[pos:end]``."""

    def __init__(self, buf, pos, end, little=True, lambda_factory=None):
        self.buf = buf
        self.pos = pos
        self.end = end
        self.o = "<" if little else ">"
        self.i32 = struct.Struct(self.o + "i")
        self.lambda_factory = lambda_factory

    # -- primitive reads ---------------------------------------------------
    def need(self, n):
        if n < 0 or n > self.end - self.pos:
            raise KError("badtail")

    def byte(self):
        if self.pos >= self.end:
            raise KError("badtail")
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def count(self, minsize):
        """Read an int32 count of items each at least minsize bytes long."""
        self.need(4)
        n = self.i32.unpack_from(self.buf, self.pos)[0]
        self.pos += 4
        if n < 0:
            raise _corrupt("negative count")
        self.need(n * minsize)
        return n

    def attr(self):
        a = self.byte()
        if a > 4:
            raise _corrupt("bad attribute %d" % a)

    def cstr(self):
        """Raw bytes of a NUL-terminated string."""
        i = self.buf.find(b"\0", self.pos, self.end)
        if i < 0:
            raise KError("badtail")
        s = self.buf[self.pos:i]
        self.pos = i + 1
        return bytes(s)

    def sym(self):
        return self.cstr().decode("utf-8", "surrogateescape")

    def array(self, code, n):
        """n items of storage code (e.g. 'i8') as a fresh native numpy array."""
        dt, size = _STORAGE[code]
        self.need(n * size)
        if dt == "S1":
            a = np.frombuffer(self.buf, np.dtype("S1"), n, self.pos).copy()
        else:
            a = np.frombuffer(self.buf, np.dtype(self.o + dt), n, self.pos)
            a = a.astype(_RESULT[dt])      # copies, native byte order
            if code == 1:
                a = a != 0                  # booleans are 0/1 whatever was stored
        self.pos += n * size
        return a

    # -- objects -----------------------------------------------------------
    def leaf_atom(self, t):
        if t == -11:
            return self.sym()
        if t == -10:
            self.need(1)
            c = bytes(self.buf[self.pos:self.pos + 1])
            self.pos += 1
            return c
        if t == -128:
            msg = self.cstr().decode("utf-8", "replace")
            raise KError(msg or "error")
        if -t in _STORAGE:
            return self.array(-t, 1)[0]
        raise self.unknown(t)

    def unknown(self, t):
        return _unknown(t)

    def symvector(self, n):
        start = p = self.pos
        find, end = self.buf.find, self.end
        for _ in range(n):
            p = find(b"\0", p, end)
            if p < 0:
                raise KError("badtail")
            p += 1
        a = np.empty(n, dtype=object)
        if n:
            a[:] = bytes(self.buf[start:p - 1]).decode(
                "utf-8", "surrogateescape").split("\0")
        self.pos = p
        return a

    def lambda_(self):
        self.cstr()     # the context (namespace): not represented, dropped
        t = self.byte()
        if t != 10:
            raise _corrupt("lambda source is not a string")
        self.attr()
        n = self.count(1)
        src = bytes(self.buf[self.pos:self.pos + n]).decode("utf-8", "surrogateescape")
        self.pos += n
        if self.lambda_factory is None:
            raise KError("type")
        try:
            return self.lambda_factory(src)
        except KError:
            raise
        except Exception as e:  # the hook parses untrusted text
            raise _corrupt("lambda: %s" % e) from e

    def decode(self):
        stack = []
        while True:
            t = self.byte()
            if t > 127:
                t -= 256
            # ---- containers: push a frame (unless empty) ----
            if t == 0:
                self.attr()
                n = self.count(2)
                if n:
                    self._push(stack, [_LIST, n, []])
                    continue
                value = []
            elif t == 99 or t == 127:
                self._push(stack, [_DICT, 2, []])
                continue
            elif t == 98:
                self.attr()
                self._push(stack, [_TABLE, 1, []])
                continue
            elif t == 104 or t == 105:
                n = self.count(2)
                if t == 104 and not 1 <= n <= 9 or t == 105 and n != 2:
                    raise _corrupt("%s of %d items" % (_NAMES[t], n))
                self._push(stack, [_PROJ if t == 104 else _COMP, n, []])
                continue
            # ---- leaves ----
            elif t < 0:
                value = self.leaf_atom(t)
            elif t == 11:
                self.attr()
                value = self.symvector(self.count(1))
            elif t in _STORAGE:
                self.attr()
                value = self.array(t, self.count(_STORAGE[t][1]))
            elif t == 101:
                b = self.byte()
                if b == 255 and stack and stack[-1][0] == _PROJ and stack[-1][2]:
                    value = _ELIDED         # an elided argument of a projection
                elif b != 0:
                    raise KError("type")    # a primitive: not representable
                else:
                    value = None
            elif t == 100:
                value = self.lambda_()
            else:
                raise self.unknown(t)
            # ---- hand the value up to its containers ----
            while stack:
                fr = stack[-1]
                fr[2].append(value)
                if len(fr[2]) < fr[1]:
                    break
                stack.pop()
                value = self._finish(fr)
            else:
                return value

    def _push(self, stack, frame):
        if len(stack) >= MAX_DEPTH:
            raise _corrupt("nesting deeper than %d" % MAX_DEPTH)
        stack.append(frame)

    def _finish(self, fr):
        kind, _, got = fr
        if kind == _LIST:
            return got
        if kind == _PROJ or kind == _COMP:
            return _function(kind, got)
        if kind == _DICT:
            k, v = got
            if not (_is_listy(k) and _is_listy(v)):
                raise _corrupt("dictionary keys and values must be lists")
            if count(k) != count(v):
                raise _corrupt("dictionary keys and values differ in count")
            return KDict(k, v)
        d = got[0]
        if not (isinstance(d, KDict) and type(d.keys) is np.ndarray
                and d.keys.dtype == object and type(d.values) is list):
            raise _corrupt("table is not a dictionary of columns")
        cols = d.values
        for c in cols:
            if type(c) is not np.ndarray and type(c) is not list:
                raise _corrupt("table column is not a list")
        if cols and any(len(c) != len(cols[0]) for c in cols):
            raise _corrupt("table columns differ in length")
        return KTable(d.keys.tolist(), cols)


def _function(kind, got):
    """A projection or composition read back: only of functions that were
    themselves read back (lambdas, projections, compositions): building it
    calls nothing."""
    fns = got[:1] if kind == _PROJ else got
    for f in fns:
        if not isinstance(f, (Lambda, Projection, Composition)):
            raise KError("type")
    if kind == _COMP:
        return Composition(got[0], got[1])
    f, args = got[0], got[1:]
    if isinstance(f, Lambda):
        if len(args) > max(f.rank, 1):
            raise KError("rank")
        args += [_ELIDED] * (f.rank - len(args))
    return Projection(f, args)


def _as_buffer(b):
    if isinstance(b, bytes):
        return b
    if isinstance(b, (bytearray, memoryview)):
        return bytes(b)
    raise KError("type")


def _decode(buf, pos, end, little=True, lambda_factory=None):
    d = _Decoder(buf, pos, end, little, lambda_factory)
    v = d.decode()
    if d.pos != end:
        raise _corrupt("%d trailing bytes" % (end - d.pos))
    return v


def deserialize(b, lambda_factory=None):
    """The k value serialized in bytes b (as produced by :func:`serialize`).

    ``lambda_factory(source)`` builds a function value from a serialized
    lambda's text; without it a lambda is a ``type`` error.
    """
    b = _as_buffer(b)
    return _decode(b, 0, len(b), True, lambda_factory)


def _ipc_header(b):
    """(little_endian, msgtype) if b starts with a plausible IPC header."""
    if len(b) < 8:
        raise KError("badtail")
    e, mt, comp = b[0], b[1], b[2]
    if e not in (0, 1) or mt > 2:
        raise _corrupt("bad IPC header")
    if comp:
        raise KError("nyi: compressed IPC message")
    n = struct.unpack_from("<i" if e else ">i", b, 4)[0]
    if n < len(b):
        raise _corrupt("IPC length %d but %d bytes" % (n, len(b)))
    if n > len(b):
        raise KError("badtail")
    return e == 1, mt


def from_ipc(b, lambda_factory=None):
    """The k value in IPC message b (what ``-9!`` does)."""
    b = _as_buffer(b)
    little, _ = _ipc_header(b)
    return _decode(b, 8, len(b), little, lambda_factory)


# ==========================================================================
# files

def _oserror(path, e):
    return KError("%s. OS reports: %s" % (path, e.strerror or e))


def _fsync_dir(d):
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass        # not supported everywhere (e.g. Windows)
    finally:
        os.close(fd)


def _tmp_prefix(base):
    return ".%s.kapi-" % base


def _remove_stale(d, base):
    """Remove temporaries that an earlier write to the same target left when
    its process died (named .<target>.kapi-<pid>-<random>.tmp): those
    whose process no longer exists."""
    prefix = _tmp_prefix(base)
    try:
        names = [n for n in os.listdir(d) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for n in names:
        pid = n[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        try:
            os.unlink(os.path.join(d, n))
        except OSError:
            pass


def _alive(pid):
    if pid == os.getpid() or os.name == "nt":   # (signal 0 is not a probe on Windows)
        return True        # this process's own write in progress (another thread)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True        # exists, owned by someone else
    return True


def write_file(path, x):
    """Write x as kdb+ would with ``set`` (``0xff01`` + serialized object).

    The write is atomic: the data goes to a temporary file in the target's
    directory, is flushed and fsync'ed, and then renamed over the target, so
    the target holds either its old content or the complete new content.
    """
    chunks = _encode(x)           # serialization errors leave the disk alone
    write_bytes(path, [FILE_MAGIC] + chunks)


def write_bytes(path, chunks):
    """Write the bytes-like ``chunks`` to ``path`` atomically (as ``set``
    does: a temporary beside the target, fsync, rename)."""
    path = os.fspath(path)
    d, base = os.path.split(os.path.abspath(path))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    _remove_stale(d, base)
    for _ in range(100):
        tmp = os.path.join(d, "%s%d-%s.tmp" % (_tmp_prefix(base), os.getpid(), secrets.token_hex(6)))
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as e:
            raise _oserror(path, e) from e
    else:  # pragma: no cover - 100 random name collisions
        raise KError("%s. OS reports: cannot create temporary file" % path)
    try:
        with os.fdopen(fd, "wb") as f:
            for c in chunks:
                f.write(c)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise _oserror(path, e) from e
        raise
    _fsync_dir(d)


def _read_mapped(b):
    """A kdb+ simple-vector file: 0xfe20, type, attr, 4 pad, int64 count, data."""
    if len(b) < 16:
        raise KError("badtail")
    t = b[2]
    if b[3] > 4:
        raise _corrupt("bad attribute %d" % b[3])
    if t not in _STORAGE:
        raise KError("type") if t == 11 else _unknown(t)
    n = struct.unpack_from("<q", b, 8)[0]
    if n < 0:
        raise _corrupt("negative count")
    d = _Decoder(b, 16, len(b))
    return d.array(t, n)


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def read_regular(path, offset=0, length=None):
    """The bytes of the regular file at ``path``: what every file reader
    (get, \\l, read0, read1, 0:, 1:) reads through. A directory, device,
    FIFO or socket is refused before a byte is read (opening does not block:
    O_NONBLOCK), at most the size the file had when opened is read, and that
    size must pass the workspace limit ('wsfull). ``offset``/``length``
    read a part only (read0/read1 of a file descriptor (f;o;n))."""
    path = os.fspath(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as e:
        raise _oserror(path, e) from e
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = ("Is a directory" if stat.S_ISDIR(st.st_mode) else
                    "not a regular file (a FIFO)" if stat.S_ISFIFO(st.st_mode) else
                    "not a regular file (a device)" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                    else "not a regular file")
            raise KError("%s. OS reports: %s" % (path, kind))
        size = max(st.st_size - offset, 0)
        if length is not None:
            size = min(size, length)
        check_size(size, 1)
        if offset:
            os.lseek(fd, offset, os.SEEK_SET)
        buf = bytearray(size)
        view = memoryview(buf)
        got = 0
        while got < size:
            n = os.readv(fd, [view[got:]])
            if n == 0:            # the file shrank while we read it
                break
            got += n
        view.release()
        del buf[got:]
        return bytes(buf)
    except OSError as e:
        raise _oserror(path, e) from e
    finally:
        os.close(fd)


def read_file(path, lambda_factory=None):
    """The k value in a file written by ``set`` (or holding an IPC message)."""
    return read_bytes(read_regular(path), lambda_factory)


def read_bytes(b, lambda_factory=None):
    """Decode the content of a file: ``0xff01`` form, IPC form, or a kdb+
    simple-vector (``0xfe20``) file."""
    b = _as_buffer(b)
    if len(b) < 2:
        raise KError("badtail")
    head = b[:2]
    if head == FILE_MAGIC:
        return _decode(b, 2, len(b), True, lambda_factory)
    if head == _MAPPED_MAGIC:
        return _read_mapped(b)
    if head == b"\xfd\x20":
        raise KError("nyi: kdb+ nested or enumerated list file")
    if b[0] in (0, 1) and b[1] <= 2:
        return from_ipc(b, lambda_factory)
    raise _corrupt("unrecognised header 0x%s" % head.hex())
