"""Live recording to SigMF: rotation, metadata (hw, time, position), gaps; the sigmf package reads the files and
our receiver decodes the cell from them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import sigmf

from sdrscan.cells.run import run_survey
from sdrscan.errors import ConfigError
from sdrscan.field.recorder import RotatingRecorder, record_device
from sdrscan.gps.fix import Fix, PositionTrack
from sdrscan.sources import open_source
from sdrscan.sources.rtltcp import RtlTcpDevice
from tests.field.simrig import start_rig

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _meta(path: Path) -> dict:
    return json.loads(path.read_text())


def test_rotation_metadata_and_decoding(tmp_path: Path) -> None:
    rig = start_rig(ppm=0.0)
    dev = RtlTcpDevice("127.0.0.1", rig.server.port)
    dev.set_sample_rate(2.4e6)
    dev.set_gain(40.2)
    dev.set_center_freq(947.1e6)  # ARFCN 60 (947.0 MHz, BSIC 16) of the scene
    track = PositionTrack(max_age_s=10)
    now = datetime.now(UTC)
    track.add(Fix(now - timedelta(seconds=5), 53.35, -6.26, 12.0, 3, 0.0, 0.0, "t"))
    track.add(Fix(now + timedelta(seconds=60), 53.36, -6.26, 12.0, 3, 0.0, 0.0, "t"))
    rec = RotatingRecorder(tmp_path / "cap", sample_rate_hz=2.4e6, center_freq_hz=947.1e6,
                           hw=dev.info.hw(dev.gain_db, dev.ppm), max_seconds=1.0, positions=track)
    try:
        stats = record_device(dev, rec, duration_s=2.5, overflow="block")
    finally:
        dev.close()
        rig.close()
    assert len(stats.files) == 3 and stats.samples == 6_000_000 and stats.dropped_samples == 0
    starts = []
    for meta in stats.files:
        doc = _meta(meta)
        sigmf.SigMFFile(metadata=doc).validate()
        g, cap = doc["global"], doc["captures"][0]
        assert g["core:datatype"] == "cu8" and "R820T tuner" in g["core:hw"] and "40.2 dB" in g["core:hw"]
        lon, lat, *_ = g["core:geolocation"]["coordinates"]
        assert 53.35 <= lat <= 53.36 and lon == pytest.approx(-6.26)
        assert cap["core:frequency"] == 947.1e6 and g["sdrscan:gap_before_s"] == 0
        starts.append(datetime.fromisoformat(cap["core:datetime"].replace("Z", "+00:00")))
        rec_file = sigmf.fromfile(str(meta), skip_checksum=False, autoscale=False)  # verifies core:sha512
        assert rec_file.sample_count in (2_400_000, 1_200_000)
    assert [round((b - a).total_seconds(), 6) for a, b in zip(starts, starts[1:], strict=False)] == [1.0, 1.0]
    survey, _ = run_survey([open_source(m) for m in stats.files])
    assert {(c.arfcn, c.bsic) for c in survey.cells()} >= {(60, 16)}


def test_gaps_start_a_new_file_and_are_recorded(tmp_path: Path) -> None:
    rec = RotatingRecorder(tmp_path / "g", sample_rate_hz=1e6, center_freq_hz=947e6, hw="test", max_bytes=1 << 20)
    rec.write(bytes(200_000), T0)
    rec.write(bytes(1000), T0 + timedelta(seconds=0.15), gap_before_samples=50_000)
    rec.write(bytes(2_000_000), T0 + timedelta(seconds=0.1505))  # crosses the 1 MiB limit: rotates
    files = rec.close()
    assert len(files) == 3
    docs = [_meta(f) for f in files]
    assert docs[1]["global"]["sdrscan:gap_before_s"] == pytest.approx(0.05)
    sizes = [f.with_suffix(".sigmf-data").stat().st_size for f in files]
    assert sizes == [200_000, 1 << 20, 1000 + 2_000_000 - (1 << 20)]
    t = [datetime.fromisoformat(d["captures"][0]["core:datetime"].replace("Z", "+00:00")) for d in docs]
    assert (t[2] - t[1]).total_seconds() == pytest.approx((1 << 20) / 2 / 1e6)
    assert rec.stats.gaps == 1 and rec.stats.dropped_samples == 50_000


def test_bad_recorder_settings(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        RotatingRecorder(tmp_path / "no" / "x", sample_rate_hz=1e6, center_freq_hz=1e9, hw="")
    with pytest.raises(ConfigError, match="too small"):
        RotatingRecorder(tmp_path / "x", sample_rate_hz=1e6, center_freq_hz=1e9, hw="", max_bytes=1000)


@pytest.mark.slow
def test_cli_record_ctrl_c_leaves_valid_files(tmp_path: Path) -> None:
    rig = start_rig()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "sdrscan", "record", "--device", rig.url, "--freq", "947.1M",
                                 "--out", str(tmp_path / "live"), "--max-time", "1s", "--lossless"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list(tmp_path.glob("*.sigmf-meta"))) < 2:
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=180)
    finally:
        rig.close()
    assert proc.returncode == 0, err
    metas = sorted(tmp_path.glob("*.sigmf-meta"))
    assert len(metas) >= 3 and [str(m) for m in metas] == sorted(out.split())
    for m in metas:  # the file open at Ctrl-C was closed properly too
        sigmf.fromfile(str(m), skip_checksum=False, autoscale=False)
    data = np.fromfile(metas[0].with_suffix(".sigmf-data"), np.uint8)
    assert data.size == 2 * 2_400_000
