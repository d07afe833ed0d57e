"""kdb+ binary serialization (-8! / -9! / set / get): kapi.files."""

import os
import random
import struct
import time

import numpy as np
import pytest

from kapi import files
from kapi.errors import KError
from kapi.files import (deserialize, from_ipc, read_bytes, read_file, serialize,
                        to_ipc, write_file)
from kapi.values import KDict, KFunc, KTable, qtype, string, syms


# --------------------------------------------------------------------------
# structural comparison of k values (type + content, bit-exact for floats)

def keq(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, KTable) or isinstance(b, KTable):
        return (isinstance(a, KTable) and isinstance(b, KTable)
                and a.names == b.names and len(a.cols) == len(b.cols)
                and all(keq(x, y) for x, y in zip(a.cols, b.cols)))
    if isinstance(a, KDict) or isinstance(b, KDict):
        return (isinstance(a, KDict) and isinstance(b, KDict)
                and keq(a.keys, b.keys) and keq(a.values, b.values))
    if type(a) is list or type(b) is list:
        return (type(a) is list and type(b) is list and len(a) == len(b)
                and all(keq(x, y) for x, y in zip(a, b)))
    if type(a) is np.ndarray or type(b) is np.ndarray:
        if not (type(a) is np.ndarray and type(b) is np.ndarray):
            return False
        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        if a.dtype == object:
            return all(type(x) is str and type(y) is str and x == y for x, y in zip(a, b))
        return np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()
    if qtype(a) != qtype(b):
        return False
    if isinstance(a, str):
        return a == b
    if isinstance(a, bytes):
        return bytes(a) == bytes(b)
    return type(a) is type(b) and np.asarray(a).tobytes() == np.asarray(b).tobytes()


def rt(x):
    """Round trip through every form and return the result of the plain one."""
    y = deserialize(serialize(x))
    assert keq(x, y), (x, y)
    assert keq(x, from_ipc(to_ipc(x)))
    assert keq(x, read_bytes(files.FILE_MAGIC + serialize(x)))
    assert keq(x, read_bytes(to_ipc(x)))
    return y


def test_keq_helper():
    assert keq(np.float64("nan"), np.float64("nan"))
    assert not keq(np.float64(0.0), np.float64(-0.0))
    assert not keq(np.int64(1), np.int32(1))
    assert not keq(np.array([1, 2]), [np.int64(1), np.int64(2)])
    assert not keq(syms(["a"]), syms(["b"]))
    assert keq(KDict(syms(["a"]), [None]), KDict(syms(["a"]), [None]))


def nan_payload(dt, bits):
    return np.array([bits], dtype={np.float64: np.uint64, np.float32: np.uint32}[dt]).view(dt)[0]


# --------------------------------------------------------------------------
# round trips

ATOMS = [
    np.True_, np.False_,
    np.uint8(0), np.uint8(255),
    np.int16(1), np.int16(-32768), np.int16(32767), np.int16(-32767),
    np.int32(0), np.int32(-2**31), np.int32(2**31 - 1), np.int32(-(2**31 - 1)),
    np.int64(42), np.int64(-2**63), np.int64(2**63 - 1), np.int64(-(2**63 - 1)),
    np.float32(1.5), np.float32("nan"), np.float32("inf"), np.float32("-inf"),
    np.float32(-0.0), nan_payload(np.float32, 0x7fc00123),
    np.float64(3.25), np.float64("nan"), np.float64("inf"), np.float64("-inf"),
    np.float64(-0.0), nan_payload(np.float64, 0xfff8000000000001),
    nan_payload(np.float64, 0x7ff0000000000abc),
    b"a", b" ", b"\0", b"\xff",
    "", "abc", "h\u00e9llo", "\u65e5\u672c", "a b.c",
    None,
]


@pytest.mark.parametrize("x", ATOMS, ids=lambda x: "%s-%r" % (type(x).__name__, x))
def test_atom_roundtrip(x):
    rt(x)


VECTORS = [
    np.array([True, False, True]), np.empty(0, bool),
    np.array([0, 1, 255], np.uint8), np.empty(0, np.uint8),
    np.array([1, -32768, 32767, -32767], np.int16), np.empty(0, np.int16),
    np.array([1, -2**31, 2**31 - 1], np.int32), np.empty(0, np.int32),
    np.array([1, -2**63, 2**63 - 1, 0], np.int64), np.empty(0, np.int64),
    np.array([1.5, np.nan, np.inf, -np.inf, -0.0], np.float32), np.empty(0, np.float32),
    np.array([1.5, np.nan, np.inf, -np.inf, -0.0], np.float64), np.empty(0, np.float64),
    string("hello"), string(""), string(b"a\0b\xff"), string("\u00e9t\u00e9"),
    syms(["a", "bc", "", "\u00e9", "x y"]), syms([]), syms([""]), syms(["", ""]),
]


