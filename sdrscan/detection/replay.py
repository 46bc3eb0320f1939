"""Detection for ``sdrscan replay``: one engine updated after every recording, its JSON lines and its view."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sdrscan.cells.model import CellObservation
from sdrscan.detection.engine import DetectionEngine, SurveyLike
from sdrscan.detection.event import CellKey, CellVerdict, Event, Verdict, VerdictChange


class ReplayDetection:
    """The detection side of a replay.

    Parameters
    ----------
    profile : str, optional
        Built-in profile name or TOML path (default: ``settings.detection.profile``).
    baseline : path, optional
        A baseline database or an OpenCellID/MLS CSV (default: ``settings.detection.baseline``).
    progress : callable, optional
        Progress of a CSV import: (bytes read, total bytes).

    Raises
    ------
    ConfigError
        Bad settings, unknown profile, unreadable baseline.
    """

    def __init__(self, profile: str | None = None, baseline: Path | None = None,
                 progress: Callable[[int, int], None] | None = None) -> None:
        from sdrscan.config import get_settings
        from sdrscan.detection.baseline import Baseline

        settings = get_settings().detection
        path = baseline if baseline is not None else settings.baseline
        self.baseline = Baseline.load(path, progress) if path is not None else None
        self.engine = DetectionEngine(settings, self.baseline, profile if profile is not None else settings.profile)
        self.items: list[Event | VerdictChange] = []

    def update(self, survey: SurveyLike) -> None:
        self.items.extend(self.engine.update(survey))

    def verdict(self, key: CellKey) -> CellVerdict | None:
        return self.engine.verdict(key)

    def cell_fields(self, cell: CellObservation) -> dict[str, Any]:
        """``score`` and ``verdict`` for :func:`sdrscan.cells.export.cell_json`."""
        v = self.engine.verdict(cell.key)
        return {"score": round(v.score, 3), "verdict": v.verdict.value} if v is not None else {
            "score": 0.0, "verdict": Verdict.OK.value}

    def json_lines(self, keys: Iterable[CellKey] | None = None) -> list[dict[str, Any]]:
        """The header line, then every alert and verdict change in the order raised (of ``keys`` only)."""
        wanted = None if keys is None else set(keys)
        return [self.engine.header()] + [x.to_json() for x in self.items if wanted is None or x.key in wanted]

    def close(self) -> None:
        if self.baseline is not None:
            self.baseline.close()
