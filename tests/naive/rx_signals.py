"""Slow, literal GMSK modulator for receiver unit tests (TS 45.004 §2-3 written out term by term).

Independent of ``dsp.gmsk`` on purpose: the receiver's unit tests should not share the transmitter's code.
"""

from __future__ import annotations

import math

import numpy as np

SYMBOL_RATE_HZ = 1625000.0 / 6.0


def gmsk_modulate_naive(bits: np.ndarray, sps: int, bt: float = 0.3, prev_bit: int = 0) -> np.ndarray:
    """Complex baseband exp(j*phi(t)) sampled at ``sps`` per symbol; sample 0 is the start of bit 0."""
    d = np.asarray(bits, dtype=np.int64)
    prev = np.concatenate([[prev_bit], d[:-1]])
    a = 1 - 2 * (d ^ prev)  # TS 45.004 §2.3: differential encoding, a_i = 1 - 2 (d_i xor d_(i-1))
    delta = math.sqrt(math.log(2.0)) / (2.0 * math.pi * bt)
    t_sym = 1.0

    def g(t: float) -> float:  # Gaussian * rect(1/T), unit area (TS 45.004 §2.4)
        s = math.sqrt(2.0) * delta * t_sym
        return (math.erf((t + t_sym / 2) / s) - math.erf((t - t_sym / 2) / s)) / (2.0 * t_sym)

    # phase(t) = sum_i a_i * pi/2 * integral_{-inf}^{t - i T} g(u) du, integrated numerically.
    fine = 64
    span = 4
    u = (np.arange(-span * fine, span * fine + 1) / fine).astype(float)
    gu = np.array([g(x) for x in u])
    cum = np.cumsum(gu) / fine
    cum /= cum[-1]

    def q(t: float) -> float:
        if t <= -span:
            return 0.0
        if t >= span:
            return 1.0
        return float(np.interp(t, u, cum))

    n = len(d) * sps
    out = np.empty(n, np.complex128)
    for m in range(n):
        t = m / sps
        lo = max(0, int(t) - span - 1)
        phi = (math.pi / 2.0) * sum(a[:lo])  # fully accumulated symbols
        for i in range(lo, min(len(d), int(t) + span + 2)):
            phi += (math.pi / 2.0) * a[i] * q(t - i - 0.5)
        out[m] = complex(math.cos(phi), math.sin(phi))
    return out.astype(np.complex64)
