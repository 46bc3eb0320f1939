"""A small declarative bit-field framework: one table per IE or CSN.1 structure packs *and* unpacks.

A :class:`Struct` is a list of members ``(name, codec)``; decoding yields a frozen dataclass whose fields
are the member names, encoding reads the same attributes back. Codecs mirror the CSN.1 constructs of
TS 24.007 §11 / TS 44.018 §10.5.2 used by the RR rest octets:

========================================  ======================================================
CSN.1                                     codec
========================================  ======================================================
``< X : bit (n) >``                        :func:`field` / :class:`Uint`
``L | H`` (a bit relative to padding)       :func:`lh_flag` / :class:`LHBit`
``{ 0 | 1 < X > }``, ``{ L | H < X > }``  :func:`optional` / :class:`Optional`
``{ null | L | H < X > }``                  :func:`additions` / :class:`Additions`
``{ 1 < X > } ** 0``                        :class:`RepeatWhile1`
``< X > { 0 | 1 < X > }`` (recursion)      :class:`ChainedList`
``{ < X > } * (val(N))``                    :class:`Counted`
``< bit (val(N) + k) & < X > >``            :class:`Sized`
fixed / spare bits                          :func:`spare` / :class:`Const`
bits this module does not interpret        :class:`Remainder` (kept verbatim for exact re-encoding)
========================================  ======================================================

Names are the specification's, lower-cased with underscores (``CELL_RESELECT_OFFSET`` →
``cell_reselect_offset``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from sdrscan.gsm.rr.bits import BitReader, BitsExhausted, BitWriter, EncodeError

Scope = Mapping[str, Any]
Predicate = Callable[[Scope], bool]

# A malformed block must never make a repetition run for long: no RR structure has more entries.
MAX_REPEAT = 256


class Codec:
    """Packs and unpacks one value; ``scope`` holds the fields decoded so far in the enclosing struct."""

    def decode(self, r: BitReader, scope: Scope) -> Any:
        raise NotImplementedError

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        raise NotImplementedError


class Uint(Codec):
    """``bit (n)``: an unsigned integer, most significant bit first."""

    def __init__(self, bits: int) -> None:
        self.bits = bits

    def decode(self, r: BitReader, scope: Scope) -> int:
        return r.read(self.bits)

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        w.write(int(value), self.bits)


class LHBit(Codec):
    """One ``L | H`` bit, decoded as a bool (H = True)."""

    def decode(self, r: BitReader, scope: Scope) -> bool:
        return r.read_lh()

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        w.write_lh(bool(value))


class Const(Codec):
    """Fixed or spare bits: written as ``value``, ignored when read (spare bits carry no meaning)."""

    def __init__(self, bits: int, value: int = 0) -> None:
        self.bits = bits
        self.value = value

    def decode(self, r: BitReader, scope: Scope) -> None:
        r.read(self.bits)

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        w.write(self.value, self.bits)


class Optional(Codec):
    """``{ 0 | 1 < X > }`` or, with ``lh=True``, ``{ L | H < X > }``: None when absent."""

    def __init__(self, inner: Codec, lh: bool = False) -> None:
        self.inner = inner
        self.lh = lh

    def decode(self, r: BitReader, scope: Scope) -> Any:
        present = r.read_lh() if self.lh else bool(r.read(1))
        return self.inner.decode(r, scope) if present else None

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        if self.lh:
            w.write_lh(value is not None)
        else:
            w.write(int(value is not None), 1)
        if value is not None:
            self.inner.encode(w, value, scope)


class Additions(Codec):
    """``{ null | L | H < X > }``: a release extension. None when absent or when the data ended."""

    def __init__(self, inner: Codec) -> None:
        self.inner = inner

    def decode(self, r: BitReader, scope: Scope) -> Any:
        return self.inner.decode(r, scope) if r.read_lh() else None

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        w.write_lh(value is not None)
        if value is not None:
            self.inner.encode(w, value, scope)


class RepeatWhile1(Codec):
    """``{ 1 < X > } ** 0``: entries each preceded by a 1, closed by a 0; decoded as a tuple."""

    def __init__(self, inner: Codec) -> None:
        self.inner = inner

    def decode(self, r: BitReader, scope: Scope) -> tuple[Any, ...]:
        out: list[Any] = []
        while r.read(1):
            if len(out) >= MAX_REPEAT:
                raise BitsExhausted("repetition does not end")
            out.append(self.inner.decode(r, scope))
        return tuple(out)

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        for item in value:
            w.write(1, 1)
            self.inner.encode(w, item, scope)
        w.write(0, 1)


class ChainedList(Codec):
    """``< X > { 0 | 1 < X > ... }``: one or more entries, each followed by a 1 when another comes."""

    def __init__(self, inner: Codec) -> None:
        self.inner = inner

    def decode(self, r: BitReader, scope: Scope) -> tuple[Any, ...]:
        out = [self.inner.decode(r, scope)]
        while r.read(1):
            if len(out) >= MAX_REPEAT:
                raise BitsExhausted("list does not end")
            out.append(self.inner.decode(r, scope))
        return tuple(out)

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        if not value:
            raise EncodeError("a chained list needs at least one entry")
        for i, item in enumerate(value):
            if i:
                w.write(1, 1)
            self.inner.encode(w, item, scope)
        w.write(0, 1)


class Counted(Codec):
    """``{ < X > } * (val(count_field) + offset)``: a tuple whose length an earlier field gives."""

    def __init__(self, inner: Codec, count_field: str, offset: int = 0) -> None:
        self.inner = inner
        self.count_field = count_field
        self.offset = offset

    def _count(self, scope: Scope) -> int:
        return int(scope[self.count_field]) + self.offset

    def decode(self, r: BitReader, scope: Scope) -> tuple[Any, ...]:
        return tuple(self.inner.decode(r, scope) for _ in range(self._count(scope)))

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        if len(value) != self._count(scope):
            raise EncodeError(f"{len(value)} entries given but {self.count_field} says {self._count(scope)}")
        for item in value:
            self.inner.encode(w, item, scope)


class BitString(Codec):
    """``bit (val(length_field) + offset)`` or ``bit (n)`` kept as a '0'/'1' string."""

    def __init__(self, length_field: str | None = None, offset: int = 0, bits: int | None = None,
                 length_fn: Callable[[Scope], int] | None = None) -> None:
        self.length_field = length_field
        self.offset = offset
        self.bits = bits
        self.length_fn = length_fn

    def _length(self, scope: Scope) -> int:
        if self.length_fn is not None:
            return self.length_fn(scope)
        if self.bits is not None:
            return self.bits
        return int(scope[self.length_field]) + self.offset

    def decode(self, r: BitReader, scope: Scope) -> str:
        n = self._length(scope)
        return format(r.read(n), f"0{n}b") if n else ""

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        n = self._length(scope)
        if len(value) != n:
            raise EncodeError(f"bit string of {len(value)} bits given, {n} expected")
        w.write_bitstring(value)


class Remainder(Codec):
    """Every bit left in the current container, verbatim (parts this module does not interpret)."""

    def decode(self, r: BitReader, scope: Scope) -> str:
        return r.rest_as_bitstring()

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        w.write_bitstring(value or "")


class Custom(Codec):
    """Escape hatch for constructs that are not worth a generic codec (exclusive choices, ranges)."""

    def __init__(self, decode: Callable[[BitReader, Scope], Any],
                 encode: Callable[[BitWriter, Any, Scope], None]) -> None:
        self._decode = decode
        self._encode = encode

    def decode(self, r: BitReader, scope: Scope) -> Any:
        return self._decode(r, scope)

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        self._encode(w, value, scope)


@dataclasses.dataclass(frozen=True, slots=True)
class Member:
    """One row of a field table. ``name`` None: not stored (spare/fixed bits). ``when``: presence rule."""

    name: str | None
    codec: Codec
    when: Predicate | None = None


def field(name: str, bits: int) -> Member:
    """``< name : bit (bits) >``."""
    return Member(name, Uint(bits))


def lh_flag(name: str) -> Member:
    """A single ``L | H`` bit stored as a bool."""
    return Member(name, LHBit())


def spare(bits: int, value: int = 0) -> Member:
    return Member(None, Const(bits, value))


def optional(name: str, inner: Codec | int, lh: bool = False, when: Predicate | None = None) -> Member:
    """``{ 0 | 1 < name > }`` (``lh=True``: ``{ L | H < name > }``); an int means ``bit (n)``."""
    codec = Uint(inner) if isinstance(inner, int) else inner
    return Member(name, Optional(codec, lh=lh), when)


def additions(name: str, inner: Codec) -> Member:
    return Member(name, Additions(inner))


class Struct(Codec):
    """A sequence of members decoded into a frozen dataclass.

    Parameters
    ----------
    cls : type or str
        An existing frozen dataclass whose fields are exactly the member names, or a class name for which
        one is generated.
    members : Member
        The field table, in transmission order.
    truncatable : bool
        CSN.1 structures that "may be truncated" (TS 44.018 §8.9): members that start at the end of the data
        decode as None, and encoding stops at the first None among them.
    """

    def __init__(self, cls: type | str, *members: Member, truncatable: bool = False) -> None:
        self.members = members
        self.truncatable = truncatable
        names = [m.name for m in members if m.name is not None]
        if len(set(names)) != len(names):
            raise TypeError(f"duplicate member names in {cls}: {names}")
        self._cls: type | None = None
        self._cls_name = ""
        if isinstance(cls, str):
            # Generated on first use: make_dataclass costs ~1.5 ms a class, and the CLI imports ~130 of them
            # at start-up while a run touches only the few structures its messages carry.
            self._cls_name = cls
        else:
            declared = [f.name for f in dataclasses.fields(cls)]
            if declared != names:
                raise TypeError(f"{cls.__name__} fields {declared} do not match its table {names}")
            self._cls = cls

    @property
    def cls(self) -> type:
        if self._cls is None:
            made = dataclasses.make_dataclass(self._cls_name, [(n, Any) for n in self.names], frozen=True,
                                              slots=True)
            made.__module__ = __name__
            self._cls = made
        return self._cls

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.members if m.name is not None]

    def decode(self, r: BitReader, scope: Scope | None = None) -> Any:
        values: dict[str, Any] = {}
        stopped = False
        for m in self.members:
            if stopped or (m.when is not None and not m.when(values)):
                if m.name is not None:
                    values[m.name] = None
                continue
            if self.truncatable and r.remaining == 0:
                stopped = True
                if m.name is not None:
                    values[m.name] = None
                continue
            v = m.codec.decode(r, values)
            if m.name is not None:
                values[m.name] = v
        return self.cls(**values)

    def encode(self, w: BitWriter, value: Any, scope: Scope | None = None) -> None:
        if not isinstance(value, self.cls):
            raise EncodeError(f"expected {self.cls.__name__}, got {type(value).__name__}")
        values = {n: getattr(value, n) for n in self.names}
        for m in self.members:
            if m.when is not None and not m.when(values):
                continue
            v = values[m.name] if m.name is not None else None
            if self.truncatable and m.name is not None and v is None and not isinstance(m.codec, Optional):
                break
            m.codec.encode(w, v, values)

    def make(self, **kwargs: Any) -> Any:
        """Instance with every member not given set to None (handy for optional CSN.1 parts)."""
        values = {n: None for n in self.names}
        values.update(kwargs)
        return self.cls(**values)


class Sized(Codec):
    """``< length : bit (n) > < bit (val(length) + plus) & < X > >``: a length-delimited container.

    The decoded value is the inner struct; the length is recomputed when encoding. Bits of the container
    beyond the inner struct must be captured by a trailing :class:`Remainder` member of that struct.
    """

    def __init__(self, length_bits: int, inner: Codec, plus: int = 1) -> None:
        self.length_bits = length_bits
        self.inner = inner
        self.plus = plus

    def decode(self, r: BitReader, scope: Scope) -> Any:
        n = r.read(self.length_bits) + self.plus
        sub = r.sub(n)
        return self.inner.decode(sub, scope)

    def encode(self, w: BitWriter, value: Any, scope: Scope) -> None:
        # Encode into a scratch writer that starts at the same bit position, so L/H bits keep their meaning.
        sub = BitWriter()
        sub.write_bitstring("0" * (w.pos + self.length_bits))
        offset = sub.pos
        self.inner.encode(sub, value, scope)
        bits = sub.bitstring(offset)
        n = len(bits) - self.plus
        if n < 0 or n >= (1 << self.length_bits):
            raise EncodeError(f"container content of {len(bits)} bits does not fit its {self.length_bits}-bit length")
        w.write(n, self.length_bits)
        w.write_bitstring(bits)


def decode_struct(struct: Struct, data: bytes, start_bit: int = 0, end_bit: int | None = None) -> Any:
    """Decode ``struct`` from ``data`` (helper for tests and single IEs)."""
    return struct.decode(BitReader(data, start_bit, end_bit))


def encode_struct(struct: Struct, value: Any, n_octets: int | None = None) -> bytes:
    w = BitWriter()
    struct.encode(w, value)
    return w.to_bytes(n_octets)

