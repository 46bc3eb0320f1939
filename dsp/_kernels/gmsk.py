"""GMSK phase kernel (TS 45.004 §2.5): the phase trajectory of a per-sample NRZ stream.

The modulating signal is piecewise constant over sample periods: ``nrz[k]`` (+1/-1) holds for
``t in [k Ts, (k+1) Ts)``. A symbol lasts ``sps`` samples; a quarter symbol (the 156.25-symbol timeslot) is
``sps / 4`` samples. The phase increment from sample ``n-1`` to ``n`` is
``scale * sum_j taps[j] * nrz[n - j + M]``, with ``taps`` the exact integral of the Gaussian-filtered
one-sample rectangle over each sample period (built by :func:`dsp.gmsk.gmsk_sample_taps`).
"""

from __future__ import annotations

from numba import njit

from dsp._kernels.exports import signature


@njit(signature("gmsk", "gmsk_phase"), cache=True)
def gmsk_phase(nrz, taps, scale, phase_start, out):
    """Accumulate the phase of ``nrz`` filtered by ``taps`` ('valid' convolution), into ``out``.

    ``nrz`` has ``out.size + taps.size - 1`` samples; ``out[r] = phase_start + scale * sum_{s<=r}
    sum_i taps[i] * nrz[s + K - 1 - i]`` with ``K = taps.size``.
    """
    k = taps.shape[0]
    acc = phase_start
    for r in range(out.shape[0]):
        s = 0.0
        base = r + k - 1
        for i in range(k):
            s += taps[i] * nrz[base - i]
        acc += scale * s
        out[r] = acc
