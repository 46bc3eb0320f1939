"""The service: store + survey + detection engine + pipeline worker + live feed + notifications, wired once.

``sdrscan serve`` builds one :class:`Service` and hands it to the API app, whose lifespan calls
:meth:`Service.start` and :meth:`Service.stop`. Tests build one on a temporary database.

On start, runs that a crash left ``running`` become ``interrupted`` and are queued again (uploads from
their saved file; replays when ``serve`` names them again): the store's idempotent writes make a second
pass over the same recording add only what the first one had not committed.
"""

from __future__ import annotations

import logging
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

from sdrscan.cells.survey import Survey
from sdrscan.config import Settings, get_settings
from sdrscan.detection.engine import DetectionEngine
from sdrscan.field.scanner import ScanConfig
from sdrscan.pipeline.receiver import ReceiverConfig
from sdrscan.service.feed import EventHub
from sdrscan.service.live import LiveSweep, SharedIngestor, check_one_live
from sdrscan.service.metrics import Metrics
from sdrscan.service.notify import Notifier
from sdrscan.service.secrets import new_key, read_or_create_secret
from sdrscan.service.worker import Job, PipelineWorker
from sdrscan.store.settings import data_dir
from sdrscan.store.store import Store, open_store

log = logging.getLogger(__name__)

SWITCH_INTERVAL_S = 0.001


def identity_key(settings: Settings) -> bytes:
    """The HMAC key of identity digests, from its 0600 file (created on first use); never from a client."""
    path = settings.store.identity_key_file or data_dir() / "identity.key"
    key, created = read_or_create_secret(Path(path), new_key)
    if created:
        log.info("created identity-digest key %s", path)
    return key


