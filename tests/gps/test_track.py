"""PositionTrack: where the receiver was at a frame's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sdrscan.gps.fix import Fix, PositionTrack

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _fix(s: float, lat: float, alt: float | None = 10.0) -> Fix:
    return Fix(T0 + timedelta(seconds=s), lat, -6.0, alt, 3 if alt is not None else 2, 5.0, 90.0, "t")


def test_interpolates_between_fixes_and_refuses_stale_times() -> None:
    tr = PositionTrack(max_age_s=2.0)
    assert tr.at(T0) is None and tr.latest() is None
    for s, lat in ((0, 53.0), (1, 53.001), (2, 53.003)):
        tr.add(_fix(s, lat))
    mid = tr.at(T0 + timedelta(seconds=1.5))
    assert mid is not None and mid.lat_deg == pytest.approx(53.002) and mid.alt_m == 10.0
    assert tr.at(T0 + timedelta(seconds=3.5)).lat_deg == 53.003  # type: ignore[union-attr]  # nearest, 1.5 s
    assert tr.at(T0 + timedelta(seconds=4.5)) is None  # 2.5 s after the last fix
    assert tr.at(T0 - timedelta(seconds=1)).lat_deg == 53.0  # type: ignore[union-attr]


def test_a_long_gap_is_not_bridged_and_2d_fixes_have_no_altitude() -> None:
    tr = PositionTrack(max_age_s=1.0)
    tr.add(_fix(0, 53.0))
    tr.add(_fix(10, 54.0, alt=None))
    assert tr.at(T0 + timedelta(seconds=5)) is None
    assert tr.at(T0 + timedelta(seconds=9.5)).alt_m is None  # type: ignore[union-attr]


def test_bounded_and_restarts_when_time_goes_back() -> None:
    tr = PositionTrack(max_fixes=3)
    for s in range(10):
        tr.add(_fix(s, 53.0 + s))
    assert len(tr._fixes) == 3 and tr.fixes_total == 10
    tr.add(_fix(2, 60.0))
    assert len(tr._fixes) == 1 and tr.latest().lat_deg == 60.0  # type: ignore[union-attr]
