"""``unlisted-cell``: the cell is nobody's planned neighbour (SnoopSnitch R1, icc)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.params import band_group
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import capped, cell_band, label
from sdrscan.detection.view import SurveyView


class UnlistedCellSettings(RuleSettings):
    min_reciprocal: int = Field(3, ge=1, description="received cells the cell lists, none listing it back: medium")
    min_listers: int = Field(8, ge=1, description="peers with neighbours in the cell's band, none listing it: low")


def _reports_band(cell: CellObservation, band: str) -> bool:
    return cell.ba_si2 is not None and any(band_group(a, bool(cell.band_indicator)) == band
                                           for a in cell.neighbours or ())


class UnlistedCell(Rule):
    name = "unlisted-cell"
    title = "Not in any neighbour list"
    description = (
        "Operators plan neighbour relations both ways, so phones can reselect between their cells; a pseudo "
        "base station is nobody's planned neighbour. Medium when the cell lists at least three received "
        "cells of its operator as neighbours (SI2/SI2bis/SI2ter) and none of them lists it back -- the "
        "stealthy clone that copies a real cell's neighbour list on another channel. Low when at least eight "
        "received cells of the operator have neighbours in its band and none lists it. "
        "False positives: a new cell before the lists are updated, one-way planning of large cells, and -- "
        "for the low case -- cells whose listing neighbours were not received (survey edge, a sweep still "
        "in progress: the medium case compares only with cells it names itself and does not suffer from it).")
    version = 2
    settings_model = UnlistedCellSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, UnlistedCellSettings)
        band = cell_band(cell)
        named = [p for p in survey.neighbours_received(cell) if _reports_band(p, band)]
        if len(named) >= s.min_reciprocal and not any(cell.arfcn in (p.neighbours or ()) for p in named):
            yield Finding(Severity.MEDIUM, f"{label(cell)} names {len(named)} received cells of its operator as "
                          "neighbours, and none of them names it back.",
                          {"arfcn": cell.arfcn, "named_neighbours": capped((p.arfcn for p in named), 20),
                           "min_reciprocal": s.min_reciprocal}, tag="one-way")
            return
        candidates = [p for p in survey.peers(cell) if _reports_band(p, band)]
        if len(candidates) >= s.min_listers and not any(cell.arfcn in (p.neighbours or ()) for p in candidates):
            yield Finding(Severity.LOW, f"None of the {len(candidates)} cells of its operator with neighbours in its "
                          f"band lists {label(cell)} as a neighbour.",
                          {"arfcn": cell.arfcn, "band": band, "candidates": len(candidates),
                           "candidate_arfcns": capped((p.arfcn for p in candidates), 20), "min_listers": s.min_listers},
                          tag="nobody")
