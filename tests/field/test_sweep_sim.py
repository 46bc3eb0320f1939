"""The band sweep on the simulated dongle: the issue's figures, crystal carried across hops, revisits, positions."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sdrscan.field.plan import plan_sweep
from sdrscan.field.scanner import CrystalUpdate, FieldFrame, HopDone, HopStart
from sdrscan.field.session import ScanSession
from sdrscan.gps.fix import Fix, PositionTrack
from sdrscan.sim.drive import parse_drive
from sdrscan.sources.live import tuner_by_name
from tests.field.simrig import scene_cells, start_rig


@pytest.mark.slow
def test_full_egsm900_sweep_finds_every_cell_with_complete_si_within_40_s() -> None:
    """30 cells, crystal 41.7 ppm off and unknown: one sweep of 174 channels, 18 hops."""
    rig = start_rig(ppm=41.7)
    scanner = rig.scanner()
    session = ScanSession()
    updates, hops = [], []
    try:
        for ev in scanner.run(sweeps=1):
            session.handle(ev)
            if isinstance(ev, CrystalUpdate):
                updates.append(ev)
            elif isinstance(ev, HopDone):
                hops.append(ev)
    finally:
        rig.close()
    truth = {(c["arfcn"], c["bsic"]): c for c in scene_cells()}
    complete = {(c.arfcn, c.bsic) for h in hops for c in h.carriers if c.complete}
    assert complete == set(truth)  # every cell, nothing invented
    assert scanner.stats.signal_s <= 40.0, scanner.stats.signal_s  # the bound (floor ~34 s)
    assert len(hops) == 18 and {h.reason for h in hops} <= {"complete", "empty"}
    for cell in session.survey.cells():  # the survey decoded each cell's identity from its SI3
        want = truth[(cell.arfcn, cell.bsic)]
        assert (cell.mcc, cell.mnc, cell.lac, cell.ci) == (want["mcc"], want["mnc"], want["lac"], want["ci"])
    # The crystal estimate was carried across hops as the dongle's correction after the first locked hop.
    assert updates and updates[0].correction == 42 and scanner.correction == 42
    assert scanner.stats.crystal_ppm == pytest.approx(41.7, abs=0.3)
    assert all(h.crystal_ppm == pytest.approx(41.7, abs=1.0) for h in hops if h.crystal_ppm is not None)
    assert scanner.stats.dropped_samples == 0


@pytest.mark.slow
def test_revisits_skip_empty_hops_and_keep_finding_the_cells() -> None:
    rig = start_rig()
    plan = plan_sweep("GSM900")
    plan = dataclasses.replace(plan, hops=plan.hops[13:])  # 952-960 MHz: hops with and without cells
    scanner = rig.scanner(plan, empty_every=3)
    visits: dict[int, list[int]] = {}
    try:
        for ev in scanner.run(sweeps=3):
            if isinstance(ev, HopStart):
                visits.setdefault(ev.hop.index, []).append(ev.sweep)
    finally:
        rig.close()
    empty = {h.index for h in plan.hops if not any(
        a in h.arfcns for a in (c["arfcn"] for c in scene_cells()))}
    assert empty, "the sub-plan must include empty hops"
    for idx, sweeps in visits.items():
        assert sweeps == ([0] if idx in empty else [0, 1, 2])


@pytest.mark.slow
def test_frames_carry_the_position_of_the_moving_receiver() -> None:
    drive = parse_drive({"path": [{"t": 0, "lat": 53.30, "lon": -6.30}, {"t": 60, "lat": 53.32, "lon": -6.25}],
                         "cells": [], "alt_m": 35})
    rig = start_rig(drive=drive)
    track = PositionTrack(max_age_s=2.0)
    plan = plan_sweep("GSM900")
    plan = dataclasses.replace(plan, hops=plan.hops[:3])
    scanner = rig.scanner(plan, positions=track)

    # What a GPS would report: the drive's position at the dongle's signal time, once a second.
    t0 = datetime.now(UTC)
    for s in range(0, 30):
        st = drive.state(float(s))
        track.add(Fix(t0 + timedelta(seconds=s), st.lat_deg, st.lon_deg, st.alt_m, 3, st.speed_mps, st.track_deg))
    frames: list[FieldFrame] = []
    try:
        for ev in scanner.run(sweeps=1):
            if isinstance(ev, FieldFrame):
                frames.append(ev)
    finally:
        rig.close()
    assert frames and all(f.position is not None for f in frames)
    for f in frames[::10]:
        signal_s = (f.time - scanner.clock.t0).total_seconds()
        st = drive.state(signal_s)
        # Positions are looked up at the frame's time; the scanner's clock started when our t0 was taken.
        assert f.position.lat_deg == pytest.approx(st.lat_deg, abs=5e-5)  # ~5 m
        assert f.position.lon_deg == pytest.approx(st.lon_deg, abs=1e-4)
    assert [f.time for f in frames if f.hop == 0] == sorted(f.time for f in frames if f.hop == 0)


@pytest.mark.slow
def test_dcs1800_with_an_e4000_dongle(tmp_path: Path) -> None:
    """An E4000 reaches DCS1800; ARFCNs 512-810 are resolved as DCS1800 (not PCS1900) from the hop's band."""
    scene = tmp_path / "dcs.json"
    cells = [{"arfcn": 600, "power_db": -25, "bsic": 10}, {"arfcn": 603, "power_db": -30, "bsic": 11},
             {"arfcn": 812, "power_db": -28, "bsic": 12}]
    scene.write_text(json.dumps({"snr": 30, "cells": cells}))
    rig = start_rig(ppm=-22.0, scene=scene, tuner="E4000")
    plan = plan_sweep("DCS1800", tuner=tuner_by_name("E4000"))
    wanted = {c["arfcn"] for c in cells}
    plan = dataclasses.replace(plan, hops=tuple(h for h in plan.hops if wanted & set(h.arfcns)))
    found = set()
    try:
        for ev in rig.scanner(plan).run(sweeps=1):
            if isinstance(ev, HopDone):
                found |= {(c.arfcn, c.bsic) for c in ev.carriers if c.complete}
    finally:
        rig.close()
    assert found == {(c["arfcn"], c["bsic"]) for c in cells}
