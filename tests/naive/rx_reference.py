"""Slow, obvious references for the receiver kernels (mixer + FIR + resampler; brute-force MLSE)."""

from __future__ import annotations

import itertools

import numpy as np
import scipy.fft as sfft
import scipy.signal as ss


def channel_by_mixing(x: np.ndarray, in_rate_hz: float, offset_hz: float, out_rate_hz: float,
                      freq_response: np.ndarray, lead: int) -> np.ndarray:
    """Mix ``offset_hz`` to DC, filter with the same response (applied once over the whole signal by a big
    FFT, zero-padded so it is linear), and sample at ``out_rate_hz`` by band-limited interpolation."""
    n = x.size
    t = np.arange(n) - lead
    mixed = x * np.exp(-2j * np.pi * offset_hz * t / in_rate_hz)
    m = 1 << int(np.ceil(np.log2(4 * n)))
    spec = sfft.fft(mixed, m)
    f = sfft.fftfreq(m, 1.0 / in_rate_hz)
    kf = sfft.fftfreq(freq_response.size, 1.0 / out_rate_hz)
    order = np.argsort(kf)
    h = np.interp(f, kf[order], freq_response[order], left=0.0, right=0.0)
    filtered = sfft.ifft(spec * h)[:n]
    # Resample by the exact rational ratio with a long polyphase filter (the band is already limited).
    from fractions import Fraction

    r = Fraction(out_rate_hz / in_rate_hz).limit_denominator(100000)
    return ss.resample_poly(filtered, r.numerator, r.denominator, window=("kaiser", 10.0))


def brute_force_llr(obs: np.ndarray, h: np.ndarray, known: np.ndarray, noise_var: float) -> np.ndarray:
    """Max-log LLRs (positive = bit 1) by enumerating every bit sequence.

    ``obs[t]`` is the sample whose newest symbol is burst symbol ``t - 2`` (t = 0 .. n+3); symbols before the
    burst (down to index -(len(h)+1)) and the two after it are unknown, as in the equalizer's trellis.
    """
    n = known.size
    taps = h.size
    pre = taps - 1 + 2
    total = pre + n + 2
    fixed = np.full(total, -1)
    fixed[pre:pre + n] = known
    unknown = np.flatnonzero(fixed < 0)
    best = {(j, v): np.inf for j in range(n) for v in (0, 1)}
    for combo in itertools.product((0, 1), repeat=unknown.size):
        bits = fixed.copy()
        bits[unknown] = combo
        b = 1.0 - 2.0 * bits
        metric = 0.0
        for t in range(n + 4):
            newest = pre - 2 + t
            pred = sum(h[k] * b[newest - k] for k in range(taps))
            metric += abs(obs[t] - pred) ** 2
        for j in range(n):
            key = (j, int(bits[pre + j]))
            if metric < best[key]:
                best[key] = metric
    return np.array([(best[(j, 0)] - best[(j, 1)]) / noise_var for j in range(n)])
