"""The bit-field framework: MSB-first bits, CSN.1 L/H relative to 0x2B, and tables that pack and unpack."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sdrscan.gsm.rr.bits import PAD_OCTET, BitReader, BitsExhausted, BitWriter, EncodeError, pad_bit
from sdrscan.gsm.rr.fields import (
    MAX_REPEAT,
    ChainedList,
    Counted,
    Member,
    Remainder,
    RepeatWhile1,
    Sized,
    Struct,
    Uint,
    additions,
    decode_struct,
    encode_struct,
    field,
    lh_flag,
    optional,
    spare,
)


def test_pad_pattern_and_lh() -> None:
    assert [pad_bit(i) for i in range(8)] == [0, 0, 1, 0, 1, 0, 1, 1] and PAD_OCTET == 0x2B
    r = BitReader(bytes([0x2B, 0xD4]))  # all L, then all H (0xD4 = ~0x2B)
    assert [r.read_lh() for _ in range(16)] == [False] * 8 + [True] * 8
    assert r.read_lh() is False  # past the end: L (truncation, TS 44.018 §8.9)
    with pytest.raises(BitsExhausted):
        r.read(1)  # a plain bit past the end is an error


def test_msb_first_fields_across_octets() -> None:
    r = BitReader(bytes([0b10110011, 0b01000000]))
    assert (r.read(3), r.read(7), r.read(2)) == (0b101, 0b1001101, 0b00)


def test_writer_pads_with_2b_and_drops_trailing_l_bits() -> None:
    w = BitWriter()
    w.write(0b1, 1)
    assert w.to_bytes(2) == bytes([0x80 | (0x2B & 0x7F), 0x2B])
    w = BitWriter()
    w.write_octets(b"\xff")
    for _ in range(5):
        w.write_lh(False)  # L bits past the block are padding and may be cut
    assert w.to_bytes(1) == b"\xff"
    w.write_lh(True)
    with pytest.raises(EncodeError):
        w.to_bytes(1)  # an H past the block is content that does not fit
    with pytest.raises(EncodeError):
        BitWriter().write(8, 3)


@dataclasses.dataclass(frozen=True, slots=True)
class Demo:
    a: int
    flag: bool
    opt: int | None
    items: tuple[int, ...]
    more: object | None


DEMO = Struct(Demo, field("a", 4), spare(2, 0b10), lh_flag("flag"), optional("opt", 5, lh=True),
              Member("items", RepeatWhile1(Uint(3))), additions("more", Struct("More", field("x", 2))))


@given(st.integers(0, 15), st.booleans(), st.none() | st.integers(0, 31), st.lists(st.integers(0, 7), max_size=8),
       st.none() | st.integers(0, 3))
def test_struct_roundtrip(a: int, flag: bool, opt: int | None, items: list[int], x: int | None) -> None:
    more = None if x is None else DEMO.members[-1].codec.inner.cls(x)
    value = Demo(a, flag, opt, tuple(items), more)
    data = encode_struct(DEMO, value, 8)
    assert decode_struct(DEMO, data) == value


def test_struct_table_must_match_its_class() -> None:
    with pytest.raises(TypeError):
        Struct(Demo, field("a", 4))
    with pytest.raises(TypeError):
        Struct("Dup", field("a", 1), field("a", 2))


def test_sized_container_recomputes_its_length() -> None:
    inner = Struct("Inner", field("x", 3), Member("rest", Remainder()))
    outer = Struct("Outer", Member("c", Sized(6, inner)), field("tail", 4))
    value = outer.cls(inner.cls(5, "0110"), 9)
    data = encode_struct(outer, value, 3)
    assert BitReader(data).read(6) == 3 + 4 - 1  # length field = content bits - 1
    assert decode_struct(outer, data) == value


def test_chained_and_counted_lists() -> None:
    s = Struct("L", Member("chain", ChainedList(Uint(4))), field("n", 3), Member("c", Counted(Uint(2), "n")))
    v = s.cls((1, 2, 3), 2, (3, 0))
    assert decode_struct(s, encode_struct(s, v)) == v
    with pytest.raises(EncodeError):
        encode_struct(s, s.cls((1,), 3, (1,)))  # count disagrees with the list


def test_endless_repetition_is_bounded() -> None:
    s = Struct("R", Member("r", RepeatWhile1(Uint(0))))
    with pytest.raises(BitsExhausted):
        decode_struct(s, b"\xff" * (MAX_REPEAT // 8 + 2))
