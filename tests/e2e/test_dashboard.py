"""The dashboard in headless Chromium (Debian package ``chromium``): the rogue cell is highlighted, and an
alert raised while the page is open appears without a reload (Server-Sent Events)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import require_tool
from tests.service.helpers import AUTH, TOKEN, demo_recordings, free_port

pytestmark = pytest.mark.slow

# A second pseudo base station, in its own small capture (uploaded while the page is open).
ROGUE_SCENE = {
    "description": "one more pseudo base station", "rate": 1000000, "duration": 2.2, "snr": 30,
    "fc": 949000000, "datatype": "cu8",
    "cells": [{"arfcn": 70, "power_db": -14, "bsic": 7, "mcc": 262, "mnc": "01", "lac": 999, "ci": 77,
               "neighbours": [], "t3212": 0,
               "selection_params": {"cbq": 0, "cro": 40, "temp_offset": 0, "penalty_time": 0}}],
}


def _wait(pred, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not pred():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_dashboard_highlights_the_rogue_and_shows_a_new_alert_live(tmp_path: Path) -> None:
    require_tool("chromium", "chromium")
    from sdrscan.synth.run import synthesize
    from sdrscan.synth.scene import parse_scene
    from tests.e2e.cdp import Browser

    band_a = demo_recordings()["band_a"]
    extra = tmp_path / "extra.sigmf-meta"
    synthesize(parse_scene(ROGUE_SCENE), extra, seed=3)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SDRSCAN_API_TOKEN": TOKEN, "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "sdrscan", "serve", "--replay", str(band_a), "--db",
                             f"sqlite:///{tmp_path / 'store.db'}", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def done() -> bool:
            try:
                jobs = httpx.get(f"{base}/api/v1/jobs", timeout=2).json()["items"]
            except httpx.HTTPError:
                return False
            return bool(jobs) and all(j["status"] == "done" for j in jobs)

        _wait(done, 120, "the replay did not finish")
        with Browser() as browser:
            browser.navigate(f"{base}/")
            browser.wait_for("document.body && document.body.dataset.ready === '1'")
            rows = browser.evaluate("""[...document.querySelectorAll('#cells tbody tr')].map(r => ({
                arfcn: +r.children[2].textContent, verdict: r.dataset.verdict, cls: r.className,
                bg: getComputedStyle(r).backgroundColor}))""")
            assert rows[0]["arfcn"] == 62 and rows[0]["verdict"] == "rogue"  # top of the table
            assert "verdict-rogue" in rows[0]["cls"] and rows[0]["bg"] == "rgb(253, 231, 231)"  # red background
            assert all(r["verdict"] == "ok" and r["bg"] == "rgba(0, 0, 0, 0)" for r in rows[1:])
            badge = browser.evaluate("getComputedStyle(document.querySelector('#cells tbody tr .badge'))"
                                     ".backgroundColor")
            assert badge == "rgb(198, 40, 40)"
            browser.wait_for("document.getElementById('live').className === 'live on'")
            before = browser.evaluate("Math.max(...[...document.querySelectorAll('#alerts li')]"
                                      ".map(li => +li.dataset.alertId))")
            # Upload the second pseudo base station while the page is open.
            files = {"meta": ("x.sigmf-meta", extra.read_bytes()),
                     "data": ("x.sigmf-data", extra.with_name("extra.sigmf-data").read_bytes())}
            r = httpx.post(f"{base}/api/v1/recordings", files=files, headers=AUTH, timeout=30)
            assert r.status_code == 202, r.text
            new = browser.wait_for(f"""[...document.querySelectorAll('#alerts li.new')]
                .filter(li => +li.dataset.alertId > {before}).map(li => li.textContent)""", timeout_s=60)
            assert any("ARFCN 70" in text for text in new)
            # The table follows: the new rogue appears without a reload.
            browser.wait_for("[...document.querySelectorAll('#cells tbody tr')]"
                             ".some(r => r.children[2].textContent === '70' && r.dataset.verdict !== 'ok')",
                             timeout_s=30)
            browser.screenshot(tmp_path / "dashboard.png")
            # The detail view explains the rogue in plain words.
            browser.evaluate("[...document.querySelectorAll('#cells tbody tr')]"
                             ".find(r => r.children[2].textContent === '62').click()")
            text = browser.wait_for("!document.getElementById('detail').hidden && "
                                    "document.getElementById('detail-body').textContent", timeout_s=10)
            assert "empty neighbour list" in text and "every 6 min" in text
        stored = httpx.get(f"{base}/api/v1/alerts?arfcn=70").json()
        assert stored["total"] >= 1
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, err
