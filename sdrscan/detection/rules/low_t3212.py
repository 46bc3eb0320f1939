"""``low-t3212``: periodic location updates far more often than networks ask (SnoopSnitch T1)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.params import t3212_minutes
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class LowT3212Settings(RuleSettings):
    medium_below: int = Field(5, ge=1, le=255, description="T3212 code (deci-hours) below this: medium")
    low_below: int = Field(9, ge=1, le=255, description="T3212 code below this: low")


class LowT3212(Rule):
    name = "low-t3212"
    title = "Low periodic location-update timer"
    description = (
        "T3212 (SI3 control channel description, TS 44.018 §10.5.2.11, in deci-hours) sets how often phones "
        "repeat a location update. A pseudo base station sets it low so phones keep reporting (and revealing "
        "their IMSI). Medium below 30 minutes (code < 5), low below 54 minutes (code < 9), after SnoopSnitch's "
        "T1 (real networks: 10..240, lowest seen 10). T3212 = 0 (no periodic updating) is info only. "
        "False positives: test networks and a few operators with very short timers.")
    version = 1
    settings_model = LowT3212Settings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, LowT3212Settings)
        t = cell.t3212
        if t is None:
            return
        evidence = {"t3212": t, "t3212_min": t3212_minutes(t), "medium_below": s.medium_below,
                    "low_below": s.low_below}
        if t == 0:
            yield Finding(Severity.INFO, f"{label(cell)} asks for no periodic location updates (T3212 = 0).",
                          evidence)
        elif t < s.medium_below:
            yield Finding(Severity.MEDIUM, f"{label(cell)} makes phones repeat their location update every "
                          f"{t3212_minutes(t)} minutes, far more often than real networks.", evidence)
        elif t < s.low_below:
            yield Finding(Severity.LOW, f"{label(cell)} asks for a location update every {t3212_minutes(t)} "
                          "minutes, shorter than usual.", evidence)
