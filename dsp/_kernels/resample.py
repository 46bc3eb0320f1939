"""Render a constant-envelope signal, known by its phase on a uniform grid, at arbitrary sample times.

GMSK is ``exp(j phi(t))`` with a smooth phase, so instead of resampling the complex waveform (which needs a
long anti-imaging filter per rate pair) we interpolate the *phase* with a quintic Lagrange polynomial through
six neighbouring grid points and take ``exp`` at the output instant. The output clock may be any rate and
may drift (sample clock error): grid coordinate ``u = u_first + m * du`` for output sample ``m``.

The kernel only produces the wrapped phase (float64 arithmetic, reduced to [-pi, pi) before the cast to
float32); the caller takes sine and cosine with NumPy's SIMD float32 routines (6 ns a pair instead of about
40 ns for scalar float64), which is where the time went.
"""

from __future__ import annotations

import math

from numba import njit

from dsp._kernels.exports import signature


@njit(signature("resample", "interp_phase"), cache=True)
def interp_phase(phase, u_first, du, carrier_start_rad, carrier_step_rad, out):
    """``out[m] = wrap(phase(u_first + m du) + carrier_start_rad + m carrier_step_rad)`` in [-pi, pi).

    ``phase(u)`` is the quintic Lagrange interpolation of ``phase[floor(u) - 2 .. floor(u) + 3]``; the
    caller guarantees ``2 <= u`` and ``u < phase.size - 3`` for every sample.
    """
    two_pi = 2.0 * math.pi
    inv_two_pi = 1.0 / two_pi
    for m in range(out.shape[0]):
        u = u_first + m * du
        i = int(math.floor(u))
        f = u - i
        # Lagrange weights for the nodes -2 .. 3 at f in [0, 1), sharing sub-products.
        fp2 = f + 2.0
        fp1 = f + 1.0
        fm1 = f - 1.0
        fm2 = f - 2.0
        fm3 = f - 3.0
        a12 = fm1 * fm2
        b21 = fp2 * fp1
        f3 = f * fm3
        ph = (f3 * a12 * (fp2 * phase[i - 1] * (1.0 / 24.0) - fp1 * phase[i - 2] * (1.0 / 120.0))
              + b21 * (f * a12 * phase[i + 3] * (1.0 / 120.0) - f3 * fm1 * phase[i + 2] * (1.0 / 24.0))
              + b21 * fm3 * (f * fm2 * phase[i + 1] - a12 * phase[i]) * (1.0 / 12.0))
        ph += carrier_start_rad + m * carrier_step_rad
        out[m] = ph - two_pi * math.floor(ph * inv_two_pi + 0.5)


@njit(signature("resample", "accumulate_phasor"), cache=True)
def accumulate_phasor(cos_v, sin_v, gain, out):
    """``out[m] += gain * (cos_v[m] + j sin_v[m])``."""
    gr = gain.real
    gi = gain.imag
    for m in range(out.shape[0]):
        c = cos_v[m]
        s = sin_v[m]
        out[m] += complex(gr * c - gi * s, gr * s + gi * c)
