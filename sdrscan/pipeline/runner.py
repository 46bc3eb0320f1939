"""Run the receiver over an IQ source: blocks in, frames out, with progress and statistics."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sdrscan.pipeline.carrier import CarrierReceiver
from sdrscan.pipeline.receiver import Receiver, ReceiverConfig
from sdrscan.pipeline.records import CarrierStats, L2Frame, SyncEvent
from sdrscan.sources.base import IQSource


@dataclass(slots=True)
class RunStats:
    samples: int = 0
    duration_s: float = 0.0  # signal time processed
    cpu_s: float = 0.0
    wall_s: float = 0.0
    frames: int = 0
    carriers: list[CarrierStats] = field(default_factory=list)
    crystal_ppm: float | None = None
    crystal_carriers: int = 0
    arfcn_power_dbfs: dict[int, float] = field(default_factory=dict)

    @property
    def x_realtime(self) -> float:
        return self.duration_s / self.cpu_s if self.cpu_s > 0 else float("inf")


def decode_source(source: IQSource, config: ReceiverConfig | None = None,
                  on_progress: Callable[[int], None] | None = None,
                  on_frame: Callable[[L2Frame, CarrierReceiver], None] | None = None,
                  stats: RunStats | None = None,
                  on_sync: Callable[[SyncEvent], None] | None = None) -> Iterator[L2Frame]:
    """Yield every decoded L2 frame of ``source`` in order of decoding; fills ``stats`` at the end."""
    stats = stats if stats is not None else RunStats()
    info = source.info
    rx = Receiver(info.sample_rate_hz, info.center_freq_hz, config, on_frame=on_frame, on_sync=on_sync)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    # About a quarter second per block: per-block work (Python, FFT set-up) amortised, memory still small.
    block_size = max(65536, int(0.25 * info.sample_rate_hz))
    for block in source.blocks(block_size):
        stats.samples += block.samples.size
        for frame in rx.process(block.samples):
            stats.frames += 1
            yield frame
        if on_progress is not None:
            on_progress(block.samples.size)
    for frame in rx.finish():
        stats.frames += 1
        yield frame
    stats.cpu_s = time.process_time() - cpu0
    stats.wall_s = time.perf_counter() - wall0
    stats.duration_s = stats.samples / info.sample_rate_hz
    stats.carriers = rx.carrier_stats()
    stats.arfcn_power_dbfs = rx.arfcn_power_dbfs()
    crystal = rx.locked_crystal()
    if crystal is not None:
        stats.crystal_ppm = crystal.ppm
        stats.crystal_carriers = crystal.carriers_agreeing
