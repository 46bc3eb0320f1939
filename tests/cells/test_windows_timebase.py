"""Bounded accumulators against obvious references, and the time base of each recording."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdrscan.cells.timebase import clock_for
from sdrscan.cells.windows import BLOCK_PERIOD_S, ObservedTime, RunningStat, WindowRing
from sdrscan.sources.base import SourceInfo
from tests.cells.frames import T0, at


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-200, 200, allow_nan=False), min_size=1, max_size=60))
def test_running_stat_matches_numpy(xs: list[float]) -> None:
    r = RunningStat()
    for x in xs:
        r.add(x)
    m = r.snapshot()
    a = np.array(xs)
    assert m.n == a.size and m.min == a.min() and m.max == a.max()
    assert m.mean == pytest.approx(a.mean(), abs=1e-9)
    assert m.std == pytest.approx(a.std(ddof=1) if a.size > 1 else 0.0, abs=1e-6)


def test_running_stat_ignores_non_finite_values() -> None:
    r = RunningStat()
    for x in (1.0, float("nan"), float("inf"), 3.0):
        r.add(x)
    assert r.snapshot().n == 2 and r.snapshot().mean == 2.0
    assert np.isnan(RunningStat().snapshot().mean)


def test_observed_time_sums_segments() -> None:
    o = ObservedTime()
    for t in (0, 5, 2):
        o.add(at(t), segment=1)
    o.add(at(100), segment=2)
    assert o.seconds == pytest.approx(5 + BLOCK_PERIOD_S + BLOCK_PERIOD_S)


def test_window_ring_orders_and_bounds() -> None:
    ring: WindowRing[list[int]] = WindowRing(10.0, 3, list)
    for t in (25, 5, 15, 35, 0):  # out of order; the 0 s window is older than the ring holds once full
        box = ring.at(at(t), segment=1)
        if box is not None:
            box.append(t)
    assert [(w.start - T0).total_seconds() for w in ring.windows()] == [10, 20, 30]
    assert [w.content for w in ring.windows()] == [[15], [25], [35]]


def _info(path: str | None, start: datetime | None = None) -> SourceInfo:
    return SourceInfo(sample_rate_hz=2e6, center_freq_hz=940e6, datatype="cu8", start_time=start,
                      num_samples=4_000_000, path=path)


def test_clock_prefers_core_datetime() -> None:
    start = datetime(2025, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    c = clock_for(_info("x.sigmf-meta", start))
    assert c.time_source == "core:datetime" and c.start_time == start and c.start_time.tzinfo == UTC
    assert c.time_at(3_000_000) == start + timedelta(seconds=1.5)
    naive = clock_for(_info(None, datetime(2025, 1, 1)))  # naive datetimes are UTC (SigMF requires Z)
    assert naive.start_time == datetime(2025, 1, 1, tzinfo=UTC)


def test_clock_falls_back_to_mtime_minus_duration(tmp_path: Path) -> None:
    data = tmp_path / "rec.sigmf-data"
    data.write_bytes(b"")
    os.utime(data, (1_700_000_000, 1_700_000_000))
    for path in (tmp_path / "rec.sigmf-meta", data):
        c = clock_for(_info(str(path)))
        assert c.time_source == "mtime" and c.label == path.name
        assert c.start_time == datetime.fromtimestamp(1_700_000_000 - 2.0, UTC)
    raw = tmp_path / "rec.cu8"
    raw.write_bytes(b"")
    os.utime(raw, (1_600_000_000, 1_600_000_000))
    assert clock_for(_info(str(raw)), label="L").start_time == datetime.fromtimestamp(1_600_000_000 - 2.0, UTC)


def test_clock_uses_now_for_stdin() -> None:
    now = datetime(2026, 2, 2, tzinfo=UTC)
    c = clock_for(_info("<stdin>"), now=now)
    assert c.time_source == "now" and c.start_time == now
