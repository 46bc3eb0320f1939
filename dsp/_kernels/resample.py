"""Render a constant-envelope signal, known by its phase on a uniform grid, at arbitrary sample times.

GMSK is ``exp(j phi(t))`` with a smooth phase, so instead of resampling the complex waveform (which needs a
long anti-imaging filter per rate pair) we interpolate the *phase* with a quintic Lagrange polynomial through
six neighbouring grid points and take ``exp`` at the output instant. The output clock may be any rate and
may drift (sample clock error): grid coordinate ``u = u_first + m * du`` for output sample ``m``.
"""

from __future__ import annotations

import math

from numba import complex64, complex128, float64, njit, void


@njit(void(float64[:], float64, float64, float64, float64, float64, float64[:], complex128[:], complex64[:]),
      cache=True)
def render_phase(phase, u_first, du, carrier_start_rad, carrier_step_rad, amplitude, tap_delay, tap_gain,
                 out):
    """Add ``amplitude * exp(j w_m) * sum_k tap_gain[k] * exp(j phase(u_m - tap_delay[k]))`` to ``out[m]``.

    ``u_m = u_first + m du`` and ``w_m = carrier_start_rad + m carrier_step_rad``.

    ``phase(u)`` is the quintic Lagrange interpolation of ``phase[floor(u) - 2 .. floor(u) + 3]``; the
    caller guarantees ``2 <= u - tap_delay[k]`` and ``u - tap_delay[k] < phase.size - 3`` for every sample.
    """
    n_taps = tap_delay.shape[0]
    for m in range(out.shape[0]):
        u0 = u_first + m * du
        w = carrier_start_rad + m * carrier_step_rad
        acc_re = 0.0
        acc_im = 0.0
        for k in range(n_taps):
            u = u0 - tap_delay[k]
            i = int(math.floor(u))
            f = u - i
            # Lagrange weights for the nodes -2 .. 3 evaluated at f in [0, 1).
            a = f + 2.0
            b = f + 1.0
            c0 = f - 1.0
            d = f - 2.0
            e = f - 3.0
            ph = (-f * b * c0 * d * e / 120.0 * phase[i - 2]
                  + a * f * c0 * d * e / 24.0 * phase[i - 1]
                  - a * b * c0 * d * e / 12.0 * phase[i]
                  + a * b * f * d * e / 12.0 * phase[i + 1]
                  - a * b * f * c0 * e / 24.0 * phase[i + 2]
                  + a * b * f * c0 * d / 120.0 * phase[i + 3])
            # One sine/cosine per path: the carrier phase is folded into the GMSK phase.
            c = math.cos(ph + w)
            s = math.sin(ph + w)
            g = tap_gain[k]
            acc_re += g.real * c - g.imag * s
            acc_im += g.real * s + g.imag * c
        out[m] += complex(acc_re * amplitude, acc_im * amplitude)
