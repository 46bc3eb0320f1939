"""Filter-bank kernel: pick one channel's bins out of the shared block spectra, weighted, in one pass."""

from __future__ import annotations

from numba import complex64, float32, int64, njit, void


@njit(void(complex64[:, :], int64[:], float32[:], complex64[:], complex64[:, :]), cache=True)
def gather_bins(spectra, idx, gain, phase, out):
    """``out[b, j] = spectra[b, idx[j]] * gain[j] * phase[b]`` (the channel filter and the per-block mixer
    correction applied while gathering, instead of three passes over the array)."""
    for b in range(out.shape[0]):
        p = phase[b]
        for j in range(out.shape[1]):
            out[b, j] = spectra[b, idx[j]] * (gain[j] * p)