@pytest.mark.parametrize("x", VECTORS, ids=lambda x: "%s-%d" % (x.dtype, len(x)))
def test_vector_roundtrip(x):
    y = rt(x)
    assert y.dtype == x.dtype and len(y) == len(x)
    if len(y):
        assert y.flags.writeable


def test_nan_payload_vector_bit_exact():
    a = np.array([0x7ff8000000000001, 0xfff8000000000000, 0x7ff4000000000000],
                 np.uint64).view(np.float64)
    assert deserialize(serialize(a)).view(np.uint64).tolist() == a.view(np.uint64).tolist()


def test_noncontiguous_vector():
    a = np.arange(10, dtype=np.int64)[::3]
    assert keq(rt(a), np.array([0, 3, 6, 9]))


def test_general_lists():
    rt([])
    rt([np.int64(1), b"a", "s", None])
    rt([np.int64(1), np.int64(2)])          # stays a general list
    rt([[], [[]], [np.array([1.0]), [string("x"), syms(["a"])]]])
    rt([KDict(syms(["a"]), np.array([1])), KTable(["c"], [np.array([1, 2])])])


def test_deep_but_allowed_nesting():
    x = np.int64(7)
    for _ in range(300):
        x = [x]
    y = rt(x)
    for _ in range(300):
        y = y[0]
    assert keq(y, np.int64(7))


def test_dicts():
    rt(KDict(syms(["a", "b"]), np.array([1, 2])))
    rt(KDict(syms([]), []))
    rt(KDict(np.array([1, 2], np.int32), [string("x"), None]))
    rt(KDict([np.int64(1), "a"], syms(["x", "y"])))
    rt(KDict(syms(["d"]), [KDict(syms(["e"]), np.array([1.0]))]))


def test_tables():
    t = KTable(["a", "b", "c"], [np.array([1, 2]), syms(["x", "y"]),
                                 [string("p"), string("qq")]])
    y = rt(t)
    assert isinstance(y, KTable) and y.names == ("a", "b", "c")
    rt(KTable(["a"], [np.empty(0, np.float64)]))
    rt(KTable([], []))


def test_keyed_table():
    k = KTable(["id"], [np.array([1, 2], np.int32)])
    v = KTable(["px", "sym"], [np.array([1.5, np.nan]), syms(["a", "b"])])
    y = rt(KDict(k, v))
    assert isinstance(y.keys, KTable) and isinstance(y.values, KTable)


def test_symbols_any_bytes_roundtrip():
    raw = b"\xff\xfe"                  # not UTF-8: kept bit-exact
    data = b"\xf5" + raw + b"\0"
    s = deserialize(data)
    assert isinstance(s, str)
    assert serialize(s) == data
    v = b"\x0b\x00\x02\x00\x00\x00" + raw + b"\0ok\0"
    assert serialize(deserialize(v)) == v


# --------------------------------------------------------------------------
# exact byte layouts (kdb+ -8! output derived from the documented format)

