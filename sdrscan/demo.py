"""``make run`` / ``python -m sdrscan.demo``: the bundled demo survey, served with the dashboard.

1. Prepare the survey: the real recording in ``recordings/real/`` as it is, and every scene in
   ``recordings/demo/*.json`` synthesized once (seeded, so the same bytes on every machine) into
   ``recordings/generated/demo/`` (git-ignored; regenerated when the scene or the seed changes).
2. Start the service on it with a fresh embedded SQLite store in ``recordings/generated/`` (the user's own
   store is not touched), the API and dashboard on 127.0.0.1.
3. When the survey has been read, print the dashboard URL and a short summary of the cells and alerts.

One scene holds a pseudo base station, so the first alert appears within seconds of the start.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import socket
import sys
import time
from pathlib import Path

import click

from sdrscan.errors import SdrscanError

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = ROOT / "recordings"
SCENES = RECORDINGS / "demo"
REAL = RECORDINGS / "real"
GENERATED = RECORDINGS / "generated"
DEMO_SEED = 2024
STAMP_EXT = ".stamp"
# Where the demo's (simulated) receiver stood for each capture: two stops of a drive in Berlin (MCC 262 is
# Germany), written as SigMF core:geolocation so the dashboard's map has something to show.
DEMO_POSITIONS: dict[str, tuple[float, float]] = {"band_a": (52.5200, 13.4050), "band_b": (52.5290, 13.3870)}


def _stamp(scene_path: Path) -> str:
    from sdrscan import __version__

    h = hashlib.sha256(scene_path.read_bytes())
    h.update(f"seed={DEMO_SEED};version={__version__};position={DEMO_POSITIONS.get(scene_path.stem)}".encode())
    return h.hexdigest()


def prepare(out_dir: Path = GENERATED / "demo", *, echo: bool = True) -> list[Path]:
    """The demo recordings (SigMF meta paths), synthesizing the scenes whose output is missing or stale."""
    from sdrscan.synth.run import synthesize
    from sdrscan.synth.scene import load_scene

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = sorted(REAL.glob("*.sigmf-meta"))
    for scene_path in sorted(SCENES.glob("*.json")):
        meta = out_dir / f"{scene_path.stem}.sigmf-meta"
        stamp = out_dir / f"{scene_path.stem}{STAMP_EXT}"
        want = _stamp(scene_path)
        data = meta.with_name(meta.name.replace(".sigmf-meta", ".sigmf-data"))
        if not (meta.is_file() and data.is_file() and stamp.is_file() and stamp.read_text().strip() == want):
            if echo:
                click.echo(f"synthesizing demo recording {meta.name} from {scene_path.name} (first run only) ...")
            t0 = time.perf_counter()
            synthesize(load_scene(scene_path), meta, seed=DEMO_SEED)
            _add_position(meta, DEMO_POSITIONS.get(scene_path.stem))
            stamp.write_text(want + "\n")
            if echo:
                click.echo(f"  done in {time.perf_counter() - t0:.1f} s")
        paths.append(meta)
    return paths


def _add_position(meta: Path, position: tuple[float, float] | None) -> None:
    """Write ``core:geolocation`` (a GeoJSON Point, longitude first: RFC 7946) into a SigMF metadata file."""
    if position is None:
        return
    doc = json.loads(meta.read_text())
    doc["global"]["core:geolocation"] = {"type": "Point", "coordinates": [position[1], position[0]]}
    meta.write_text(json.dumps(doc, indent=2))


def free_port(host: str, first: int, tries: int = 20) -> int:
    """``first`` or the next port that can be bound on ``host``."""
    for port in range(first, first + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
                return port
            except OSError:
                continue
    raise SdrscanError(f"no free port in {first}..{first + tries - 1} on {host}; pass --port")


def summary(store: object) -> list[str]:
    """A few lines about the cells and alerts in the store."""
    from sdrscan.store.records import AlertFilter, CellFilter
    from sdrscan.store.store import Store

    assert isinstance(store, Store)
    cells = store.list_cells(CellFilter(sort="threat"), limit=1000)
    by: dict[str, int] = {}
    for c in cells.items:
        by[c["verdict"]] = by.get(c["verdict"], 0) + 1
    alerts = store.list_events(AlertFilter(), limit=1)
    high = store.list_events(AlertFilter(min_severity=3), limit=1)
    lines = [f"{cells.total} cells: {by.get('rogue', 0)} rogue, {by.get('suspicious', 0)} suspicious, "
             f"{by.get('ok', 0)} ok; {alerts.total} alerts ({high.total} high)"]
    for c in cells.items:
        if c["verdict"] == "ok":
            continue
        rules = ", ".join(x["rule"] for x in c["contributions"] if x.get("points", 0) > 0)
        lines.append(f"  {c['verdict'].upper():10s} ARFCN {c['arfcn']:4d}  {c['plmn'] or '?'}  LAC {c['lac']}  "
                     f"CI {c['ci']}  {c['power_dbfs']} dBFS  because: {rules}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sdrscan.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="first port to try (default 8000)")
    parser.add_argument("--loop", action="store_true", help="replay the survey again and again")
    parser.add_argument("--prepare-only", action="store_true", help="only make the recordings, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run(args)
    except SdrscanError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code


def _run(args: argparse.Namespace) -> int:
    t_start = time.perf_counter()
    recordings = prepare()
    if args.prepare_only:
        for p in recordings:
            click.echo(str(p))
        return 0
    from api.main import create_app
    from sdrscan.config import get_settings
    from sdrscan.service.auth import resolve_token
    from sdrscan.service.server import run_server
    from sdrscan.service.service import Service

    host = "127.0.0.1"
    port = free_port(host, args.port)
    db = GENERATED / "demo.db"
    for suffix in ("", "-wal", "-shm"):  # a fresh store each time: the summary is this run's
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    base = get_settings()
    settings = base.model_copy(update={
        "store": base.store.model_copy(update={"url": f"sqlite:///{db}",
                                               "identity_key_file": GENERATED / "identity.key"}),
        "api": base.api.model_copy(update={"host": host, "port": port, "token_file": GENERATED / "api_token",
                                           "upload_dir": GENERATED / "uploads"}),
    })
    url = f"http://{host}:{port}/"
    token = resolve_token(settings.api)
    service = Service(settings, loop=args.loop, base_url=url)
    for p in recordings:
        service.add_replay(p)

    def ready() -> None:
        click.echo(f"\nsdrscan demo: dashboard at {url}  (API docs {url}docs; Ctrl-C stops)")
        if token is not None and token.source == "file":
            click.echo(f"API token for uploads and acknowledgements: {token.value}  (in {token.path})")
        if not args.loop:
            service.worker.wait_idle(120)
        else:
            time.sleep(10)
        click.echo(f"survey of {len(recordings)} recordings read in {time.perf_counter() - t_start:.1f} s "
                   f"since start:")
        for line in summary(service.store):
            click.echo(line)
        sys.stdout.flush()

    try:
        run_server(create_app(service, token=token), host, port, on_ready=ready)
    finally:
        service.close()
    click.echo("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
