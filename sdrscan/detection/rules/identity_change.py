"""``identity-change``: one carrier (ARFCN + BSIC) that changed its broadcast identity (AIMSICD DF1)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView

IDENTITY_FIELDS = ("mcc", "mnc", "lac", "ci")


class IdentityChangeSettings(RuleSettings):
    high_changes: int = Field(3, ge=2, description="this many identity changes, or a return to an earlier "
                                                   "identity: high")


class IdentityChange(Rule):
    name = "identity-change"
    title = "Carrier changed identity"
    description = (
        "The same ARFCN and BSIC broadcast a different MCC, MNC, LAC or CI (SI3/SI4, compared within one "
        "message type) during the survey. Real cells keep their identity; a pseudo base station restarts "
        "with other values or alternates between identities. Medium for one change, high for an "
        "alternation or three changes or more. False positives: ARFCN+BSIC reused by a distant cell when "
        "recordings from different places are merged into one survey, and network re-planning (LAC split) "
        "during a long live scan.")
    version = 1
    settings_model = IdentityChangeSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, IdentityChangeSettings)
        changes = [h for h in cell.history if h.field in IDENTITY_FIELDS and h.si in ("SI3", "SI4")]
        if not changes:
            return
        # Counted per message type (SI3 and SI4 both carry the LAI and change together); several fields
        # changed at one time are one change.
        per_si: dict[str, set[object]] = {}
        seen_values: dict[tuple[str, str], list[object]] = {}
        returned = False
        for h in changes:
            per_si.setdefault(h.si, set()).add(h.time)
            vals = seen_values.setdefault((h.si, h.field), [h.old])
            returned = returned or h.new in vals
            vals.append(h.new)
        n = max(len(times) for times in per_si.values())
        evidence = {"changes": n, "fields": sorted({h.field for h in changes}),
                    "history": [{"si": h.si, "field": h.field, "old": h.old, "new": h.new,
                                 "time": h.time.isoformat()} for h in changes[-8:]],
                    "returned_to_earlier_value": returned, "high_changes": s.high_changes}
        last = changes[-1]
        if returned or n >= s.high_changes:
            yield Finding(Severity.HIGH, f"{label(cell)} switched its identity {n} times "
                          f"({'back and forth' if returned else 'repeatedly'}); a real cell keeps one.", evidence)
        else:
            yield Finding(Severity.MEDIUM, f"{label(cell)} changed its {last.field.upper()} from {last.old} to "
                          f"{last.new} while being observed.", evidence)
