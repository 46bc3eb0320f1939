"""Slow, obvious per-sample sample-format conversions: the reference for ``sdrscan.sources.formats``.

Written from the conventions in ``docs/architecture.md`` and the brief (cu8 -> (x-127.5)/127.5, ci8 -> x/128,
ci16_le -> x/32768, cf32 unchanged, NaN/Inf -> 0), with Python's struct module and float arithmetic.
"""

from __future__ import annotations

import math
import struct

import numpy as np

STRUCT = {"cu8": ("B", 1, 127.5, 127.5), "ci8": ("b", 1, 0.0, 128.0), "ci16_le": ("<h", 2, 0.0, 32768.0),
          "cf32_le": ("<f", 4, 0.0, 1.0)}


def decode_naive(data: bytes, datatype: str) -> tuple[list[complex], int]:
    """Samples (as Python complex) and the count of NaN/Inf samples set to 0."""
    code, size, offset, scale = STRUCT[datatype]
    out: list[complex] = []
    bad = 0
    for k in range(0, len(data) - len(data) % (2 * size), 2 * size):
        i = struct.unpack(code, data[k:k + size])[0]
        q = struct.unpack(code, data[k + size:k + 2 * size])[0]
        if datatype == "cf32_le" and not (math.isfinite(i) and math.isfinite(q)):
            bad += 1
            i = q = 0.0
        out.append(complex((i - offset) / scale, (q - offset) / scale))
    return out, bad


def encode_naive(samples: list[complex], datatype: str) -> bytes:
    """Stored bytes: ``round(x * scale + offset)`` clipped to the code range; NaN/Inf samples become 0."""
    code, size, offset, scale = STRUCT[datatype]
    out = bytearray()
    for s in samples:
        i, q = s.real, s.imag
        if not (math.isfinite(i) and math.isfinite(q)):
            i = q = 0.0
        for v in (i, q):
            if datatype == "cf32_le":
                out += struct.pack(code, v)
                continue
            lo, hi = {"cu8": (0, 255), "ci8": (-128, 127), "ci16_le": (-32768, 32767)}[datatype]
            c = round(v * scale + offset)  # Python rounds half to even, like numpy.rint
            out += struct.pack(code, min(max(c, lo), hi))
    return bytes(out)


def readme_cu8(x: np.ndarray) -> np.ndarray:
    """The shared data README's cu8 conversion: ``clip(round(x / max|x| * 127 + 127.5), 0, 255)``, I then Q."""
    iq = x.view(np.float32).astype(np.float64)
    return np.clip(np.round(iq / np.abs(iq).max() * 127 + 127.5), 0, 255).astype(np.uint8)
