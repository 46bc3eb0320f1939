"""The kernels the public wrappers call, with their one Numba signature each. No Numba import here.

This table is the single source of truth for both ways a kernel runs:

* just-in-time: each kernel's ``@njit`` decorator takes its signature from here, so Numba compiles exactly
  this one specialisation (and refuses other argument types with a ``TypeError``);
* ahead-of-time: ``python -m sdrscan.aot build`` compiles the same Python functions with the same
  signatures into one extension module, ``dsp._kernels._aot``, which a CLI process loads without importing
  Numba at all (see :mod:`dsp._kernels` for why that matters and how a stale build is detected).

``[::1]`` marks a C-contiguous dimension; ``[:]`` accepts any strides.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

# Channel memory of the MLSE (4 symbol periods -> 16 trellis states); shared by the kernel and the wrapper.
N_TAPS = 5

EXPORTS: dict[str, dict[str, str]] = {
    "channelizer": {
        "gather_bins": "void(complex64[:, :], int64[:], float32[:], complex64[:], complex64[:, :])",
    },
    "conv": {
        "conv_encode": "void(uint8[:], uint8[:, :], uint8[:])",
        "viterbi": "uint8[:](float32[:], int32[:, :], int32[:, :], int64, int64, boolean)",
    },
    "fcch": {
        "tone_ratio": "void(float32[:, ::1], int64, int64, float32[:, ::1])",
        "sliding_tone_energy": "void(complex128[::1], int64, float64[::1])",
    },
    "fire": {
        "poly_mod": "int64(uint8[:], int64, int64)",
    },
    "gmsk": {
        "gmsk_phase": "void(int8[:], float64[:], float64, float64, float64[:])",
    },
    "mlse": {
        "demod_bursts": ("void(complex64[::1], float64[::1], float64[::1], int64, int8[::1], uint8[::1], int64, "
                         "complex128[:, ::1], int64, float32[:, ::1], float64[::1], float64[::1], float64[::1], "
                         "complex128[:, ::1])"),
        "fit_training": ("void(complex64[::1], float64[::1], float64[::1], int64, uint8[::1], int64, "
                         "complex128[:, ::1], int64, float64[::1])"),
    },
    "resample": {
        "interp_phase": "void(float64[:], float64, float64, float64, float64, float32[:])",
        "accumulate_phasor": "void(float32[:], float32[:], complex128, complex64[:])",
    },
    "xcch": {
        "decode_blocks": ("void(float32[:, ::1], int64[::1], int32[:, ::1], int32[:, ::1], uint8[:, ::1], int64, "
                          "int64, int64, int64, boolean[::1], uint8[:, ::1], int64[::1])"),
    },
}

FAMILIES: tuple[str, ...] = tuple(EXPORTS)


def signature(family: str, name: str) -> str:
    """The Numba signature string of ``family.name`` (for its ``@njit`` decorator)."""
    return EXPORTS[family][name]


def aot_name(family: str, name: str) -> str:
    """Name of the kernel inside the compiled extension (one flat namespace)."""
    return f"{family}__{name}"


def fingerprint() -> int:
    """A 60-bit digest of everything an ahead-of-time build depends on: the kernel sources, this table,
    and the NumPy version the extension is compiled against. A build whose digest differs is stale."""
    h = hashlib.sha256()
    folder = Path(__file__).parent
    for family in FAMILIES + ("exports",):
        h.update((folder / f"{family}.py").read_bytes())
    h.update(np.__version__.encode())
    return int.from_bytes(h.digest()[:8], "little") >> 4
