"""Run every benchmark in turn (``make bench``); each prints its own figures.

    python bench/run_all.py [--quick]

``--quick`` shortens the long ones (smaller memory file, receiver speed/start-up/memory only, no gr-gsm).
Without it the receiver benchmark also runs the sensitivity curve and TU6, and compares with gr-gsm when
Debian's gr-gsm is installed; expect 10-20 minutes on two cores.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="shorter runs")
    args = ap.parse_args()
    grgsm = [] if args.quick or not shutil.which("grgsm_decode") else ["--grgsm"]
    runs = [
        ["bench_coding.py"],
        ["bench_synth.py"] + (["--duration", "2"] if args.quick else []),
        ["bench_source_memory.py", "--size-gb", "1" if args.quick else "10"],
        ["bench_baseline_import.py"] + (["--rows", "100000"] if args.quick else []),
        ["bench_receiver.py", *grgsm] + (["--only", "start,speed,memory"] if args.quick else []),
    ]
    failed = []
    for cmd in runs:
        print(f"\n=== {' '.join(cmd)}", flush=True)
        if subprocess.run([sys.executable, str(HERE / cmd[0]), *cmd[1:]]).returncode != 0:
            failed.append(cmd[0])
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
