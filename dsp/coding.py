"""Channel coding of the GSM control channels and the SCH (TS 45.003 §4.1 and §4.7).

xCCH (BCCH, PCH, AGCH, SDCCH, SACCH; TS 45.003 §4.1) maps one 23-octet L2 block onto four normal bursts:

1. ``d(0..183)``: the block's bits, octet 1 first, least significant bit of each octet first
   (``docs/architecture.md``; checked against real bursts in ``tests/dsp/test_real_bursts.py``).
2. Fire code (§4.1.2): 40 parity bits ``p(0..39)`` such that
   ``d(0) D^223 + ... + d(183) D^40 + p(0) D^39 + ... + p(39)`` divided by
   ``g(D) = (D^23 + 1)(D^17 + D^3 + 1)`` leaves ``1 + D + ... + D^39`` (the parity is inverted).
   ``u = d | p | 0000`` (4 tail bits), 228 bits.
3. Rate-1/2 K=5 convolutional code (§4.1.3, :mod:`dsp.viterbi`): ``c(0..455)``.
4. Block rectangular interleaving (§4.1.4): ``i(B, j) = c(k)`` with ``B = k mod 4`` and
   ``j = 2 ((49 k) mod 57) + ((k mod 8) div 4)``.
5. Mapping on the burst (§4.1.5): ``e(B, j) = i(B, j)``, ``e(B, 59 + j) = i(B, 57 + j)`` for j = 0..56, the
   stealing flags ``e(B, 57) = hl``, ``e(B, 58) = hu`` are 1 for control channels. The arrays here hold the
   114 data bits of each burst without the flags: ``[e(B,0..56), e(B,59..115)]``; :mod:`dsp.bursts` adds
   the flags and the training sequence.

SCH (§4.7): 25 information bits (TS 44.018 §9.1.30: BSIC, T1, T2, T3'), 10 parity bits with
``g(D) = D^10 + D^8 + D^6 + D^5 + D^4 + D^2 + 1`` (inverted), 4 tail bits, the same convolutional code:
78 bits, ``c(0..38)`` before and ``c(39..77)`` after the extended training sequence.

Decoding uses the Fire code for error *detection only*: a block is accepted when the syndrome of the
Viterbi output is zero. The Fire code could also correct a burst of up to 12 bit errors, but using that
power after a soft Viterbi decoder multiplies the chance of accepting a wrong block; we never do it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dsp import _kernels
from dsp.viterbi import GSM_K5, _tables, conv_encode, viterbi_decode
from sdrscan.errors import DspParameterError
from sdrscan.gsm.multiframe import fn_from_reduced, reduced_fn

_fire = _kernels.load("fire")
_xcch = _kernels.load("xcch")

# TS 45.003 §4.1: sizes of the xCCH coding chain.
XCCH_BLOCK_OCTETS: int = 23
XCCH_INFO_BITS: int = 184
FIRE_PARITY_BITS: int = 40
XCCH_U_BITS: int = XCCH_INFO_BITS + FIRE_PARITY_BITS  # 224 bits before the tail
XCCH_CODED_BITS: int = 456
XCCH_BURSTS: int = 4
BURST_DATA_BITS: int = 114  # two 57-bit halves of a normal burst

# TS 45.003 §4.1.2: g(D) = (D^23 + 1)(D^17 + D^3 + 1) = D^40 + D^26 + D^23 + D^17 + D^3 + 1.
FIRE_GENERATOR: int = (1 << 40) | (1 << 26) | (1 << 23) | (1 << 17) | (1 << 3) | 1

# TS 45.003 §4.7: SCH sizes and g(D) = D^10 + D^8 + D^6 + D^5 + D^4 + D^2 + 1.
SCH_INFO_BITS: int = 25
SCH_PARITY_BITS: int = 10
SCH_CODED_BITS: int = 78
SCH_GENERATOR: int = (1 << 10) | (1 << 8) | (1 << 6) | (1 << 5) | (1 << 4) | (1 << 2) | 1


def _interleave_index() -> tuple[np.ndarray, np.ndarray]:
    """``(burst, position)`` in the 4 x 114 payload array of every coded bit c(k), TS 45.003 §4.1.4-4.1.5.

    The 116 bits e(B, 0..115) of §4.1.5 minus the two stealing flags are exactly the 114 interleaved bits
    i(B, 0..113) in order, so the payload position is j itself.
    """
    k = np.arange(XCCH_CODED_BITS)
    burst = k % 4
    pos = 2 * ((49 * k) % 57) + ((k % 8) // 4)
    return burst, pos


_IL_BURST, _IL_POS = _interleave_index()
_IL_FLAT = _IL_BURST * BURST_DATA_BITS + _IL_POS  # flat index into the (4, 114) payload array


# --------------------------------------------------------------------------------------------------
# Bits <-> octets
# --------------------------------------------------------------------------------------------------


def octets_to_bits(data: bytes) -> np.ndarray:
    """Bits of ``data``, octet 1 first and the least significant bit of each octet first (TS 44.004).

    >>> octets_to_bits(b"\\x01\\x80").tolist()
    [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    """
    arr = np.frombuffer(bytes(data), dtype=np.uint8)
    return np.unpackbits(arr, bitorder="little")


def bits_to_octets(bits: np.ndarray) -> bytes:
    """Inverse of :func:`octets_to_bits`; the bit count must be a multiple of 8."""
    b = np.asarray(bits, dtype=np.uint8)
    if b.ndim != 1 or b.size % 8:
        raise DspParameterError(f"bits has shape {b.shape}; expected a 1-D array whose length is a multiple of 8")
    return np.packbits(b, bitorder="little").tobytes()


def _int_to_bits(value: int, n: int) -> np.ndarray:
    """``n`` bits of ``value``, most significant (highest power of D) first."""
    return np.array([(value >> (n - 1 - i)) & 1 for i in range(n)], dtype=np.uint8)


# --------------------------------------------------------------------------------------------------
# Cyclic codes (TS 45.003 §4.1.2 Fire code, §4.7 SCH parity)
# --------------------------------------------------------------------------------------------------


def _parity(info: np.ndarray, gen: int, degree: int) -> np.ndarray:
    shifted = np.concatenate([info, np.zeros(degree, np.uint8)])
    rem = _fire.poly_mod(shifted, gen, degree)
    return _int_to_bits(rem ^ ((1 << degree) - 1), degree)


def _syndrome(word: np.ndarray, gen: int, degree: int) -> int:
    return int(_fire.poly_mod(word, gen, degree)) ^ ((1 << degree) - 1)


def fire_parity(d: np.ndarray) -> np.ndarray:
    """The 40 inverted Fire-code parity bits ``p(0..39)`` of 184 information bits (TS 45.003 §4.1.2)."""
    return _parity(_bits_arg(d, XCCH_INFO_BITS, "d"), FIRE_GENERATOR, FIRE_PARITY_BITS)


def fire_syndrome(u: np.ndarray) -> int:
    """Syndrome of a 224-bit Fire codeword ``d | p``: 0 exactly when it is a valid codeword.

    It is ``(u(D) mod g(D)) xor (1 + D + ... + D^39)`` as an integer (bit i = coefficient of D^i).
    """
    return _syndrome(_bits_arg(u, XCCH_U_BITS, "u"), FIRE_GENERATOR, FIRE_PARITY_BITS)


def sch_parity(b: np.ndarray) -> np.ndarray:
    """The 10 inverted SCH parity bits of the 25 information bits (TS 45.003 §4.7)."""
    return _parity(_bits_arg(b, SCH_INFO_BITS, "b"), SCH_GENERATOR, SCH_PARITY_BITS)


def sch_syndrome(u: np.ndarray) -> int:
    """Syndrome of a 35-bit SCH word ``b | p``: 0 exactly when the parity checks."""
    return _syndrome(_bits_arg(u, SCH_INFO_BITS + SCH_PARITY_BITS, "u"), SCH_GENERATOR, SCH_PARITY_BITS)


# --------------------------------------------------------------------------------------------------
# Interleaving (TS 45.003 §4.1.4-4.1.5)
# --------------------------------------------------------------------------------------------------


def xcch_interleave(c: np.ndarray) -> np.ndarray:
    """Spread the 456 coded bits over 4 bursts: returns the (4, 114) payload ``[e(B,0..56), e(B,59..115)]``.

    Works for hard bits (uint8) and soft bits (float32); the dtype is kept.
    """
    arr = np.asarray(c)
    if arr.shape != (XCCH_CODED_BITS,):
        raise DspParameterError(f"c has shape {arr.shape}; expected ({XCCH_CODED_BITS},) coded bits")
    out = np.empty(XCCH_BURSTS * BURST_DATA_BITS, dtype=arr.dtype)
    out[_IL_FLAT] = arr
    return out.reshape(XCCH_BURSTS, BURST_DATA_BITS)


def xcch_deinterleave(e: np.ndarray) -> np.ndarray:
    """Inverse of :func:`xcch_interleave`: (4, 114) payloads to the 456 coded bits ``c(0..455)``."""
    arr = np.asarray(e)
    if arr.shape != (XCCH_BURSTS, BURST_DATA_BITS):
        raise DspParameterError(f"payload has shape {arr.shape}; expected ({XCCH_BURSTS}, {BURST_DATA_BITS}): "
                                "the 114 data bits of each of the block's 4 bursts")
    return arr.reshape(-1)[_IL_FLAT]


# --------------------------------------------------------------------------------------------------
# xCCH (TS 45.003 §4.1)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class XcchResult:
    """Outcome of decoding one xCCH block.

    Attributes
    ----------
    block : bytes | None
        The 23-octet L2 block, or None when the Fire syndrome is not zero.
    ok : bool
        The Fire check passed.
    bit_errors : int
        Coded bits whose hard decision disagrees with the re-encoded Viterbi output (non-erased bits
        only): an estimate of the channel bit errors, meaningful when ``ok``.
    n_bits : int
        Number of non-erased coded bits compared (456 unless some soft bits were 0.0).
    """

    block: bytes | None
    ok: bool
    bit_errors: int
    n_bits: int

    @property
    def ber(self) -> float:
        """``bit_errors / n_bits`` (1.0 when every bit was erased)."""
        return self.bit_errors / self.n_bits if self.n_bits else 1.0


def xcch_encode(block: bytes) -> np.ndarray:
    """Encode one 23-octet L2 block into the data bits of its 4 normal bursts (TS 45.003 §4.1).

    Parameters
    ----------
    block : bytes
        23 octets (L2 header included).

    Returns
    -------
    numpy.ndarray, uint8, shape (4, 114)
        Row B holds ``e(B, 0..56)`` then ``e(B, 59..115)``: the bits before and after the stealing flags.
    """
    data = bytes(block)
    if len(data) != XCCH_BLOCK_OCTETS:
        raise DspParameterError(f"block has {len(data)} octets; expected {XCCH_BLOCK_OCTETS} (pad with 0x2b)")
    d = octets_to_bits(data)
    u = np.concatenate([d, fire_parity(d)])
    return xcch_interleave(conv_encode(u, code=GSM_K5))


def xcch_decode(soft: np.ndarray) -> XcchResult:
    """Deinterleave, Viterbi-decode and Fire-check one xCCH block.

    Parameters
    ----------
    soft : float32 array, shape (4, 114)
        Soft data bits of the 4 bursts in the layout of :func:`xcch_encode`; positive = 1, 0.0 = erased.

    Returns
    -------
    XcchResult
    """
    x = np.ascontiguousarray(soft, dtype=np.float32)
    if x.shape != (XCCH_BURSTS, BURST_DATA_BITS):
        raise DspParameterError(f"soft has shape {x.shape}; expected ({XCCH_BURSTS}, {BURST_DATA_BITS}) float32 "
                                "soft bits (use dsp.bursts.normal_burst_payload on each burst)")
    c = xcch_deinterleave(x)
    u = viterbi_decode(c, XCCH_U_BITS, code=GSM_K5)
    ok = _syndrome(u, FIRE_GENERATOR, FIRE_PARITY_BITS) == 0
    bit_errors, n_bits = _reencode_errors(u, c)
    block = bits_to_octets(u[:XCCH_INFO_BITS]) if ok else None
    return XcchResult(block=block, ok=ok, bit_errors=bit_errors, n_bits=n_bits)


@dataclass(frozen=True, slots=True)
class XcchBatch:
    """Outcome of :func:`xcch_decode_batch` for ``n`` blocks."""

    ok: np.ndarray  # bool (n,)
    octets: np.ndarray  # uint8 (n, 23); meaningful where ok
    bit_errors: np.ndarray  # int64 (n,), as XcchResult.bit_errors

    def block(self, i: int) -> bytes | None:
        return self.octets[i].tobytes() if self.ok[i] else None


def xcch_decode_batch(soft: np.ndarray) -> XcchBatch:
    """:func:`xcch_decode` for many blocks in one kernel call (same results, no per-block overhead).

    Parameters
    ----------
    soft : float32 array, shape (n, 4, 114)
    """
    x = np.ascontiguousarray(soft, dtype=np.float32)
    if x.ndim != 3 or x.shape[1:] != (XCCH_BURSTS, BURST_DATA_BITS):
        raise DspParameterError(f"soft has shape {x.shape}; expected (n, {XCCH_BURSTS}, {BURST_DATA_BITS})")
    n = x.shape[0]
    gens, prev, branch_out = _tables(GSM_K5)
    ok = np.zeros(n, np.bool_)
    octets = np.zeros((n, XCCH_BLOCK_OCTETS), np.uint8)
    errors = np.zeros(n, np.int64)
    _xcch.decode_blocks(x.reshape(n, -1), _IL_FLAT.astype(np.int64), prev, branch_out, gens, XCCH_INFO_BITS,
                        XCCH_U_BITS, FIRE_GENERATOR, FIRE_PARITY_BITS, ok, octets, errors)
    return XcchBatch(ok, octets, errors)


def _reencode_errors(u: np.ndarray, soft_c: np.ndarray) -> tuple[int, int]:
    ref = conv_encode(u, code=GSM_K5)
    valid = soft_c != 0.0
    hard = soft_c > 0.0
    return int(np.count_nonzero((hard != (ref == 1)) & valid)), int(np.count_nonzero(valid))


# --------------------------------------------------------------------------------------------------
# SCH (TS 45.003 §4.7, TS 44.018 §9.1.30)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchResult:
    """Decoded synchronisation channel: BSIC and the reduced frame number, with the full FN.

    ``bit_errors`` counts coded bits disagreeing with the re-encoded word (of 78).
    """

    bsic: int
    t1: int
    t2: int
    t3p: int
    fn: int
    bit_errors: int

    @property
    def ncc(self) -> int:
        """Network colour code: the 3 high bits of the BSIC."""
        return self.bsic >> 3

    @property
    def bcc(self) -> int:
        """Base station colour code: the 3 low bits of the BSIC (= the TSC of C0's normal bursts)."""
        return self.bsic & 7


def _sch_info_octets(bsic: int, t1: int, t2: int, t3p: int) -> bytes:
    """The SCH information element of TS 44.018 §9.1.30 (bit 8 = MSB of each octet).

    Octet 1: BSIC (bits 8-3), T1 high (bits 2-1); octet 2: T1 middle; octet 3: T1 low (bit 8), T2 (bits 7-3),
    T3' high (bits 2-1); octet 4: T3' low (bit 1). Sent octet 1 first, bit 1 first: 25 bits.
    """
    return bytes([
        ((bsic & 0x3F) << 2) | ((t1 >> 9) & 0x3),
        (t1 >> 1) & 0xFF,
        ((t1 & 1) << 7) | ((t2 & 0x1F) << 2) | ((t3p >> 1) & 0x3),
        t3p & 1,
    ])


def _sch_result(o: Sequence[int], bit_errors: int) -> SchResult | None:
    """The SCH fields from its information octets (the layout of :func:`_sch_info_octets`, read as ints); None
    for an impossible frame number: parity passed by chance on noise, rejected rather than guessed."""
    bsic = o[0] >> 2
    t1 = ((o[0] & 0x3) << 9) | (o[1] << 1) | (o[2] >> 7)
    t2 = (o[2] >> 2) & 0x1F
    t3p = ((o[2] & 0x3) << 1) | (o[3] & 1)
    if t2 > 25 or t3p > 4:
        return None
    return SchResult(bsic=bsic, t1=t1, t2=t2, t3p=t3p, fn=fn_from_reduced(t1, t2, t3p), bit_errors=bit_errors)


def sch_encode(bsic: int, fn: int) -> np.ndarray:
    """The 78 coded SCH bits for cell ``bsic`` in SCH frame ``fn`` (TS 45.003 §4.7).

    Parameters
    ----------
    bsic : int
        Base station identity code 0..63 (NCC in the high 3 bits, BCC in the low 3).
    fn : int
        TDMA frame number of the SCH burst; ``fn mod 51`` must be 1, 11, 21, 31 or 41.

    Returns
    -------
    numpy.ndarray, uint8, shape (78,)
        ``c(0..77)``; bits 0..38 go before the extended training sequence, 39..77 after.
    """
    if not 0 <= int(bsic) <= 63 or int(bsic) != bsic:
        raise DspParameterError(f"bsic={bsic!r} out of range; expected an integer 0..63 (NCC * 8 + BCC)")
    r = reduced_fn(fn)
    b = octets_to_bits(_sch_info_octets(int(bsic), r.t1, r.t2, r.t3p))[:SCH_INFO_BITS]
    u = np.concatenate([b, sch_parity(b)])
    return conv_encode(u, code=GSM_K5)


def sch_decode(soft78: np.ndarray) -> SchResult | None:
    """Decode the 78 soft SCH bits; None when the parity check fails.

    Parameters
    ----------
    soft78 : float32 array, shape (78,)
        Soft bits ``c(0..77)`` (positive = 1), e.g. from :func:`dsp.bursts.sch_burst_payload`.
    """
    x = np.ascontiguousarray(soft78, dtype=np.float32)
    if x.shape != (SCH_CODED_BITS,):
        raise DspParameterError(f"soft78 has shape {x.shape}; expected ({SCH_CODED_BITS},) float32 soft bits")
    u = viterbi_decode(x, SCH_INFO_BITS + SCH_PARITY_BITS, code=GSM_K5)
    if _syndrome(u, SCH_GENERATOR, SCH_PARITY_BITS) != 0:
        return None
    o = bits_to_octets(np.concatenate([u[:SCH_INFO_BITS], np.zeros(32 - SCH_INFO_BITS, np.uint8)]))
    return _sch_result([int(v) for v in o], _reencode_errors(u, x)[0])


_SCH_IL = np.arange(SCH_CODED_BITS, dtype=np.int64)  # the SCH is not interleaved (TS 45.003 §4.7)
# Octets the batch kernel packs from u: the 25 information bits and, past them, parity bits it ignores.
_SCH_PACKED_BITS = 32


def sch_decode_batch(soft: np.ndarray) -> list[SchResult | None]:
    """:func:`sch_decode` of many bursts in one kernel call (same results, no per-burst overhead).

    Parameters
    ----------
    soft : float32 array, shape (n, 78)
    """
    x = np.ascontiguousarray(soft, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != SCH_CODED_BITS:
        raise DspParameterError(f"soft has shape {x.shape}; expected (n, {SCH_CODED_BITS}) float32 soft bits")
    n = x.shape[0]
    gens, prev, branch_out = _tables(GSM_K5)
    ok = np.zeros(n, np.bool_)
    octets = np.zeros((n, _SCH_PACKED_BITS // 8), np.uint8)
    errors = np.zeros(n, np.int64)
    # The xCCH kernel is generic in its sizes and parity polynomial; both codes invert the remainder.
    _xcch.decode_blocks(x, _SCH_IL, prev, branch_out, gens, _SCH_PACKED_BITS, SCH_INFO_BITS + SCH_PARITY_BITS,
                        SCH_GENERATOR, SCH_PARITY_BITS, ok, octets, errors)
    # Python ints: uint8 arithmetic would overflow in the field shifts.
    return [_sch_result([int(v) for v in octets[i]], int(errors[i])) if ok[i] else None for i in range(n)]


def _bits_arg(bits: np.ndarray, n: int, name: str) -> np.ndarray:
    arr = np.asarray(bits)
    if arr.shape != (n,):
        raise DspParameterError(f"{name} has shape {arr.shape}; expected ({n},) bits")
    if not np.all((arr == 0) | (arr == 1)):
        raise DspParameterError(f"{name} holds values other than 0/1; expected hard bits")
    return np.ascontiguousarray(arr, dtype=np.uint8)
