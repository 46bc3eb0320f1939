"""Load figures of the service on loopback (bounded in count and time; stops by itself).

1. A store with ``--cells`` cells and ``--events`` events (synthetic rows of the real shapes).
2. ``sdrscan serve`` on it, replaying the demo survey in a loop so ingest runs all the time.
3. ``GET /api/v1/cells`` at a fixed offered rate (open loop) for ``--seconds``: achieved rate, p50/p99.
4. ``--sse`` clients on ``/api/v1/alerts/stream``; ``--inject`` events written to the store by this process
   (another writer, like a second sensor): does every client receive every one, and how late.
5. The ingest overhead of the store: the demo survey decoded with the receiver alone vs through the service
   (survey, detection and one store transaction per chunk), CPU seconds of the same process.

    .venv/bin/python bench/bench_api.py [--rate 200] [--seconds 20] [--sse 50] [--inject 200]

Writes bench/results/bench_api.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sdrscan.store import CellState, EventRow, IngestBatch, open_store  # noqa: E402

TOKEN = "bench-token-0123456789abcdef"


def populate(url: str, n_cells: int, n_events: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    store = open_store(url)
    run = store.create_run("replay", "bench population")
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    cells = []
    for i in range(n_cells):
        arfcn, bsic = 1 + i % 124 + 512 * (i // 124 % 2), i // 248
        verdict = rng.choices(["ok", "suspicious", "rogue"], [0.9, 0.07, 0.03])[0]
        cells.append(CellState(arfcn, bsic, 935e6 + 2e5 * arfcn, 262, rng.choice(["01", "02", "03"]),
                               rng.randrange(1, 65535), rng.randrange(65535), t0, t0 + timedelta(minutes=i % 600),
                               1000, rng.uniform(-80, -20), rng.uniform(0, 30), rng.randrange(10_000), 0,
                               {"ok": 0.0, "suspicious": 4.0, "rogue": 8.0}[verdict], verdict,
                               [{"rule": "low-t3212", "severity": "medium", "points": 2.0, "message": "x" * 80}],
                               {"t3212": 1, "neighbours": list(range(10)), "si_types": ["SI1", "SI2", "SI3"]}))
    store.write_batch(IngestBatch(run, cells=cells))
    for start in range(0, n_events, 1000):
        evs = []
        for j in range(start, min(start + 1000, n_events)):
            c = cells[j % n_cells]
            evs.append(EventRow("alert", c.arfcn, c.bsic, c.mcc, c.mnc, c.lac, c.ci, "low-t3212", 1, rng.randrange(4),
                                "population event " + str(j), {"t3212": 1}, t0 + timedelta(seconds=j), 1000,
                                f"population-{j}"))
        store.write_batch(IngestBatch(run, events=evs))
    store.close()


def load_cells(base: str, rate: float, seconds: float, threads: int = 16) -> dict:
    """Open loop with stdlib keep-alive connections: request i is due at t0 + i / rate on thread i mod
    ``threads``; latency counts from the due time, so a slow server cannot hide its queue (no coordinated
    omission)."""
    import http.client
    import threading
    from urllib.parse import urlparse

    u = urlparse(base)
    n = int(rate * seconds)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    t0 = time.perf_counter() + 0.5

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        mine, errs = [], 0
        for i in range(k, n, threads):
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                conn.request("GET", "/api/v1/cells")
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    errs += 1
            except (OSError, http.client.HTTPException):
                errs += 1
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            mine.append(time.perf_counter() - due)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += errs

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {"offered_rps": rate, "requests": n, "achieved_rps": round(n / wall, 1), "errors": errors[0],
            "p50_ms": round(1000 * statistics.median(latencies), 1),
            "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
            "max_ms": round(1000 * latencies[-1], 1)}


async def sse_clients(base: str, url: str, n_clients: int, n_inject: int) -> dict:
    start_id = open_store(url).max_event_id()
    got: list[dict[int, float]] = [{} for _ in range(n_clients)]
    connected = asyncio.Event()
    count = [0]

    async def client(k: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60, read=60)) as c:
            async with c.stream("GET", "/api/v1/alerts/stream") as r:
                count[0] += 1
                if count[0] == n_clients:
                    connected.set()
                async for line in r.aiter_lines():
                    if line.startswith("id: "):
                        got[k][int(line[4:])] = time.perf_counter()
                        if len(got[k]) >= n_inject:
                            return

    tasks = [asyncio.create_task(client(k)) for k in range(n_clients)]
    await asyncio.wait_for(connected.wait(), 60)
    store = open_store(url)
    run = store.create_run("replay", "bench injection")
    sent: dict[int, float] = {}
    t0 = datetime.now(UTC)
    for start in range(0, n_inject, 10):
        evs = [EventRow("alert", 1, 1, 262, "01", 1, 1, "bench", 1, 3, f"injected {j}", {}, t0, 1, f"inj-{j}-{t0}")
               for j in range(start, min(start + 10, n_inject))]
        ids = await asyncio.to_thread(store.write_batch, IngestBatch(run, events=evs))
        now = time.perf_counter()
        for i in ids:
            sent[i] = now
        await asyncio.sleep(0.05)
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
    except TimeoutError:
        pass
    store.close()
    complete = sum(1 for g in got if set(sent) <= set(g))
    delays = sorted(g[i] - sent[i] for g in got for i in sent if i in g)
    ordered = all(list(g) == sorted(g) for g in got)
    return {"clients": n_clients, "events": len(sent), "clients_with_every_event": complete, "in_order": ordered,
            "first_id": start_id + 1, "delivery_p50_ms": round(1000 * statistics.median(delays), 1) if delays else None,
            "delivery_p99_ms": round(1000 * delays[int(0.99 * (len(delays) - 1))], 1) if delays else None}


def ingest_overhead(recordings: list[Path], repeats: int, raw: tuple = (None, None, None)) -> dict:
    """CPU seconds for the same recordings: receiver + survey alone vs the service's ingest with the store."""
    code = f"""
import sys, time, json, tempfile
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from sdrscan.cells.run import run_survey
from sdrscan.sources import open_source
from sdrscan.config import load_settings
from sdrscan.service.service import Service
paths = {[str(p) for p in recordings]!r}
FMT, RATE, FC = {raw!r}
mode = sys.argv[1]
run_survey([open_source(paths[0], fmt=FMT, sample_rate_hz=RATE, center_freq_hz=FC)])  # JIT warm-up
if mode == "service":  # start-up (store, schema, engine) is not ingest: outside the timing
    tmp = Path(tempfile.mkdtemp())
    s = load_settings(store={{"url": f"sqlite:///{{tmp / 's.db'}}", "identity_key_file": str(tmp / 'k')}})
    svc = Service(s)
    for p in paths:
        svc.add_replay(p, fmt=FMT, sample_rate_hz=RATE, center_freq_hz=FC)
t = time.process_time()
if mode == "receiver":
    run_survey([open_source(p, fmt=FMT, sample_rate_hz=RATE, center_freq_hz=FC) for p in paths])
else:
    svc.start(); svc.worker.wait_idle(3600); svc.stop()
    m = svc.metrics
    print(json.dumps({{"store_s": m.get("sdrscan_store_write_seconds_total"),
                      "transactions": m.get("sdrscan_store_transactions_total")}}), file=sys.stderr)
print(time.process_time() - t)
"""
    out: dict[str, list[float]] = {"receiver": [], "service": []}
    store_info = {}
    for _ in range(repeats):
        for mode in ("receiver", "service"):
            r = subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True, check=True)
            out[mode].append(float(r.stdout.strip().splitlines()[-1]))
            if mode == "service":
                store_info = json.loads(r.stderr.strip().splitlines()[-1])
    rec = min(out["receiver"])
    svc = min(out["service"])
    signal_s = sum(_duration(p, raw) for p in recordings)
    return {"signal_s": signal_s, "receiver_cpu_s": round(rec, 3), "service_cpu_s": round(svc, 3),
            "overhead_pct": round(100 * (svc - rec) / rec, 1), "store_wall_s": round(store_info["store_s"], 3),
            "transactions": store_info["transactions"], "runs": out}


