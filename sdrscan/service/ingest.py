"""Ingest: decoded frames into the survey, the detection engine and the store, one transaction per chunk.

:class:`Ingestor` owns the service's one :class:`~sdrscan.cells.survey.Survey` and
:class:`~sdrscan.detection.engine.DetectionEngine`, so every source (replayed file, upload, live device)
adds to one picture, as ``sdrscan replay A B`` does. It is driven frame by frame (:meth:`Ingestor.add_frame`)
so a live scanner can feed it as well as :meth:`Ingestor.ingest_source` does for a recording.

Every ``flush_interval_s`` of signal the chunk is flushed: the engine judges the survey, and the cells that
were received or changed verdict, one observation row per received cell (mean power, SNR and offset over
the chunk), the cells' CCCH windows, new events and verdict changes, and the run's progress go to the
store in one transaction. The worker is then told which events are new (live stream, notifications).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sdrscan.cells.model import CellObservation
from sdrscan.cells.survey import Survey
from sdrscan.cells.timebase import SourceClock
from sdrscan.detection.engine import DetectionEngine
from sdrscan.detection.event import CellVerdict, Event, Severity, Verdict, VerdictChange
from sdrscan.pipeline.receiver import ReceiverConfig
from sdrscan.pipeline.records import L2Frame
from sdrscan.pipeline.runner import RunStats, decode_source
from sdrscan.service.cellview import cell_params
from sdrscan.service.metrics import Metrics
from sdrscan.sources.base import GeoPosition, IQSource, SampleBlock, SourceInfo
from sdrscan.store.records import (
    BandPower,
    CcchWindowRow,
    CellState,
    EventRow,
    IngestBatch,
    ObservationRow,
    RunUpdate,
)
from sdrscan.store.store import Store

log = logging.getLogger(__name__)


class StopRequested(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside the decode loop when the service is shutting down."""


@dataclass(slots=True)
class _Acc:
    """One cell's blocks in the current chunk."""

    n: int = 0
    power: float = 0.0
    snr: float = 0.0
    offset: float = 0.0
    time: datetime | None = None
    fn: int | None = None
    position: GeoPosition | None = None

    def add(self, frame: L2Frame, t: datetime, position: GeoPosition | None) -> None:
        self.n += 1
        self.power += frame.power_dbfs
        self.snr += frame.snr_db
        self.offset += frame.freq_offset_hz
        if self.time is None or t >= self.time:
            self.time, self.fn = t, frame.fn
        if position is not None:
            self.position = position


def _finite(x: float, digits: int) -> float | None:
    return round(float(x), digits) if math.isfinite(x) else None


def event_digest(doc: Mapping[str, Any]) -> str:
    """SHA-256 of an event's canonical JSON: the same evidence at the same time is stored once."""
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def event_row(item: Event | VerdictChange) -> EventRow:
    """The store row of an engine event or verdict change."""
    doc = item.to_json()
    ident = item.identity
    if isinstance(item, Event):
        return EventRow("alert", item.arfcn, item.bsic, ident.mcc, ident.mnc, ident.lac, ident.ci, item.rule,
                        item.rule_version, int(item.severity), item.message, doc["evidence"], item.time, item.fn,
                        event_digest(doc))
    # A verdict change is shown with the alerts: rogue is as severe as it gets, the others medium/info.
    severity = (Severity.HIGH if item.new == Verdict.ROGUE
                else Severity.MEDIUM if item.new == Verdict.SUSPICIOUS else Severity.INFO)
    rules = ", ".join(item.rules) or "none"
    message = (f"Cell on ARFCN {item.arfcn} (BSIC {item.bsic}) is now {item.new.value} (was {item.old.value}), "
               f"score {item.score:.1f}; rules: {rules}.")
    evidence = {"old": item.old.value, "new": item.new.value, "score": round(item.score, 3),
                "rules": list(item.rules)}
    return EventRow("verdict", item.arfcn, item.bsic, ident.mcc, ident.mnc, ident.lac, ident.ci, "verdict", 0,
                    int(severity), message, evidence, item.time, item.fn, event_digest(doc))


def cell_state(cell: CellObservation, verdict: CellVerdict | None, position: GeoPosition | None) -> CellState:
    return CellState(
        arfcn=cell.arfcn, bsic=cell.bsic, freq_hz=cell.freq_hz, mcc=cell.mcc, mnc=cell.mnc, lac=cell.lac,
        ci=cell.ci, first_seen=cell.first_seen, last_seen=cell.last_seen, last_fn=cell.last_fn,
        power_dbfs=_finite(cell.power_dbfs.mean, 2), snr_db=_finite(cell.snr_db.mean, 2),
        blocks_ok=cell.blocks_ok, blocks_bad=cell.blocks_bad,
        score=round(verdict.score, 3) if verdict is not None else 0.0,
        verdict=verdict.verdict.value if verdict is not None else "ok",
        contributions=[c.to_json() for c in verdict.contributions] if verdict is not None else [],
        params=cell_params(cell),
        lat_deg=position.lat_deg if position is not None else None,
        lon_deg=position.lon_deg if position is not None else None)


