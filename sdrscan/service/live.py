"""The live sweep as a source of the service (``sdrscan serve --device``): its thread, its run, its state.

A sweep never ends, so it cannot be a job of the pipeline worker (one job at a time: uploads would wait for
ever). :class:`LiveSweep` runs it on a thread of its own as a run of kind ``live``: the
:class:`~sdrscan.field.scanner.Scanner` hops the band and :func:`~sdrscan.field.feed.feed_ingestor` maps its
events onto an :class:`~sdrscan.service.ingest.Ingestor` of its own, which shares the service's survey,
detection engine and store with the worker's. Both ingestors are :class:`SharedIngestor` s holding the
service's one lock, so frames, carrier counters and flushes (the engine's judgement and the store
transaction) of the two never interleave; the heavy part, decoding, runs outside the lock.

Faults are the scanner's to handle (it keeps what a hop decoded, logs one line, reconnects with backoff);
this module records them: while the device is away ``state`` is ``reconnecting`` (``/health``) and
``sdrscan_live_up`` is 0 (``/metrics``); when it is back the gap (start, end, reason, attempts) is added to
the run (:meth:`~sdrscan.store.store.Store.add_run_gap`, shown by ``GET /jobs/{id}``) and counted. A service
stopped during an outage records the gap up to the stop. Stopping ends the hop in progress, flushes what it
decoded and ends the run ``done``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sdrscan.cells.model import CellObservation
from sdrscan.cells.survey import Survey
from sdrscan.cells.timebase import SourceClock
from sdrscan.errors import ConfigError, SdrscanError
from sdrscan.field.feed import feed_ingestor
from sdrscan.field.scanner import DeviceGap, HopDone, HopStart, ScanConfig, ScanEvent, Scanner
from sdrscan.pipeline.records import CarrierStats, L2Frame
from sdrscan.service.ingest import Ingestor
from sdrscan.sources.base import SourceInfo

if TYPE_CHECKING:
    from sdrscan.field.plan import SweepPlan
    from sdrscan.field.settings import DeviceSettings
    from sdrscan.gps.fix import PositionSource
    from sdrscan.service.service import Service
    from sdrscan.sources.live import LiveDevice

log = logging.getLogger(__name__)

STATES = ("starting", "running", "reconnecting", "stopping", "stopped", "failed")


class LockedSurvey:
    """The service's survey behind the service's lock (``feed_ingestor`` adds a hop's counters directly)."""

    def __init__(self, survey: Survey, lock: threading.RLock) -> None:
        self._survey = survey
        self._lock = lock

    def begin_source(self, info: SourceInfo, label: str | None = None, now: datetime | None = None) -> SourceClock:
        with self._lock:
            return self._survey.begin_source(info, label, now)

    def ingest(self, frame: L2Frame, time: datetime | None = None, clock: SourceClock | None = None) -> None:
        with self._lock:
            self._survey.ingest(frame, time, clock)

    def end_source(self, carriers: Iterable[CarrierStats]) -> None:
        with self._lock:
            self._survey.end_source(carriers)

    def cells(self) -> tuple[CellObservation, ...]:
        with self._lock:
            return self._survey.cells()

    def __getattr__(self, name: str) -> Any:  # read-only helpers (sources, cell, ...)
        return getattr(self._survey, name)


class SharedIngestor(Ingestor):
    """An :class:`Ingestor` whose survey, engine and store work happens under ``lock`` (shared by the
    service's ingestors: the worker's and the live sweep's). Reentrant: ``advance`` and ``end`` flush."""

    def __init__(self, *args: Any, lock: threading.RLock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lock = lock
        self.survey = LockedSurvey(self.survey, lock)  # type: ignore[assignment]

    def begin(self, run_id: int, info: SourceInfo, label: str) -> SourceClock:
        with self.lock:
            return super().begin(run_id, info, label)

    def add_frame(self, frame: L2Frame, position: Any = None) -> None:
        with self.lock:
            super().add_frame(frame, position)

    def advance(self, samples: int, dropped_samples: int = 0) -> None:
        with self.lock:
            super().advance(samples, dropped_samples)

    def flush(self, **kwargs: Any) -> list[int]:
        with self.lock:
            return super().flush(**kwargs)

    def end(self, stats: Any, dropped_samples: int = 0) -> list[int]:
        with self.lock:
            return super().end(stats, dropped_samples)


class _FirstThenFresh:
    """Opens the device at once; hands that one out first and fresh ones after a loss (reconnection)."""

    def __init__(self, open_device: Callable[[], LiveDevice]) -> None:
        self._open = open_device
        self._first: LiveDevice | None = open_device()
        self.info = self._first.info

    def __call__(self) -> LiveDevice:
        dev, self._first = self._first, None
        return dev if dev is not None else self._open()

    def close(self) -> None:
        if self._first is not None:
            self._first.close()
            self._first = None


def scan_config(device: DeviceSettings, *, lossless: bool = False) -> ScanConfig:
    """The sweep of a service: the ``[device]`` settings, never giving up on a lost device."""
    return ScanConfig(sample_rate_hz=device.sample_rate_hz, gain_db=device.gain_db, ppm=device.ppm,
                      bias_tee=device.bias_tee, overflow="block" if lossless else "drop", give_up_after_s=None)


class LiveSweep:
    """One live device swept continuously into the service (see the module docstring).

    Build it with :meth:`open` (which opens the device, so a missing one fails at once); :meth:`start` and
    :meth:`stop` are called by the service's own start and stop.
    """

    def __init__(self, service: Service, spec: str, band: str, gps: str | None, *,
                 opener: _FirstThenFresh, plan: SweepPlan, config: ScanConfig,
                 positions: PositionSource | None, run_id: int, tuner: str) -> None:
        self.spec, self.band, self.gps = spec, band, gps
        self.store, self.metrics = service.store, service.metrics
        self.run_id = run_id
        self.tuner = tuner
        self.ingestor = SharedIngestor(service.store, service.engine, service.survey, service.metrics,
                                       lock=service.lock, flush_interval_s=service.settings.store.flush_interval_s,
                                       on_events=service._on_events)
        self.positions = positions
        self.opener = opener
        self.scanner = Scanner(opener, plan, config, positions.track if positions is not None else None)
        self.scanner.on_device_lost = self._on_lost
        self.error: str | None = None
        self.started_at: datetime | None = None
        self.samples = 0
        self.dropped_samples = 0
        self.gaps = 0
        self.gap_s = 0.0
        self.x_realtime: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._streamed = False
        self._finished = False
        self._cpu0 = 0.0
        self._lost: tuple[str, datetime, float] | None = None  # reason, signal time, monotonic time
        self.metrics.set("sdrscan_live_up", 0)
        for name in ("sdrscan_live_samples_total", "sdrscan_live_dropped_samples_total", "sdrscan_live_gaps_total",
                     "sdrscan_live_gap_seconds_total"):
            self.metrics.inc(name, 0)

    @classmethod
    def open(cls, service: Service, spec: str, band: str = "GSM900", gps: str | None = None, *,
             config: ScanConfig | None = None, lossless: bool = False) -> LiveSweep:
        """Open ``spec`` once (to fail now, in one line, and to learn its tuner), plan ``band``, create the run.

        Raises
        ------
        ConfigError
            A bad ``--device``/``--band``/``--gps`` value, or a band the tuner cannot reach.
        DeviceError
            The device cannot be opened (missing dongle, refused connection, not an rtl_tcp server, stall).
        """
        from sdrscan.field.device import device_opener
        from sdrscan.field.plan import plan_sweep

        cfg = config if config is not None else scan_config(service.settings.device, lossless=lossless)
        opener = _FirstThenFresh(device_opener(spec, read_timeout_s=cfg.read_timeout_s))
        info = opener.info
        positions = None
        try:
            plan = plan_sweep(band, cfg.sample_rate_hz, info.tuner)
            if gps:
                from sdrscan.gps import open_position_source

                positions = open_position_source(gps)
        except BaseException:
            opener.close()
            raise
        for note in plan.notes:
            log.warning("live %s: %s", spec, note)
        run_id = service.store.create_run("live", f"live {band} {info.address}", path=spec,
                                          options={"device": spec, "band": band, "gps": gps})
        return cls(service, spec, band, gps, opener=opener, plan=plan, config=cfg, positions=positions,
                   run_id=run_id, tuner=info.tuner.name)

    # --- control ------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sdrscan-live", daemon=True)
            self._thread.start()

    def request_stop(self) -> None:
        """Ask the sweep to end its hop (or its wait for the device) and flush; returns at once."""
        self._stop.set()
        self.scanner.stop()

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Stop and wait for the last flush; True if the thread ended within ``timeout_s``."""
        self.request_stop()
        if self._thread is None:  # never started: close what open() opened
            self.opener.close()
            self._close_positions()
            self._finished = True
            self.store.finish_run(self.run_id, "failed", "the service stopped before the sweep started")
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    @property
    def state(self) -> str:
        """One of :data:`STATES`."""
        if self.error is not None:
            return "failed"
        if self._finished:
            return "stopped"
        if self._stop.is_set():
            return "stopping"
        if self._lost is not None:
            return "reconnecting"
        return "running" if self._streamed else "starting"

    def status(self) -> dict[str, Any]:
        """What ``GET /health`` shows of the live source."""
        st = self.scanner.stats
        return {"device": self.spec, "band": self.band, "tuner": self.tuner, "run_id": self.run_id,
                "state": self.state, "started_at": self.started_at, "signal_s": round(st.signal_s, 3),
                "samples": self.samples, "dropped_samples": self.dropped_samples, "x_realtime": self.x_realtime,
                "sweeps": st.sweeps, "hops": st.hops, "frames": st.frames, "gaps": self.gaps,
                "gap_s": round(self.gap_s, 3), "crystal_ppm": None if st.crystal_ppm is None
                else round(st.crystal_ppm, 3), "error": self.error}

    # --- the thread ---------------------------------------------------------------------------------------
    def _run(self) -> None:
        rate = self.scanner.cfg.sample_rate_hz
        self.started_at = datetime.now(UTC)
        self._cpu0 = time.thread_time()
        try:
            self.store.start_run(self.run_id, datatype="cu8", sample_rate_hz=rate)
            log.info("live run %d: sweeping %s with %s", self.run_id, self.band, self.spec)
            feed_ingestor(self.scanner, self.ingestor, self.run_id, label=f"live {self.spec}",
                          should_stop=self._stop.is_set, on_event=self._on_event)
        except SdrscanError as exc:
            self._fail(str(exc))
            log.error("live source %s stopped: %s", self.spec, exc)
        except Exception as exc:  # a bug: the API keeps serving; the run and /health say what happened
            log.exception("live source %s failed", self.spec)
            self._fail(f"internal error ({type(exc).__name__}: {exc})")
        else:
            self._record_open_gap()
            self.store.finish_run(self.run_id, "done")
            log.info("live run %d: stopped after %.1f s of signal", self.run_id, self.scanner.stats.signal_s)
        finally:
            self.metrics.set("sdrscan_live_up", 0)
            self._close_positions()
            self._finished = True

    def _fail(self, message: str) -> None:
        self.error = message
        try:
            self._record_open_gap()
            self.store.finish_run(self.run_id, "failed", message)
        except SdrscanError as exc:  # the store itself may be what failed
            log.error("live run %d: cannot record the failure: %s", self.run_id, exc)

    def _close_positions(self) -> None:
        if self.positions is not None:
            self.positions.close()
            self.positions = None

    # --- what the scanner reports (on the live thread) -----------------------------------------------------
    def _on_event(self, ev: ScanEvent) -> None:
        if isinstance(ev, HopStart):
            self._streamed = True
            self.metrics.set("sdrscan_live_up", 1)
        elif isinstance(ev, HopDone):
            st = self.scanner.stats
            n = round(ev.signal_s * self.scanner.cfg.sample_rate_hz)
            self.samples += n
            self.metrics.inc("sdrscan_live_samples_total", n)
            if st.dropped_samples > self.dropped_samples:
                self.metrics.inc("sdrscan_live_dropped_samples_total", st.dropped_samples - self.dropped_samples)
                self.dropped_samples = st.dropped_samples
            cpu = time.thread_time() - self._cpu0
            if cpu > 0:
                self.x_realtime = round(st.signal_s / cpu, 3)
                self.metrics.set("sdrscan_live_x_realtime", self.x_realtime)
        elif isinstance(ev, DeviceGap):
            self._lost = None
            self._add_gap(ev.to_json() | {"resumed": True})
            self.metrics.set("sdrscan_live_up", 1)

    def _on_lost(self, reason: str, at: datetime) -> None:
        self._lost = (reason, at, time.monotonic())
        self.metrics.set("sdrscan_live_up", 0)

    def _record_open_gap(self) -> None:
        """Stopped (or failed) while the device was away: the gap lasts until now."""
        if self._lost is None:
            return
        reason, start, mono = self._lost
        self._lost = None
        # On the scanner's clock, as its own gaps are: signal time, plus the outage's wall duration.
        end = start + timedelta(seconds=time.monotonic() - mono)
        self._add_gap({"type": "gap", "start": start.isoformat().replace("+00:00", "Z"),
                       "end": end.isoformat().replace("+00:00", "Z"), "reason": reason, "attempts": None,
                       "duration_s": round(max(0.0, (end - start).total_seconds()), 3), "resumed": False})

    def _add_gap(self, gap: dict[str, Any]) -> None:
        self.gaps += 1
        self.gap_s += float(gap["duration_s"])
        self.metrics.inc("sdrscan_live_gaps_total")
        self.metrics.inc("sdrscan_live_gap_seconds_total", float(gap["duration_s"]))
        self.store.add_run_gap(self.run_id, gap)


def check_one_live(existing: list[LiveSweep]) -> None:
    """One live device per service: its metrics and health are those of one source."""
    if existing:
        raise ConfigError(f"the service already sweeps {existing[0].spec}; one --device per service")
