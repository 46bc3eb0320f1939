"""What a live scan does with the scanner's events: the same survey and rules as ``sdrscan replay``, plus a log.

:class:`ScanSession` feeds every :class:`~sdrscan.field.scanner.FieldFrame` into a
:class:`~sdrscan.cells.survey.Survey` (at the frame's UTC time), adds each hop's receiver counters, runs the
detection engine after every hop, and appends to an NDJSON log (``--out``): one line per frame (with its
position and hop), per hop, per device gap, per alert. The log is flushed and fsync'd after every hop and on
close, so a pulled cable, a crash or Ctrl-C loses at most the hop in progress.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sdrscan.cells.survey import Survey
from sdrscan.errors import ConfigError
from sdrscan.field.scanner import CrystalUpdate, DeviceGap, FieldFrame, HopDone, HopStart, ScanEvent
from sdrscan.sources.base import SourceInfo

log = logging.getLogger(__name__)


class ScanSession:
    """Consume scanner events (see the module docstring).

    Parameters
    ----------
    out : Path, optional
        NDJSON log, appended to.
    engine : DetectionEngine-like, optional
        Anything with ``update(survey, now) -> list[event]``; None skips detection.
    on_alert : callable, optional
        Called with each new detection event or verdict change.
    frames_in_log : bool
        Write every frame to the log (default) or only hops, gaps and alerts.
    """

    def __init__(self, *, out: Path | None = None, engine: Any = None,
                 on_alert: Callable[[Any], None] | None = None, frames_in_log: bool = True,
                 survey: Survey | None = None) -> None:
        self.survey = survey if survey is not None else Survey()
        self.engine = engine
        self.on_alert = on_alert
        self.frames_in_log = frames_in_log
        self.alerts: list[Any] = []
        self.gaps: list[DeviceGap] = []
        self.hops: list[HopDone] = []
        self.frames = 0
        self._fh: IO[str] | None = None
        if out is not None:
            try:
                self._fh = open(out, "a", encoding="utf-8")  # closed in close()
            except OSError as exc:
                raise ConfigError(f"cannot write {out}: {exc.strerror or exc}") from None
        self.survey.begin_source(SourceInfo(sample_rate_hz=1.0, center_freq_hz=0.0, datatype="cu8",
                                            start_time=datetime.now(UTC)), label="live")

    def handle(self, event: ScanEvent) -> None:
        if isinstance(event, FieldFrame):
            self.frames += 1
            self.survey.ingest(event.frame, time=event.time)
            if self.frames_in_log:
                self._write({"type": "frame", **event.to_json()})
        elif isinstance(event, HopDone):
            self.hops.append(event)
            self.survey.end_source(event.stats)
            self._write(event.to_json())
            self._detect(event.time)
            self.flush()
        elif isinstance(event, DeviceGap):
            self.gaps.append(event)
            self._write(event.to_json())
            self.flush()
        elif isinstance(event, CrystalUpdate):
            self._write({"type": "crystal", "ppm": round(event.ppm, 3), "correction": event.correction,
                         "carriers": event.carriers})
        elif isinstance(event, HopStart):
            pass

    def _detect(self, now: datetime) -> None:
        if self.engine is None:
            return
        for ev in self.engine.update(self.survey, now):
            self.alerts.append(ev)
            self._write(ev.to_json() if hasattr(ev, "to_json") else {"type": "alert", "text": str(ev)})
            if self.on_alert is not None:
                self.on_alert(ev)

    def _write(self, obj: dict[str, Any]) -> None:
        if self._fh is not None:
            self._fh.write(json.dumps(obj, separators=(",", ":")) + "\n")

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            try:
                os.fsync(self._fh.fileno())
            except OSError as exc:
                log.debug("fsync: %s", exc)

    def close(self) -> None:
        if self._fh is not None:
            self.flush()
            self._fh.close()
            self._fh = None
