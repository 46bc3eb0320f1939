"""``sdrscan frames``: decode every C0 carrier of a recording to L2 blocks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sdrscan.pipeline.receiver import ReceiverConfig
from sdrscan.pipeline.runner import RunStats, decode_source
from sdrscan.sources import open_from_options, source_options


def _parse_hostport(value: str | None) -> tuple[str, int] | None:
    if value is None:
        return None
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"{value!r}: expected HOST:PORT, e.g. 127.0.0.1:4729", param_hint="--gsmtap")
    return host, int(port)


@click.command("frames")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@source_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per decoded block on stdout.")
@click.option("--pcap", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write every decoded block as GSMTAP (UDP 4729) into this pcap file, for Wireshark.")
@click.option("--gsmtap", metavar="HOST:PORT", help="Stream GSMTAP to a live Wireshark (e.g. 127.0.0.1:4729).")
@click.option("--sync", "with_sync", is_flag=True,
              help="With --json, also print each decoded SCH (BSIC, frame number) as a line with channel \"SCH\".")
@click.option("--band", type=click.Choice(["DCS1800", "PCS1900"]), default=None,
              help="Band of ARFCNs 512-810 (default DCS1800).")
def frames(path: Path, fmt: str | None, rate: float | None, center_freq: float | None, as_json: bool,
           pcap: Path | None, gsmtap: str | None, with_sync: bool, band: str | None) -> None:
    """Decode every GSM broadcast carrier in PATH to verified 23-octet blocks.

    Finds each C0 carrier (FCCH), synchronises (SCH: BSIC and frame number), equalizes and decodes
    timeslot 0 (BCCH and CCCH). Only blocks that pass the Fire code are output; failures are counted.
    Without --json, prints a summary table per carrier.
    """
    from sdrscan.commands._frames_output import FrameOutputs, print_summary

    target = _parse_hostport(gsmtap)
    source = open_from_options(path, fmt, rate, center_freq)
    stats = RunStats()
    with source, FrameOutputs(pcap, target, json_out=sys.stdout if as_json else None) as outputs:
        progress = outputs.progress(source, enabled=not as_json)
        on_sync = outputs.write_sync if (as_json and with_sync) else None
        for frame in decode_source(source, ReceiverConfig(band=band), on_progress=progress.advance,
                                   stats=stats, on_sync=on_sync):
            outputs.write(frame)
        progress.close()
    print_summary(stats, source.info, quiet_json=as_json)
