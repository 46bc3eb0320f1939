"""``sdrscan scan``: sweep GSM bands live with an RTL-SDR (USB or rtl_tcp), decode every cell, judge them."""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
import time
from pathlib import Path
from typing import Any

import click

from sdrscan.errors import ConfigError
from sdrscan.sources.units import parse_hz

log = logging.getLogger(__name__)


def parse_gain(text: str | None) -> float | None | str:
    """``auto`` -> None (automatic gain), a number -> dB, None -> "default" (use the settings)."""
    if text is None:
        return "default"
    if text.strip().lower() in ("auto", "agc"):
        return None
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"--gain {text!r}: expected a number in dB (e.g. 40.2) or 'auto'") from None


def live_options(func: Any) -> Any:
    """``--device --rate --gain --ppm --bias-tee --gps`` shared by scan, calibrate and record."""
    for opt in reversed([
        click.option("--device", default=None, metavar="DEV",
                     help="rtl, rtl:INDEX, rtl:serial=SERIAL or rtltcp://HOST:PORT (default: settings, else rtl)."),
        click.option("--rate", default=None, metavar="HZ",
                     help="Sample rate (default 2.4M: hops of 10 channels, 2 MHz)."),
        click.option("--gain", default=None, metavar="DB|auto",
                     help="Tuner gain in dB (nearest step) or auto. Fixed gain keeps powers comparable; "
                          "auto is for quick looks."),
        click.option("--ppm", type=float, default=None,
                     help="Known crystal error (default: the calibrated value in the settings)."),
        click.option("--bias-tee", is_flag=True, default=None, help="Power an active antenna or LNA."),
        click.option("--gps", default=None, metavar="SRC",
                     help="gpsd://HOST:PORT, gpsd, a serial device or an NMEA log (positions for observations)."),
    ]):
        func = opt(func)
    return func


def resolve_live(device: str | None, rate: str | None, gain: str | None, ppm: float | None,
                 bias_tee: bool | None, gps: str | None) -> dict[str, Any]:
    """Command-line values over the ``[device]`` settings."""
    from sdrscan.config import get_settings

    s = get_settings().device
    g = parse_gain(gain)
    return {"device": device or s.device, "rate": parse_hz(rate) if rate else s.sample_rate_hz,
            "gain": s.gain_db if g == "default" else g, "ppm": s.ppm if ppm is None else ppm,
            "bias_tee": s.bias_tee if bias_tee is None else bias_tee, "gps": gps or s.gps}


def open_first(spec: str) -> tuple[Any, Any]:
    """Open the device once (to learn its tuner) and return ``(device, opener)``; the opener hands out this
    device first and fresh ones afterwards (reconnection)."""
    from sdrscan.field.device import device_opener

    opener = device_opener(spec)
    first = [opener()]

    def again() -> Any:
        return first.pop() if first else opener()

    return first[0], again


@click.command("scan")
@click.option("--band", default="GSM900", show_default=True,
              help="GSM900 (E-GSM, 174 channels), GSM850, DCS1800, PCS1900 or ALL.")
@live_options
@click.option("--sweeps", type=int, default=None, help="Stop after this many sweeps (default: run until Ctrl-C).")
@click.option("--duration", type=float, default=None, help="Stop after this many seconds of signal.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Append every frame (with time, position, hop), hop, gap and alert to this NDJSON file.")
@click.option("--json", "as_json", is_flag=True, help="At the end, one JSON object per cell on stdout, then a summary.")
@click.option("--settle", type=float, default=None, help="Seconds dropped after each retune (default: per device).")
@click.option("--max-dwell", type=float, default=4.5, show_default=True, help="Most seconds spent on one hop.")
@click.option("--lossless", is_flag=True,
              help="Never drop samples (for simulated dongles: makes rtl_tcp wait instead).")
@click.option("--no-detect", is_flag=True, help="Do not run the detection rules.")
def scan(band: str, device: str | None, rate: str | None, gain: str | None, ppm: float | None, bias_tee: bool | None,
         gps: str | None, sweeps: int | None, duration: float | None, out_path: Path | None, as_json: bool,
         settle: float | None, max_dwell: float, lossless: bool, no_detect: bool) -> None:
    """Sweep GSM bands live and decode every cell's System Information (SI1-SI4), then judge the cells.

    Each hop covers about 2 MHz (at 2.4 MS/s) and lasts until every carrier found there has sent SI1-SI4
    (at most one 1.9 s SI cycle), so a full GSM900 sweep takes about 30-40 s. The crystal error is measured
    on the way and carried from hop to hop. R820T/R828D dongles stop at 1766 MHz: DCS1800 and PCS1900 are out
    of their reach (an E4000 dongle reaches them). Ctrl-C stops cleanly: everything decoded is kept.
    """
    from dataclasses import replace

    from sdrscan.field.dwell import DwellLimits
    from sdrscan.field.plan import plan_sweep
    from sdrscan.field.scanner import ScanConfig, Scanner
    from sdrscan.field.session import ScanSession

    opts = resolve_live(device, rate, gain, ppm, bias_tee, gps)
    if max_dwell < 0.5:
        raise ConfigError(f"--max-dwell {max_dwell}: expected at least 0.5 s")
    first, opener = open_first(opts["device"])
    try:
        plan = plan_sweep(band, opts["rate"], first.info.tuner)
    except BaseException:
        first.close()
        raise
    for note in plan.notes:
        click.echo(f"note: {note}", err=True)
    positions = _start_gps(opts["gps"])
    cfg = ScanConfig(sample_rate_hz=opts["rate"], gain_db=opts["gain"], ppm=opts["ppm"], bias_tee=opts["bias_tee"],
                     settle_s=settle, overflow="block" if lossless else "drop",
                     dwell=replace(DwellLimits(), max_s=max_dwell))
    scanner = Scanner(opener, plan, cfg, positions.track if positions else None)
    engine = None if no_detect else _engine()
    session = ScanSession(out=out_path, engine=engine, on_alert=_print_alert)
    click.echo(f"scanning {', '.join(plan.bands)}: {len(plan.hops)} hops, {plan.channels} channels, "
               f"{first.info.tuner.name} tuner via {first.info.address}, gain "
               f"{'auto' if cfg.gain_db is None else cfg.gain_db}", err=True)
    interrupted = False
    previous = signal.signal(signal.SIGTERM, lambda *_: scanner.stop())
    display = _Display(session) if sys.stderr.isatty() and not as_json else None
    cpu0 = time.process_time()
    try:
        with display or contextlib.nullcontext():
            for ev in scanner.run(sweeps=sweeps, max_signal_s=duration):
                session.handle(ev)
                if display is not None:
                    display.update(ev, scanner)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)
        scanner.close()
        session.close()
        if positions is not None:
            positions.close()
    _summary(session, scanner, as_json, interrupted, time.process_time() - cpu0)


