"""Open any recording by path: SigMF (meta, data, archive or base name), raw files by extension, or ``-``."""

from __future__ import annotations

from pathlib import Path

from sdrscan.errors import SourceError
from sdrscan.sources.raw import open_raw, open_stdin
from sdrscan.sources.reader import StreamSource
from sdrscan.sources.sigmf_reader import ARCHIVE_EXT, META_EXT, open_sigmf, sigmf_paths
from sdrscan.sources.units import parse_hz


def _hz(value: str | float | None) -> float | None:
    return None if value is None else parse_hz(value)


def open_source(path: str | Path, *, fmt: str | None = None, sample_rate_hz: float | str | None = None,
                center_freq_hz: float | str | None = None, check_schema: bool = False) -> StreamSource:
    """Open a recording for streaming in bounded memory.

    Parameters
    ----------
    path : str or Path
        ``NAME.sigmf-meta``, ``NAME.sigmf-data``, ``NAME`` (SigMF base name), ``NAME.sigmf`` (archive), a raw
        file (``.cu8 .bin .cs8 .cs16 .cfile .cf32``), or ``-`` for raw samples on standard input.
    fmt : str, optional
        ``sigmf`` or a raw format (``cu8``, ``ci8``, ``ci16_le``, ``cf32_le`` and aliases ``cs16``, ``cfile``
        ...). A raw format overrides the extension, so ``x.sigmf-data`` with ``fmt='cu8'`` is read raw.
    sample_rate_hz, center_freq_hz : float or str, optional
        Required for raw files; for SigMF they override the metadata (with a warning when different).
        Strings such as ``"2.4M"`` are accepted.
    check_schema : bool
        Also validate SigMF metadata against the SigMF schema (the ``sigmf`` package, a one-line warning when
        it fails). Off by default: importing the validator costs ~0.15 s of start-up and reading does not
        need it; ``sdrscan info`` turns it on.

    Returns
    -------
    StreamSource
        An :class:`~sdrscan.sources.base.IQSource`; use it as a context manager.

    Raises
    ------
    SourceError
        Every problem with the input, as one line that says what to change.
    """
    rate, fc = _hz(sample_rate_hz), _hz(center_freq_hz)
    kind = None if fmt is None else fmt.strip().lower()
    if str(path) == "-":
        return open_stdin(None if kind == "sigmf" else fmt, rate, fc)
    p = Path(path).expanduser()
    if kind is None or kind == "sigmf":
        sig = sigmf_paths(p)
        if sig is not None:
            return open_sigmf(sig, rate, fc, check_schema=check_schema)
        if kind == "sigmf":
            raise SourceError(f"no SigMF recording at {p} (looked for {p.name}{META_EXT} and {p.name}{ARCHIVE_EXT})")
    elif p.name.endswith((META_EXT, ARCHIVE_EXT)):
        raise SourceError(f"{p.name} is SigMF; drop --format {fmt} (the datatype comes from the metadata)")
    if not p.exists():
        raise SourceError(f"no such file: {p}")
    if not p.is_file():
        raise SourceError(f"{p} is not a regular file; give the path of a recording")
    return open_raw(p, fmt, rate, fc)
