"""Crash safety with a real process: ``kill -9`` during ingest loses nothing committed; a restart continues.

``sdrscan serve`` replays the demo survey with a short flush interval (many transactions); the test watches
the database from outside, kills the process with SIGKILL as soon as the first chunks are committed,
copies what is there, restarts the same command and waits until every run is done.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sdrscan.service.service import Service
from sdrscan.store.records import AlertFilter
from tests.service.helpers import TOKEN, demo_recordings, free_port, make_settings

pytestmark = pytest.mark.slow


def _serve(db: Path, recordings: list[Path], home: Path) -> subprocess.Popen:
    env = {**os.environ, "SDRSCAN_API_TOKEN": TOKEN, "SDRSCAN_STORE__FLUSH_INTERVAL_S": "0.25",
           "XDG_DATA_HOME": str(home), "SDRSCAN_STORE__IDENTITY_KEY_FILE": str(home / "identity.key")}
    args = [sys.executable, "-m", "sdrscan", "serve", "--db", f"sqlite:///{db}", "--port", str(free_port())]
    for r in recordings:
        args += ["--replay", str(r)]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _query(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute(sql).fetchall()
    except sqlite3.OperationalError:  # schema not created yet
        return []
    finally:
        con.close()


def test_kill_9_during_ingest_loses_nothing_and_restart_finishes(tmp_path: Path) -> None:
    rec = demo_recordings()
    recordings = [rec["band_a"], rec["band_b"]]
    db = tmp_path / "store.db"
    proc = _serve(db, recordings, tmp_path)
    deadline = time.monotonic() + 120
    try:
        while True:  # the first committed chunk with decoded cells, first run still going
            rows = _query(db, "SELECT status, (SELECT count(*) FROM observations) FROM runs WHERE id = 1")
            if rows and rows[0][0] == "running" and rows[0][1] > 0:
                break
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "ingest never started"
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    status = _query(db, "SELECT id, status, progress FROM runs ORDER BY id")
    assert status[0][1] == "running" and 0 < status[0][2] < 1, f"not killed mid-run: {status}"
    assert _query(db, "PRAGMA integrity_check") == [("ok",)]
    before_obs = _query(db, "SELECT * FROM observations ORDER BY id")
    before_events = _query(db, "SELECT id, digest, message FROM events ORDER BY id")
    before_cells = _query(db, "SELECT id, arfcn, bsic FROM cells ORDER BY id")
    assert before_obs and before_cells, "nothing was committed before the kill"

    proc = _serve(db, recordings, tmp_path)
    try:
        deadline = time.monotonic() + 180
        while True:
            runs = _query(db, "SELECT id, status, attempts FROM runs ORDER BY id")
            if len(runs) == 2 and all(r[1] == "done" for r in runs):
                break
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, f"restart did not finish: {runs}"
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "resuming 1 run(s) interrupted" in err
    assert runs[0][2] == 2  # the killed run was started again, same run
    after_obs = {r[0]: r for r in _query(db, "SELECT * FROM observations")}
    assert all(after_obs.get(r[0]) == r for r in before_obs)  # every committed row is still there, unchanged
    after_events = {r[0]: r for r in _query(db, "SELECT id, digest, message FROM events")}
    assert all(after_events.get(r[0]) == r for r in before_events)
    assert set(before_cells) <= set(_query(db, "SELECT id, arfcn, bsic FROM cells"))

    # The result equals an uninterrupted run's: same events (by content digest), same cells and verdicts.
    (tmp_path / "clean").mkdir()
    base = make_settings(tmp_path / "clean")
    clean = Service(base.model_copy(update={"store": base.store.model_copy(update={"flush_interval_s": 0.25})}))
    for r in recordings:
        clean.add_replay(r)
    clean.start()
    assert clean.worker.wait_idle(180)
    clean.stop()
    want = {e["digest"] for e in clean.store.list_events(AlertFilter(kinds=("alert", "verdict")), limit=1000).items}
    assert {r[1] for r in after_events.values()} == want
    got_cells = sorted(_query(db, "SELECT arfcn, bsic, verdict, lac FROM cells"))
    assert got_cells == sorted((c["arfcn"], c["bsic"], c["verdict"], c["lac"])
                               for c in clean.store.list_cells(limit=100).items)
    clean.close()
