"""Peak memory and speed of streaming a 10 GB recording through ``open_source(...).blocks()``.

Creates a recording (sparse cu8 zeros by default; ``--dense`` writes pseudo-random bytes to disk and
evicts them from the page cache, so they are read back from the disk),
streams it in a child process summing the power of every block, and reports the child's peak RSS
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``) next to a child that only imports the same modules,
plus the throughput in MS/s. The recording is deleted afterwards, also on error or Ctrl-C.

    python bench/bench_source_memory.py                 # 10 GB sparse cu8
    python bench/bench_source_memory.py --dense         # 10 GB written to disk (needs the free space)
    python bench/bench_source_memory.py --format cf32_le --size-gb 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXT = {"cu8": ".cu8", "ci16_le": ".cs16", "cf32_le": ".cfile"}

CHILD_IMPORT_ONLY = "import numpy, sdrscan.sources"
CHILD_STREAM = """
import json, resource, sys, time
import numpy as np
from sdrscan.sources import open_source
path, fmt, block = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
power = 0.0
with open_source(path, fmt=fmt, sample_rate_hz=2.4e6, center_freq_hz=947.6e6) as src:
    for b in src.blocks(block):
        power += float(np.vdot(b.samples, b.samples).real)
    n = src.stats.samples_read
    assert n == src.info.num_samples
wall = time.perf_counter() - t0
print(json.dumps({"samples": n, "wall_s": wall, "power_sum": power,
                  "self_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


CHILD_WRITE_DENSE = """
import os, sys
import numpy as np
path, size = sys.argv[1], int(sys.argv[2])
chunk = np.random.default_rng(1).integers(0, 256, 64 << 20, dtype=np.uint8).tobytes()
with open(path, "wb") as fh:
    left = size
    while left:
        left -= fh.write(chunk[: min(left, len(chunk))])
    fh.flush()
    os.fsync(fh.fileno())
    os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)  # evict it: the stream then reads the disk
"""


def make_recording(path: Path, size_bytes: int, dense: bool) -> float:
    """Write the test file; returns seconds taken. Dense files repeat one 64 MiB pseudo-random chunk.

    The dense file is written by a child: Linux keeps ru_maxrss across fork and exec, so a parent holding
    the data would inflate the figure of every child it starts afterwards.
    """
    t0 = time.perf_counter()
    if dense:
        run_child(CHILD_WRITE_DENSE, str(path), str(size_bytes))
    else:
        with open(path, "wb") as fh:
            fh.truncate(size_bytes)
    return time.perf_counter() - t0


def run_child(code: str, *args: str) -> tuple[str, int]:
    """Run ``python -c code args``; return its stdout and its own peak RSS in KiB (from ``wait4``).

    ``RUSAGE_CHILDREN`` is the maximum over every child waited for, so the dense-file writer would mask
    the streaming child; ``wait4`` gives the rusage of one child.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode:
            sys.exit(f"child failed: {err.read().strip()}")
        return out.read(), usage.ru_maxrss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-gb", type=float, default=10.0, help="recording size in GB (1e9 bytes), default 10")
    ap.add_argument("--format", default="cu8", choices=sorted(EXT), help="sample format (default cu8)")
    ap.add_argument("--dense", action="store_true", help="write real bytes instead of a sparse file")
    ap.add_argument("--block", type=int, default=262_144, help="samples per block (default 262144)")
    ap.add_argument("--dir", default=None, help="folder for the temporary recording (default: system temp)")
    args = ap.parse_args()
    size = int(args.size_gb * 1e9)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        path = Path(tmp) / f"bench{EXT[args.format]}"
        try:
            _, base_kb = run_child(CHILD_IMPORT_ONLY)
            make_s = make_recording(path, size, args.dense)
            on_disk = path.stat().st_blocks * 512
            text, peak_kb = run_child(CHILD_STREAM, str(path), args.format, str(args.block))
            stats = json.loads(text)
            all_children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        finally:
            path.unlink(missing_ok=True)
    kind = "dense" if args.dense else "sparse"
    print(f"recording: {size / 1e9:.1f} GB {args.format} ({kind}, {on_disk / 1e9:.2f} GB allocated on disk, "
          f"made in {make_s:.1f} s), {stats['samples']:,} samples, block {args.block} samples")
    print(f"peak RSS of the streaming child: {peak_kb / 1024:.0f} MiB (a child that only imports numpy and "
          f"sdrscan.sources: {base_kb / 1024:.0f} MiB; RUSAGE_CHILDREN over all children, including the "
          f"dense-file writer: {all_children_kb / 1024:.0f} MiB)")
    print(f"throughput: {stats['samples'] / stats['wall_s'] / 1e6:.0f} MS/s "
          f"({size / stats['wall_s'] / 1e9:.2f} GB/s, {stats['wall_s']:.1f} s)")


if __name__ == "__main__":
    main()
