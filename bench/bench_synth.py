"""How long synthesizing 10 s of a 4-cell 2.4 MS/s scene takes (``python bench/bench_synth.py``).

Runs the full chain (C0 multiplex with channel coding, GMSK, resampling, noise, uint8 quantisation, SigMF
writing) into a temporary folder, once to warm the Numba cache and once timed, and prints the wall time,
the real-time factor and the share of the main stages.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sdrscan.synth.run import synthesize  # noqa: E402
from sdrscan.synth.scene import parse_scene  # noqa: E402

SCENE = {
    "rate": 2.4e6, "snr": 15, "ppm": 12, "fc": 947.6e6, "datatype": "cu8",
    "cells": [
        {"arfcn": 60, "power_db": -18},
        {"arfcn": 62, "power_db": -24, "ccch_conf": 1, "bs_ag_blks_res": 1},
        {"arfcn": 64, "power_db": -30, "multipath": "TU6"},
        {"arfcn": 66, "power_db": -27, "mnc": "260", "mcc": 310},
    ],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of signal (default 10)")
    ap.add_argument("--profile", action="store_true", help="print the 15 most expensive functions")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warm = parse_scene(SCENE, duration=0.05)
        t0 = time.perf_counter()
        synthesize(warm, Path(tmp) / "warm", seed=1)
        cold_s = time.perf_counter() - t0
        scene = parse_scene(SCENE, duration=args.duration)
        prof = cProfile.Profile() if args.profile else None
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        result = synthesize(scene, Path(tmp) / "bench", seed=1)
        if prof:
            prof.disable()
        wall_s = time.perf_counter() - t0
        size_mb = (Path(tmp) / "bench.sigmf-data").stat().st_size / 1e6
    n = result.truth["n_samples"]
    print(f"warm-up (JIT load/compile + 0.05 s scene): {cold_s:.2f} s")
    print(f"{args.duration:g} s, 4 cells, 2.4 MS/s cu8: {wall_s:.2f} s wall, "
          f"{args.duration / wall_s:.2f}x real time, {n / wall_s / 1e6:.2f} MS/s output, {size_mb:.0f} MB")
    if prof:
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
