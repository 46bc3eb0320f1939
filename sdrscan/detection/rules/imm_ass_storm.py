"""``imm-ass-storm``: a new or unknown cell granting channels almost only for location updates."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView

LU_CAUSE = "location_updating"  # sdrscan.gsm.rr.establishment (TS 44.018 Table 9.1.8.1)


class ImmAssStormSettings(RuleSettings):
    min_location_updates: int = Field(20, ge=1, description="granted location updates needed")
    lu_share: float = Field(0.8, gt=0.0, le=1.0, description="share of the granted channels that are for a "
                                                             "location update")
    new_after_s: float = Field(60.0, gt=0.0, description="a cell first seen this long after the cells received "
                                                         "with it is 'new'")


class ImmAssStorm(Rule):
    name = "imm-ass-storm"
    title = "Immediate-assignment storm"
    description = (
        "Counts the establishment causes of the channels the cell grants (the RA octet echoed in each "
        "Immediate Assignment, TS 44.018 §9.1.18 and Table 9.1.8.1). A pseudo base station that has just "
        "pulled phones in sees nothing but location updates: at least 20 of them and 80 % of all grants. "
        "Medium when the cell is new (appeared mid-survey) or unknown to the baseline, low otherwise. "
        "False positives: cells at a busy location-area border (a station, a motorway), a network restart "
        "or a mass event, where real location updates dominate for a while.")
    version = 1
    settings_model = ImmAssStormSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, ImmAssStormSettings)
        causes = cell.ccch.causes
        total = sum(causes.values())
        lu = causes.get(LU_CAUSE, 0)
        if lu < s.min_location_updates or lu < s.lu_share * total:
            return
        new = unknown = False
        if cell.first_seen is not None:
            firsts = [c.first_seen for c in survey.co_received(cell) if c.first_seen is not None]
            new = bool(firsts) and (cell.first_seen - min(firsts)).total_seconds() >= s.new_after_s
        if survey.baseline is not None and None not in (cell.mcc, cell.mnc, cell.lac, cell.ci):
            unknown = survey.known(cell) is None
        evidence = {"location_updates": lu, "grants": total, "lu_share": lu / total if total else None,
                    "grants_per_min": cell.ccch.imm_ass_per_min, "new_cell": new, "unknown_to_baseline": unknown,
                    "min_location_updates": s.min_location_updates, "lu_share_threshold": s.lu_share}
        why = " on a cell that just appeared" if new else " on a cell the baseline does not know" if unknown else ""
        yield Finding(Severity.MEDIUM if new or unknown else Severity.LOW,
                      f"{label(cell)} granted {lu} of {total} channels for location updates{why}: phones are being "
                      "pulled onto it.", evidence)
