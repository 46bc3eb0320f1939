"""``sdrscan serve --device``: a live dongle swept continuously as a source of the service.

End to end with real processes on loopback: a simulated dongle (``sdrscan simulate --fast``, its own process)
serves a scene with a pseudo base station; ``sdrscan serve --device rtltcp://...`` (another process) sweeps
it while its pipeline worker replays, and later receives as an upload, the real GSMSP capture. The test
talks to the service over HTTP and reads its SQLite file read-only to compare rows. It kills the simulator
(SIGKILL) mid-sweep and starts another on the same port, then stops the service with SIGINT.

In process: a stalled stream is timed out and the gap recorded; a stop while the device is away records
the gap up to the stop; a peer that is not rtl_tcp, or says nothing, fails ``serve`` in one line.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from sdrscan.errors import ConfigError
from sdrscan.field.scanner import ScanConfig
from sdrscan.service.service import Service
from sdrscan.sim.dongle import SimDongle
from sdrscan.sim.server import RtlTcpServer
from sdrscan.sim.world import load_world_scene
from tests.service.helpers import AUTH, TOKEN, free_port, make_settings

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "recordings" / "real" / "gsmsp_2007_953.6MHz.sigmf-meta"
# The GSMSP guide's decode of this capture (third-party ground truth): O2 Ireland on ARFCN 93.
REAL_CELL = {"arfcn": 93, "bsic": 56, "mcc": 272, "mnc": "02", "lac": 15016, "ci": 15149}

# Operator 262-01 (two location areas, neighbour lists naming each other), 262-02, and a classic pseudo
# base station on ARFCN 62: strongest, a location area of its own, empty neighbour list, T3212 of 6 min,
# a C2 reselection boost (CRO 30 = 60 dB) -- medium and high findings, not only low ones.
SCENE = {
    "description": "serve --device test: 262-01, 262-02 and a pseudo base station on ARFCN 62",
    "snr": 25,
    "cells": [
        {"arfcn": 58, "power_db": -26, "bsic": 41, "mcc": 262, "mnc": "01", "lac": 2301, "ci": 10101,
         "neighbours": [10, 12, 30, 60, 64, 70, 75], "t3212": 60, "cfo_hz": 20},
        {"arfcn": 60, "power_db": -22, "bsic": 43, "mcc": 262, "mnc": "01", "lac": 2301, "ci": 10102,
         "neighbours": [10, 30, 58, 64, 70, 75, 80], "t3212": 60, "cfo_hz": -35},
        {"arfcn": 64, "power_db": -28, "bsic": 45, "mcc": 262, "mnc": "01", "lac": 2302, "ci": 10201,
         "neighbours": [12, 30, 58, 60, 70, 75, 80], "t3212": 60, "cfo_hz": 60},
        {"arfcn": 67, "power_db": -30, "bsic": 20, "mcc": 262, "mnc": "02", "lac": 7001, "ci": 20301,
         "neighbours": [22, 24, 28, 30, 85, 88], "t3212": 120, "ccch_conf": 1, "cfo_hz": -80},
        {"arfcn": 62, "power_db": -12, "bsic": 5, "mcc": 262, "mnc": "01", "lac": 4711, "ci": 1234,
         "neighbours": [], "t3212": 1, "rxlev_access_min": 0, "cfo_hz": 900,
         "selection_params": {"cbq": 0, "cro": 30, "temp_offset": 0, "penalty_time": 0}},
    ],
}
ROGUE = (62, 5)
LEGIT = {(58, 41), (60, 43), (64, 45), (67, 20)}


def _wait(what: str, check: Callable[[], Any], timeout_s: float, proc: subprocess.Popen | None = None,
          log: Path | None = None) -> Any:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` (and the process's log)."""
    deadline = time.monotonic() + timeout_s
    while True:
        got = check()
        if got:
            return got
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"{what}: the process exited ({proc.returncode}): "
                        f"{log.read_text() if log is not None else ''}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout_s:.0f} s; " + (log.read_text()[-3000:] if log else ""))
        time.sleep(0.1)


