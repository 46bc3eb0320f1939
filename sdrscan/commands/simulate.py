"""``sdrscan simulate``: a simulated RTL-SDR behind an rtl_tcp server (and optionally a fake gpsd)."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from sdrscan.errors import ConfigError

log = logging.getLogger(__name__)


def _position(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        lat, lon = (float(v) for v in text.split(","))
    except ValueError:
        raise ConfigError(f"--position {text!r}: expected LAT,LON in degrees, e.g. 53.3498,-6.2603") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ConfigError(f"--position {text!r}: latitude must be -90..90 and longitude -180..180")
    return lat, lon


@click.command("simulate")
@click.option("--scene", "scene_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Scene file (docs/scene.md); cells may lie anywhere in any band.")
@click.option("--port", type=int, default=1234, show_default=True, help="rtl_tcp port (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: all).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seeds timing, content, paths and noise.")
@click.option("--ppm", type=float, default=None, help="Crystal error of the simulated dongle (default: the scene's).")
@click.option("--tuner", default="R820T", show_default=True, help="Tuner model: R820T, R828D, E4000, FC0012 ...")
@click.option("--drive", "drive_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Drive file: the receiver moves and cells' powers follow their distance (docs/field.md).")
@click.option("--gpsd-port", type=int, default=None, help="Also serve positions as a fake gpsd on this port.")
@click.option("--position", default=None, metavar="LAT,LON", help="Fixed position for the fake gpsd (no drive).")
@click.option("--fast", is_flag=True, help="Send as fast as the client reads instead of at the sample rate.")
@click.option("--duration", type=float, default=None, help="Stop after this many seconds (default: until Ctrl-C).")
def simulate(scene_path: Path, port: int, host: str, seed: int, ppm: float | None, tuner: str,
             drive_path: Path | None, gpsd_port: int | None, position: str | None, fast: bool,
             duration: float | None) -> None:
    """Serve a simulated RTL-SDR over the rtl_tcp protocol.

    The dongle synthesizes, on the fly, what it would receive wherever its client tunes: the scene's cells in
    the tuned band (with their SI, paging and frame timing), a crystal error, noise and gain steps. Point
    `sdrscan scan --device rtltcp://HOST:PORT` (or any rtl_tcp client) at it to rehearse without hardware.
    """
    from sdrscan.gps.fix import Fix
    from sdrscan.sim.dongle import SimDongle
    from sdrscan.sim.drive import load_drive
    from sdrscan.sim.gpsd import FakeGpsd
    from sdrscan.sim.server import RtlTcpServer
    from sdrscan.sim.world import load_world_scene

    scene = load_world_scene(scene_path, ppm=ppm)
    drive = load_drive(drive_path) if drive_path is not None else None
    fixed = _position(position)
    if (drive is not None or fixed is not None) and gpsd_port is None:
        raise ConfigError("--drive/--position give positions only with --gpsd-port PORT (the fake gpsd)")
    dongle = SimDongle(scene, seed, tuner=tuner, drive=drive)
    server = RtlTcpServer(dongle, host, port, realtime=not fast)
    h, p = server.start()
    gpsd = None
    if gpsd_port is not None:
        t0 = datetime.now(UTC)

        def current_fix() -> Fix | None:
            t = dongle.world_time_s
            when = t0 + timedelta(seconds=t)
            if drive is not None:
                s = drive.state(t)
                return Fix(when, s.lat_deg, s.lon_deg, s.alt_m, 3 if s.alt_m is not None else 2, s.speed_mps,
                           s.track_deg, "sim")
            if fixed is not None:
                return Fix(when, fixed[0], fixed[1], None, 2, 0.0, None, "sim")
            return None

        gpsd = FakeGpsd(current_fix, host, gpsd_port)
        gh, gp = gpsd.start()
        click.echo(f"fake gpsd on {gh}:{gp} (use --gps gpsd://{gh}:{gp})", err=True)
    click.echo(f"simulated {dongle.tuner.name} dongle, {len(scene.cells)} cell(s), crystal {dongle.ppm:+g} ppm: "
               f"rtl_tcp on {h}:{p} (use --device rtltcp://{h}:{p}); Ctrl-C stops", err=True)
    done = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait(duration) if duration is not None else _wait_forever(done)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
        if gpsd is not None:
            gpsd.stop()
    st = dongle.stats
    click.echo(f"served {server.stats.clients} client(s), {st.samples / max(dongle.state.sample_rate_hz, 1):.1f} s "
               f"of signal, {st.retunes} tuning(s)", err=True)


def _wait_forever(done: threading.Event) -> None:
    while not done.wait(0.5):
        pass
