"""The live sweep as the service's source: frames, positions, band power and rules reach the store."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sdrscan.cells.survey import Survey
from sdrscan.config import load_settings
from sdrscan.detection.engine import DetectionEngine
from sdrscan.field.feed import feed_ingestor
from sdrscan.field.plan import plan_sweep
from sdrscan.gps.fix import Fix, PositionTrack
from sdrscan.service.ingest import Ingestor
from sdrscan.service.metrics import Metrics
from sdrscan.store.store import open_store
from tests.field.simrig import scene_cells, start_rig


@pytest.mark.slow
def test_a_live_sweep_fills_the_store(tmp_path: Path) -> None:
    settings = load_settings(None, store={"url": f"sqlite:///{tmp_path / 'live.db'}"})
    store = open_store(settings.store.resolved_url())
    ingestor = Ingestor(store, DetectionEngine(settings), Survey(), Metrics(), flush_interval_s=2.0)
    run_id = store.create_run("live", "rtltcp sim")
    rig = start_rig(ppm=-12.0)
    plan = plan_sweep("GSM900")
    plan = dataclasses.replace(plan, hops=plan.hops[9:12])  # 943-950 MHz: six cells
    track = PositionTrack(max_age_s=30)
    now = datetime.now(UTC)
    for s in (-10, 60):
        track.add(Fix(now + timedelta(seconds=s), 53.3, -6.3, None, 2, 0.0, None, "t"))
    scanner = rig.scanner(plan, positions=track)
    try:
        feed_ingestor(scanner, ingestor, run_id, sweeps=1)
    finally:
        rig.close()
    expected = {(c["arfcn"], c["bsic"]) for c in scene_cells() if any(c["arfcn"] in h.arfcns for h in plan.hops)}
    cells = store.list_cells(limit=100).items
    assert {(c["arfcn"], c["bsic"]) for c in cells} == expected and len(expected) == 6
    obs = store.cell_observations(cells[0]["id"])
    assert obs and all(o["lat_deg"] == pytest.approx(53.3) and o["lon_deg"] == pytest.approx(-6.3) for o in obs)
    band = {b["arfcn"] for b in store.band_power()}
    assert band == {a for h in plan.hops for a in h.arfcns}
    run = store.get_run(run_id)
    assert run is not None and run["frames"] > 0 and run["samples"] > 0
    store.close()
