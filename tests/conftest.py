"""Shared fixtures: paths to the third-party test data and helpers to skip with a reason."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

# Tests Ctrl-C their subprocesses (scan, record, serve, simulate). A shell starts background jobs with SIGINT
# ignored, children inherit that, and Python then installs no KeyboardInterrupt handler: they would never stop.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
SHARED_REAL = (ROOT / ".." / "shared" / "testdata" / "real").resolve()


@pytest.fixture(scope="session")
def real_data() -> Path:
    """``../shared/testdata/real``: real captures, bursts and SI messages written by third parties."""
    if not SHARED_REAL.is_dir():
        pytest.skip(f"third-party test data not found at {SHARED_REAL} (clone the shared/ folder beside main/)")
    return SHARED_REAL


def require_tool(name: str, package: str) -> str:
    """Path of a command-line tool, or skip naming the Debian package that provides it."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed: apt-get install {package} (.ci/run installs it)")
    return path


@pytest.fixture(scope="session", autouse=True)
def numba_cache_warm() -> None:
    """Compile (and cache on disk) the transmitter's, simulated dongle's and receiver's kernels once, first.

    On a clean clone the Numba cache is empty: without this, every test that starts ``sdrscan simulate``,
    ``scan`` or ``record`` as a subprocess compiles the same kernels again, several at once on a small CI
    machine, and their start-up and Ctrl-C deadlines measure the compiler instead of our code.
    """
    from sdrscan.pipeline.receiver import Receiver
    from sdrscan.sim.dongle import SimDongle
    from sdrscan.synth.run import synthesize_array
    from sdrscan.synth.scene import parse_scene

    cell = {"arfcn": 62, "power_db": -15, "bsic": 21}
    scene = parse_scene({"duration": 0.3, "snr": 25, "rate": 2.4e6, "fc": 947.4e6, "cells": [cell]})
    x, _ = synthesize_array(scene, seed=1)
    rx = Receiver(scene.rate_hz, scene.fc_hz)
    rx.process(x)
    rx.finish()
    dongle = SimDongle(scene, 1)
    dongle.apply(center_freq_hz=947.4e6, sample_rate_hz=2.4e6)
    dongle.read_cu8(65_536)
