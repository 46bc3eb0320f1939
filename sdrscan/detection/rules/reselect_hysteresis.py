"""``reselect-hysteresis``: a CELL_RESELECT_HYSTERESIS that holds phones on the cell (icc)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.params import hysteresis_db
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class ReselectHysteresisSettings(RuleSettings):
    medium_db: int = Field(14, ge=0, le=14, description="hysteresis of at least this many dB: medium")
    low_db: int = Field(12, ge=0, le=14, description="hysteresis of at least this many dB: low")


class ReselectHysteresis(Rule):
    name = "reselect-hysteresis"
    title = "Abnormal cell-reselect hysteresis"
    description = (
        "CELL_RESELECT_HYSTERESIS (SI3/SI4 cell selection parameters, TS 44.018 §10.5.2.4, 2 dB steps) is the "
        "margin a neighbour in another location area must beat before a phone leaves (TS 45.008 §6.6.2). "
        "A pseudo base station with its own LAC raises it so phones stay. Real networks use up to 10 dB "
        "(Vodafone DE 6 dB, Orange FR 8 dB, Bouygues FR 10 dB in the real SI3s we test on), so only the two "
        "highest codes count: medium at 14 dB (the maximum), low at 12 dB. (icc calls anything above 9 dB "
        "suspicious, which real cells contradict.) False positives: cells at busy location-area borders tuned "
        "against ping-pong location updates.")
    version = 2
    settings_model = ReselectHysteresisSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, ReselectHysteresisSettings)
        if cell.cell_reselect_hysteresis is None:
            return
        db = hysteresis_db(cell.cell_reselect_hysteresis)
        evidence = {"cell_reselect_hysteresis": cell.cell_reselect_hysteresis, "hysteresis_db": db,
                    "medium_db": s.medium_db, "low_db": s.low_db}
        if db >= s.medium_db:
            yield Finding(Severity.MEDIUM, f"{label(cell)} asks phones for a {db} dB margin before they may move "
                          "to another location area, which keeps them on this cell.", evidence)
        elif db >= s.low_db:
            yield Finding(Severity.LOW, f"{label(cell)} uses a high {db} dB reselection hysteresis.", evidence)
