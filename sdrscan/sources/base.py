"""Records every IQ source shares: what a recording is, the sample blocks it yields, its counters.

A source yields ``complex64`` blocks in full-scale units (see ``docs/architecture.md``), each with the index
of its first sample counted from the start of the source, plus one :class:`SourceInfo` that describes the
whole recording.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_BLOCK_SIZE = 262_144  # samples: 2 MiB of complex64, ~0.1 s at 2.4 MS/s


@dataclass(frozen=True, slots=True)
class GeoPosition:
    """Where the receiver was: WGS-84 latitude/longitude in degrees, altitude in metres if known."""

    lat_deg: float
    lon_deg: float
    alt_m: float | None = None


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Description of a whole source.

    Attributes
    ----------
    sample_rate_hz, center_freq_hz : float
        Complex sample rate and the frequency that sits at 0 Hz in the baseband samples.
    datatype : str
        SigMF name of the stored sample format: ``'cu8'``, ``'ci8'``, ``'ci16_le'`` or ``'cf32_le'``.
    start_time : datetime or None
        UTC time of the first sample (timezone-aware), if recorded.
    num_samples : int or None
        Complex samples in the source; ``None`` for live or piped input of unknown length.
    path, hw, position, description
        Where the samples come from, the receiver hardware, its position and a free-text note.
    """

    sample_rate_hz: float
    center_freq_hz: float
    datatype: str
    start_time: datetime | None = None
    num_samples: int | None = None
    path: str | None = None
    hw: str | None = None
    position: GeoPosition | None = None
    description: str | None = None

    @property
    def duration_s(self) -> float | None:
        """Length of the source in seconds, or ``None`` if unknown."""
        return None if self.num_samples is None else self.num_samples / self.sample_rate_hz


@dataclass(frozen=True, slots=True)
class SampleBlock:
    """One block of samples.

    Attributes
    ----------
    samples : numpy.ndarray
        complex64, 1-D, C-contiguous, full-scale units. Each block owns its array (never reused).
    offset : int
        Index of ``samples[0]`` counted from the start of the source; blocks are contiguous.
    position : GeoPosition or None
        Receiver position while the block was recorded, if known.
    """

    samples: np.ndarray
    offset: int
    position: GeoPosition | None = None


@dataclass(slots=True)
class SourceStats:
    """Mutable counters of one pass over a source (reset when :meth:`IQSource.blocks` starts again).

    Attributes
    ----------
    samples_read : int
        Complex samples yielded so far.
    nonfinite_zeroed : int
        Samples with a NaN or infinite component, set to 0 before they were yielded (float formats only).
    dropped_samples : int
        Samples lost before they reached us (live sources whose queue overflowed); 0 for files.
    truncated_bytes : int
        Bytes at the end of the data that do not form a whole sample and were ignored.
    """

    samples_read: int = 0
    nonfinite_zeroed: int = 0
    dropped_samples: int = 0
    truncated_bytes: int = 0


@runtime_checkable
class IQSource(Protocol):
    """Anything that yields sample blocks: a recording now, a live dongle later. Also a context manager."""

    info: SourceInfo
    stats: SourceStats

    def blocks(self, block_size: int = DEFAULT_BLOCK_SIZE) -> Iterator[SampleBlock]:
        """Yield contiguous blocks of at most ``block_size`` samples (the last one may be shorter)."""
        ...

    def close(self) -> None:
        """Release the file or device; further reads are an error."""
        ...

    def __enter__(self) -> IQSource: ...

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None: ...
