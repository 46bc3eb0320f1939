"""Stored sample formats: names, sizes, and conversion to and from complex64 full-scale units.

The names are SigMF datatypes (SigMF specification v1.2, ``core:datatype``). Full scale is 1.0, so that
``docs/architecture.md``'s dBFS holds for every format:

=========  ======================  =====================================================
datatype   stored as               to complex64
=========  ======================  =====================================================
cu8        uint8 I, Q (rtl_sdr)    ``(x - 127.5) / 127.5`` (the dongle ADC's mid-code)
ci8        int8 I, Q               ``x / 128``
ci16_le    int16 I, Q, little end  ``x / 32768``
cf32_le    float32 I, Q (gr cfile) unchanged; NaN/Inf samples are set to 0 and counted
=========  ======================  =====================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sdrscan.errors import SourceError


@dataclass(frozen=True, slots=True)
class SampleFormat:
    """One stored format: ``component`` is the numpy dtype of I (and of Q), ``offset``/``scale`` map codes
    to full-scale units as ``(code - offset) / scale``."""

    datatype: str
    component: np.dtype
    offset: float
    scale: float
    description: str

    @property
    def bytes_per_sample(self) -> int:
        """Bytes of one complex sample (I and Q)."""
        return 2 * self.component.itemsize

    @property
    def is_float(self) -> bool:
        return self.component.kind == "f"


FORMATS: dict[str, SampleFormat] = {
    "cu8": SampleFormat("cu8", np.dtype(np.uint8), 127.5, 127.5, "unsigned 8-bit I/Q (rtl_sdr)"),
    "ci8": SampleFormat("ci8", np.dtype(np.int8), 0.0, 128.0, "signed 8-bit I/Q (HackRF)"),
    "ci16_le": SampleFormat("ci16_le", np.dtype("<i2"), 0.0, 32768.0, "signed 16-bit little-endian I/Q"),
    "cf32_le": SampleFormat("cf32_le", np.dtype("<f4"), 0.0, 1.0, "float32 little-endian I/Q (GNU Radio)"),
}

# What users type for --format, and what raw file extensions mean. `.bin` is rtl_sdr's customary name.
FORMAT_ALIASES: dict[str, str] = {
    "cu8": "cu8", "u8": "cu8", "rtl": "cu8", "rtlsdr": "cu8", "bin": "cu8",
    "ci8": "ci8", "cs8": "ci8", "s8": "ci8",
    "ci16_le": "ci16_le", "ci16": "ci16_le", "cs16": "ci16_le", "sc16": "ci16_le", "s16": "ci16_le",
    "cf32_le": "cf32_le", "cf32": "cf32_le", "fc32": "cf32_le", "cfile": "cf32_le", "complex64": "cf32_le",
}
RAW_EXTENSIONS: dict[str, str] = {
    ".cu8": "cu8", ".bin": "cu8", ".u8": "cu8",
    ".cs8": "ci8", ".ci8": "ci8",
    ".cs16": "ci16_le", ".ci16": "ci16_le",
    ".cfile": "cf32_le", ".cf32": "cf32_le", ".fc32": "cf32_le",
}


def get_format(name: str) -> SampleFormat:
    """The :class:`SampleFormat` for a SigMF datatype or a user alias (case-insensitive).

    Raises
    ------
    SourceError
        If the name is not one of the supported formats.
    """
    key = FORMAT_ALIASES.get(name.strip().lower())
    if key is None:
        raise SourceError(f"unknown sample format {name!r}; supported: {', '.join(FORMATS)} "
                          f"(aliases: cs8, cs16, cf32, cfile)")
    return FORMATS[key]


def decode(raw: np.ndarray, fmt: SampleFormat) -> tuple[np.ndarray, int]:
    """Convert stored bytes to a new complex64 array in full-scale units.

    Parameters
    ----------
    raw : numpy.ndarray
        uint8 bytes, a whole number of samples of ``fmt``.
    fmt : SampleFormat

    Returns
    -------
    samples : numpy.ndarray
        complex64, ``len(raw) // fmt.bytes_per_sample`` samples, owned by the caller.
    nonfinite : int
        Samples that had a NaN or infinite component and were set to 0 (float formats only).
    """
    codes = raw.view(fmt.component)
    out = np.empty(codes.size // 2, dtype=np.complex64)
    iq = out.view(np.float32)
    if fmt.is_float:
        iq[:] = codes
        # float64 sum of float32 values cannot overflow, so a non-finite sum means a NaN/Inf is present.
        with np.errstate(invalid="ignore"):  # inf + -inf is NaN: still "not finite", as wanted
            if np.isfinite(iq.sum(dtype=np.float64)):
                return out, 0
        bad = ~np.isfinite(iq).reshape(-1, 2).all(axis=1)
        out[bad] = 0
        return out, int(np.count_nonzero(bad))
    np.subtract(codes, np.float32(fmt.offset), out=iq, dtype=np.float32)
    np.divide(iq, np.float32(fmt.scale), out=iq)
    return out, 0


def encode(samples: np.ndarray, fmt: SampleFormat) -> tuple[np.ndarray, int, int]:
    """Convert complex64 full-scale samples to the stored representation of ``fmt``.

    Integer formats are ``round(x * scale + offset)`` clipped to the code range; NaN/Inf are written as 0.

    Returns
    -------
    codes : numpy.ndarray
        Interleaved I, Q of dtype ``fmt.component`` (``2 * len(samples)`` values).
    clipped : int
        Components outside the code range that were clipped (integer formats).
    nonfinite : int
        Samples with a NaN/Inf component, written as 0.
    """
    iq = np.ascontiguousarray(samples, dtype=np.complex64).view(np.float32)
    finite = np.isfinite(iq)
    nonfinite = 0
    if not finite.all():
        bad = ~finite.reshape(-1, 2).all(axis=1)
        nonfinite = int(np.count_nonzero(bad))
        iq = iq.copy()
        iq.reshape(-1, 2)[bad] = 0.0
    if fmt.is_float:
        return iq.astype(fmt.component, copy=False), 0, nonfinite
    info = np.iinfo(fmt.component)
    # float64: in float32, 127.5 - 1e-10 * 127.5 rounds to 127.5 and then to code 128 instead of 127.
    scaled = iq.astype(np.float64) * fmt.scale + fmt.offset
    np.rint(scaled, out=scaled)
    clipped = int(np.count_nonzero((scaled < info.min) | (scaled > info.max)))
    np.clip(scaled, info.min, info.max, out=scaled)
    return scaled.astype(fmt.component), clipped, nonfinite