def _start_gps(spec: str | None) -> Any:
    if not spec:
        return None
    from sdrscan.gps import open_position_source

    return open_position_source(spec)


def _engine() -> Any:
    from sdrscan.detection.engine import DetectionEngine

    return DetectionEngine()


def _print_alert(ev: Any) -> None:
    j = ev.to_json() if hasattr(ev, "to_json") else {}
    if j.get("type") == "alert":
        click.echo(f"ALERT [{j['severity']}] ARFCN {j['arfcn']} BSIC {j['bsic']} {j['rule']}: {j['message']}", err=True)
    else:
        click.echo(f"verdict: {json.dumps(j)}", err=True)


def _summary(session: Any, scanner: Any, as_json: bool, interrupted: bool, cpu_s: float) -> None:
    from sdrscan.cells.display import print_table
    from sdrscan.cells.export import cell_json

    st = scanner.stats
    cells = session.survey.cells()
    verdicts = session.engine.verdicts() if session.engine is not None else {}
    summary = {"type": "scan", "sweeps": st.sweeps, "hops": st.hops, "signal_s": round(st.signal_s, 2),
               "cpu_s": round(cpu_s, 2), "frames": st.frames, "cells": len(cells),
               "dropped_samples": st.dropped_samples, "reconnects": st.reconnects, "gaps_s": round(st.gaps_s, 2),
               "crystal_ppm": None if st.crystal_ppm is None else round(st.crystal_ppm, 3),
               "alerts": len(session.alerts), "interrupted": interrupted}
    if as_json:
        for c in cells:
            v = verdicts.get((c.arfcn, c.bsic))
            kw = {"score": v.score, "verdict": v.verdict.value} if v is not None else {}
            sys.stdout.write(json.dumps(cell_json(c, **kw)) + "\n")
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    if cells:
        print_table(cells, f"{len(cells)} cell(s), {st.sweeps} sweep(s), {st.signal_s:.1f} s of signal",
                    verdicts={k: v.verdict.value for k, v in verdicts.items()} if session.engine else None)
    else:
        click.echo(f"no GSM cell decoded in {st.signal_s:.1f} s of signal")
    crystal = "" if st.crystal_ppm is None else f", crystal {st.crystal_ppm:+.2f} ppm"
    click.echo(f"{st.hops} hop(s), {st.frames} frames, {st.dropped_samples} samples dropped, "
               f"{st.reconnects} reconnection(s){crystal}" + (" (interrupted)" if interrupted else ""), err=True)


class _Display:
    """Progress line and live cell table on stderr (terminals only)."""

    def __init__(self, session: Any) -> None:
        from rich.console import Console
        from rich.live import Live

        self.session = session
        self.live = Live(console=Console(stderr=True), refresh_per_second=2, transient=False)
        self.status = "starting"

    def __enter__(self) -> _Display:
        self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.stop()

    def update(self, ev: Any, scanner: Any) -> None:
        from rich.console import Group
        from rich.text import Text

        from sdrscan.cells.display import cell_table
        from sdrscan.field.scanner import HopDone, HopStart

        if isinstance(ev, HopStart):
            self.status = (f"sweep {ev.sweep + 1}, hop {ev.hop.index + 1}/{len(scanner.plan.hops)} "
                           f"{ev.hop.center_freq_hz / 1e6:.1f} MHz")
        elif not isinstance(ev, HopDone):
            return
        st = scanner.stats
        line = Text(f"{self.status} | {st.signal_s:.0f} s signal, {st.frames} frames, "
                    f"{st.dropped_samples} dropped, ppm {scanner.correction:+d}")
        cells = self.session.survey.cells()
        engine = self.session.engine
        judged = None if engine is None else {k: v.verdict.value for k, v in engine.verdicts().items()}
        self.live.update(Group(line, cell_table(cells, f"{len(cells)} cell(s)", verdicts=judged)) if cells else line)
