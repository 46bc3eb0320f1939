"""Slow, obvious references for the channel-coding kernels, written straight from TS 45.003.

Plain Python lists and loops, no NumPy tricks, no shared code with ``dsp/``: each function restates one
formula of the specification so the fast code can be compared against it.
"""

from __future__ import annotations

import itertools

# TS 45.003 §4.1.2: g(D) = (D^23 + 1)(D^17 + D^3 + 1), expanded by multiplying the factors below.
FIRE_FACTORS = ([1] + [0] * 22 + [1], [1] + [0] * 13 + [1, 0, 0, 1])  # highest power first
# TS 45.003 §4.7: g(D) = D^10 + D^8 + D^6 + D^5 + D^4 + D^2 + 1, highest power first.
SCH_GENERATOR = [1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1]


def poly_mul(a: list[int], b: list[int]) -> list[int]:
    """Product of two GF(2) polynomials given highest power first."""
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] ^= x & y
    return out


def fire_generator() -> list[int]:
    return poly_mul(*FIRE_FACTORS)


def poly_remainder(dividend: list[int], divisor: list[int]) -> list[int]:
    """GF(2) long division, highest power first; returns the ``len(divisor) - 1`` remainder coefficients."""
    work = list(dividend)
    deg = len(divisor) - 1
    for i in range(len(work) - deg):
        if work[i]:
            for j, g in enumerate(divisor):
                work[i + j] ^= g
    return work[-deg:]


def systematic_parity(info: list[int], generator: list[int]) -> list[int]:
    """Parity p such that ``info(D) D^deg + p(D)`` divided by g leaves 1 + D + ... + D^(deg-1).

    The remainder of ``info(D) D^deg`` plus the parity must equal the all-ones remainder, so the parity is
    that remainder with every bit inverted (TS 45.003 §4.1.2 and §4.7).
    """
    deg = len(generator) - 1
    rem = poly_remainder(info + [0] * deg, generator)
    return [1 - r for r in rem]


def conv_encode_literal(u: list[int]) -> list[int]:
    """TS 45.003 §4.1.3 written out: c(2k) = u(k)+u(k-3)+u(k-4), c(2k+1) = u(k)+u(k-1)+u(k-3)+u(k-4)."""

    def at(k: int) -> int:
        return u[k] if k >= 0 else 0

    c = []
    for k in range(len(u)):
        c.append((at(k) + at(k - 3) + at(k - 4)) % 2)
        c.append((at(k) + at(k - 1) + at(k - 3) + at(k - 4)) % 2)
    return c


def interleave_literal(c: list[int]) -> list[list[int]]:
    """TS 45.003 §4.1.4 and §4.1.5 for one block (n = 0, B0 = 0), returning each burst's 114 data bits.

    i(B, j) = c(k) with B = k mod 4, j = 2((49k) mod 57) + ((k mod 8) div 4); then
    e(B, j) = i(B, j) and e(B, 59 + j) = i(B, 57 + j) for j = 0..56, e(B, 57) = hl, e(B, 58) = hu.
    """
    i = [[None] * 114 for _ in range(4)]
    for k in range(456):
        b = k % 4
        j = 2 * ((49 * k) % 57) + ((k % 8) // 4)
        assert i[b][j] is None, "interleaver maps two bits to one place"
        i[b][j] = c[k]
    bursts = []
    for b in range(4):
        e = [None] * 116
        for j in range(57):
            e[j] = i[b][j]
            e[59 + j] = i[b][57 + j]
        e[57], e[58] = "hl", "hu"
        bursts.append(e[:57] + e[59:])
    return bursts


def xcch_encode_literal(block: bytes) -> list[list[int]]:
    """The whole §4.1 chain on lists: bits LSB first per octet, Fire parity, tail, conv code, interleaving."""
    d = [(octet >> bit) & 1 for octet in block for bit in range(8)]
    u = d + systematic_parity(d, fire_generator()) + [0, 0, 0, 0]
    return interleave_literal(conv_encode_literal(u))


def viterbi_brute_force(soft: list[float], n_info: int, encode, terminated: bool = True) -> list[int]:
    """Maximum-likelihood decoding by trying every message: the one whose codeword (as +-1) correlates
    best with ``soft``. ``encode`` maps a list of input bits (tail included) to coded bits."""
    tail = [0, 0, 0, 0] if terminated else []
    best, best_msg = None, None
    for msg in itertools.product((0, 1), repeat=n_info):
        c = encode(list(msg) + tail)
        score = sum(s * (1.0 if bit else -1.0) for s, bit in zip(soft, c, strict=True))
        if best is None or score > best:
            best, best_msg = score, list(msg)
    return best_msg
