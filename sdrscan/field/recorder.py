"""Record a live dongle to SigMF, rotating files by size or time (``sdrscan record``).

The dongle's bytes are written as they come (``cu8``: nothing re-quantised). Each file is one contiguous
capture with ``core:hw`` (dongle, tuner, gain, correction), ``core:datetime`` of its first sample and
``core:geolocation`` (the position then, if known); ``sdrscan:track`` lists the positions during the file
(one a second at most). A gap (samples the computer could not take) ends the file: the next one starts
after the gap and says how long it was (``sdrscan:gap_before_s``), so no file pretends to be contiguous
when it is not.

File names: ``PREFIX_YYYYmmddTHHMMSSZ_FREQMHz.sigmf-meta`` / ``.sigmf-data``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sdrscan.errors import ConfigError
from sdrscan.gps.fix import PositionTrack
from sdrscan.sources.live import BYTES_PER_SAMPLE, LiveDevice, SampleRing, StreamClock
from sdrscan.sources.sigmf_writer import SigMFWriter

log = logging.getLogger(__name__)

MAX_TRACK_POINTS = 86_400


@dataclass(slots=True)
class RecordStats:
    files: list[Path] = field(default_factory=list)
    samples: int = 0
    dropped_samples: int = 0
    gaps: int = 0


class RotatingRecorder:
    """Write cu8 bytes to a sequence of SigMF recordings.

    Parameters
    ----------
    prefix : Path
        ``DIR/NAME``: files are ``DIR/NAME_<time>_<freq>MHz.sigmf-*``; DIR must exist.
    sample_rate_hz, center_freq_hz : float
    hw : str
        ``core:hw``.
    max_bytes, max_seconds : optional
        Start a new file when the current one reaches either.
    positions : PositionTrack, optional
    extra : dict, optional
        More global metadata (``sdrscan:*``) for every file.
    """

    def __init__(self, prefix: str | Path, *, sample_rate_hz: float, center_freq_hz: float, hw: str,
                 max_bytes: int | None = None, max_seconds: float | None = None,
                 positions: PositionTrack | None = None, extra: dict[str, object] | None = None) -> None:
        self.prefix = Path(prefix)
        if not self.prefix.parent.is_dir():
            raise ConfigError(f"output folder {self.prefix.parent} does not exist; create it or choose another --out")
        if max_bytes is not None and max_bytes < 2 * 65536:
            raise ConfigError(f"--max-size {max_bytes} bytes is too small; use at least 128k")
        if max_seconds is not None and max_seconds <= 0:
            raise ConfigError(f"--max-time {max_seconds} must be positive")
        self.rate = sample_rate_hz
        self.freq = center_freq_hz
        self.hw = hw
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self._max_samples = None if max_seconds is None else max(1, int(round(max_seconds * sample_rate_hz)))
        self.positions = positions
        self.extra = dict(extra or {})
        self.stats = RecordStats()
        self._writer: SigMFWriter | None = None
        self._file_start: datetime | None = None
        self._file_bytes = 0
        self._gap_before_s = 0.0
        self._last_track: datetime | None = None

    def _open(self, t: datetime) -> SigMFWriter:
        stamp = t.strftime("%Y%m%dT%H%M%S") + f"{t.microsecond // 1000:03d}Z"
        base = self.prefix.with_name(f"{self.prefix.name}_{stamp}_{self.freq / 1e6:.3f}MHz")
        fix = self.positions.at(t) if self.positions is not None else None
        extra = {**self.extra, "sdrscan:gap_before_s": round(self._gap_before_s, 6), "sdrscan:track": []}
        w = SigMFWriter(base, sample_rate_hz=self.rate, center_freq_hz=self.freq, datatype="cu8", hw=self.hw,
                        start_time=t, position=fix.position() if fix else None,
                        description="sdrscan record: live RTL-SDR capture", extra_global=extra)
        self._file_start, self._file_bytes, self._gap_before_s = t, 0, 0.0
        self.stats.files.append(w.meta_path)
        log.info("recording to %s", w.data_path)
        return w

    def write(self, data: bytes, t_first: datetime, gap_before_samples: int = 0) -> None:
        """Append ``data`` (cu8, whole samples) whose first sample was taken at ``t_first``."""
        if gap_before_samples:
            self.stats.dropped_samples += gap_before_samples
            self.stats.gaps += 1
            self._close_file()
            self._gap_before_s = gap_before_samples / self.rate
        view = memoryview(data)
        t = t_first
        while view:
            if self._writer is None:
                self._writer = self._open(t)
            room = len(view)
            if self.max_bytes is not None:
                room = min(room, self.max_bytes - self._file_bytes)
            if self._max_samples is not None:  # by sample count: datetimes only resolve microseconds
                room = min(room, (self._max_samples - self._file_bytes // BYTES_PER_SAMPLE) * BYTES_PER_SAMPLE)
            room -= room % BYTES_PER_SAMPLE
            if room <= 0:
                self._close_file()
                continue
            self._writer.write_raw(view[:room])
            self._track(t)
            self._file_bytes += room
            self.stats.samples += room // BYTES_PER_SAMPLE
            view = view[room:]
            t = t + timedelta(seconds=room / BYTES_PER_SAMPLE / self.rate)
            full = self.max_bytes is not None and self._file_bytes >= self.max_bytes
            old = self._max_samples is not None and self._file_bytes // BYTES_PER_SAMPLE >= self._max_samples
            if full or old:
                self._close_file()

    def _track(self, t: datetime) -> None:
        if self.positions is None or self._writer is None:
            return
        if self._last_track is not None and (t - self._last_track).total_seconds() < 1.0:
            return
        fix = self.positions.at(t)
        if fix is None:
            return
        track = self._writer.extra_global["sdrscan:track"]
        if isinstance(track, list) and len(track) < MAX_TRACK_POINTS:
            track.append(fix.to_json())
            self._last_track = t

    def _close_file(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._last_track = None

    def close(self) -> list[Path]:
        """Finish the current file (its metadata is written now); returns every file's metadata path."""
        self._close_file()
        return list(self.stats.files)


def record_device(device: LiveDevice, recorder: RotatingRecorder, *, duration_s: float | None = None,
                  stop: threading.Event | None = None, read_timeout_s: float = 5.0, ring_s: float = 2.0,
                  overflow: str = "drop") -> RecordStats:
    """Stream ``device`` (already tuned) into ``recorder`` until ``duration_s`` of signal or ``stop``.

    Raises
    ------
    DeviceError
        The device failed or stalled (the files written so far are closed and valid).
    """
    rate = device.sample_rate_hz
    ring = SampleRing(max(4096, int(ring_s * rate) * BYTES_PER_SAMPLE), overflow)
    clock = StreamClock()
    limit = None if duration_s is None else int(round(duration_s * rate))
    got = 0
    device.start(ring)
    try:
        while (limit is None or got < limit) and not (stop is not None and stop.is_set()):
            want = 65536 if limit is None else min(65536, limit - got)
            chunk = ring.read(want * BYTES_PER_SAMPLE, read_timeout_s)
            gap = chunk.gap_bytes // BYTES_PER_SAMPLE
            clock.advance(gap, rate)
            recorder.write(chunk.data, clock.now(), gap)
            n = len(chunk.data) // BYTES_PER_SAMPLE
            clock.advance(n, rate)
            got += n + gap
    finally:
        device.stop()
        recorder.close()
    return recorder.stats
