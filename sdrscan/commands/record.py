"""``sdrscan record``: record a live dongle to SigMF, rotating files by size or time."""

from __future__ import annotations

import re
import signal
import threading
from pathlib import Path

import click

from sdrscan.commands.scan import live_options, open_first, resolve_live
from sdrscan.errors import ConfigError
from sdrscan.sources.units import parse_hz

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.I)
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$", re.I)


def parse_size(text: str) -> int:
    """``500M``, ``2G``, ``1048576`` -> bytes (binary multiples).

    >>> parse_size("2G")
    2147483648
    """
    m = _SIZE.match(text)
    if m is None:
        raise ConfigError(f"--max-size {text!r}: expected bytes with an optional k/M/G suffix, e.g. 1G")
    return int(float(m.group(1)) * 1024 ** "_kmgt".index(m.group(2).lower() or "_"))


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``10m``, ``2h`` -> seconds.

    >>> parse_duration("10m")
    600.0
    """
    m = _TIME.match(text)
    if m is None:
        raise ConfigError(f"{text!r}: expected seconds with an optional s/m/h suffix, e.g. 10m")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2).lower()]


@click.command("record")
@click.option("--freq", "freq", required=True, metavar="HZ", help="Centre frequency, e.g. 947.6M.")
@live_options
@click.option("--out", "prefix", required=True, type=click.Path(path_type=Path),
              help="DIR/NAME: files are NAME_<UTC time>_<MHz>MHz.sigmf-meta/-data in DIR.")
@click.option("--duration", default=None, metavar="TIME", help="Stop after this long (e.g. 90s, 10m; default: Ctrl-C).")
@click.option("--max-size", default=None, metavar="SIZE", help="Start a new file at this size (e.g. 1G).")
@click.option("--max-time", default=None, metavar="TIME", help="Start a new file after this long (e.g. 10m).")
@click.option("--lossless", is_flag=True, help="Never drop samples (simulated dongles).")
def record(freq: str, device: str | None, rate: str | None, gain: str | None, ppm: float | None,
           bias_tee: bool | None, gps: str | None, prefix: Path, duration: str | None, max_size: str | None,
           max_time: str | None, lossless: bool) -> None:
    """Record a live dongle to SigMF (cu8, as the dongle delivers it) with time, hardware and position.

    Files rotate at --max-size or --max-time; a gap (samples the computer could not take) also starts a
    new file, so every file is contiguous. Ctrl-C closes the current file properly.
    """
    from sdrscan.field.recorder import RotatingRecorder, record_device
    from sdrscan.gps import open_position_source

    opts = resolve_live(device, rate, gain, ppm, bias_tee, gps)
    center = parse_hz(freq)
    dur = parse_duration(duration) if duration else None
    max_bytes = parse_size(max_size) if max_size else None
    max_seconds = parse_duration(max_time) if max_time else None
    if not prefix.parent.is_dir():
        raise ConfigError(f"output folder {prefix.parent} does not exist; create it or choose another --out")
    dev, _ = open_first(opts["device"])
    positions = None
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        dev.set_sample_rate(opts["rate"])
        dev.set_gain(opts["gain"])
        dev.set_ppm(int(round(opts["ppm"])))
        if opts["bias_tee"]:
            dev.set_bias_tee(True)
        dev.set_center_freq(center)
        positions = open_position_source(opts["gps"]) if opts["gps"] else None
        rec = RotatingRecorder(prefix, sample_rate_hz=dev.sample_rate_hz, center_freq_hz=center,
                               hw=dev.info.hw(dev.gain_db, dev.ppm, opts["bias_tee"]),
                               max_bytes=max_bytes, max_seconds=max_seconds,
                               positions=positions.track if positions else None,
                               extra={"sdrscan:gain_db": dev.gain_db, "sdrscan:ppm_correction": dev.ppm,
                                      "sdrscan:crystal_ppm": opts["ppm"]})
        try:
            stats = record_device(dev, rec, duration_s=dur, stop=stop, overflow="block" if lossless else "drop")
        except KeyboardInterrupt:
            rec.close()
            stats = rec.stats
    finally:
        signal.signal(signal.SIGTERM, previous)
        dev.close()
        if positions is not None:
            positions.close()
    for f in stats.files:
        click.echo(str(f))
    click.echo(f"{stats.samples / dev.sample_rate_hz:.1f} s recorded in {len(stats.files)} file(s), "
               f"{stats.dropped_samples} samples dropped in {stats.gaps} gap(s)", err=True)
