"""Streaming keeps memory bounded: a 1 GB recording read in a child adds only a few block buffers.

Loading the file (np.fromfile) would need 4 GB of complex64 and memory-mapping it would add up to 1 GB of
resident pages; the streaming reader needs about three blocks (~6 MiB at the default block size).
``bench/bench_source_memory.py`` measures the 10 GB case.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STREAM = """
import sys
import numpy as np
from sdrscan.sources import open_source
total = 0.0
with open_source(sys.argv[1], sample_rate_hz=2.4e6, center_freq_hz=9e8) as src:
    for b in src.blocks():
        total += float(np.vdot(b.samples, b.samples).real)
    assert src.stats.samples_read == src.info.num_samples == 500_000_000
"""


def _child_maxrss_kib(code: str, *args: str) -> int:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-c", code, *args], env=env, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)  # this child's own rusage, unlike RUSAGE_CHILDREN
    p.returncode = os.waitstatus_to_exitcode(status)
    assert p.returncode == 0
    return usage.ru_maxrss


@pytest.mark.slow
def test_streaming_1gb_stays_small(tmp_path: Path) -> None:
    path = tmp_path / "big.cu8"
    with open(path, "wb") as fh:
        fh.truncate(1_000_000_000)  # sparse: costs no disk
    base = _child_maxrss_kib("import numpy, sdrscan.sources")
    peak = _child_maxrss_kib(STREAM, str(path))
    assert peak - base < 64 * 1024, f"streaming added {(peak - base) / 1024:.0f} MiB over the imports"
