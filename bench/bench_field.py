"""Field benchmarks on the simulated dongle: sweep time, calibration, live CPU at 2.4 MS/s.

    python bench/bench_field.py [--only sweep,calibrate,live,live-sweep] [--live-s 600] [--seeds 5] [--out DIR]

* **sweep** -- one E-GSM900 sweep (174 channels, 18 hops) of the 30-cell scene ``tests/field/scenes/egsm30.json``
  through rtl_tcp (fast mode, lossless): signal time until every cell has SI1-SI4 (the issue's bound: 40 s), per
  seed and crystal error. Signal time counts every sample the dongle produced while the scan was on a hop,
  including the ``settle_s`` dropped after each retune (rtl_tcp's default, 0.12 s).
* **calibrate** -- crystal error from +-50 ppm (and others) with no prior: error and signal time (bound: 1 ppm, 10 s).
* **live** -- a simulated dongle paced at 2.4 MS/s in its own process, our pipeline in another (rtl_tcp, ring
  buffer, receiver, survey) decoding one 2.4 MHz hop with three cells for ``--live-s`` seconds: process CPU
  (user + system) over signal time after start-up, start-up separately, dropped samples.
* **live-sweep** -- the same with ``sdrscan scan``'s sweep (a new receiver and acquisition every hop).

Results go to ``bench/results/field.md`` (and JSON next to it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCENE = ROOT / "tests" / "field" / "scenes" / "egsm30.json"
RESULTS = ROOT / "bench" / "results"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- sweep ---------------------------------------------------------------------------------------------------

def bench_sweep(seeds: int) -> list[dict]:
    from sdrscan.field.plan import plan_sweep
    from sdrscan.field.scanner import HopDone, ScanConfig, Scanner
    from sdrscan.sim.dongle import SimDongle
    from sdrscan.sim.server import RtlTcpServer
    from sdrscan.sim.world import load_world_scene
    from sdrscan.sources.rtltcp import RtlTcpDevice

    truth = {(c["arfcn"], c["bsic"]) for c in json.loads(SCENE.read_text())["cells"]}
    rows = []
    for seed in range(seeds):
        ppm = [41.7, -48.0, 3.2, -17.5, 29.9, 0.0, -35.1][seed % 7]
        server = RtlTcpServer(SimDongle(load_world_scene(SCENE, ppm=ppm), 100 + seed), port=0, realtime=False)
        _, port = server.start()
        scanner = Scanner(lambda port=port: RtlTcpDevice("127.0.0.1", port), plan_sweep("GSM900"),
                          ScanConfig(overflow="block", ring_s=0.05))
        complete: set[tuple[int, int]] = set()
        when = None
        cpu0, wall0 = _cpu(), time.perf_counter()
        reasons: dict[str, int] = {}
        for ev in scanner.run(sweeps=1):
            if isinstance(ev, HopDone):
                reasons[ev.reason] = reasons.get(ev.reason, 0) + 1
                complete |= {(c.arfcn, c.bsic) for c in ev.carriers if c.complete}
                if when is None and complete >= truth:
                    when = scanner.stats.signal_s
        server.stop()
        rows.append({"seed": 100 + seed, "ppm": ppm, "cells_complete": len(complete & truth), "cells": len(truth),
                     "phantoms": len(complete - truth),
                     "all_complete_at_s": None if when is None else round(when, 2),
                     "sweep_signal_s": round(scanner.stats.signal_s, 2), "hops": scanner.stats.hops,
                     "reasons": reasons, "crystal_ppm": round(scanner.stats.crystal_ppm or 0.0, 3),
                     "wall_s": round(time.perf_counter() - wall0, 1), "cpu_s_incl_sim": round(_cpu() - cpu0, 1)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


# --- calibration ---------------------------------------------------------------------------------------------

def bench_calibrate(seeds: int) -> list[dict]:
    from sdrscan.field.calibrate import calibrate
    from sdrscan.field.plan import plan_sweep
    from sdrscan.sim.dongle import SimDongle
    from sdrscan.sim.server import RtlTcpServer
    from sdrscan.sim.world import load_world_scene
    from sdrscan.sources.rtltcp import RtlTcpDevice

    rows = []
    for i, ppm in enumerate([50.0, -50.0, 49.3, -44.8, 12.6, -3.3][: max(2, seeds)]):
        server = RtlTcpServer(SimDongle(load_world_scene(SCENE, ppm=ppm), 200 + i), port=0, realtime=False)
        _, port = server.start()
        dev = RtlTcpDevice("127.0.0.1", port)
        r = calibrate(dev, plan_sweep("GSM900"), overflow="block")
        dev.close()
        server.stop()
        rows.append({"true_ppm": ppm, "measured_ppm": round(r.ppm, 3), "error_ppm": round(r.ppm - ppm, 3),
                     "signal_s": round(r.signal_s, 2), "carriers": len(r.carriers), "hops": r.hops_tried})
        print(json.dumps(rows[-1]), flush=True)
    return rows


# --- live CPU ------------------------------------------------------------------------------------------------

def child_live(port: int, seconds: float, mode: str) -> None:
    """Runs in its own process: our pipeline against the paced simulator; prints one JSON line."""
    t_start = _cpu()
    from sdrscan.cells.survey import Survey
    from sdrscan.field.plan import plan_sweep
    from sdrscan.field.scanner import FieldFrame, HopDone, ScanConfig, Scanner
    from sdrscan.pipeline.receiver import ReceiverConfig
    from sdrscan.pipeline.runner import RunStats, decode_source
    from sdrscan.sources.live import LiveSource
    from sdrscan.sources.rtltcp import RtlTcpDevice

    survey = Survey()
    cpu_import = _cpu() - t_start
    first = None  # (cpu, signal) when the first frame was decoded: end of start-up
    out: dict[str, object] = {"mode": mode, "cpu_imports_s": round(cpu_import, 2)}
    if mode == "live":
        dev = RtlTcpDevice("127.0.0.1", port)
        dev.set_sample_rate(2.4e6)
        dev.set_gain(40.2)
        dev.set_center_freq(952.1e6)  # 3 cells of the scene: ARFCN 82, 84, 87
        src = LiveSource(dev, duration_s=seconds)
        stats = RunStats()
        n = 0
        with src:
            for f in decode_source(src, ReceiverConfig(), stats=stats):
                survey.ingest(f)
                n += 1
                if first is None:
                    first = (_cpu(), src.clock.signal_s)
        signal_s = src.stats.samples_read / 2.4e6
        out.update(frames=n, dropped_samples=src.stats.dropped_samples, ring_drop_events=src.ring.stats.drop_events,
                   cells=len(survey))
    else:
        scanner = Scanner(lambda: RtlTcpDevice("127.0.0.1", port), plan_sweep("GSM900"), ScanConfig())
        n = 0
        for ev in scanner.run(max_signal_s=seconds):
            if isinstance(ev, FieldFrame):
                survey.ingest(ev.frame, time=ev.time)
                n += 1
                if first is None:
                    first = (_cpu(), scanner.clock.signal_s)
            elif isinstance(ev, HopDone):
                survey.end_source(ev.stats)
        signal_s = scanner.stats.signal_s
        out.update(frames=n, dropped_samples=scanner.stats.dropped_samples, sweeps=scanner.stats.sweeps,
                   hops=scanner.stats.hops, cells=len(survey))
    cpu_end = _cpu()
    assert first is not None, "nothing decoded"
    steady_cpu = cpu_end - first[0]
    steady_signal = signal_s - first[1]
    out.update(signal_s=round(signal_s, 1), startup_cpu_s=round(first[0] - t_start, 2),
               startup_signal_s=round(first[1], 2), steady_cpu_s=round(steady_cpu, 1),
               steady_core_fraction=round(steady_cpu / steady_signal, 4),
               x_realtime=round(steady_signal / steady_cpu, 1), total_cpu_s=round(cpu_end - t_start, 1))
    print(json.dumps(out), flush=True)


def bench_live(seconds: float, mode: str) -> dict:
    port = _free_port()
    sim = subprocess.Popen([sys.executable, "-m", "sdrscan", "simulate", "--scene", str(SCENE), "--port", str(port),
                            "--seed", "7", "--ppm", "-21.4"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, cwd=ROOT)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    t0 = time.perf_counter()
    child = subprocess.run([sys.executable, __file__, "--child", mode, "--port", str(port), "--live-s", str(seconds)],
                           capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    sim.send_signal(signal.SIGINT)
    _, sim_err = sim.communicate(timeout=60)
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-3000:])
    row = json.loads(child.stdout.strip().splitlines()[-1])
    row["wall_s"] = round(wall, 1)
    row["sim_report"] = sim_err.strip().splitlines()[-1] if sim_err.strip() else ""
    print(json.dumps(row), flush=True)
    return row


def write_report(results: dict, out: Path) -> None:
    lines = ["# Field benchmarks (simulated dongle)", "",
             f"Machine: {os.cpu_count()} cores, shared with other jobs; `python bench/bench_field.py`.", ""]
    if "sweep" in results:
        lines += ["## E-GSM900 sweep, 30 cells (tests/field/scenes/egsm30.json), rtl_tcp, settle 0.12 s", "",
                  "| seed | crystal ppm | cells complete | phantoms | all complete at (signal s) | sweep signal s "
                  "| hops | estimated ppm |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in results["sweep"]:
            lines.append(f"| {r['seed']} | {r['ppm']} | {r['cells_complete']}/{r['cells']} | {r['phantoms']} | "
                         f"{r['all_complete_at_s']} | {r['sweep_signal_s']} | {r['hops']} | {r['crystal_ppm']} |")
        lines.append("")
    if "calibrate" in results:
        lines += ["## Calibration with no prior estimate", "", "| true ppm | measured | error | signal s | carriers |",
                  "|---:|---:|---:|---:|---:|"]
        for r in results["calibrate"]:
            lines.append(f"| {r['true_ppm']} | {r['measured_ppm']} | {r['error_ppm']} | {r['signal_s']} | "
                         f"{r['carriers']} |")
        lines.append("")
    for key in ("live", "live-sweep"):
        if key in results:
            r = results[key]
            lines += [f"## {key}: 2.4 MS/s paced simulator, {r['signal_s']} s of signal", "",
                      "| steady CPU / signal (cores) | x real time | start-up CPU s | start-up signal s | dropped "
                      "samples | frames | cells |", "|---:|---:|---:|---:|---:|---:|---:|",
                      f"| {r['steady_core_fraction']} | {r['x_realtime']} | {r['startup_cpu_s']} | "
                      f"{r['startup_signal_s']} | {r['dropped_samples']} | {r['frames']} | {r['cells']} |", ""]
    out.mkdir(parents=True, exist_ok=True)
    (out / "field.md").write_text("\n".join(lines) + "\n")
    (out / "field.json").write_text(json.dumps(results, indent=1) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="sweep,calibrate,live,live-sweep")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--live-s", type=float, default=600.0)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_live(args.port, args.live_s, args.child)
        return
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    which = args.only.split(",")
    results: dict = {}
    old = args.out / "field.json"
    if old.exists():
        results.update(json.loads(old.read_text()))
    if "sweep" in which:
        results["sweep"] = bench_sweep(args.seeds)
    if "calibrate" in which:
        results["calibrate"] = bench_calibrate(args.seeds)
    for mode in ("live", "live-sweep"):
        if mode in which:
            results[mode] = bench_live(args.live_s, "live" if mode == "live" else "sweep")
    write_report(results, args.out)
    print(f"wrote {args.out / 'field.md'}")


if __name__ == "__main__":
    main()
