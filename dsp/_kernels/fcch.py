"""FCCH kernels: tone-to-neighbourhood power ratio on a spectrogram, and the sliding burst detector."""

from __future__ import annotations

import numpy as np
from numba import njit

from dsp._kernels.exports import signature


@njit(signature("fcch", "tone_ratio"), cache=True)
def tone_ratio(power, half_band, exclude, out):
    """``out[t, i] = power[t, i] / mean(power[t, i-half_band : i+half_band+1] minus the +-exclude core)``.

    ``power`` is a spectrogram in natural frequency order (lowest frequency first). Near the edges the
    neighbourhood is cut to what exists. Ratios are 0 where the neighbourhood is empty.
    """
    n_t, n_f = power.shape
    cs = np.empty(n_f + 1)
    for t in range(n_t):
        cs[0] = 0.0
        for i in range(n_f):
            cs[i + 1] = cs[i] + power[t, i]
        for i in range(n_f):
            lo = max(0, i - half_band)
            hi = min(n_f, i + half_band + 1)
            clo = max(0, i - exclude)
            chi = min(n_f, i + exclude + 1)
            tot = (cs[hi] - cs[lo]) - (cs[chi] - cs[clo])
            cnt = (hi - lo) - (chi - clo)
            if cnt <= 0 or tot <= 0.0:
                out[t, i] = 0.0
            else:
                out[t, i] = power[t, i] / (tot / cnt)


@njit(signature("fcch", "sliding_tone_energy"), cache=True)
def sliding_tone_energy(z, length, out):
    """``out[m] = |sum(z[m:m+length])|**2`` for every start ``m < len(out)`` (z de-rotated: FCCH is DC).

    ``len(out)`` must not exceed ``len(z) - length + 1``.
    """
    n = min(out.shape[0], z.shape[0] - length + 1)
    acc = 0.0 + 0.0j
    for m in range(length):
        acc += z[m]
    for m in range(n):
        out[m] = acc.real * acc.real + acc.imag * acc.imag
        if m + length < z.shape[0]:
            acc += z[m + length] - z[m]
