"""Headerless recordings: rtl_sdr ``.cu8``/``.bin``, HackRF ``.cs8``, ``.cs16``, GNU Radio ``.cfile``/``.cf32``.

They carry no metadata, so the sample rate and centre frequency must be given (``--rate``,
``--center-freq``); the format comes from ``--format`` or else the file extension.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from sdrscan.errors import SourceError
from sdrscan.sources.base import SourceInfo
from sdrscan.sources.formats import RAW_EXTENSIONS, SampleFormat, get_format
from sdrscan.sources.reader import ByteSegment, StreamSource, file_opener, whole_samples


def raw_format_for(path: Path, fmt: str | None) -> SampleFormat:
    """The stored format of a raw file: ``fmt`` if given, else from the extension.

    Raises
    ------
    SourceError
        If ``fmt`` is unknown, or it is None and the extension is not a known raw one.
    """
    if fmt is not None:
        return get_format(fmt)
    ext = path.suffix.lower()
    if ext not in RAW_EXTENSIONS:
        known = " ".join(sorted(RAW_EXTENSIONS))
        raise SourceError(f"cannot tell the sample format of {path.name} from its extension {ext or '(none)'!r}; "
                          f"pass --format cu8|ci8|ci16_le|cf32_le (raw extensions: {known}; or use SigMF)")
    return get_format(RAW_EXTENSIONS[ext])


def check_rate_and_freq(name: str, sample_rate_hz: float | None, center_freq_hz: float | None) -> tuple[float, float]:
    """Both values present and physical, or a one-line :class:`SourceError` saying which option to add."""
    missing = [opt for opt, v in (("--rate (e.g. --rate 2.4M)", sample_rate_hz),
                                  ("--center-freq (e.g. --center-freq 947.6M)", center_freq_hz)) if v is None]
    if missing:
        raise SourceError(f"{name} has no metadata with its sample rate and frequency; give {' and '.join(missing)}")
    assert sample_rate_hz is not None and center_freq_hz is not None
    if not (math.isfinite(sample_rate_hz) and sample_rate_hz > 0):
        raise SourceError(f"sample rate {sample_rate_hz!r} Hz is invalid; expected a positive rate, e.g. --rate 2.4M")
    if not (math.isfinite(center_freq_hz) and center_freq_hz >= 0):
        raise SourceError(f"centre frequency {center_freq_hz!r} Hz is invalid; expected e.g. --center-freq 947.6M")
    return float(sample_rate_hz), float(center_freq_hz)


def open_raw(path: Path, fmt: str | None, sample_rate_hz: float | None, center_freq_hz: float | None) -> StreamSource:
    """Open a headerless recording for streaming.

    Parameters
    ----------
    path : Path
        An existing regular file.
    fmt : str or None
        Format name or alias (``cu8``, ``cs16``, ``cfile`` ...); None to use the extension.
    sample_rate_hz, center_freq_hz : float or None
        Required: the file does not store them.

    Raises
    ------
    SourceError
        Unknown format, missing/invalid rate or frequency, unreadable or empty file.
    """
    sf = raw_format_for(path, fmt)
    rate, fc = check_rate_and_freq(path.name, sample_rate_hz, center_freq_hz)
    try:
        nbytes = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    n, extra = whole_samples(path.name, nbytes, sf)
    if n == 0:
        raise SourceError(f"{path} holds no whole {sf.datatype} sample ({nbytes} bytes); is it the right file?")
    try:  # fail now, with the path, rather than on the first read
        file_opener(path)().close()
    except OSError as exc:
        raise SourceError(f"cannot open {path}: {exc.strerror or exc}") from exc
    info = SourceInfo(sample_rate_hz=rate, center_freq_hz=fc, datatype=sf.datatype, num_samples=n, path=str(path))
    return StreamSource(info, sf, file_opener(path), (ByteSegment(0, n),), truncated_bytes=extra)


def open_stdin(fmt: str | None, sample_rate_hz: float | None, center_freq_hz: float | None) -> StreamSource:
    """Read raw samples piped on standard input (``rtl_sdr -f 947.6M -s 2.4M - | sdrscan ... -``), once."""
    if fmt is None:
        raise SourceError("reading samples from standard input needs --format (e.g. --format cu8 for rtl_sdr)")
    sf = get_format(fmt)
    rate, fc = check_rate_and_freq("standard input", sample_rate_hz, center_freq_hz)
    info = SourceInfo(sample_rate_hz=rate, center_freq_hz=fc, datatype=sf.datatype, num_samples=None,
                      path="<stdin>")
    return StreamSource(info, sf, lambda: sys.stdin.buffer, None, container="pipe")