class _PositionTap:
    """Wraps a source to remember the position of the block being decoded (GPS-tagged live blocks)."""

    def __init__(self, source: IQSource) -> None:
        self._source = source
        self.info = source.info
        self.stats = source.stats
        self.position: GeoPosition | None = source.info.position

    def blocks(self, block_size: int) -> Iterator[SampleBlock]:
        for block in self._source.blocks(block_size):
            if block.position is not None:
                self.position = block.position
            yield block

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> _PositionTap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(slots=True)
class _Run:
    run_id: int
    info: SourceInfo
    clock: SourceClock
    total_samples: int | None
    samples: int = 0
    flushed_samples: int = 0
    frames: int = 0
    cpu0: float = field(default_factory=time.process_time)


class Ingestor:
    """Feeds frames into the survey and engine and writes chunks to the store (see the module docstring).

    Parameters
    ----------
    store : Store
    engine : DetectionEngine
    survey : Survey
    metrics : Metrics
    flush_interval_s : float
        Signal seconds per store transaction.
    on_events : callable, optional
        Called after each commit with the ids of the events that were new.
    """

    def __init__(self, store: Store, engine: DetectionEngine, survey: Survey, metrics: Metrics, *,
                 flush_interval_s: float = 2.0, on_events: Callable[[list[int]], None] | None = None) -> None:
        self.store, self.engine, self.survey, self.metrics = store, engine, survey, metrics
        self.flush_interval_s = flush_interval_s
        self.on_events = on_events
        self._acc: dict[tuple[int, int], _Acc] = {}
        self._run: _Run | None = None
        self._positions: dict[tuple[int, int], GeoPosition] = {}
        self._best_power: dict[tuple[int, int], float] = {}

    # --- frame-level API (a live scanner drives these) ------------------------------------------------
    def begin(self, run_id: int, info: SourceInfo, label: str) -> SourceClock:
        """Start a source: later frames are timed by its clock and counted for run ``run_id``."""
        clock = self.survey.begin_source(info, label)
        self._run = _Run(run_id, info, clock, info.num_samples)
        self._acc.clear()
        return clock

    def add_frame(self, frame: L2Frame, position: GeoPosition | None = None) -> None:
        run = self._require_run()
        t = run.clock.time_at(frame.sample_offset)
        self.survey.ingest(frame, t, run.clock)
        run.frames += 1
        acc = self._acc.get((frame.arfcn, frame.bsic))
        if acc is None:
            acc = self._acc[(frame.arfcn, frame.bsic)] = _Acc()
        acc.add(frame, t, position)

    def advance(self, samples: int, dropped_samples: int = 0) -> None:
        """Account ``samples`` read; flushes when a chunk's worth of signal has passed."""
        run = self._require_run()
        run.samples += samples
        self.metrics.inc("sdrscan_samples_processed_total", samples)
        if (run.samples - run.flushed_samples) >= self.flush_interval_s * run.info.sample_rate_hz:
            self.flush(dropped_samples=dropped_samples)

    def end(self, stats: RunStats | None, dropped_samples: int = 0) -> list[int]:
        """Finish the source: the receiver's per-carrier counters and band power, then a last flush."""
        run = self._require_run()
        band: list[BandPower] = []
        failed = 0
        if stats is not None:
            self.survey.end_source(stats.carriers)
            failed = sum(c.blocks_failed for c in stats.carriers)
            band = [BandPower(a, round(p, 2)) for a, p in sorted(stats.arfcn_power_dbfs.items()) if math.isfinite(p)]
            for c in stats.carriers:  # cells whose failed/idle counters changed must be rewritten
                if c.bsic is not None:
                    self._acc.setdefault((c.arfcn, c.bsic), _Acc())
            self.metrics.inc_labelled("sdrscan_blocks_total", {"result": "failed"}, failed)
            if stats.cpu_s > 0:
                self.metrics.set("sdrscan_x_realtime", stats.duration_s / stats.cpu_s)
        ids = self.flush(final=True, band=band, blocks_failed=failed, dropped_samples=dropped_samples)
        self.metrics.inc("sdrscan_signal_seconds_total", run.samples / run.info.sample_rate_hz)
        self.metrics.inc("sdrscan_receiver_cpu_seconds_total", time.process_time() - run.cpu0)
        self.metrics.inc("sdrscan_dropped_samples_total", dropped_samples)
        self._run = None
        return ids

    def _require_run(self) -> _Run:
        if self._run is None:
            raise RuntimeError("Ingestor.begin() was not called")
        return self._run

    # --- a whole recording ---------------------------------------------------------------------------
    def ingest_source(self, run_id: int, source: IQSource, label: str, *, config: ReceiverConfig | None = None,
                      should_stop: Callable[[], bool] = lambda: False) -> RunStats:
        """Decode ``source`` into the store as run ``run_id``; the source is closed at the end.

        Raises
        ------
        StopRequested
            When ``should_stop()`` became true; what was decoded so far is flushed first.
        SdrscanError
            From the source or the receiver; what was decoded so far is flushed first.
        """
        tap = _PositionTap(source)
        stats = RunStats()
        self.begin(run_id, source.info, label)

        def progress(n: int) -> None:
            self.advance(n, source.stats.dropped_samples)
            if should_stop():
                raise StopRequested

        try:
            with tap:
                for frame in decode_source(tap, config, on_progress=progress, stats=stats):  # type: ignore[arg-type]
                    self.add_frame(frame, tap.position)
        except BaseException:
            try:
                self.end(None, source.stats.dropped_samples)
            except Exception:  # the original error is the one to report
                log.exception("flush after a failed run also failed")
            raise
        self.end(stats, source.stats.dropped_samples)
        return stats

    # --- the write path --------------------------------------------------------------------------------
    def flush(self, *, final: bool = False, band: list[BandPower] | None = None, blocks_failed: int = 0,
              dropped_samples: int = 0) -> list[int]:
        """Judge the survey and write the chunk (see the module docstring); returns the new event ids."""
        run = self._require_run()
        cells = self.survey.cells()
        changes = self.engine.update(cells)
        verdicts = self.engine.verdicts()
        touched = set(self._acc) | {c.key for c in changes}
        by_key = {c.key: c for c in cells}
        observations: list[ObservationRow] = []
        for key, acc in self._acc.items():
            if acc.n and acc.time is not None:
                cell = by_key.get(key)
                power = acc.power / acc.n
                observations.append(ObservationRow(
                    key[0], key[1], acc.time, acc.fn, acc.n, round(power, 2), round(acc.snr / acc.n, 2),
                    round(acc.offset / acc.n, 1), cell.lac if cell else None, cell.ci if cell else None,
                    acc.position.lat_deg if acc.position else None, acc.position.lon_deg if acc.position else None))
                # A cell's position on the map: where it was received strongest.
                if acc.position is not None and power > self._best_power.get(key, -math.inf):
                    self._best_power[key] = power
                    self._positions[key] = acc.position
        states, ccch = [], []
        for key in sorted(touched):
            cell = by_key.get(key)
            if cell is None:
                continue
            states.append(cell_state(cell, verdicts.get(key), self._positions.get(key)))
            for w in cell.ccch.windows[-2:]:  # the windows this chunk can have changed
                c = w.counts
                ccch.append(CcchWindowRow(key[0], key[1], w.start, w.duration_s, round(w.observed_s, 3), c.blocks,
                                          c.paging_blocks, c.idle_blocks, c.tmsi, c.imsi, c.imei, c.imm_ass,
                                          c.imm_ass_reject))
        total = run.total_samples
        progress = min(run.samples / total, 1.0) if total else (1.0 if final else 0.0)
        blocks_ok = run.frames
        update = RunUpdate(progress=round(progress, 4), samples=run.samples,
                           duration_s=run.samples / run.info.sample_rate_hz, frames=run.frames, blocks_ok=blocks_ok,
                           blocks_failed=blocks_failed, dropped_samples=dropped_samples,
                           cpu_s=time.process_time() - run.cpu0)
        end_time = max((c.last_seen for c in cells if c.last_seen is not None), default=None)
        batch = IngestBatch(run.run_id, states, observations, ccch, [event_row(x) for x in changes], band or [],
                            update, end_time)
        t0 = time.perf_counter()
        try:
            ids = self.store.write_batch(batch)
        except Exception:
            self.metrics.inc("sdrscan_store_errors_total")
            raise
        finally:
            self.metrics.inc("sdrscan_store_write_seconds_total", time.perf_counter() - t0)
        self.metrics.inc("sdrscan_store_transactions_total")
        self.metrics.inc("sdrscan_events_total", len(ids))
        frames_in_chunk = sum(a.n for a in self._acc.values())
        self.metrics.inc("sdrscan_frames_total", frames_in_chunk)
        self.metrics.inc_labelled("sdrscan_blocks_total", {"result": "ok"}, frames_in_chunk)
        self._acc.clear()
        run.flushed_samples = run.samples
        if ids and self.on_events is not None:
            self.on_events(ids)
        return ids
