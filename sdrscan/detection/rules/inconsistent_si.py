"""``inconsistent-si``: System Information that contradicts itself or changes without reason."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView

_LAI = ("mcc", "mnc", "lac")
# Fields that change whenever anything else does (BA_IND flips with the BA list, the change mark counts SI
# updates, TS 44.018 §10.5.2.22 / §10.5.2.37b): not counted twice. Identity: identity-change's business.
_NOT_COUNTED = frozenset({"bcch_change_mark", "ba_ind", "mcc", "mnc", "lac", "ci"})


class InconsistentSiSettings(RuleSettings):
    medium_changes: int = Field(3, ge=1, description="parameter changes (distinct times) for medium; one is low")


class InconsistentSi(Rule):
    name = "inconsistent-si"
    title = "Inconsistent System Information"
    description = (
        "Checks the cell's System Information against itself: the location area in SI3 and SI4 (and SI6) "
        "must be the same (high); the cell's own ARFCN should not be in its neighbour list (low) and should "
        "be in its SI1 cell allocation (TS 44.018 §10.5.2.1b, medium); broadcast parameters should not change "
        "during a survey (one change low, three or more medium). Hand-configured pseudo base stations get "
        "these details wrong or reconfigure while running. False positives: BSS re-configuration during a "
        "long scan, hopping-only cell allocations on some vendors' equipment, and planning mistakes.")
    version = 1
    settings_model = InconsistentSiSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, InconsistentSiSettings)
        si3 = cell.by_si.get("SI3")
        if si3 is not None:
            for other in ("SI4", "SI6"):
                vals = cell.by_si.get(other)
                if vals is None:
                    continue
                diff = {k: [si3.get(k), vals.get(k)] for k in _LAI if k in vals and vals.get(k) != si3.get(k)}
                if diff:
                    words = ", ".join(f"{k.upper()} {a} vs {b}" for k, (a, b) in diff.items())
                    yield Finding(Severity.HIGH, f"{label(cell)} announces a different location area in {other} "
                                  f"than in SI3 ({words}).",
                                  {"si": other, "differences": diff}, tag=f"si3-{other.lower()}")
        if cell.neighbours is not None and cell.arfcn in cell.neighbours:
            yield Finding(Severity.LOW, f"{label(cell)} lists its own channel as a neighbour.",
                          {"arfcn": cell.arfcn, "ba_arfcns": list(cell.neighbours)}, tag="own-arfcn-in-ba")
        if cell.cell_arfcns is not None and cell.arfcn not in cell.cell_arfcns:
            yield Finding(Severity.MEDIUM, f"{label(cell)} transmits on ARFCN {cell.arfcn}, which its own cell "
                          f"allocation (SI1: {', '.join(map(str, cell.cell_arfcns))}) does not include.",
                          {"arfcn": cell.arfcn, "cell_arfcns": list(cell.cell_arfcns)}, tag="own-arfcn-not-in-ca")
        changes = [h for h in cell.history if h.field not in _NOT_COUNTED]
        times = sorted({h.time for h in changes})
        if times:
            fields = sorted({f"{h.si}.{h.field}" for h in changes})
            evidence = {"changes": len(times), "fields": fields[:12], "medium_changes": s.medium_changes,
                        "last": [{"si": h.si, "field": h.field, "old": h.old, "new": h.new} for h in changes[-6:]]}
            severity = Severity.MEDIUM if len(times) >= s.medium_changes else Severity.LOW
            yield Finding(severity, f"{label(cell)} changed its broadcast parameters {len(times)} time"
                          f"{'s' if len(times) > 1 else ''} during the survey ({', '.join(fields[:4])}).", evidence,
                          tag="changes")
