"""The pipeline worker: one background thread that runs ingest jobs one after another.

Jobs are replayed files (``sdrscan serve --replay``, repeated with ``--loop``) and uploaded recordings; each
is a row of the store's ``runs`` table whose status the worker keeps current (queued -> running -> done,
failed or interrupted). One thread is enough: the receiver is single-threaded numerics and the machine
it is built for has two cores, one of which serves the API.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from sdrscan.errors import SdrscanError
from sdrscan.pipeline.receiver import ReceiverConfig
from sdrscan.service.ingest import Ingestor, StopRequested
from sdrscan.service.metrics import Metrics
from sdrscan.sources import open_source
from sdrscan.store.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    """A recording to ingest as run ``run_id`` (``options``: ``fmt``, ``sample_rate_hz``, ``center_freq_hz``)."""

    run_id: int
    path: str
    label: str
    kind: str = "replay"
    options: dict[str, Any] = field(default_factory=dict, hash=False)


class PipelineWorker:
    """Runs :class:`Job` s on a background thread (see the module docstring).

    Parameters
    ----------
    store, ingestor, metrics
        Where results go; the ingestor holds the survey and the detection engine.
    loop : bool
        Start the replay jobs again whenever the queue runs dry (``sdrscan serve --loop``).
    loop_pause_s : float
        Pause before each new loop pass.
    config : ReceiverConfig, optional
    """

    def __init__(self, store: Store, ingestor: Ingestor, metrics: Metrics, *, loop: bool = False,
                 loop_pause_s: float = 2.0, config: ReceiverConfig | None = None) -> None:
        self.store, self.ingestor, self.metrics = store, ingestor, metrics
        self.loop, self.loop_pause_s, self.config = loop, loop_pause_s, config
        self._queue: queue.Queue[Job] = queue.Queue()
        self._replays: list[Job] = []
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        self.current: Job | None = None
        self.passes = 0

    # --- control ------------------------------------------------------------------------------------------
    def submit(self, job: Job, *, replay: bool = False) -> None:
        """Queue ``job``; ``replay`` jobs are also the ones ``loop`` repeats."""
        if replay:
            self._replays.append(job)
        self._idle.clear()
        self._queue.put(job)
        self.metrics.set("sdrscan_job_queue_length", self._queue.qsize())

    @property
    def queue_length(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="sdrscan-pipeline", daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Ask the worker to stop; the running job flushes and is marked ``interrupted``. True if it stopped."""
        self._stop.set()
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        stopped = not self._thread.is_alive()
        if stopped:
            self._thread = None
        return stopped

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until no job is queued or running (never true while looping); True if it became idle."""
        return self._idle.wait(timeout_s)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- the thread -----------------------------------------------------------------------------------------
    def _next(self) -> Job | None:
        try:
            return self._queue.get(timeout=0.2)
        except queue.Empty:
            pass
        if self.loop and self._replays:
            if self._stop.wait(self.loop_pause_s):
                return None
            self.passes += 1
            for job in self._replays:
                self.store.requeue_run(job.run_id)
                self._queue.put(job)
            return None
        self._idle.set()
        return None

    def _run(self) -> None:
        while not self._stop.is_set():
            job = self._next()
            if job is None:
                continue
            self.metrics.set("sdrscan_job_queue_length", self._queue.qsize())
            self.current = job
            try:
                self.run_job(job)
            finally:
                self.current = None

    def run_job(self, job: Job) -> str:
        """Ingest one job now (on the calling thread); returns the run's final status."""
        opts = job.options
        try:
            source = open_source(job.path, fmt=opts.get("fmt"), sample_rate_hz=opts.get("sample_rate_hz"),
                                 center_freq_hz=opts.get("center_freq_hz"))
        except SdrscanError as exc:
            self.store.start_run(job.run_id)
            self.store.finish_run(job.run_id, "failed", str(exc))
            log.warning("job %d (%s) failed: %s", job.run_id, job.label, exc)
            return "failed"
        info = source.info
        self.store.start_run(job.run_id, datatype=info.datatype, sample_rate_hz=info.sample_rate_hz,
                             center_freq_hz=info.center_freq_hz)
        log.info("job %d: ingesting %s", job.run_id, job.label)
        try:
            self.ingestor.ingest_source(job.run_id, source, job.label, config=self.config,
                                        should_stop=self._stop.is_set)
        except StopRequested:
            self.store.finish_run(job.run_id, "interrupted", "the service stopped during this run")
            return "interrupted"
        except SdrscanError as exc:
            self.store.finish_run(job.run_id, "failed", str(exc))
            log.warning("job %d (%s) failed: %s", job.run_id, job.label, exc)
            return "failed"
        except Exception as exc:  # a bug: the service goes on with the next job; the run says what happened
            log.exception("job %d (%s) failed", job.run_id, job.label)
            self.store.finish_run(job.run_id, "failed", f"internal error ({type(exc).__name__}: {exc})")
            return "failed"
        self.store.finish_run(job.run_id, "done")
        return "done"
