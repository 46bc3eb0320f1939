"""Bounded accumulators: running statistics, observed time, and fixed time windows kept in a ring.

Memory per cell does not grow with the length of a survey: totals are running sums, and only the newest
``max_windows`` windows of ``window_s`` seconds are kept.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from dsp.constants import FRAME_DURATION_S
from sdrscan.cells.model import Measurement

# Time credited for a single received block: one 51-multiframe (TS 45.002 §4.3.3), the period of every
# BCCH/CCCH block position, so that a count over (last - first + period) is an unbiased rate.
BLOCK_PERIOD_S = 51 * FRAME_DURATION_S


@dataclass(slots=True)
class RunningStat:
    """Welford mean and variance, min and max of one quantity."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0
    lo: float = math.inf
    hi: float = -math.inf

    def add(self, x: float) -> None:
        if not math.isfinite(x):
            return
        self.n += 1
        d = x - self.mean
        self.mean += d / self.n
        self.m2 += d * (x - self.mean)
        self.lo = min(self.lo, x)
        self.hi = max(self.hi, x)

    def snapshot(self) -> Measurement:
        if not self.n:
            return Measurement()
        std = math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0
        return Measurement(self.n, self.mean, std, self.lo, self.hi)


@dataclass(slots=True)
class ObservedTime:
    """Seconds during which a cell was received, summed over segments (one segment per source).

    Within a segment the span is ``last - first + BLOCK_PERIOD_S``; the gaps between recordings of a
    survey are not counted.
    """

    closed_s: float = 0.0
    segment: int = -1
    first: datetime | None = None
    last: datetime | None = None

    def add(self, t: datetime, segment: int) -> None:
        if segment != self.segment:
            self.closed_s += self._open_s()
            self.segment, self.first, self.last = segment, t, t
            return
        assert self.first is not None and self.last is not None
        self.first, self.last = min(self.first, t), max(self.last, t)

    def _open_s(self) -> float:
        if self.first is None or self.last is None:
            return 0.0
        return (self.last - self.first).total_seconds() + BLOCK_PERIOD_S

    @property
    def seconds(self) -> float:
        return self.closed_s + self._open_s()


W = TypeVar("W")


@dataclass(slots=True)
class Window(Generic[W]):
    start: datetime
    content: W
    observed: ObservedTime = field(default_factory=ObservedTime)


class WindowRing(Generic[W]):
    """Fixed windows of ``window_s`` seconds aligned to the Unix epoch, the newest ``max_windows`` kept.

    A block older than the oldest window kept is dropped (it only happens when a survey's recordings are
    out of order by more than the whole ring).
    """

    def __init__(self, window_s: float, max_windows: int, factory: Callable[[], W]) -> None:
        if not window_s > 0 or max_windows < 1:
            raise ValueError(f"window_s={window_s}, max_windows={max_windows}; expected > 0 and >= 1")
        self.window_s = float(window_s)
        self._factory = factory
        self._windows: deque[Window[W]] = deque(maxlen=max_windows)

    def _start_of(self, t: datetime) -> datetime:
        k = math.floor(t.timestamp() / self.window_s)
        return datetime.fromtimestamp(k * self.window_s, UTC)

    def at(self, t: datetime, segment: int) -> W | None:
        """The content of the window holding ``t`` (created if needed), with ``t`` counted as observed."""
        start = self._start_of(t)
        win = next((w for w in reversed(self._windows) if w.start == start), None)
        if win is None:
            if self._windows and start < self._windows[0].start and len(self._windows) == self._windows.maxlen:
                return None
            win = Window(start, self._factory())
            self._windows.append(win)
            if len(self._windows) > 1 and start < self._windows[-2].start:
                ordered = sorted(self._windows, key=lambda w: w.start)
                self._windows.clear()
                self._windows.extend(ordered)
        win.observed.add(t, segment)
        return win.content

    def windows(self) -> list[Window[W]]:
        return list(self._windows)

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=self.window_s)