LAYOUTS = [
    # -8!1  (long atom)
    (np.int64(1), "0100000011000000f90100000000000000"),
    # -8!1i
    (np.int32(1), "010000000d000000fa01000000"),
    # -8!1h
    (np.int16(1), "010000000b000000fb0100"),
    # -8!0x2a
    (np.uint8(42), "010000000a000000fc2a"),
    # -8!1b / 0b
    (np.True_, "010000000a000000ff01"),
    (np.False_, "010000000a000000ff00"),
    # -8!1f : 1.0 = 0x3ff0000000000000
    (np.float64(1), "0100000011000000f7000000000000f03f"),
    # -8!1e : 1.0e = 0x3f800000
    (np.float32(1), "010000000d000000f80000803f"),
    # -8!0n (q's null float is 0xfff8000000000000) / 0Ni / 0Nj / 0W
    (nan_payload(np.float64, 0xfff8000000000000), "0100000011000000f7000000000000f8ff"),
    # numpy's default NaN keeps its own bits (kdb+ reads any NaN as null)
    (np.float64("nan"), "0100000011000000f7000000000000f87f"),
    (np.int32(-2**31), "010000000d000000fa00000080"),
    (np.int64(-2**63), "0100000011000000f90000000000000080"),
    (np.int64(2**63 - 1), "0100000011000000f9ffffffffffffff7f"),
    # -8!"a"  (char atom)
    (b"a", "010000000a000000f661"),
    # -8!`a  /  -8!`
    ("a", "010000000b000000f56100"),
    ("", "010000000a000000f500"),
    # -8!(::)
    (None, "010000000a0000006500"),
    # -8!`a`b
    (syms(["a", "b"]), "01000000120000000b000200000061006200"),
    # -8!"hi"
    (string("hi"), "01000000100000000a00020000006869"),
    # -8!`long$()  and -8!()
    (np.empty(0, np.int64), "010000000e000000070000000000"),
    ([], "010000000e000000000000000000"),
    # -8!1 2 3i
    (np.array([1, 2, 3], np.int32),
     "010000001a000000060003000000010000000200000003000000"),
    # -8!01b
    (np.array([False, True]), "01000000100000000100020000000001"),
    # -8!(1 2;3)  -- the example in kx's answers
    ([np.array([1, 2]), np.int64(3)],
     "010000002d000000000002000000070002000000010000000000000002000000"
     "00000000f90300000000000000"),
    # -8!`a`b!1 2
    (KDict(syms(["a", "b"]), np.array([1, 2])),
     "0100000029000000630b0002000000610062000700020000000100000000000000"
     "0200000000000000"),
    # -8!([]a:1 2)
    (KTable(["a"], [np.array([1, 2])]),
     "010000002f0000006200630b00010000006100000001000000070002000000"
     "01000000000000000200000000000000"),
]


@pytest.mark.parametrize("x,hexstr", LAYOUTS, ids=[h[16:30] for _, h in LAYOUTS])
def test_ipc_layout(x, hexstr):
    b = bytes.fromhex(hexstr)
    assert struct.unpack_from("<i", b, 4)[0] == len(b)   # the vectors are consistent
    assert to_ipc(x) == b
    assert serialize(x) == b[8:]
    assert keq(from_ipc(b), x)


def test_keyed_table_layout():
    k = KTable(["a"], [np.array([1], np.int32)])
    v = KTable(["b"], [syms(["x"])])
    body = bytes.fromhex(
        "63"                                   # dict
        "6200630b0001000000610000000100000006000100000001000000"  # ([]a:1i)
        "6200630b00010000006200000001000000"   # ([]b:`x): header
        "0b00010000007800")                    # `x column
    assert serialize(KDict(k, v)) == body


def test_ipc_message_type_and_header():
    b = to_ipc(np.int64(5), msgtype=2)
    assert b[:4] == b"\x01\x02\x00\x00"
    assert keq(from_ipc(b), np.int64(5))
    with pytest.raises(KError):
        to_ipc(np.int64(5), msgtype=7)


def test_big_endian_ipc_message():
    body = b"\x07\x00" + struct.pack(">i", 2) + struct.pack(">qq", 1, -2)
    msg = b"\x00\x01\x00\x00" + struct.pack(">i", 8 + len(body)) + body
    assert keq(from_ipc(msg), np.array([1, -2]))
    atom = b"\xf7" + struct.pack(">d", 2.5)
    msg = b"\x00\x00\x00\x00" + struct.pack(">i", 8 + len(atom)) + atom
    assert keq(from_ipc(msg), np.float64(2.5))


def test_temporal_types_read_as_storage():
    assert keq(deserialize(b"\xf2" + struct.pack("<i", 366)), np.int32(366))       # date
    assert keq(deserialize(b"\xf4" + struct.pack("<q", 10**18)), np.int64(10**18))  # timestamp
    assert keq(deserialize(b"\xf1" + struct.pack("<d", 1.5)), np.float64(1.5))     # datetime
    v = b"\x0e\x00\x02\x00\x00\x00" + struct.pack("<ii", 1, 2)                       # dates
    assert keq(deserialize(v), np.array([1, 2], np.int32))
    v = b"\x10\x00\x01\x00\x00\x00" + struct.pack("<q", 7)                           # timespans
    assert keq(deserialize(v), np.array([7], np.int64))


def test_sorted_dict_and_attributes_accepted():
    d = serialize(KDict(syms(["a"]), np.array([1])))
    assert keq(deserialize(b"\x7f" + d[1:]), KDict(syms(["a"]), np.array([1])))
    s = b"\x07\x01\x01\x00\x00\x00" + struct.pack("<q", 3)      # `s#,3
    assert keq(deserialize(s), np.array([3]))