def _duration(p: Path, raw: tuple) -> float:
    from sdrscan.sources import open_source

    with open_source(p, fmt=raw[0], sample_rate_hz=raw[1], center_freq_hz=raw[2]) as s:
        return float(s.info.duration_s or 0.0)


def long_overhead(demo: list[Path], minutes: float, tmp: Path) -> dict:
    """The demo capture A (3 s, cu8 at 2.4 MS/s) repeated into one long raw recording: each repetition is a
    jump in frame numbers that the receiver re-synchronises across, like a dongle's dropped block."""
    capture = next(p for p in demo if p.name.startswith("band_a")).with_suffix(".sigmf-data").read_bytes()
    reps = max(1, round(minutes * 60 / 3.0))
    long = tmp / "long.cu8"
    with long.open("wb") as f:
        for _ in range(reps):
            f.write(capture)
    try:
        return ingest_overhead([long], 1, ("cu8", 2.4e6, 947.6e6))
    finally:
        long.unlink()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cells", type=int, default=1000)
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--sse", type=int, default=50)
    ap.add_argument("--inject", type=int, default=200)
    ap.add_argument("--overhead-recordings", nargs="*", type=Path, default=None,
                    help="recordings for the ingest-overhead figure (default: the demo survey)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-ingest", action="store_true", help="serve without a looping replay (for comparison)")
    ap.add_argument("--skip-overhead", action="store_true")
    ap.add_argument("--long-minutes", type=float, default=0.0,
                    help="also measure the ingest overhead on a long raw cu8 recording made by repeating the "
                         "demo capture A this many minutes (written to a temporary file)")
    ap.add_argument("--only-overhead", action="store_true")
    args = ap.parse_args()
    from sdrscan.demo import prepare

    demo = prepare(echo=False)
    tmp = Path(tempfile.mkdtemp(prefix="sdrscan-bench-"))
    url = f"sqlite:///{tmp / 'bench.db'}"
    if args.only_overhead:
        results = {"ingest_overhead_long": long_overhead(demo, args.long_minutes or 1.0, tmp)}
        print(json.dumps(results, indent=2))
        return 0
    t = time.perf_counter()
    populate(url, args.cells, args.events)
    print(f"populated {args.cells} cells, {args.events} events in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    port = 18000 + os.getpid() % 1000
    results: dict = {"cells": args.cells, "events": args.events, "machine_cores": os.cpu_count()}
    env = {**os.environ, "SDRSCAN_API_TOKEN": TOKEN, "XDG_DATA_HOME": str(tmp)}
    cmd = [sys.executable, "-m", "sdrscan", "serve", "--db", url, "--port", str(port)]
    if not args.no_ingest:
        cmd.append("--loop")
        for p in demo:
            cmd += ["--replay", str(p)]
    results["ingest_running"] = not args.no_ingest
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("server did not start")
            time.sleep(0.2)
        time.sleep(3)  # ingest is running (looping replay) from here on
        results["cells_endpoint"] = load_cells(base, args.rate, args.seconds)
        print(json.dumps(results["cells_endpoint"]), file=sys.stderr)
        results["sse"] = asyncio.run(sse_clients(base, url, args.sse, args.inject))
        print(json.dumps(results["sse"]), file=sys.stderr)
        metrics = httpx.get(f"{base}/api/v1/metrics").text
        results["ingest_during_load"] = {line.split()[0]: float(line.split()[1]) for line in metrics.splitlines()
                                         if line.startswith(("sdrscan_signal_seconds_total",
                                                             "sdrscan_store_transactions_total"))}
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
    if not args.skip_overhead:
        results["ingest_overhead"] = ingest_overhead(args.overhead_recordings or demo, args.repeats)
        print(json.dumps(results["ingest_overhead"]), file=sys.stderr)
    if args.long_minutes > 0:
        results["ingest_overhead_long"] = long_overhead(demo, args.long_minutes, tmp)
        print(json.dumps(results["ingest_overhead_long"]), file=sys.stderr)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_api.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
