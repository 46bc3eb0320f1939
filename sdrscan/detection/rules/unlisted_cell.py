"""``unlisted-cell``: no cell of the operator lists this cell in its BA list (SnoopSnitch R1, icc)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field, model_validator

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.params import band_group
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import capped, cell_band, label
from sdrscan.detection.view import SurveyView


class UnlistedCellSettings(RuleSettings):
    min_listers: int = Field(3, ge=1, description="peers with a BA list covering the cell's band needed (low)")
    medium_listers: int = Field(6, ge=1, description="that many such peers, none listing the cell: medium")

    @model_validator(mode="after")
    def _ordered(self) -> UnlistedCellSettings:
        if self.medium_listers < self.min_listers:
            raise ValueError(f"medium_listers={self.medium_listers} must be >= min_listers={self.min_listers}")
        return self


class UnlistedCell(Rule):
    name = "unlisted-cell"
    title = "Not in any neighbour list"
    description = (
        "Cells of the same operator whose BA lists (SI2/SI2bis/SI2ter) name channels in this cell's band "
        "were received, and none lists this cell's ARFCN. Operators plan neighbour lists so phones can "
        "reselect between their cells; a pseudo base station is nobody's planned neighbour. "
        "False positives: cells whose listing neighbours were not received (outside the scanned band or "
        "range, survey edge), very sparse neighbour planning, and a new cell before the lists are updated.")
    version = 1
    settings_model = UnlistedCellSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, UnlistedCellSettings)
        band = cell_band(cell)
        candidates = [p for p in survey.peers(cell) if p.ba_si2 is not None
                      and any(band_group(a, bool(p.band_indicator)) == band for a in p.neighbours or ())]
        if len(candidates) < s.min_listers or any(cell.arfcn in (p.neighbours or ()) for p in candidates):
            return
        severity = Severity.MEDIUM if len(candidates) >= s.medium_listers else Severity.LOW
        own = set(cell.neighbours or ())
        one_way = [p.arfcn for p in candidates if p.arfcn in own]
        yield Finding(severity,
                      f"None of the {len(candidates)} cells of its operator with neighbours in its band lists "
                      f"{label(cell)} as a neighbour.",
                      {"arfcn": cell.arfcn, "band": band, "candidates": len(candidates),
                       "candidate_arfcns": capped((p.arfcn for p in candidates), 20),
                       "listed_by_cell_but_not_back": one_way[:20], "min_listers": s.min_listers,
                       "medium_listers": s.medium_listers})
