"""Measure `Baseline.import_csv` on a million-row OpenCellID-format CSV: time and peak memory.

Writes a seeded synthetic export (the OpenCellID column layout; a realistic radio mix: 40 % GSM, 20 % UMTS,
40 % LTE; repeated cells; a few broken rows) to a temporary folder, then imports it in a child process per
size so the peak RSS (``ru_maxrss``) of each import is its own (VmHWM). Bounded memory shows as the same peak for
100 000 and 1 000 000 rows.

    .venv/bin/python bench/bench_baseline_import.py [--rows 1000000] [--gzip]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HEADER = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n"


def write_csv(path: Path, rows: int, seed: int = 0, compress: bool = False) -> None:
    rng = np.random.default_rng(seed)
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8", newline="") as f:  # type: ignore[operator]
        f.write(HEADER)
        chunk = 100_000
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            radio = rng.choice(np.array(["GSM", "UMTS", "LTE"]), n, p=[0.4, 0.2, 0.4])
            mcc = rng.choice(np.array([460, 262, 208, 310]), n, p=[0.7, 0.1, 0.1, 0.1])
            net = rng.integers(0, 10, n)
            area = rng.integers(1, 65535, n)
            cell = np.where(radio == "GSM", rng.integers(1, 65535, n), rng.integers(1, 268435455, n))
            lon = rng.uniform(73, 135, n)
            lat = rng.uniform(18, 53, n)
            rng_m = rng.integers(100, 20000, n)
            samples = rng.integers(1, 500, n)
            created = rng.integers(1_300_000_000, 1_700_000_000, n)
            lines = [f"{radio[i]},{mcc[i]},{net[i]},{area[i]},{cell[i]},0,{lon[i]:.6f},{lat[i]:.6f},{rng_m[i]},"
                     f"{samples[i]},1,{created[i]},{created[i] + 86400},0\n" for i in range(n)]
            if start == 0:
                lines[5] = "GSM,460,0,notanumber,1,0,0,0,0,0,1,0,0,0\n"  # a broken row, counted not fatal
            f.writelines(lines)


def child(csv_path: str, db_path: str) -> None:
    from sdrscan.detection.baseline import Baseline

    with Baseline.open(db_path, create=True) as b:
        t0 = time.perf_counter()
        stats = b.import_csv(csv_path)
        dt = time.perf_counter() - t0
    # VmHWM is the peak RSS of this process image; ru_maxrss would also count the parent before exec
    with open("/proc/self/status") as f:
        rss_mb = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) / 1024
    print(json.dumps({"seconds": round(dt, 2), "peak_rss_mb": round(rss_mb, 1), **stats.to_json()}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--gzip", action="store_true", help="write and import a .csv.gz")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sorted({min(100_000, args.rows), args.rows}):
            csv_path = Path(tmp) / f"cells_{rows}.csv{'.gz' if args.gzip else ''}"
            t0 = time.perf_counter()
            write_csv(csv_path, rows, compress=args.gzip)
            size_mb = csv_path.stat().st_size / 2**20
            print(f"wrote {rows} rows ({size_mb:.1f} MiB) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
            out = subprocess.run([sys.executable, __file__, "--child", str(csv_path), str(Path(tmp) / f"{rows}.db")],
                                 check=True, capture_output=True, text=True).stdout
            result = json.loads(out)
            print(f"{rows:>9} rows: {result['seconds']:6.2f} s, peak RSS {result['peak_rss_mb']:.0f} MB, "
                  f"imported {result['imported']}, new cells {result['new_cells']}, skipped {result['skipped']}")


if __name__ == "__main__":
    main()
