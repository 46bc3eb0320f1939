"""Position fixes and a bounded track that answers "where was the receiver at time t?"."""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from sdrscan.sources.base import GeoPosition


@dataclass(frozen=True, slots=True)
class Fix:
    """One GNSS fix.

    Attributes
    ----------
    time : datetime
        UTC time of the fix (timezone-aware).
    lat_deg, lon_deg : float
        WGS-84, degrees (north and east positive).
    alt_m : float or None
        Altitude above mean sea level, metres (3-D fixes only).
    mode : int
        2 for a 2-D fix, 3 for 3-D (gpsd's TPV ``mode``; no-fix reports are not kept as fixes).
    speed_mps, track_deg : float or None
        Speed over ground (m/s) and course (degrees from true north).
    source : str
        ``gpsd``, ``nmea`` ...
    """

    time: datetime
    lat_deg: float
    lon_deg: float
    alt_m: float | None = None
    mode: int = 2
    speed_mps: float | None = None
    track_deg: float | None = None
    source: str = ""

    def position(self) -> GeoPosition:
        return GeoPosition(self.lat_deg, self.lon_deg, self.alt_m)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"time": self.time.isoformat().replace("+00:00", "Z"),
                                  "lat": round(self.lat_deg, 7), "lon": round(self.lon_deg, 7), "mode": self.mode}
        if self.alt_m is not None:
            out["alt_m"] = round(self.alt_m, 1)
        if self.speed_mps is not None:
            out["speed_mps"] = round(self.speed_mps, 2)
        return out


class PositionTrack:
    """The most recent fixes (bounded), thread-safe; fixes must be added in time order to interpolate.

    Parameters
    ----------
    max_fixes : int
        Fixes kept (at one a second, 600 is ten minutes).
    max_age_s : float
        A time farther than this from every fix has no position.
    """

    def __init__(self, max_fixes: int = 600, max_age_s: float = 5.0) -> None:
        self.max_age_s = max_age_s
        self._fixes: deque[Fix] = deque(maxlen=max_fixes)
        self._lock = threading.Lock()
        self.fixes_total = 0

    def add(self, fix: Fix) -> None:
        with self._lock:
            if self._fixes and fix.time < self._fixes[-1].time:
                self._fixes.clear()  # time went backwards (a replayed log restarted): start over
            self._fixes.append(fix)
            self.fixes_total += 1

    def latest(self) -> Fix | None:
        with self._lock:
            return self._fixes[-1] if self._fixes else None

    def at(self, t: datetime) -> Fix | None:
        """The position at ``t``: interpolated between the fixes around it, or the nearest fix within
        ``max_age_s``, else None."""
        with self._lock:
            fixes = list(self._fixes)
        if not fixes:
            return None
        times = [f.time for f in fixes]
        i = bisect_left(times, t)
        if 0 < i < len(fixes):
            a, b = fixes[i - 1], fixes[i]
            span = (b.time - a.time).total_seconds()
            if span <= 2 * self.max_age_s and span > 0:
                w = (t - a.time).total_seconds() / span
                alt = None if a.alt_m is None or b.alt_m is None else a.alt_m + w * (b.alt_m - a.alt_m)
                return Fix(t, a.lat_deg + w * (b.lat_deg - a.lat_deg), a.lon_deg + w * (b.lon_deg - a.lon_deg), alt,
                           min(a.mode, b.mode), b.speed_mps, b.track_deg, b.source)
        near = min(fixes, key=lambda f: abs((f.time - t).total_seconds()))
        return near if abs((near.time - t).total_seconds()) <= self.max_age_s else None


@runtime_checkable
class PositionSource(Protocol):
    """A running GPS reader (gpsd, NMEA): fills a track until closed."""

    track: PositionTrack

    def describe(self) -> str: ...

    def close(self) -> None: ...
