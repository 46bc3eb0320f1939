"""``sdrscan frames`` on bad input: one clear line, a clean exit, no traceback, no hang, no block invented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sdrscan", "frames", *args], capture_output=True, text=True,
                          timeout=120)


def _cu8(path: Path, n: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    iq = np.clip(np.round(127.5 + 12 * rng.standard_normal(2 * n)), 0, 255).astype(np.uint8)
    iq.tofile(path)
    return path


def test_noise_only_capture(tmp_path: Path) -> None:
    path = _cu8(tmp_path / "noise.cu8", 1_500_000)
    r = run(str(path), "--rate", "2.4M", "--center-freq", "947M", "--json")
    assert r.returncode == 0
    assert r.stdout == ""
    assert "no GSM carrier decoded" in r.stderr and "Traceback" not in r.stderr


def test_empty_capture(tmp_path: Path) -> None:
    path = tmp_path / "empty.cu8"
    path.write_bytes(b"")
    r = run(str(path), "--rate", "2.4M", "--center-freq", "947M")
    assert "Traceback" not in r.stderr
    assert r.stdout.count("\n") <= 1 or "no GSM carrier" in r.stdout + r.stderr


def test_rate_the_channelizer_cannot_use(tmp_path: Path) -> None:
    path = _cu8(tmp_path / "slow.cu8", 10_000)
    r = run(str(path), "--rate", "100k", "--center-freq", "947M")
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "sample rate" in lines[0] and "Traceback" not in r.stderr


def test_centre_frequency_outside_every_gsm_band(tmp_path: Path) -> None:
    path = _cu8(tmp_path / "fm.cu8", 10_000)
    r = run(str(path), "--rate", "2.4M", "--center-freq", "100M")
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "no GSM downlink channel" in lines[0]


def test_missing_rate_for_a_raw_file(tmp_path: Path) -> None:
    path = _cu8(tmp_path / "x.cu8", 10_000)
    r = run(str(path), "--center-freq", "947M")
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_bad_gsmtap_target(tmp_path: Path) -> None:
    path = _cu8(tmp_path / "x.cu8", 10_000)
    r = run(str(path), "--rate", "2.4M", "--center-freq", "947M", "--gsmtap", "nohostport")
    assert r.returncode != 0 and "HOST:PORT" in r.stderr and "Traceback" not in r.stderr
