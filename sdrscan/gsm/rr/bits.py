"""Bit-level reading and writing of RR messages, with the CSN.1 L/H convention.

Bit order (TS 44.018 §10.1, TS 24.007 §11.2.1): within an octet, bit 8 (the most significant) comes first,
so a multi-bit field is read most significant bit first across octets.

CSN.1 "L" and "H" (TS 44.018 §10.5.2, introduction to the rest octets; TS 24.007 §11.2.2): a bit is L
when it equals the bit at the same position of the spare padding pattern 0x2B, H otherwise. Rest octets
are filled with that pattern, so a missing optional part (L) and padding look the same; reading L/H past
the end of the data therefore yields L (truncation rule of TS 44.018 §8.9), while plain bits past the end
are an error.
"""

from __future__ import annotations

PAD_OCTET = 0x2B  # TS 44.018 §10.5.2 (spare padding) / TS 44.006 §5.2 (fill octets)


class BitsExhausted(Exception):
    """A field reaches past the end of the data (internal; the parser turns it into an RrParseError)."""


class EncodeError(ValueError):
    """A value cannot be encoded (out of range, or the message does not fit in its block)."""


def pad_bit(pos: int) -> int:
    """Bit of the 0x2B padding pattern at absolute bit position ``pos`` (0 = bit 8 of octet 1)."""
    return (PAD_OCTET >> (7 - (pos & 7))) & 1


class BitReader:
    """Sequential reader over ``data[start_bit:end_bit]`` (bit positions counted from the first octet)."""

    __slots__ = ("_data", "_pos", "_end")

    def __init__(self, data: bytes, start_bit: int = 0, end_bit: int | None = None) -> None:
        self._data = data
        self._pos = start_bit
        self._end = len(data) * 8 if end_bit is None else min(end_bit, len(data) * 8)

    @property
    def pos(self) -> int:
        return self._pos

    @property
    def end(self) -> int:
        return self._end

    @property
    def remaining(self) -> int:
        return max(0, self._end - self._pos)

    def _bit(self, pos: int) -> int:
        return (self._data[pos >> 3] >> (7 - (pos & 7))) & 1

    def read(self, n: int) -> int:
        """Unsigned integer of ``n`` bits, most significant first."""
        if self._pos + n > self._end:
            raise BitsExhausted(f"{n} bits needed at bit {self._pos}, {self.remaining} left")
        v = 0
        for p in range(self._pos, self._pos + n):
            v = (v << 1) | self._bit(p)
        self._pos += n
        return v

    def skip(self, n: int) -> None:
        if self._pos + n > self._end:
            raise BitsExhausted(f"{n} bits needed at bit {self._pos}, {self.remaining} left")
        self._pos += n

    def sub(self, n: int) -> BitReader:
        """A reader over the next ``n`` bits (same absolute positions, so L/H stays aligned); skips them."""
        if self._pos + n > self._end:
            raise BitsExhausted(f"container of {n} bits at bit {self._pos}, {self.remaining} left")
        child = BitReader(self._data, self._pos, self._pos + n)
        self._pos += n
        return child

    def read_lh(self) -> bool:
        """One CSN.1 L/H bit: True for H. Past the end of the data, L (False)."""
        p = self._pos
        self._pos += 1
        if p >= self._end:
            return False
        return self._bit(p) != pad_bit(p)

    def read_octets(self, n: int) -> bytes:
        if self._pos & 7:
            raise BitsExhausted(f"octet field at unaligned bit {self._pos}")
        if self._pos + 8 * n > self._end:
            raise BitsExhausted(f"{n} octets needed at bit {self._pos}, {self.remaining} bits left")
        start = self._pos >> 3
        self._pos += 8 * n
        return bytes(self._data[start:start + n])

    def peek_octet(self) -> int | None:
        """The next octet if the reader is octet aligned and one is left, else None."""
        if self._pos & 7 or self._pos + 8 > self._end:
            return None
        return self._data[self._pos >> 3]

    def rest_as_bitstring(self) -> str:
        """The unread bits as a '0'/'1' string (empty past the end); the reader moves to the end."""
        out = "".join(str(self._bit(p)) for p in range(self._pos, self._end))
        self._pos = max(self._pos, self._end)
        return out

    def rest_is_padding(self) -> bool:
        """True if every unread bit equals the 0x2B padding at its position."""
        return all(self._bit(p) == pad_bit(p) for p in range(self._pos, self._end))


class BitWriter:
    """Collects bits; :meth:`to_bytes` pads with 0x2B and checks that the content fits."""

    __slots__ = ("_bits", "_hard_end")

    def __init__(self) -> None:
        self._bits: list[int] = []
        self._hard_end = 0  # bits after this position are L bits, identical to the padding

    @property
    def pos(self) -> int:
        return len(self._bits)

    def write(self, value: int, n: int) -> None:
        """Unsigned ``value`` in ``n`` bits, most significant first."""
        if not isinstance(value, int):
            raise EncodeError(f"expected an integer for a {n}-bit field, got {value!r}")
        if value < 0 or value >= (1 << n):
            raise EncodeError(f"value {value} does not fit in {n} bits (0..{(1 << n) - 1})")
        for i in range(n - 1, -1, -1):
            self._bits.append((value >> i) & 1)
        self._hard_end = len(self._bits)

    def write_lh(self, h: bool) -> None:
        p = len(self._bits)
        self._bits.append(pad_bit(p) ^ int(bool(h)))
        if h:
            self._hard_end = len(self._bits)

    def write_bitstring(self, bits: str) -> None:
        for ch in bits:
            if ch not in "01":
                raise EncodeError(f"bit string may hold only 0 and 1, got {ch!r}")
            self._bits.append(int(ch))
        if bits:
            self._hard_end = len(self._bits)

    def bitstring(self, start: int = 0) -> str:
        """The bits written from position ``start`` on, as a '0'/'1' string."""
        return "".join("1" if b else "0" for b in self._bits[start:])

    def write_octets(self, data: bytes) -> None:
        for b in data:
            self.write(b, 8)

    def to_bytes(self, n_octets: int | None = None, pad: bool = True) -> bytes:
        """The bits as octets, padded with 0x2B (``pad=False``: zeros) up to ``n_octets`` (default: the next
        octet boundary).

        Trailing L bits beyond ``n_octets`` are dropped (they equal the padding that would be there);
        anything else beyond it raises :class:`EncodeError`.
        """
        bits = self._bits
        if n_octets is None:
            n_octets = (len(bits) + 7) // 8
        cap = 8 * n_octets
        if self._hard_end > cap:
            raise EncodeError(f"content needs {self._hard_end} bits, only {cap} ({n_octets} octets) available")
        bits = bits[:cap] + [pad_bit(p) if pad else 0 for p in range(len(bits), cap)]
        out = bytearray(n_octets)
        for p, b in enumerate(bits):
            if b:
                out[p >> 3] |= 0x80 >> (p & 7)
        return bytes(out)
