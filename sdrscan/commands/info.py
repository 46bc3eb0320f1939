"""``sdrscan info``: the first thing to run on a recording. What is in it, how loud, is it damaged."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from sdrscan.sources import open_from_options, source_options
from sdrscan.sources.reader import StreamSource
from sdrscan.sources.summary import PowerSummary, measure_power

# The channelizer keeps carriers within ±0.4 x rate of the centre (the rest falls on the anti-alias skirts).
USABLE_FRACTION = 0.4
PROGRESS_MIN_BYTES = 100_000_000
EXIT_DAMAGED = 3  # read to the end, but samples were dropped (partial sample) or zeroed (NaN/Inf)


def covered_arfcns(center_freq_hz: float, sample_rate_hz: float) -> list[dict[str, Any]]:
    """GSM downlink carriers within ±0.4 x rate of the centre, with their band (TS 45.005 §2)."""
    from sdrscan.gsm.arfcn import arfcns_between, downlink_hz_to_arfcn

    half = USABLE_FRACTION * sample_rate_hz
    out = []
    for arfcn, freq_hz in arfcns_between(center_freq_hz - half, center_freq_hz + half):
        hit = downlink_hz_to_arfcn(freq_hz)
        out.append({"arfcn": arfcn, "freq_hz": freq_hz, "band": hit[1] if hit else None})
    return out


def _ranges(arfcns: list[dict[str, Any]]) -> str:
    """``51-70`` style runs of consecutive ARFCNs, in frequency order."""
    runs: list[list[int]] = []
    for a in (c["arfcn"] for c in arfcns):
        if runs and a == runs[-1][1] + 1:
            runs[-1][1] = a
        else:
            runs.append([a, a])
    return ", ".join(f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in runs)


def _measure(source: StreamSource) -> PowerSummary:
    info = source.info
    total = info.num_samples
    if not (sys.stderr.isatty() and total and total * source.fmt.bytes_per_sample >= PROGRESS_MIN_BYTES):
        return measure_power(source)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    with Progress(TextColumn("reading"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("read", total=total * source.fmt.bytes_per_sample)
        return measure_power(source, on_block=lambda n: bar.advance(task, n * source.fmt.bytes_per_sample))


def describe(source: StreamSource, summary: PowerSummary) -> dict[str, Any]:
    """Everything ``info`` reports, as one JSON-ready object."""
    info = source.info
    pos = info.position
    return {
        "path": info.path, "container": source.container, "datatype": info.datatype,
        "sample_rate_hz": info.sample_rate_hz, "center_freq_hz": info.center_freq_hz,
        "num_samples": summary.num_samples, "duration_s": summary.num_samples / info.sample_rate_hz,
        "start_time": info.start_time.isoformat() if info.start_time else None,
        "position": None if pos is None else {"lat_deg": pos.lat_deg, "lon_deg": pos.lon_deg, "alt_m": pos.alt_m},
        "hw": info.hw, "description": info.description,
        "arfcns": covered_arfcns(info.center_freq_hz, info.sample_rate_hz),
        "mean_power_dbfs": summary.mean_power_dbfs, "peak_power_dbfs": summary.peak_power_dbfs,
        "dc_offset_dbfs": summary.dc_offset_dbfs, "full_scale_components": summary.full_scale_components,
        "nonfinite_samples": summary.nonfinite_samples, "truncated_bytes": summary.truncated_bytes,
    }


def _dbfs(v: float | None) -> str:
    return "-inf dBFS (all zero)" if v is None else f"{v:.1f} dBFS"


def _rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    rate, fc, half = d["sample_rate_hz"], d["center_freq_hz"], USABLE_FRACTION * d["sample_rate_hz"]
    arfcns = d["arfcns"]
    bands = sorted({a["band"] for a in arfcns if a["band"]})
    covered = (f"{len(arfcns)} GSM ARFCN(s): {_ranges(arfcns)} ({', '.join(bands)})" if arfcns
               else "no GSM downlink channel")
    rows = [("file", str(d["path"])), ("format", f"{d['container']} {d['datatype']}"),
            ("sample rate", f"{rate / 1e6:.6g} MS/s"), ("centre", f"{fc / 1e6:.6f} MHz"),
            ("covers", f"{(fc - half) / 1e6:.3f}-{(fc + half) / 1e6:.3f} MHz: {covered}"),
            ("duration", f"{d['duration_s']:.6g} s ({d['num_samples']:,} samples)")]
    if d["start_time"]:
        rows.append(("start", d["start_time"]))
    if d["position"]:
        p = d["position"]
        alt = "" if p["alt_m"] is None else f", {p['alt_m']:.0f} m"
        rows.append(("position", f"{p['lat_deg']:.6f}, {p['lon_deg']:.6f}{alt}"))
    for key, label in (("hw", "hardware"), ("description", "description")):
        if d[key]:
            rows.append((label, d[key]))
    peak = _dbfs(d["peak_power_dbfs"])
    if d["full_scale_components"] is not None:
        peak += f", {d['full_scale_components']:,} I/Q values at full scale"
    elif (d["peak_power_dbfs"] or 0) > 3.02:  # above a full-scale I and Q: float samples not scaled to 1.0
        peak += " (float samples beyond 1.0: not scaled to full scale)"
    rows += [("mean power", _dbfs(d["mean_power_dbfs"])), ("peak", peak), ("DC offset", _dbfs(d["dc_offset_dbfs"])),
             ("non-finite", f"{d['nonfinite_samples']:,} sample(s) set to 0"),
             ("truncated", f"{d['truncated_bytes']} byte(s) dropped at the end")]
    return rows


@click.command("info")
@click.argument("path", type=click.Path(path_type=Path))
@source_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.pass_context
def info(ctx: click.Context, path: Path, fmt: str | None, rate: float | None, center_freq: float | None,
         as_json: bool) -> None:
    """Describe the IQ recording PATH: format, rate, centre frequency and the GSM ARFCNs it covers,
    duration, start time, position, mean and peak power (dBFS) and damage.

    PATH is a SigMF recording (NAME.sigmf-meta, NAME.sigmf-data, NAME or NAME.sigmf) or a raw file (.cu8/.bin
    from rtl_sdr, .cs8, .cs16, .cfile/.cf32), which needs --rate and --center-freq. Exit status 3 means the
    file was read but samples were dropped (partial sample at the end) or zeroed (NaN/Inf).
    """
    with open_from_options(path, fmt, rate, center_freq, check_schema=True) as source:
        summary = _measure(source)
        d = describe(source, summary)
    if as_json:
        click.echo(json.dumps(d))
    else:  # plain "key  value" lines: nothing wrapped or cut, easy to grep
        rows = _rows(d)
        width = max(len(k) for k, _ in rows)
        for k, v in rows:
            click.echo(f"{k:<{width}}  {v}")
    if d["nonfinite_samples"] or d["truncated_bytes"]:
        sys.exit(EXIT_DAMAGED)  # not ctx.exit: cli.main runs click with standalone_mode=False, which drops it