class Service:
    """Everything behind the API (see the module docstring).

    Parameters
    ----------
    settings : Settings, optional
        Default: :func:`~sdrscan.config.get_settings`.
    store : Store, optional
        Default: opened from ``settings.store``.
    engine : DetectionEngine, optional
        Default: built from ``settings.detection``.
    loop : bool
        Repeat the replay jobs forever (``--loop``).
    base_url : str, optional
        The dashboard's address, for links in notifications.

    Raises
    ------
    ConfigError, StoreError
        Bad settings, a database that cannot be opened, an unloadable profile or baseline.
    """

    def __init__(self, settings: Settings | None = None, store: Store | None = None, *,
                 engine: DetectionEngine | None = None, loop: bool = False, base_url: str | None = None,
                 receiver: ReceiverConfig | None = None, loop_pause_s: float = 2.0) -> None:
        self.settings = settings if settings is not None else get_settings()
        self.store = store if store is not None else open_store(self.settings.store.resolved_url(),
                                                                busy_timeout_ms=self.settings.store.busy_timeout_ms)
        self.engine = engine if engine is not None else DetectionEngine(self.settings)
        self.survey = Survey(identity_key=identity_key(self.settings))
        self.metrics = Metrics()
        self.hub = EventHub(self.store)
        self.notifier = Notifier(self.settings.api.notify, self.metrics, base_url=base_url)
        # The worker and a live sweep feed one survey and engine: their ingestors share this lock.
        self.lock = threading.RLock()
        self.ingestor = SharedIngestor(self.store, self.engine, self.survey, self.metrics, lock=self.lock,
                                       flush_interval_s=self.settings.store.flush_interval_s,
                                       on_events=self._on_events)
        self.worker = PipelineWorker(self.store, self.ingestor, self.metrics, loop=loop, loop_pause_s=loop_pause_s,
                                     config=receiver)
        self.live: LiveSweep | None = None
        self.started = False

    # --- jobs -------------------------------------------------------------------------------------------------
    def add_replay(self, path: str | Path, *, fmt: str | None = None, sample_rate_hz: float | None = None,
                   center_freq_hz: float | None = None) -> int:
        """Queue a recording to replay; a path replayed before keeps its run (so a restart continues it)."""
        p = Path(path).expanduser()
        resolved = str(p.resolve()) if str(path) != "-" else "-"
        options = {"fmt": fmt, "sample_rate_hz": sample_rate_hz, "center_freq_hz": center_freq_hz}
        existing = [r for r in self.store.list_runs(kinds=("replay",), limit=10_000).items
                    if r["path"] == resolved and r["options"] == options]
        run_id = existing[-1]["id"] if existing else self.store.create_run("replay", p.name, path=resolved,
                                                                           options=options)
        if existing:
            self.store.requeue_run(run_id)
        self.worker.submit(Job(run_id, resolved, p.name, "replay", options), replay=True)
        return run_id

    def add_live(self, device: str, band: str = "GSM900", gps: str | None = None, *, lossless: bool = False,
                 config: ScanConfig | None = None) -> int:
        """Sweep ``device`` continuously as a source (a run of kind ``live``, on its own thread, so uploads
        keep working); returns the run id. The device is opened now: a missing one fails here, in one line.
        The sweep starts with the service (see :mod:`sdrscan.service.live`)."""
        check_one_live([self.live] if self.live is not None else [])
        self.live = LiveSweep.open(self, device, band, gps, config=config, lossless=lossless)
        if self.started:
            self.live.start()
        return self.live.run_id

    @property
    def upload_root(self) -> Path:
        """Where uploads are kept: ``<root>/<job id>/recording.*`` (and ``<root>/.incoming`` while arriving)."""
        folder = self.settings.api.upload_dir
        return Path(folder) if folder is not None else data_dir() / "uploads"

    def submit_upload(self, folder: Path, filename: str, label: str, options: dict[str, Any],
                      size_bytes: int) -> int:
        """Queue a received upload as a job: its folder is renamed to the job id; returns the id."""
        run_id = self.store.create_run("upload", label, options=options, size_bytes=size_bytes)
        final = self.upload_root / str(run_id)
        folder.rename(final)
        path = str(final / filename)
        self.store.set_run_path(run_id, path)
        self.worker.submit(Job(run_id, path, label, "upload", options))
        return run_id

    def recover(self) -> list[int]:
        """Queue again the uploads a crash interrupted; returns the run ids found interrupted."""
        ids = self.store.interrupt_running()
        for run in self.store.list_runs(statuses=("receiving",), limit=10_000).items:
            self.store.finish_run(run["id"], "failed", "the service stopped while the upload was being received")
        for run in self.store.list_runs(statuses=("interrupted", "queued"), kinds=("upload",), limit=10_000).items:
            if run["path"] and Path(run["path"]).exists():
                self.store.requeue_run(run["id"])
                self.worker.submit(Job(run["id"], run["path"], run["label"], "upload", dict(run["options"] or {})))
            else:
                self.store.finish_run(run["id"], "failed", "the uploaded file is gone (the service stopped while "
                                                           "saving it, or it was deleted); upload it again")
        shutil.rmtree(self.upload_root / ".incoming", ignore_errors=True)  # bodies cut off by the stop
        return ids

    # --- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.started:
            # The pipeline thread holds the GIL for long stretches of numerics; a shorter switch interval
            # (5 ms by default) lets the API threads answer in between, at a small cost to decoding.
            sys.setswitchinterval(SWITCH_INTERVAL_S)
            self.notifier.start()
            self.worker.start()
            if self.live is not None:
                self.live.start()
            self.started = True

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the worker and the live sweep (each flushes what it decoded) and the notifier; close nothing else."""
        if self.started:
            if self.live is not None:
                self.live.request_stop()  # both end their work at once; then wait for each
            if not self.worker.stop(timeout_s):
                log.warning("pipeline worker did not stop within %.0f s", timeout_s)
            if self.live is not None and not self.live.stop(timeout_s):
                log.warning("live sweep did not stop within %.0f s", timeout_s)
            self.notifier.stop()
            self.started = False

    def close(self) -> None:
        self.stop()
        if self.live is not None:
            self.live.stop()  # a sweep that never started closes its device
        self.store.close()

    # --- events ---------------------------------------------------------------------------------------------
    def _on_events(self, ids: list[int]) -> None:
        self.hub.wake()
        if self.notifier.enabled:
            for event_id in ids:
                row = self.store.get_event(event_id)
                if row is not None:
                    self.notifier.submit(row)
