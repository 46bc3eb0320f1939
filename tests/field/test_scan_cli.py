"""`sdrscan simulate` + `sdrscan scan` as separate processes, as a user runs them; bad input; Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.field.simrig import EGSM30, scene_cells

SDRSCAN = [sys.executable, "-m", "sdrscan"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _simulate(*args: str) -> tuple[subprocess.Popen, int, int]:
    port, gps = _free_port(), _free_port()
    proc = subprocess.Popen([*SDRSCAN, "simulate", "--scene", str(EGSM30), "--port", str(port), "--fast",
                             "--gpsd-port", str(gps), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port, gps
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"sdrscan simulate did not start: {proc.stderr.read() if proc.stderr else ''}")


@pytest.mark.slow
def test_scan_one_sweep_json_and_log_with_positions(tmp_path: Path) -> None:
    sim, port, gps = _simulate("--ppm", "-18.2", "--position", "53.3498,-6.2603")
    log = tmp_path / "scan.ndjson"
    try:
        r = subprocess.run([*SDRSCAN, "scan", "--band", "GSM900", "--device", f"rtltcp://127.0.0.1:{port}",
                            "--gps", f"gpsd://127.0.0.1:{gps}", "--sweeps", "1", "--lossless", "--json",
                            "--out", str(log)], capture_output=True, text=True, timeout=300)
    finally:
        sim.send_signal(signal.SIGINT)
        sim.wait(60)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    summary = lines[-1]
    cells = {(c["arfcn"], c["bsic"]) for c in lines[:-1]}
    assert cells == {(c["arfcn"], c["bsic"]) for c in scene_cells()}
    assert summary["type"] == "scan" and summary["hops"] == 18 and summary["signal_s"] <= 40
    assert summary["crystal_ppm"] == pytest.approx(-18.2, abs=0.5) and not summary["interrupted"]
    rows = [json.loads(x) for x in log.read_text().splitlines()]
    frames = [x for x in rows if x["type"] == "frame"]
    assert len([x for x in rows if x["type"] == "hop"]) == 18
    with_pos = [f for f in frames if "position" in f]
    assert len(with_pos) > 0.9 * len(frames)  # the first second may come before the first fix
    assert all(f["position"]["lat"] == pytest.approx(53.3498) for f in with_pos)
    assert sim.returncode == 0


@pytest.mark.slow
def test_ctrl_c_flushes_and_exits_0(tmp_path: Path) -> None:
    sim, port, _ = _simulate()
    log = tmp_path / "scan.ndjson"
    try:
        scan = subprocess.Popen([*SDRSCAN, "scan", "--device", f"rtltcp://127.0.0.1:{port}", "--lossless",
                                 "--json", "--out", str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not log.exists() or '"type":"hop"' not in log.read_text()):
            time.sleep(0.2)
        time.sleep(0.5)
        scan.send_signal(signal.SIGINT)
        out, err = scan.communicate(timeout=180)
    finally:
        sim.send_signal(signal.SIGINT)
        sim.wait(60)
    assert scan.returncode == 0, err[-2000:]
    assert json.loads(out.splitlines()[-1])["interrupted"] is True
    rows = [json.loads(x) for x in log.read_text().splitlines()]  # every line whole
    assert any(r["type"] == "hop" for r in rows) and any(r["type"] == "frame" for r in rows)


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*SDRSCAN, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.mark.slow
def test_dcs1800_with_an_r820t_dongle_is_refused_plainly() -> None:
    sim, port, _ = _simulate()
    try:
        r = _run("scan", "--band", "DCS1800", "--device", f"rtltcp://127.0.0.1:{port}")
    finally:
        sim.send_signal(signal.SIGINT)
        sim.wait(60)
    assert r.returncode == 2
    (line,) = r.stderr.strip().splitlines()
    assert "DCS1800" in line and "1766 MHz" in line and "R820T" in line and "E4000" in line


@pytest.mark.slow
def test_bad_device_values_are_one_line(tmp_path: Path) -> None:
    for device, want in (("usb:0", "expected rtl"), ("rtltcp://nowhere:99999", "rtltcp://HOST:PORT"),
                         (f"rtltcp://127.0.0.1:{_free_port()}", "cannot connect to rtl_tcp")):
        r = _run("scan", "--device", device)
        assert r.returncode == 2, r.stderr
        (line,) = r.stderr.strip().splitlines()
        assert want in line
    r = _run("scan", "--device", "rtltcp://127.0.0.1:1", "--gain", "loud")
    assert r.returncode == 2 and "--gain 'loud'" in r.stderr
    r = _run("record", "--device", "rtltcp://127.0.0.1:1", "--freq", "947.6M", "--out", str(tmp_path / "x"),
             "--max-size", "lots")
    assert r.returncode == 2 and "--max-size 'lots'" in r.stderr  # checked before the device is opened