def test_booleans_normalised():
    assert keq(deserialize(b"\x01\x00\x02\x00\x00\x00\x02\x00"), np.array([True, False]))
    assert keq(deserialize(b"\xff\x07"), np.True_)


def test_error_object_raises():
    with pytest.raises(KError) as e:
        deserialize(b"\x80oops\0")
    assert e.value.name == "oops"


# --------------------------------------------------------------------------
# lambdas and unserializable values

class Lam(KFunc):
    def __init__(self, source):
        self.source = source


class Prim(KFunc):
    qtype = 102


def test_lambda_roundtrip_with_factory():
    f = Lam("{x+1}")
    b = serialize(f)
    assert b == bytes.fromhex("64000a00050000007b782b317d")
    assert to_ipc(f)[4] == 8 + len(b)
    g = deserialize(b, lambda_factory=Lam)
    assert isinstance(g, Lam) and g.source == "{x+1}"
    got = []
    inside = deserialize(serialize([f, np.int64(1)]), lambda_factory=lambda s: got.append(s) or s)
    assert got == ["{x+1}"] and inside[0] == "{x+1}"


def test_lambda_with_context_and_unicode():
    src = "{\u00e9+x}".encode()
    b = b"d" + b"ns\0" + b"\x0a\x00" + struct.pack("<i", len(src)) + src
    assert deserialize(b, lambda_factory=lambda s: s) == "{\u00e9+x}"


def test_lambda_without_factory_is_type_error():
    with pytest.raises(KError) as e:
        deserialize(serialize(Lam("{x}")))
    assert e.value.name == "type"


def test_lambda_factory_failure_becomes_kerror():
    def bad(src):
        raise ValueError("no parse")
    with pytest.raises(KError):
        deserialize(serialize(Lam("{x")), lambda_factory=bad)


@pytest.mark.parametrize("x", [Prim(), KFunc(), 1, 1.5, True, "s".encode() * 2,
                               np.array([[1, 2]]), np.array([1], np.int8),
                               np.array(["a"], dtype="U1"), (1, 2), {"a": 1},
                               KDict(np.int64(1), np.int64(2)),
                               KDict(syms(["a"]), np.array([1, 2])),
                               KTable(["a", "b"], [np.array([1]), np.array([1, 2])]),
                               KTable(["a"], [np.int64(1)])])
def test_unserializable_values(x):
    with pytest.raises(KError):
        serialize(x)


def test_symbols_with_nul_rejected():
    with pytest.raises(KError):
        serialize("a\0b")
    with pytest.raises(KError):
        serialize(syms(["a", "b\0c"]))
    bad = np.empty(2, dtype=object)
    bad[:] = ["a", 1]
    with pytest.raises(KError):
        serialize(bad)


def test_primitive_and_guid_are_type_errors():
    # a projection of an operator (+[1]): projections of lambdas only
    plus1 = b"\x68\x02\x00\x00\x00\x66\x01\xf9" + bytes(8)
    for b in (b"\x65\x01", b"\x66\x00", plus1, b"\xfe" + bytes(16), b"\x14\x00\x00\x00\x00\x00"):
        with pytest.raises(KError) as e:
            deserialize(b)
        assert e.value.name == "type"


# --------------------------------------------------------------------------
# corrupt, truncated and hostile input

def sample():
    t = KTable(["a", "b", "s"], [np.array([1, 2, 3]), np.array([1.5, np.nan, 2.0]),
                                 syms(["x", "yy", ""])])
    return [np.int64(1), string("hello"), syms(["a", "bc"]), KDict(syms(["k"]), [t]),
            KDict(KTable(["k"], [np.array([1], np.int16)]), KTable(["v"], [[string("z")]])),
            [np.True_, np.uint8(3), b"c", "sym", None, np.float32(2)], np.empty(0, np.int32)]


def test_every_truncation_is_kerror():
    b = serialize(sample())
    for n in range(len(b)):
        with pytest.raises(KError):
            deserialize(b[:n])
    ipc = to_ipc(sample())
    for n in range(len(ipc)):
        with pytest.raises(KError):
            read_bytes(ipc[:n])
    f = files.FILE_MAGIC + b
    for n in range(len(f)):
        with pytest.raises(KError):
            read_bytes(f[:n])


