"""Slow, literal GMSK transmitter references (TS 45.004 §2.3-2.5) for ``dsp.gmsk`` and ``dsp.resample``.

Everything is evaluated in continuous time by numerical quadrature of the formulas in the specification:
the Gaussian ``h(t)`` of §2.4 convolved with the modulating rectangles, integrated to a phase (§2.5). No
closed forms, no sample grids, nothing shared with the fast code.
"""

from __future__ import annotations

import math

from scipy import integrate

SYMBOL_RATE_HZ = 1625000.0 / 6.0


def gaussian_h(t: float, bt: float = 0.3) -> float:
    """TS 45.004 §2.4: h(t) = exp(-t^2 / (2 delta^2 T^2)) / (sqrt(2 pi) delta T), with T = 1."""
    delta = math.sqrt(math.log(2.0)) / (2.0 * math.pi * bt)
    return math.exp(-t * t / (2.0 * delta * delta)) / (math.sqrt(2.0 * math.pi) * delta)


def filtered_rect(t: float, start: float, stop: float, bt: float = 0.3) -> float:
    """(h * 1[start, stop))(t): the frequency pulse of one modulating piece, by quadrature over the rect."""
    val, _ = integrate.quad(lambda v: gaussian_h(t - v, bt), start, stop, epsabs=1e-13, limit=200)
    return val


def piece_phase_fraction(t: float, start: float, stop: float, bt: float = 0.3) -> float:
    """Share of a piece's phase step accumulated by time t: integral_{-inf}^{t} (h * rect)(u) du / 1."""
    lo = start - 5.0  # the Gaussian (sigma 0.44 T) is below 1e-20 beyond 5 symbols
    if t <= lo:
        return 0.0
    if t >= stop + 5.0:
        return stop - start
    val, _ = integrate.quad(lambda u: filtered_rect(u, start, stop, bt), lo, t, epsabs=1e-12, limit=200)
    return val


def phase_at(t: float, pieces: list[tuple[float, float, int]], bt: float = 0.3) -> float:
    """phi(t) = pi/2 * sum_p a_p * integral_{-inf}^{t} (h * rect_p)(u) du  (T = 1, modulation index 1/2).

    ``pieces`` are ``(start, stop, a)`` in symbol periods, ``a`` = +1/-1 (§2.3 modulating value); a
    whole symbol is a piece of length 1, the quarter symbol of a guard period a piece of length 1/4.
    """
    return sum((math.pi / 2.0) * a * piece_phase_fraction(t, s, e, bt) for s, e, a in pieces)


def differential(bits: list[int], prev: int) -> list[int]:
    """TS 45.004 §2.3: a_i = 1 - 2 * (d_i xor d_(i-1))."""
    out = []
    for d in (int(b) for b in bits):
        out.append(1 - 2 * (d ^ prev))
        prev = d
    return out


def slot_pieces(bursts: list[list[int]], guard_bit: int = 1) -> list[tuple[float, float, int]]:
    """Pieces of consecutive 156.25-symbol timeslots: 148 burst bits then 8.25 guard symbols of ``guard_bit``.

    Timeslot k starts at 156.25 k symbol periods (TS 45.002 §5.2); the bit before the first burst is the
    guard bit.
    """
    pieces: list[tuple[float, float, int]] = []
    prev = guard_bit
    for k, burst in enumerate(bursts):
        t0 = 156.25 * k
        bits = [int(b) for b in burst] + [guard_bit] * 8
        alphas = differential(bits, prev)
        prev = bits[-1]
        for i, a in enumerate(alphas):
            pieces.append((t0 + i, t0 + i + 1, a))
        pieces.append((t0 + 156.0, t0 + 156.25, alphas[-1]))  # the quarter symbol continues the guard bit
    return pieces
