"""Frequency lists in every format of TS 44.018 §10.5.2.13: encoder and decoder.

Used by the Cell Channel Description (§10.5.2.1b), Neighbour Cell Description (§10.5.2.22), Neighbour
Cell Description 2 (§10.5.2.22a) and the Frequency List IE (§10.5.2.13) itself. All share the first
octet's layout: bit 8 and bits 4..2 hold the FORMAT-ID, bits 7..5 belong to the enclosing IE (spare,
EXT-IND/BA-IND, or multiband reporting/BA-IND) and are passed through as ``flags``.

Formats (FORMAT-ID bit 8, bit 7, bits 4 3 2):

* bit map 0 (``00 xxx``, §10.5.2.13.2): 124 bits for ARFCN 124..1; 16 octets only.
* range 1024 (``10 0xx``, §10.5.2.13.3): F0 (ARFCN 0) flag, then W(1).. of 10, 9, 9, 8 x4, 7 x8, ... bits.
* range 512 / 256 / 128 (``10 100`` / ``10 101`` / ``10 110``, §10.5.2.13.4-6): ORIG-ARFCN (10 bits),
  then W(1).. of 9 / 8 / 7 bits at the root, one bit less per tree level.
* variable bit map (``10 111``, §10.5.2.13.7): ORIG-ARFCN, then RRFCN bits for ORIG-ARFCN + 1, + 2, ...

The range formats code a balanced binary tree. Decoding follows the F(K) recursion of §10.5.2.13.3; the
encoder is its inverse, with the pivot rule of TS 44.018 Annex J (the first value, in increasing order,
that leaves (N-1)/2 values in the half range above it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sdrscan.gsm.rr.bits import BitReader, BitsExhausted, BitWriter, EncodeError


class FreqListFormat(StrEnum):
    BITMAP0 = "bitmap0"
    RANGE1024 = "range1024"
    RANGE512 = "range512"
    RANGE256 = "range256"
    RANGE128 = "range128"
    VARIABLE_BITMAP = "variable_bitmap"


# TS 44.018 §10.5.2.13.4-7: FORMAT-ID bits 4..2 of the range-with-origin formats.
_ORIG_FORMAT_BITS = {FreqListFormat.RANGE512: 0b100, FreqListFormat.RANGE256: 0b101,
                     FreqListFormat.RANGE128: 0b110, FreqListFormat.VARIABLE_BITMAP: 0b111}
_FORMAT_OF_BITS = {v: k for k, v in _ORIG_FORMAT_BITS.items()}
# Range R of each range format: W(1) has log2(R) bits, and offsets from the origin are 1..R-1.
RANGE_OF = {FreqListFormat.RANGE1024: 1024, FreqListFormat.RANGE512: 512,
            FreqListFormat.RANGE256: 256, FreqListFormat.RANGE128: 128}
_ORIG_HEADER_BITS = 17  # FORMAT-ID with flags (7 bits) + ORIG-ARFCN (10 bits)

# Encoder preference for fixed-size IEs: bit map 0 (understood by every phase 1 MS), then the smallest
# range that covers the list, then the variable bit map, then range 1024.
FIXED_SIZE_PREFERENCE = (FreqListFormat.BITMAP0, FreqListFormat.RANGE128, FreqListFormat.RANGE256,
                         FreqListFormat.RANGE512, FreqListFormat.VARIABLE_BITMAP, FreqListFormat.RANGE1024)


@dataclass(frozen=True, slots=True)
class FrequencyList:
    """A decoded frequency list: sorted unique ARFCNs, the format it was coded in and, for the formats
    with an origin, ORIG-ARFCN (kept so that re-encoding reproduces the octets)."""

    arfcns: tuple[int, ...]
    format: FreqListFormat
    orig_arfcn: int | None = None


def w_widths(range_: int, n_bits: int) -> list[int]:
    """Widths of W(1), W(2), ... that fit in ``n_bits`` for a range format (TS 44.018 §10.5.2.13.3-6).

    >>> w_widths(1024, 122)[:8]
    [10, 9, 9, 8, 8, 8, 8, 7]
    >>> len(w_widths(1024, 122)), len(w_widths(512, 111)), len(w_widths(256, 111)), len(w_widths(128, 111))
    (16, 17, 21, 28)
    """
    top = range_.bit_length() - 1
    out: list[int] = []
    used = 0
    k = 1
    while True:
        width = top - (k.bit_length() - 1)
        if width <= 0 or used + width > n_bits:
            return out
        out.append(width)
        used += width
        k += 1


def range_f(w: list[int], k: int, range_: int) -> int:
    """F(K) of TS 44.018 §10.5.2.13.3 (``w`` is 1-based: ``w[0]`` unused) for range 1024/512/256/128."""
    index = k
    j = 1 << (index.bit_length() - 1)
    n = w[index]
    while index > 1:
        modulus = 2 * range_ // j - 1
        if 2 * index < 3 * j:  # left child: the half range below the parent
            index -= j // 2
            n = (n + w[index] - range_ // j - 1) % modulus + 1
        else:  # right child: the half range above the parent
            index -= j
            n = (n + w[index] - 1) % modulus + 1
        j //= 2
    return n


def range_decode(w: list[int], range_: int) -> list[int]:
    """F(1), F(2), ... up to the first W that is 0 (``w`` 0-based list of W(1)..)."""
    w1 = [0, *w]
    out = []
    for k in range(1, len(w1)):
        if w1[k] == 0:
            break
        out.append(range_f(w1, k, range_))
    return out


def range_encode(values: Iterable[int], range_: int) -> list[int]:
    """W(1)..W(N) coding ``values`` (each 1..range-1): the inverse of :func:`range_decode`.

    Raises
    ------
    EncodeError
        If a value is out of range (no balanced split exists otherwise).
    """
    vals = sorted(set(values))
    r = range_ - 1
    for v in vals:
        if not 1 <= v <= r:
            raise EncodeError(f"value {v} outside 1..{r} for range {range_}")
    return _encode_subtree(vals, r)


def _encode_subtree(vals: list[int], r: int) -> list[int]:
    n = len(vals)
    if n == 0:
        return []
    half = (r - 1) // 2
    n_above = (n - 1) // 2  # the right subtree (odd heap positions) holds (N-1)/2 values
    for p in vals:  # Annex J: the first value that splits the rest evenly
        above = [(v - p) % r for v in vals if v != p and 1 <= (v - p) % r <= half]
        if len(above) == n_above:
            break
    else:  # pragma: no cover - a split always exists for ranges 2^k - 1
        raise EncodeError(f"no balanced split for {vals} in range {r}")
    below = sorted((v - p + half) % r + 1 for v in vals if v != p and not 1 <= (v - p) % r <= half)
    w_left = _encode_subtree(below, half)
    w_right = _encode_subtree(sorted(above), half)
    out = [0] * n
    out[0] = p
    for i, x in enumerate(w_left, 1):  # heap index 2i
        out[2 * i - 1] = x
    for i, x in enumerate(w_right, 1):  # heap index 2i + 1
        out[2 * i] = x
    return out


# --- format of a whole IE -------------------------------------------------------------------------------

def identify_format(first_octet: int) -> FreqListFormat:
    """FORMAT-ID from the first octet (bit 7 is left to the enclosing IE)."""
    if not first_octet & 0x80:
        return FreqListFormat.BITMAP0
    if not first_octet & 0x08:
        return FreqListFormat.RANGE1024
    return _FORMAT_OF_BITS[(first_octet >> 1) & 0b111]


def decode_frequency_list(data: bytes) -> tuple[FrequencyList, int]:
    """Decode a frequency list IE value. Returns the list and the IE flag bits (bits 7..5 of octet 1).

    Raises
    ------
    BitsExhausted
        If ``data`` is too short for its format (bit map 0 needs 16 octets, the others 2 or 3).
    """
    if not data:
        raise BitsExhausted("empty frequency list")
    fmt = identify_format(data[0])
    flags = (data[0] >> 4) & 0b111
    n_bits = 8 * len(data)
    if fmt is FreqListFormat.BITMAP0:
        if len(data) < 16:
            raise BitsExhausted(f"bit map 0 needs 16 octets, got {len(data)}")
        r = BitReader(data, 4, 128)
        arfcns = [128 - (4 + i) for i in range(124) if r.read(1)]
        return FrequencyList(tuple(sorted(arfcns)), fmt), flags
    if fmt is FreqListFormat.RANGE1024:
        r = BitReader(data, 5)
        f0 = r.read(1)
        ws = [r.read(width) for width in w_widths(1024, n_bits - 6)]
        arfcns = set(range_decode(ws, 1024))
        if f0:
            arfcns.add(0)
        return FrequencyList(tuple(sorted(arfcns)), fmt), flags
    r = BitReader(data, 7)
    orig = r.read(10)
    if fmt is FreqListFormat.VARIABLE_BITMAP:
        arfcns = {orig}
        for offset in range(1, n_bits - _ORIG_HEADER_BITS + 1):
            if r.read(1):
                arfcns.add((orig + offset) % 1024)
        return FrequencyList(tuple(sorted(arfcns)), fmt, orig), flags
    range_ = RANGE_OF[fmt]
    ws = [r.read(width) for width in w_widths(range_, n_bits - _ORIG_HEADER_BITS)]
    arfcns = {orig} | {(orig + f) % 1024 for f in range_decode(ws, range_)}
    return FrequencyList(tuple(sorted(arfcns)), fmt, orig), flags


def _default_origin(arfcns: list[int]) -> int:
    """The ARFCN after the widest circular gap: the origin that gives the smallest offsets."""
    if len(arfcns) == 1:
        return arfcns[0]
    best, best_gap = arfcns[0], -1
    for i, a in enumerate(arfcns):
        prev = arfcns[i - 1]
        gap = (a - prev) % 1024
        if gap > best_gap:
            best, best_gap = a, gap
    return best


def required_octets(arfcns: Iterable[int], fmt: FreqListFormat, orig_arfcn: int | None = None) -> int | None:
    """Octets ``fmt`` needs to code ``arfcns`` (None if it cannot code them at all)."""
    s = sorted(set(arfcns))
    if fmt is FreqListFormat.BITMAP0:
        return 16 if all(1 <= a <= 124 for a in s) else None
    if fmt is FreqListFormat.RANGE1024:
        n = len([a for a in s if a != 0])
        return (6 + sum(_widths_for_count(1024, n)) + 7) // 8
    if not s:
        return None
    orig = _default_origin(s) if orig_arfcn is None else orig_arfcn
    if orig not in s:
        return None
    offsets = [(a - orig) % 1024 for a in s if a != orig]
    if fmt is FreqListFormat.VARIABLE_BITMAP:
        return (_ORIG_HEADER_BITS + max(offsets, default=0) + 7) // 8
    range_ = RANGE_OF[fmt]
    if any(o >= range_ for o in offsets):
        return None
    return (_ORIG_HEADER_BITS + sum(_widths_for_count(range_, len(offsets))) + 7) // 8


def _widths_for_count(range_: int, n: int) -> list[int]:
    top = range_.bit_length() - 1
    widths = [top - (k.bit_length() - 1) for k in range(1, n + 1)]
    if any(w <= 0 for w in widths):
        return [10**6]  # more values than the tree has levels for
    return widths


def choose_format(arfcns: Iterable[int], n_octets: int | None = None) -> FreqListFormat:
    """The format used when none is given.

    With a fixed size (``n_octets``, 16 for the SI IEs): the first of :data:`FIXED_SIZE_PREFERENCE` that
    fits. Without: the format needing the fewest octets (ties in that same order).

    Raises
    ------
    EncodeError
        If no format can code the list in the space given.
    """
    s = sorted(set(arfcns))
    fits = []
    for fmt in FIXED_SIZE_PREFERENCE:
        need = required_octets(s, fmt)
        if need is not None and (n_octets is None or need <= n_octets):
            fits.append((need, fmt))
    if not fits:
        raise EncodeError(f"{len(s)} ARFCNs {s[:8]}{'...' if len(s) > 8 else ''} fit no frequency list format "
                          f"in {n_octets} octets (TS 44.018 §10.5.2.13); shorten the list")
    if n_octets is not None:
        return fits[0][1]
    return min(fits, key=lambda t: t[0])[1]


def encode_frequency_list(arfcns: Iterable[int], n_octets: int | None = None,
                          fmt: FreqListFormat | str | None = None, orig_arfcn: int | None = None,
                          flags: int = 0) -> bytes:
    """Encode ARFCNs as a frequency list IE value.

    Parameters
    ----------
    arfcns : iterable of int
        ARFCNs 0..1023 (duplicates ignored).
    n_octets : int, optional
        Size of the IE value (16 for the SI IEs); default: as short as the format allows.
    fmt : FreqListFormat, optional
        Force a format; default :func:`choose_format`.
    orig_arfcn : int, optional
        ORIG-ARFCN for the formats with an origin (must be in the list); default: the ARFCN after the widest
        circular gap.
    flags : int
        Bits 7..5 of the first octet (e.g. EXT-IND and BA-IND), 0..7.

    Raises
    ------
    EncodeError
        If the format cannot code the list or it does not fit in ``n_octets``.
    """
    s = sorted(set(arfcns))
    for a in s:
        if not 0 <= a <= 1023:
            raise EncodeError(f"ARFCN {a} outside 0..1023")
    fmt = choose_format(s, n_octets) if fmt is None else FreqListFormat(fmt)
    need = required_octets(s, fmt, orig_arfcn)
    if need is None:
        raise EncodeError(f"format {fmt} cannot code ARFCNs {s} (origin {orig_arfcn})")
    if n_octets is None:
        n_octets = need
    if need > n_octets:
        raise EncodeError(f"format {fmt} needs {need} octets for {len(s)} ARFCNs, only {n_octets} available")
    if not 0 <= flags <= 7:
        raise EncodeError(f"flags {flags} outside 0..7")
    n_bits = 8 * n_octets
    w = BitWriter()
    if fmt is FreqListFormat.BITMAP0:
        w.write(flags, 4)  # bit 8 = 0, then the IE flags in bits 7..5
        for arfcn in range(124, 0, -1):
            w.write(int(arfcn in s), 1)
        return w.to_bytes(n_octets, pad=False)
    if fmt is FreqListFormat.RANGE1024:
        w.write(1 << 3 | flags, 4)  # bit 8 = 1, IE flags in bits 7..5
        w.write(0, 1)  # bit 4 = 0 marks range 1024
        w.write(int(0 in s), 1)
        ws = range_encode([a for a in s if a != 0], 1024)
        for i, width in enumerate(w_widths(1024, n_bits - 6)):
            w.write(ws[i] if i < len(ws) else 0, width)
        return w.to_bytes(n_octets, pad=False)
    orig = _default_origin(s) if orig_arfcn is None else orig_arfcn
    w.write(1 << 3 | flags, 4)
    w.write(_ORIG_FORMAT_BITS[fmt], 3)
    w.write(orig, 10)
    offsets = {(a - orig) % 1024 for a in s if a != orig}
    if fmt is FreqListFormat.VARIABLE_BITMAP:
        for offset in range(1, n_bits - _ORIG_HEADER_BITS + 1):
            w.write(int(offset in offsets), 1)
        return w.to_bytes(n_octets, pad=False)
    range_ = RANGE_OF[fmt]
    ws = range_encode(offsets, range_)
    for i, width in enumerate(w_widths(range_, n_bits - _ORIG_HEADER_BITS)):
        w.write(ws[i] if i < len(ws) else 0, width)
    return w.to_bytes(n_octets, pad=False)