def test_random_corruption_only_kerror():
    rnd = random.Random(1234)
    b = bytearray(serialize(sample()))
    for _ in range(3000):
        c = bytearray(b)
        for _ in range(rnd.randint(1, 4)):
            c[rnd.randrange(len(c))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            c = c[:rnd.randrange(len(c))]
        try:
            deserialize(bytes(c))
        except KError:
            pass


def test_random_garbage_only_kerror():
    rnd = random.Random(99)
    for _ in range(3000):
        g = bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 40)))
        for fn in (deserialize, read_bytes, from_ipc):
            try:
                fn(g)
            except KError:
                pass


@pytest.mark.parametrize("t", [0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15])
def test_huge_counts_rejected_fast(t):
    b = struct.pack("<bBi", t, 0, 2**31 - 1) + b"\0" * 16
    t0 = time.perf_counter()
    with pytest.raises(KError) as e:
        deserialize(b)
    assert time.perf_counter() - t0 < 0.5
    assert e.value.name == "badtail"
    with pytest.raises(KError):
        from_ipc(struct.pack("<BBBBi", 1, 0, 0, 0, 8 + len(b)) + b)


def test_huge_count_in_mapped_file_rejected():
    head = b"\xfe\x20\x09\x00\x00\x00\x00\x00" + struct.pack("<q", 2**62)
    with pytest.raises(KError):
        read_bytes(head + b"\0" * 8)
    head = b"\xfe\x20\x09\x00\x00\x00\x00\x00" + struct.pack("<q", -1)
    with pytest.raises(KError):
        read_bytes(head)


def test_negative_count():
    with pytest.raises(KError):
        deserialize(struct.pack("<bBi", 7, 0, -1))


def test_nesting_limit():
    leaf = serialize(np.int64(1))
    deep = b"\x00\x00\x01\x00\x00\x00" * 1000 + leaf
    with pytest.raises(KError):
        deserialize(deep)
    deep_dict = b"\x63" * 100000 + leaf
    with pytest.raises(KError):
        deserialize(deep_dict)
    x = np.int64(1)
    for _ in range(1000):
        x = [x]
    with pytest.raises(KError):
        serialize(x)
    ok = b"\x00\x00\x01\x00\x00\x00" * (files.MAX_DEPTH - 1) + leaf
    deserialize(ok)


@pytest.mark.parametrize("b", [
    b"", b"\x03\x00", b"\x32", b"\xe0\x00", b"\x07\x09\x00\x00\x00\x00",   # bad type / attr
    b"\xf9" + bytes(8) + b"\x00",                                           # trailing byte
    b"\x63\xf9" + bytes(8) + b"\xf9" + bytes(8),                            # dict of atoms
    b"\x63" + serialize(syms(["a"])) + serialize(np.array([1, 2])),         # count mismatch
    b"\x62\x00" + serialize(np.int64(1)),                                   # table of atom
    b"\x62\x00\x63" + serialize(syms(["a", "b"])) + serialize([np.array([1]), np.array([1, 2])]),
    b"\x62\x00\x63" + serialize(syms(["a"])) + serialize([np.int64(1)]),
    b"\x62\x00\x63" + serialize(syms(["a"])) + serialize(np.array([1])),
    b"\x64\x00\xf5a\x00",                                                   # lambda, no string
    b"\xf5abc",                                                             # unterminated sym
    b"\x0b\x00\x02\x00\x00\x00a\x00b",                                      # unterminated sym
])
def test_corrupt_inputs(b):
    with pytest.raises(KError):
        deserialize(b)


def test_ipc_header_checks():
    good = to_ipc(np.int64(1))
    for bad in (good[:7], b"\x02" + good[1:], good[:1] + b"\x05" + good[2:],
                good[:4] + struct.pack("<i", len(good) + 1) + good[8:],
                good[:4] + struct.pack("<i", len(good) - 1) + good[8:],
                good[:4] + struct.pack("<i", -5) + good[8:],
                good + b"\0"):
        with pytest.raises(KError):
            from_ipc(bad)
    with pytest.raises(KError) as e:
        from_ipc(good[:2] + b"\x01" + good[3:])        # compressed
    assert "nyi" in e.value.name


def test_unrecognised_file_header():
    for b in (b"\x07", b"\xab\xcd" + bytes(20), b"\xfd\x20" + bytes(30)):
        with pytest.raises(KError):
            read_bytes(b)


def test_non_bytes_input():
    with pytest.raises(KError):
        deserialize("not bytes")
    assert keq(deserialize(bytearray(serialize(np.int64(3)))), np.int64(3))
    assert keq(deserialize(memoryview(serialize(np.int64(3)))), np.int64(3))


