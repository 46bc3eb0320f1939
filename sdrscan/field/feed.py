"""The live sweep as the service's source: scanner events into the service's ingest (store, rules, alerts).

The service's :class:`~sdrscan.service.ingest.Ingestor` takes one continuous source: ``begin``, then frames
timed by their sample index, ``advance`` as signal passes, ``end``. A sweep is one such source: its frames
keep their time by mapping each one's UTC time back to a sample index of the whole scan (so the gaps of a
reconnection stay gaps in time). After every hop the receiver's per-carrier counters go to the survey and the
hop's band power to the store, in the chunk the hop closes.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from sdrscan.field.scanner import DeviceGap, FieldFrame, HopDone, HopStart, ScanEvent, Scanner
from sdrscan.sources.base import SourceInfo

log = logging.getLogger(__name__)


def feed_ingestor(scanner: Scanner, ingestor: Any, run_id: int, *, label: str = "live",
                  should_stop: Callable[[], bool] = lambda: False, sweeps: int | None = None,
                  max_signal_s: float | None = None, on_event: Callable[[ScanEvent], None] | None = None) -> None:
    """Run ``scanner`` into ``ingestor`` (an :class:`~sdrscan.service.ingest.Ingestor`) as run ``run_id``.

    ``on_event`` sees every scanner event first (the service's live source keeps its health and metrics).

    Returns when the scan ends (``sweeps``, ``max_signal_s``) or ``should_stop()`` becomes true; what was
    decoded is flushed either way. Device errors the scanner cannot recover from propagate after the flush.
    """
    from sdrscan.store.records import BandPower

    rate = scanner.cfg.sample_rate_hz
    t0 = None
    samples = 0
    try:
        for ev in scanner.run(sweeps=sweeps, max_signal_s=max_signal_s):
            if on_event is not None:
                on_event(ev)
            if should_stop():
                scanner.stop()
            if isinstance(ev, HopStart) and t0 is None:
                t0 = scanner.clock.t0
                dev = scanner.device
                info = SourceInfo(sample_rate_hz=rate, center_freq_hz=ev.hop.center_freq_hz, datatype="cu8",
                                  start_time=t0, num_samples=None, path=dev.info.address if dev else None,
                                  hw=dev.info.hw(dev.gain_db, dev.ppm) if dev else None)
                ingestor.begin(run_id, info, label)
            elif isinstance(ev, FieldFrame) and t0 is not None:
                offset = round((ev.time - t0).total_seconds() * rate)
                pos = ev.position.position() if ev.position is not None else None
                ingestor.add_frame(dataclasses.replace(ev.frame, sample_offset=offset), pos)
            elif isinstance(ev, HopDone) and t0 is not None:
                ingestor.survey.end_source(ev.stats)
                n = round(ev.signal_s * rate)
                samples += n
                ingestor.advance(n, scanner.stats.dropped_samples)
                ingestor.flush(band=[BandPower(a, round(p, 2)) for a, p in ev.band_power_dbfs],
                               dropped_samples=scanner.stats.dropped_samples)
            elif isinstance(ev, DeviceGap):
                log.warning("live run %d: no signal from %s to %s (%s)", run_id, ev.start, ev.end, ev.reason)
    finally:
        if t0 is not None:
            ingestor.end(None, scanner.stats.dropped_samples)
