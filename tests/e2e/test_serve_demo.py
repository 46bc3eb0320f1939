"""``sdrscan serve`` and ``make run`` (``python -m sdrscan.demo``) as a user runs them."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.service.helpers import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env: dict[str, str], timeout_s: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sdrscan", *args], env=env, capture_output=True, text=True,
                          timeout=timeout_s)


def test_serve_refuses_bad_setups_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SDRSCAN_API_TOKEN"}
    env["XDG_DATA_HOME"] = str(tmp_path)
    r = _run(["serve", "--replay", str(tmp_path / "missing.cu8"), "--rate", "1M", "--center-freq", "947M"], env)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "no such file" in r.stderr
    r = _run(["serve", "--host", "0.0.0.0", "--db", f"sqlite:///{tmp_path / 'x.db'}"], env)
    assert r.returncode == 2 and "refusing to bind 0.0.0.0" in r.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = _run(["serve", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'x.db'}"], env)
    assert r.returncode == 2 and "is in use" in r.stderr
    r = _run(["serve", "--db", "nonsense://x"], env)
    assert r.returncode == 2 and r.stderr.startswith("error: database URL") and r.stderr.count("\n") == 1


def test_serve_generates_a_token_once_and_ctrl_c_exits_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SDRSCAN_API_TOKEN"}
    env["XDG_DATA_HOME"] = str(tmp_path)
    port = free_port()
    outs = []
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-m", "sdrscan", "serve", "--port", str(port)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).json()["status"] == "ok":
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        outs.append(err)
    token_file = tmp_path / "sdrscan" / "api_token"
    token = token_file.read_text().strip()
    assert token in outs[0] and token not in outs[1]  # shown once
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"
    assert (tmp_path / "sdrscan" / "sdrscan.db").exists()  # the embedded default store


def test_make_run_demo_shows_a_rogue_alert_within_a_minute(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    port = free_port()
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "sdrscan.demo", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("  ROGUE"):
                break
            assert time.monotonic() - t0 < 60, "".join(lines)
        elapsed = time.monotonic() - t0
        text = "".join(lines)
        assert elapsed < 60, text
        url = re.search(r"dashboard at (http://127\.0\.0\.1:\d+/)", text).group(1)
        alerts = httpx.get(f"{url}api/v1/alerts?min_severity=medium").json()
        assert alerts["total"] >= 1 and all(a["arfcn"] == 62 for a in alerts["items"])
        assert re.search(r"\d+ cells: 1 rogue, 0 suspicious", text)
        assert "ARFCN   62" in lines[-1] and "empty-ba-list" in lines[-1]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    assert proc.returncode == 0
