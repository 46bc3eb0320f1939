"""``sdrscan serve``: the pipeline in the background, the API and dashboard in the foreground."""

from __future__ import annotations

import errno
import logging
import socket
from pathlib import Path

import click

from sdrscan.errors import ConfigError
from sdrscan.sources import source_options

log = logging.getLogger(__name__)


def check_port_free(host: str, port: int) -> None:
    """Fail early with one line when the address cannot be bound (uvicorn would log and exit)."""
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be bound ({exc.strerror})"
            raise ConfigError(f"{host}:{port} {why}; choose another --port or --host") from None


@click.command("serve")
@click.option("--replay", "replays", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="PATH", help="Recording to ingest (repeat for a survey of several).")
@click.option("--loop", is_flag=True, help="Replay the recordings again and again (a demo that never ends).")
@click.option("--db", "db_url", metavar="URL", default=None,
              help="Store URL, e.g. sqlite:///survey.db (default: [store] url, else sdrscan.db in the data dir).")
@click.option("--host", default=None, metavar="ADDR", help="Address to bind (default 127.0.0.1). Another "
                                                           "address needs SDRSCAN_API_TOKEN.")
@click.option("--port", default=None, type=click.IntRange(0, 65535), help="Port (default 8000).")
@click.option("--device", default=None, metavar="DEV",
              help="Also sweep this live dongle continuously: rtl, rtl:INDEX, rtl:serial=SERIAL or "
                   "rtltcp://HOST:PORT. Rate, gain and ppm come from the [device] settings.")
@click.option("--band", default="GSM900", show_default=True, metavar="BAND",
              help="Band the --device sweeps: GSM900, DCS1800, GSM850, PCS1900 or ALL.")
@click.option("--gps", default=None, metavar="SRC",
              help="Positions for the --device's observations: gpsd://HOST:PORT, gpsd, a serial device or an "
                   "NMEA log (default: [device] gps).")
@click.option("--lossless", is_flag=True,
              help="Never drop --device samples (for simulated dongles: makes rtl_tcp wait instead).")
@source_options
def serve(replays: tuple[Path, ...], loop: bool, db_url: str | None, host: str | None, port: int | None,
          device: str | None, band: str, gps: str | None, lossless: bool, fmt: str | None, rate: float | None,
          center_freq: float | None) -> None:
    """Run sdrscan as a service: ingest recordings and a live dongle, keep every observation, raise alerts,
    serve the dashboard.

    The API (under /api/v1, documented at /docs) and the dashboard (/) run in the foreground; the pipeline
    reads the --replay recordings (and uploaded ones) in the background, and --device is swept continuously
    on a thread of its own (uploads keep working). The device is opened at start: a missing one is an error.
    If it is lost later (unplugged, rtl_tcp server gone, stalled 5 s), one line says so, the API keeps
    serving, /api/v1/health says 'reconnecting', and it is retried with backoff (0.5 s doubling to 30 s,
    for ever; one warning per failed attempt); the outage is recorded in the live run (GET /api/v1/jobs/ID)
    and nothing stored is lost. Ctrl-C flushes what was decoded and exits with status 0. Write endpoints
    need the bearer token from SDRSCAN_API_TOKEN, or the one generated into a 0600 file on first start and
    shown once.
    """
    from api.main import create_app
    from sdrscan.config import get_settings
    from sdrscan.service.auth import check_bind, resolve_token
    from sdrscan.service.server import run_server
    from sdrscan.service.service import Service
    from sdrscan.sources import open_source

    base = get_settings()
    api = base.api.model_copy(update={k: v for k, v in (("host", host), ("port", port)) if v is not None})
    store = base.store.model_copy(update={"url": db_url}) if db_url is not None else base.store
    settings = base.model_copy(update={"api": api, "store": store})
    for p in replays:  # a bad path fails now, in one line, not minutes later in the log
        with open_source(p, fmt=fmt, sample_rate_hz=rate, center_freq_hz=center_freq):
            pass
    if device is None and (gps is not None or lossless or band != "GSM900"):
        raise ConfigError("--band, --gps and --lossless are options of the live source: add --device")
    if device is not None:
        from sdrscan.field.plan import resolve_bands

        resolve_bands(band)  # a bad --band fails before anything is opened
    token = resolve_token(settings.api)
    check_bind(settings.api.host, token)
    check_port_free(settings.api.host, settings.api.port)
    shown_host = f"[{settings.api.host}]" if ":" in settings.api.host else settings.api.host
    url = f"http://{shown_host}:{settings.api.port}/"
    service = Service(settings, loop=loop, base_url=url)
    try:
        interrupted = service.recover()
        if interrupted:
            click.echo(f"resuming {len(interrupted)} run(s) interrupted by the last stop", err=True)
        for p in replays:
            service.add_replay(p, fmt=fmt, sample_rate_hz=rate, center_freq_hz=center_freq)
        if device is not None:
            run_id = service.add_live(device, band, gps or settings.device.gps, lossless=lossless)
            live = service.live
            assert live is not None
            click.echo(f"live: sweeping {band} ({len(live.scanner.plan.hops)} hops) with the {live.tuner} tuner "
                       f"via {device} (run {run_id})", err=True)
        if token is not None and token.created:
            click.echo(f"API token (for write requests; saved in {token.path}, shown only this once):\n"
                       f"  {token.value}", err=True)
        click.echo(f"store: {service.store.url}", err=True)
        click.echo(f"dashboard: {url}  (API docs: {url}docs)", err=True)
        run_server(create_app(service, token=token), settings.api.host, settings.api.port)
    finally:
        service.close()
    click.echo("stopped", err=True)
