"""Filter-bank kernel: pick one channel's bins out of the shared block spectra, weighted, in one pass."""

from __future__ import annotations

from numba import njit

from dsp._kernels.exports import signature


@njit(signature("channelizer", "gather_bins"), cache=True)
def gather_bins(spectra, idx, gain, phase, out):
    """``out[b, j] = spectra[b, idx[j]] * gain[j] * phase[b]`` (the channel filter and the per-block mixer
    correction applied while gathering, instead of three passes over the array)."""
    for b in range(out.shape[0]):
        p = phase[b]
        for j in range(out.shape[1]):
            out[b, j] = spectra[b, idx[j]] * (gain[j] * p)
