"""``lac-unshared``: none of the cell's neighbours shares its LAC (SnoopSnitch A2)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import capped, label
from sdrscan.detection.view import SurveyView


class LacUnsharedSettings(RuleSettings):
    min_neighbours: int = Field(3, ge=1, description="received neighbours (either BA-list direction) needed")


class LacUnshared(Rule):
    name = "lac-unshared"
    title = "LAC shared with no neighbour"
    description = (
        "Among the received cells of the same operator that are its neighbours (in its BA list, or listing "
        "it in theirs), none has the cell's LAC. A pseudo base station copies a neighbourhood but keeps its "
        "own LAC to force location updates. Only when another cell of the operator does use the LAC: a LAC "
        "nobody else uses is lonesome-lac's finding, not counted twice. False positives: a real cell at a "
        "location-area border whose received neighbours all lie across the border; weak alone.")
    version = 2
    settings_model = LacUnsharedSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, LacUnsharedSettings)
        if cell.lac is None:
            return
        if not any(p.lac == cell.lac for p in survey.peers(cell)):
            return  # a lonesome LAC: lonesome-lac says so
        related = {c.key: c for c in survey.neighbours_received(cell) + survey.listers(cell) if c.lac is not None}
        if len(related) < s.min_neighbours or any(c.lac == cell.lac for c in related.values()):
            return
        yield Finding(Severity.LOW,
                      f"{label(cell)} has LAC {cell.lac}, but none of its {len(related)} received neighbours "
                      "of the same operator does.",
                      {"lac": cell.lac, "neighbours": len(related),
                       "neighbour_arfcns": capped(c.arfcn for c in related.values()),
                       "neighbour_lacs": capped(c.lac for c in related.values()), "min_neighbours": s.min_neighbours})
