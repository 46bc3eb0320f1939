"""The service's ingest path against the synthesizer's truth and against the batch replay path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdrscan.cells.run import run_survey
from sdrscan.detection.engine import DetectionEngine
from sdrscan.detection.event import Event
from sdrscan.service.service import Service
from sdrscan.sources import open_source
from sdrscan.store.records import AlertFilter
from tests.service.helpers import demo_recordings, make_settings


@pytest.fixture(scope="module")
def band_a() -> Path:
    return demo_recordings()["band_a"]


def _run(service: Service, timeout_s: float = 120) -> None:
    service.start()
    assert service.worker.wait_idle(timeout_s)
    service.stop()


def test_cells_match_the_scene_truth_and_the_rogue_is_judged_rogue(tmp_path: Path, band_a: Path) -> None:
    truth = json.loads(band_a.with_name(band_a.name.replace(".sigmf-meta", ".truth.json")).read_text())
    service = Service(make_settings(tmp_path))
    run_id = service.add_replay(band_a)
    _run(service)
    run = service.store.get_run(run_id)
    assert run["status"] == "done" and run["progress"] == 1.0 and run["frames"] > 0
    cells = {(c["arfcn"], c["bsic"]): c for c in service.store.list_cells(limit=100, with_params=True).items}
    assert set(cells) == {(c["arfcn"], c["bsic"]) for c in truth["cells"]}
    for t in truth["cells"]:
        c = cells[(t["arfcn"], t["bsic"])]
        assert (c["mcc"], c["mnc"], c["lac"], c["ci"]) == (t["mcc"], t["mnc"], t["lac"], t["ci"])
        assert sorted(c["params"]["neighbours"] or []) == sorted(t["neighbours"])
        if len(t["multipath"]) <= 1:  # a static multipath channel has a frequency-selective gain: not comparable
            assert c["power_dbfs"] == pytest.approx(t["power_dbfs"], abs=1.5)
        obs = service.store.cell_observations(c["id"])
        assert obs and sum(o["blocks"] for o in obs) == c["blocks_ok"]
        assert all(o["lat_deg"] == pytest.approx(52.52) for o in obs)  # the capture's core:geolocation
    rogue = cells[(62, 5)]
    assert rogue["verdict"] == "rogue"
    assert {x["verdict"] for k, x in cells.items() if k != (62, 5)} == {"ok"}
    assert service.store.list_cells().items[0]["id"] == rogue["id"]  # threat order
    service.close()


def test_events_equal_those_of_the_batch_replay_path(tmp_path: Path, band_a: Path) -> None:
    """Ingest in chunks through the service vs. the whole recording through run_survey + one engine update.

    Chunked ingest judges the survey as it grows, so it may also raise events on evidence that later went
    away (events are never withdrawn); every event of the final state must be among them, and the final
    verdicts (computed from current evidence only) must be the same.
    """
    settings = make_settings(tmp_path)
    service = Service(settings)
    service.add_replay(band_a)
    _run(service)
    stored = {(e["arfcn"], e["bsic"], e["rule"]) for e in service.store.list_events(limit=500).items}
    with open_source(band_a) as src:
        survey, _ = run_survey([src])
    engine = DetectionEngine(settings)
    batch = {(e.arfcn, e.bsic, e.rule) for e in engine.update(survey) if isinstance(e, Event)}
    assert batch <= stored
    assert (62, 5, "empty-ba-list") in batch
    verdicts = {(c["arfcn"], c["bsic"]): c["verdict"] for c in service.store.list_cells(limit=100).items}
    assert verdicts == {k: v.verdict.value for k, v in engine.verdicts().items()}
    service.close()


def test_a_second_pass_over_the_same_recording_adds_nothing(tmp_path: Path, band_a: Path) -> None:
    settings = make_settings(tmp_path)
    service = Service(settings)
    run_id = service.add_replay(band_a)
    _run(service)
    n_events = service.store.list_events(AlertFilter(kinds=("alert", "verdict")), limit=1).total
    cid = service.store.cell_by_key(62, 5)["id"]
    n_obs = len(service.store.cell_observations(cid))
    service.close()
    # A restarted service: new survey and engine, same store, same recording, same run.
    again = Service(settings)
    assert again.add_replay(band_a) == run_id
    _run(again)
    assert again.store.list_events(AlertFilter(kinds=("alert", "verdict")), limit=1).total == n_events
    assert len(again.store.cell_observations(cid)) == n_obs
    assert again.store.get_run(run_id)["attempts"] == 2
    again.close()


def test_a_bad_recording_fails_its_job_with_one_line_and_the_worker_goes_on(tmp_path: Path, band_a: Path) -> None:
    bad = tmp_path / "bad.cu8"
    bad.write_bytes(b"\x80" * 10_000)
    service = Service(make_settings(tmp_path))
    run_bad = service.add_replay(bad, sample_rate_hz=2.4e6, center_freq_hz=100e6)  # not a GSM band
    run_good = service.add_replay(band_a)
    _run(service)
    failed = service.store.get_run(run_bad)
    assert failed["status"] == "failed" and "\n" not in failed["error"] and "MHz" in failed["error"]
    assert service.store.get_run(run_good)["status"] == "done"
    service.close()


def test_stop_during_a_run_flushes_and_marks_it_interrupted_then_recover_requeues_uploads(
        tmp_path: Path, band_a: Path) -> None:
    settings = make_settings(tmp_path)
    service = Service(settings)
    folder = tmp_path / "incoming"
    folder.mkdir()
    for ext in ("sigmf-meta", "sigmf-data"):
        (folder / f"recording.{ext}").write_bytes(band_a.with_name(f"band_a.{ext}").read_bytes())
    service.upload_root.mkdir(parents=True, exist_ok=True)
    job = service.submit_upload(folder, "recording.sigmf-meta", "up", {}, 1)
    service.worker._stop.set()  # the worker stops at its first progress callback
    service.worker.run_job(service.worker._queue.get())
    assert service.store.get_run(job)["status"] == "interrupted"
    service.close()
    again = Service(settings)
    again.recover()
    _run(again)
    assert again.store.get_run(job)["status"] == "done"
    again.close()
