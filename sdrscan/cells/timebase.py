"""When a block was received: a source's start time plus the block's sample offset.

The start time is, in order of preference (``SourceClock.time_source`` says which was used):

* ``"core:datetime"``: the SigMF capture's ``core:datetime`` (``SourceInfo.start_time``);
* ``"mtime"``: the data file's modification time minus the recording's length (a recorder writes the
  last sample last, so the file's mtime is about when the recording ended);
* ``"now"``: the time the replay started, for input without either (standard input).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sdrscan.sources.base import SourceInfo

_META_EXT = ".sigmf-meta"
_DATA_EXT = ".sigmf-data"


@dataclass(frozen=True, slots=True)
class SourceClock:
    """Maps a sample index of one source to UTC time."""

    label: str
    start_time: datetime
    time_source: str  # "core:datetime", "mtime" or "now"
    sample_rate_hz: float

    def time_at(self, sample_offset: int) -> datetime:
        return self.start_time + timedelta(seconds=sample_offset / self.sample_rate_hz)


def _data_file(path: str) -> Path | None:
    p = Path(path)
    if p.name.endswith(_META_EXT):
        p = p.with_name(p.name[: -len(_META_EXT)] + _DATA_EXT)
    return p if p.is_file() else None


def clock_for(info: SourceInfo, label: str | None = None, now: datetime | None = None) -> SourceClock:
    """The clock of a source described by ``info`` (see the module docstring for the order of choice)."""
    name = label if label is not None else (Path(info.path).name if info.path else "<source>")
    if info.start_time is not None:
        start = info.start_time if info.start_time.tzinfo else info.start_time.replace(tzinfo=UTC)
        return SourceClock(name, start.astimezone(UTC), "core:datetime", info.sample_rate_hz)
    data = _data_file(info.path) if info.path else None
    if data is not None:
        end = datetime.fromtimestamp(data.stat().st_mtime, UTC)
        return SourceClock(name, end - timedelta(seconds=info.duration_s or 0.0), "mtime", info.sample_rate_hz)
    return SourceClock(name, now if now is not None else datetime.now(UTC), "now", info.sample_rate_hz)