# --------------------------------------------------------------------------
# files

def test_file_layout_and_roundtrip(tmp_path):
    p = tmp_path / "t"
    x = sample()
    write_file(p, x)
    data = p.read_bytes()
    assert data == b"\xff\x01" + serialize(x)
    assert keq(read_file(p), x)
    assert keq(read_file(str(p)), x)


def test_file_holding_ipc_message(tmp_path):
    p = tmp_path / "m"
    p.write_bytes(to_ipc(syms(["a", "b"])))
    assert keq(read_file(p), syms(["a", "b"]))


def test_kdb_simple_vector_file(tmp_path):
    # what kdb+ writes for `:f set 1 2 3: 0xfe20, type, attr, pad, int64 count, data
    p = tmp_path / "v"
    p.write_bytes(b"\xfe\x20\x07\x00\x00\x00\x00\x00" + struct.pack("<q", 3)
                  + struct.pack("<qqq", 1, 2, 3))
    assert keq(read_file(p), np.array([1, 2, 3]))
    p.write_bytes(b"\xfe\x20\x0a\x00\x00\x00\x00\x00" + struct.pack("<q", 2) + b"hi")
    assert keq(read_file(p), string("hi"))
    p.write_bytes(b"\xfe\x20\x07\x00\x00\x00\x00\x00" + struct.pack("<q", 3) + bytes(16))
    with pytest.raises(KError):
        read_file(p)


def test_file_lambda(tmp_path):
    p = tmp_path / "f"
    write_file(p, Lam("{x*y}"))
    assert read_file(p, lambda_factory=lambda s: ("fn", s)) == ("fn", "{x*y}")
    with pytest.raises(KError):
        read_file(p)


def test_overwrite(tmp_path):
    p = tmp_path / "t"
    write_file(p, np.int64(1))
    write_file(p, string("second"))
    assert keq(read_file(p), string("second"))
    assert sorted(os.listdir(tmp_path)) == ["t"]


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(KError):
        read_file(tmp_path / "nope")
    with pytest.raises(KError):
        write_file(tmp_path / "no" / "such" / "dir", np.int64(1))
    with pytest.raises(KError):
        read_file(tmp_path)                     # a directory


def _failing(*a, **k):
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("what", ["replace", "fsync"])
def test_atomic_write_failure_keeps_old_content(tmp_path, monkeypatch, what):
    p = tmp_path / "t"
    write_file(p, string("old"))
    before = p.read_bytes()
    monkeypatch.setattr(files.os, what, _failing)
    with pytest.raises(KError):
        write_file(p, string("new content"))
    monkeypatch.undo()
    assert p.read_bytes() == before
    assert keq(read_file(p), string("old"))
    assert os.listdir(tmp_path) == ["t"]        # no temporary file left behind


def test_atomic_write_interrupted(tmp_path, monkeypatch):
    p = tmp_path / "t"
    write_file(p, np.int64(1))

    def boom(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_file(p, np.int64(2))
    monkeypatch.undo()
    assert keq(read_file(p), np.int64(1))
    assert os.listdir(tmp_path) == ["t"]


def test_unserializable_value_leaves_disk_alone(tmp_path):
    p = tmp_path / "t"
    write_file(p, np.int64(1))
    with pytest.raises(KError):
        write_file(p, [np.int64(1), Prim()])
    assert keq(read_file(p), np.int64(1))
    assert os.listdir(tmp_path) == ["t"]


def test_written_file_uses_a_sibling_temp(tmp_path, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append((os.path.dirname(src), os.path.exists(src)))
        return real(src, dst)
    monkeypatch.setattr(files.os, "replace", spy)
    write_file(tmp_path / "t", np.int64(1))
    assert seen == [(str(tmp_path), True)]


# --------------------------------------------------------------------------
# performance: numeric vectors go through tobytes/frombuffer, not Python loops

def test_large_vector_speed():
    a = np.arange(10_000_000, dtype=np.float64)
    t0 = time.perf_counter()
    b = serialize(a)
    y = deserialize(b)
    assert time.perf_counter() - t0 < 3.0
    assert len(b) == 6 + a.nbytes
    assert np.array_equal(a, y)


def test_large_symbol_vector():
    s = syms(["s%d" % i for i in range(200_000)])
    t0 = time.perf_counter()
    assert keq(deserialize(serialize(s)), s)
    assert time.perf_counter() - t0 < 3.0
