"""Outputs of ``sdrscan frames``: JSON lines, GSMTAP pcap / UDP, progress bar and the summary table."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sdrscan.gsm.gsmtap import GsmtapUdpSender, PcapWriter, gsmtap_packet
from sdrscan.pipeline.records import L2Frame, SyncEvent
from sdrscan.pipeline.runner import RunStats
from sdrscan.sources.base import IQSource, SourceInfo


class _Progress:
    def __init__(self, total: int | None, enabled: bool) -> None:
        self._p: Any = None  # rich.progress.Progress; rich is imported only for a terminal (~70 ms per start)
        if enabled and total and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._p = Progress(TextColumn("decoding"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                               TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self._task = self._p.add_task("decode", total=total)
            self._p.start()

    def advance(self, n: int) -> None:
        if self._p is not None:
            self._p.advance(self._task, n)

    def close(self) -> None:
        if self._p is not None:
            self._p.stop()


class FrameOutputs:
    """Fan decoded frames out to JSON lines, a pcap file and a live GSMTAP receiver."""

    def __init__(self, pcap: Path | None, gsmtap: tuple[str, int] | None, json_out: IO[str] | None) -> None:
        self._pcap = PcapWriter(pcap) if pcap is not None else None
        self._udp = GsmtapUdpSender(*gsmtap) if gsmtap is not None else None
        self._json = json_out

    def __enter__(self) -> FrameOutputs:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        if self._pcap is not None:
            self._pcap.close()
        if self._udp is not None:
            self._udp.close()

    def progress(self, source: IQSource, enabled: bool) -> _Progress:
        return _Progress(source.info.num_samples, enabled)

    def write_sync(self, event: SyncEvent) -> None:
        if self._json is not None:
            self._json.write(json.dumps(event.to_json()) + "\n")

    def write(self, frame: L2Frame) -> None:
        if self._json is not None:
            self._json.write(json.dumps(frame.to_json()) + "\n")
        if self._pcap is not None or self._udp is not None:
            pkt = gsmtap_packet(frame)
            if self._pcap is not None:
                self._pcap.write(pkt, frame)
            if self._udp is not None:
                self._udp.send(pkt)


def print_summary(stats: RunStats, info: SourceInfo, quiet_json: bool) -> None:
    """Per-carrier table on stdout (stderr when stdout carries JSON lines)."""
    if stats.carriers and quiet_json:
        return  # JSON lines are the output; nothing to add
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=quiet_json)
    if not console.is_terminal:
        console = Console(stderr=quiet_json, width=120)  # pipes and logs: don't squeeze the table to 80
    if not stats.carriers:
        console.print(f"[yellow]no GSM carrier decoded[/] in {stats.duration_s:.2f} s of signal around "
                      f"{info.center_freq_hz / 1e6:.3f} MHz ({info.sample_rate_hz / 1e6:.4g} MS/s)")
        return
    table = Table(title=f"{len(stats.carriers)} carrier(s), {stats.duration_s:.2f} s of signal, "
                        f"{stats.x_realtime:.1f}x real time")
    for col in ("ARFCN", "MHz", "BSIC", "blocks ok", "failed", "idle", "power dBFS", "SNR dB", "offset Hz",
                "CCCH"):
        table.add_column(col, justify="right")
    for c in stats.carriers:
        ccch = "?" if c.ccch_combined is None else ("combined" if c.ccch_combined else "separate")
        table.add_row(str(c.arfcn), f"{c.freq_hz / 1e6:.1f}", "-" if c.bsic is None else str(c.bsic),
                      str(c.blocks_ok), str(c.blocks_failed), str(c.blocks_idle), f"{c.power_dbfs:.1f}",
                      f"{c.snr_db:.1f}", f"{c.freq_offset_hz:+.0f}", ccch)
    console.print(table)
    if stats.crystal_ppm is not None:
        console.print(f"receiver crystal error: {stats.crystal_ppm:+.2f} ppm "
                      f"({stats.crystal_carriers} carrier(s) agree)")
