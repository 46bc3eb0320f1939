"""Shared fixtures: paths to the third-party test data and helpers to skip with a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