def _query(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "SDRSCAN_API_TOKEN": TOKEN, "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), "SDRSCAN_STORE__FLUSH_INTERVAL_S": "1.0",
            "SDRSCAN_STORE__IDENTITY_KEY_FILE": str(home / "identity.key")}


def _simulator(scene: Path, port: int, seed: int, log: Path) -> subprocess.Popen:
    """``sdrscan simulate --fast`` on ``port``, returned once it listens."""
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "sdrscan", "simulate", "--scene", str(scene), "--port",
                                 str(port), "--fast", "--seed", str(seed), "--ppm", "12"], stderr=fh,
                                stdout=subprocess.DEVNULL, cwd=ROOT)
    _wait("simulator listening", lambda: "rtl_tcp on" in log.read_text(), 30, proc, log)
    return proc


def _metrics(http: httpx.Client) -> dict[str, float]:
    out = {}
    for line in http.get("/api/v1/metrics").text.splitlines():
        if line.startswith("sdrscan_live_"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def _health(http: httpx.Client) -> dict[str, Any]:
    r = http.get("/api/v1/health")
    assert r.status_code == 200
    return r.json()


@pytest.mark.slow
def test_serve_sweeps_a_live_device_through_an_outage_and_stops_cleanly(tmp_path: Path) -> None:
    scene = tmp_path / "scene.json"
    scene.write_text(json.dumps(SCENE))
    sim_port, api_port = free_port(), free_port()
    db = tmp_path / "store.db"
    serve_log = tmp_path / "serve.log"
    sims = [_simulator(scene, sim_port, 3, tmp_path / "sim1.log")]
    t_start = time.monotonic()
    with open(serve_log, "w") as fh:
        serve = subprocess.Popen([sys.executable, "-m", "sdrscan", "serve", "--device", f"rtltcp://127.0.0.1:{sim_port}",
                                  "--lossless", "--replay", str(REAL), "--db", f"sqlite:///{db}", "--port",
                                  str(api_port)], env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=fh,
                                 cwd=ROOT)
    http = httpx.Client(base_url=f"http://127.0.0.1:{api_port}", timeout=10)
    try:
        def up() -> dict | None:
            try:
                return _health(http)
            except httpx.TransportError:
                return None

        _wait("the API answers", up, 40, serve, serve_log)

        # --- the scene's cells appear, the rogue judged, an alert raised; the replay ran alongside -----
        def judged() -> list[dict] | None:
            cells = http.get("/api/v1/cells", params={"limit": 50}).json()["items"]
            keys = {(c["arfcn"], c["bsic"]): c for c in cells}
            rogue = keys.get(ROGUE)
            ok = LEGIT | {ROGUE, (93, 56)} <= set(keys) and rogue is not None and rogue["verdict"] != "ok"
            return cells if ok else None

        cells = _wait("the scene's cells and the rogue's verdict", judged, 60, serve, serve_log)
        t_judged = time.monotonic() - t_start
        by_key = {(c["arfcn"], c["bsic"]): c for c in cells}
        assert set(by_key) == LEGIT | {ROGUE, (93, 56)}  # nothing the scene does not hold
        assert by_key[ROGUE]["verdict"] in ("rogue", "suspicious") and cells[0]["arfcn"] == ROGUE[0]  # threat order
        assert all(by_key[k]["verdict"] != "rogue" for k in LEGIT)
        assert by_key[ROGUE]["lac"] == 4711 and by_key[(60, 43)]["ci"] == 10102  # identities from SI3
        real = by_key[(93, 56)]
        assert {k: real[k] for k in REAL_CELL} == REAL_CELL
        alerts = _wait("an alert on the rogue", lambda: [a for a in http.get(
            "/api/v1/alerts", params={"arfcn": ROGUE[0], "limit": 100}).json()["items"]
            if a["severity"] in ("medium", "high")], 20, serve, serve_log)
        assert alerts and all(a["bsic"] == ROGUE[1] for a in alerts)

        jobs = {j["kind"]: j for j in http.get("/api/v1/jobs").json()["items"]}
        assert jobs["replay"]["status"] == "done" and jobs["live"]["status"] == "running"
        live_id = jobs["live"]["id"]
        health = _health(http)
        live = health["live"]
        assert health["status"] == "ok" and live["state"] == "running" and live["run_id"] == live_id
        assert live["tuner"] == "R820T" and live["samples"] > 0 and live["frames"] > 0
        m = _metrics(http)
        assert m["sdrscan_live_up"] == 1 and m["sdrscan_live_samples_total"] > 0
        assert m["sdrscan_live_dropped_samples_total"] == 0  # --lossless: the simulator waits for us
        assert m["sdrscan_live_x_realtime"] > 1  # decoding faster than the signal arrives

        # --- an upload while the sweep runs: the worker is not held by the live source ------------------
        data = REAL.with_name(REAL.name.replace(".sigmf-meta", ".sigmf-data"))
        with open(REAL, "rb") as meta_fh, open(data, "rb") as data_fh:
            r = http.post("/api/v1/recordings", headers=AUTH,
                          files={"meta": (REAL.name, meta_fh), "data": (data.name, data_fh)})
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        _wait("the upload's job to finish", lambda: http.get(f"/api/v1/jobs/{job_id}").json()["status"] == "done",
              30, serve, serve_log)

        # --- the device disappears mid-sweep ------------------------------------------------------------
        before_obs = _query(db, "SELECT * FROM observations ORDER BY id")
        before_events = _query(db, "SELECT id, digest, message FROM events ORDER BY id")
        before_cells = _query(db, "SELECT id, arfcn, bsic FROM cells ORDER BY id")
        live_obs = sum(1 for r in before_obs if r[2] == live_id)
        assert live_obs > 0 and before_events
        sims[0].kill()  # SIGKILL: the rtl_tcp server is gone, its socket reset by the kernel
        sims[0].wait(10)
        _wait("the service to log the loss", lambda: "device lost" in serve_log.read_text(), 15, serve, serve_log)
        lost = _wait("/health to say reconnecting", lambda: (h := _health(http))["live"]["state"] == "reconnecting"
                     and h, 10, serve, serve_log)
        assert lost["status"] == "degraded"
        assert http.get("/api/v1/cells").status_code == 200  # the API keeps serving
        assert _metrics(http)["sdrscan_live_up"] == 0

        # --- a simulator comes back on the same port: the sweep resumes, the gap is recorded ------------
        sims.append(_simulator(scene, sim_port, 4, tmp_path / "sim2.log"))
        back = _wait("the sweep to resume", lambda: (h := _health(http))["live"]["state"] == "running"
                     and h["live"]["gaps"] == 1 and h, 30, serve, serve_log)
        assert back["status"] == "ok" and back["live"]["gap_s"] > 0
        (gap,) = http.get(f"/api/v1/jobs/{live_id}").json()["gaps"]
        assert gap["resumed"] and gap["attempts"] >= 1 and gap["duration_s"] > 0
        assert "closed the connection" in gap["reason"] or "broke" in gap["reason"]
        m = _metrics(http)
        assert m["sdrscan_live_gaps_total"] == 1 and m["sdrscan_live_gap_seconds_total"] == pytest.approx(
            gap["duration_s"], abs=1e-3)
        # New observations after the gap reach the store.
        _wait("observations after the gap", lambda: _query(
            db, f"SELECT count(*) FROM observations WHERE run_id = {live_id}")[0][0] > live_obs, 30, serve, serve_log)

        # --- Ctrl-C: flush, close, exit 0 -------------------------------------------------------------
        serve.send_signal(signal.SIGINT)
        rc = serve.wait(30)
    finally:
        http.close()
        if serve.poll() is None:
            serve.kill()
            serve.wait(10)
        for p in sims:
            if p.poll() is None:
                p.terminate()
                p.wait(10)
    err = serve_log.read_text()
    assert rc == 0, err
    assert "Traceback" not in err and err.rstrip().endswith("stopped")
    lost_lines = [ln for ln in err.splitlines() if "device lost" in ln]
    assert len(lost_lines) == 1 and f"127.0.0.1:{sim_port}" in lost_lines[0], lost_lines  # one clear line

    # Nothing stored before the outage was lost or changed; the live run ended cleanly with its gap.
    after_obs = {r[0]: r for r in _query(db, "SELECT * FROM observations")}
    assert all(after_obs.get(r[0]) == r for r in before_obs)
    after_events = {r[0]: r for r in _query(db, "SELECT id, digest, message FROM events")}
    assert all(after_events.get(r[0]) == r for r in before_events)
    assert set(before_cells) <= set(_query(db, "SELECT id, arfcn, bsic FROM cells"))
    ((status, error, options, samples),) = _query(db, f"SELECT status, error, options, samples FROM runs "
                                                      f"WHERE id = {live_id}")
    assert status == "done" and error is None and samples > 0
    opts = json.loads(options)
    assert opts["gaps_total"] == 1 and opts["gaps"][0]["start"] == gap["start"].replace("+00:00", "Z")
    print(f"serve --device: rogue judged {t_judged:.1f} s after start")


# --- in process: a stall, a stop during an outage ------------------------------------------------------------

def _sim_and_service(tmp_path: Path) -> tuple[RtlTcpServer, Service]:
    """A fast simulated dongle with the test scene, and a service with a fresh store (no source yet)."""
    scene = tmp_path / "scene.json"
    scene.write_text(json.dumps(SCENE))
    server = RtlTcpServer(SimDongle(load_world_scene(scene), 5), port=0, realtime=False)
    server.start()
    return server, Service(make_settings(tmp_path))


@contextmanager
def _service_on_sim(tmp_path: Path, **cfg: Any) -> Iterator[tuple[Service, RtlTcpServer]]:
    server, service = _sim_and_service(tmp_path)
    try:
        config = ScanConfig(overflow="block", ring_s=0.05, reconnect_min_s=0.1, reconnect_max_s=0.2, **cfg)
        service.add_live(f"rtltcp://127.0.0.1:{server.port}", config=config)
        service.start()
        yield service, server
    finally:
        service.close()
        server.stop()


def _live_state(service: Service, *states: str, hops: int = 0) -> bool:
    assert service.live is not None
    st = service.live.status()
    return st["state"] in states and st["hops"] >= hops


@pytest.mark.slow
def test_a_stalled_stream_is_timed_out_reconnected_and_recorded(tmp_path: Path) -> None:
    with _service_on_sim(tmp_path, read_timeout_s=0.5) as (service, server):
        assert service.live is not None
        _wait("the sweep to run", lambda: _live_state(service, "running", hops=2), 30)
        server.stall()  # the connection stays open, no more samples
        # Timed out after 0.5 s; the reconnection is accepted at once (the server still answers), so the
        # "reconnecting" state lasts only milliseconds: the recorded gap is what shows.
        _wait("the stall to be noticed", lambda: service.live.gaps >= 1, 10)
        server.stall(False)
        hops = service.live.status()["hops"]
        _wait("the sweep to resume", lambda: _live_state(service, "running", hops=hops + 2), 20)
        run_id = service.live.run_id
        t0 = time.monotonic()
        service.stop()
        assert time.monotonic() - t0 < 5  # no hang
        row = service.store.get_run(run_id)
    assert row is not None and row["status"] == "done" and row["samples"] > 0
    gaps = row["options"]["gaps"]
    # A reconnection may land while the server is still stalled: then each timeout is a gap of its own.
    assert gaps and all("no samples" in g["reason"] and g["resumed"] for g in gaps)


def test_a_stop_while_the_device_is_away_records_the_gap_up_to_the_stop(tmp_path: Path) -> None:
    with _service_on_sim(tmp_path) as (service, server):
        assert service.live is not None
        _wait("the sweep to run", lambda: _live_state(service, "running", hops=1), 30)
        server.stop()  # gone, and not coming back
        _wait("the loss to be noticed", lambda: _live_state(service, "reconnecting"), 10)
        time.sleep(0.3)
        run_id = service.live.run_id
        t0 = time.monotonic()
        service.stop()
        assert time.monotonic() - t0 < 5
        assert service.live.state == "stopped" and service.live.gaps == 1
        row = service.store.get_run(run_id)
    assert row is not None and row["status"] == "done"
    (gap,) = row["options"]["gaps"]
    assert not gap["resumed"] and gap["attempts"] is None and gap["duration_s"] >= 0.3


# --- peers that are not rtl_tcp ----------------------------------------------------------------------------

@contextmanager
def _peer(behaviour: str) -> Iterator[int]:
    """A TCP listener that answers like an HTTP server (``garbage``) or accepts and says nothing (``mute``)."""
    lsock = socket.create_server(("127.0.0.1", 0))
    lsock.settimeout(0.2)
    stop = threading.Event()
    conns: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = lsock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conns.append(conn)
            if behaviour == "garbage":
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield lsock.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        lsock.close()
        for c in conns:
            c.close()


@pytest.mark.slow
def test_a_peer_that_is_not_rtl_tcp_or_says_nothing_fails_serve_in_one_line(tmp_path: Path) -> None:
    with _peer("garbage") as bad, _peer("mute") as mute:
        procs = {}
        for name, port in (("garbage", bad), ("mute", mute)):
            procs[name] = subprocess.Popen(
                [sys.executable, "-m", "sdrscan", "serve", "--device", f"rtltcp://127.0.0.1:{port}", "--db",
                 f"sqlite:///{tmp_path / (name + '.db')}", "--port", str(free_port())], env=_env(tmp_path),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        t0 = time.monotonic()
        results = {name: p.communicate(timeout=40) for name, p in procs.items()}
        elapsed = time.monotonic() - t0
    for name, p in procs.items():
        err = results[name][1].strip()
        assert p.returncode == 2, err
        assert "\n" not in err and "Traceback" not in err, err
    assert "is not an rtl_tcp server" in results["garbage"][1]
    assert "header bytes in 5 s" in results["mute"][1]  # the connect timeout, then one line
    assert elapsed < 30


def test_a_band_the_tuner_cannot_reach_is_refused_and_the_device_closed(tmp_path: Path) -> None:
    server, service = _sim_and_service(tmp_path)
    try:
        with pytest.raises(ConfigError, match="nothing to scan with this dongle.*R820T"):
            service.add_live(f"rtltcp://127.0.0.1:{server.port}", "DCS1800")
        assert service.live is None and service.store.list_runs(kinds=("live",)).total == 0
        # rtl_tcp serves one client at a time: this one connects only if the refused one was closed.
        run_id = service.add_live(f"rtltcp://127.0.0.1:{server.port}", "GSM900")
        assert server.stats.clients == 2
        with pytest.raises(ConfigError, match="one --device per service"):
            service.add_live(f"rtltcp://127.0.0.1:{server.port}")
        assert service.live is not None and service.live.stop()  # never started: closed, run ended
        row = service.store.get_run(run_id)
        assert row is not None and row["status"] == "failed" and "before the sweep started" in row["error"]
    finally:
        service.close()
        server.stop()


def test_gaps_are_kept_in_the_run_bounded(tmp_path: Path) -> None:
    from sdrscan.store.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'gaps.db'}")
    run_id = store.create_run("live", "live test", options={"device": "rtl"})
    for i in range(3):
        store.add_run_gap(run_id, {"start": f"2026-01-01T00:00:0{i}Z", "duration_s": 1.5}, keep=2)
    opts = store.get_run(run_id)["options"]
    store.close()
    assert [g["start"][-3:] for g in opts["gaps"]] == ["01Z", "02Z"]  # the newest, oldest first
    assert opts["gaps_total"] == 3 and opts["gap_s_total"] == 4.5 and opts["device"] == "rtl"
