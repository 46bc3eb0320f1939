"""``clone-identity``: one cell global identity broadcast on two channels (SnoopSnitch A4)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class CloneIdentitySettings(RuleSettings):
    image_gap_db: float = Field(20.0, ge=0.0, description="a copy on the adjacent ARFCN with the same BSIC this "
                                                          "much weaker is taken for a receiver image (low)")


def _support(cell: CellObservation, survey: SurveyView) -> int:
    """Evidence that this carrier is the planned one: peers listing its ARFCN, plus a trusted survey."""
    points = len(survey.listers(cell))
    known = survey.known(cell)
    if known is not None and known.learned and known.arfcn == cell.arfcn:
        points += 3
    return points


class CloneIdentity(Rule):
    name = "clone-identity"
    title = "Same cell identity on two channels"
    description = (
        "Two carriers broadcast the same MCC, MNC, LAC and CI. A cell global identity belongs to one cell, "
        "so one of them copies the other -- the stealthy pseudo base station that clones a real cell. The "
        "copy is told from the original by planning evidence: the number of the operator's cells that list "
        "its ARFCN as a neighbour, and a trusted survey that saw the identity on that ARFCN. The carrier "
        "with less support gets high, the better-supported one low; a tie gives both medium. "
        "False positives: the receiver's image of a strong carrier on the adjacent channel (same BSIC, "
        "much weaker: low), and re-planned cells seen in two recordings made at different times.")
    version = 1
    settings_model = CloneIdentitySettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, CloneIdentitySettings)
        same = [c for c in survey.with_cgi(cell.mcc, cell.mnc, cell.lac, cell.ci) if c.key != cell.key]
        if not same:
            return
        evidence: dict[str, object] = {"arfcn": cell.arfcn, "bsic": cell.bsic,
                                       "cgi": f"{cell.plmn}-{cell.lac}-{cell.ci}",
                                       "also_on": [{"arfcn": c.arfcn, "bsic": c.bsic} for c in same]}
        others = ", ".join(str(c.arfcn) for c in same)
        for c in same:
            stronger = c.power_dbfs.mean - cell.power_dbfs.mean
            if c.bsic == cell.bsic and abs(c.arfcn - cell.arfcn) == 1 and stronger >= s.image_gap_db:
                yield Finding(Severity.LOW, f"{label(cell)} repeats the identity of the {stronger:.0f} dB stronger "
                              f"carrier next to it on ARFCN {c.arfcn}: probably a receiver image.",
                              {**evidence, "power_gap_db": stronger, "image_gap_db": s.image_gap_db}, tag="image")
                return
        mine = _support(cell, survey)
        best_other = max(_support(c, survey) for c in same)
        evidence.update({"support": mine, "best_other_support": best_other})
        if mine < best_other:
            yield Finding(Severity.HIGH, f"{label(cell)} copies the identity of the cell on ARFCN {others}, which "
                          "the network's neighbour lists point to: this carrier looks like the clone.", evidence)
        elif mine > best_other:
            yield Finding(Severity.LOW, f"The identity of {label(cell)} is also broadcast on ARFCN {others}, which "
                          "looks like the copy.", evidence)
        else:
            yield Finding(Severity.MEDIUM, f"{label(cell)} and ARFCN {others} broadcast the same cell identity; "
                          "nothing tells which is the original.", evidence)
