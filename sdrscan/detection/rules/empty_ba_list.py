"""``empty-ba-list``: the cell names no or almost no neighbours (AIMSICD 7a, icc, SnoopSnitch K1)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class EmptyBaListSettings(RuleSettings):
    short_max: int = Field(2, ge=0, description="a BA list of 1..short_max ARFCNs is 'near-empty' (low)")


class EmptyBaList(Rule):
    name = "empty-ba-list"
    title = "Empty or near-empty neighbour list"
    description = (
        "The BCCH allocation (SI2 + SI2bis + SI2ter neighbour cell descriptions, TS 44.018 §10.5.2.22) is "
        "empty (medium) or holds at most two channels (low). An empty list leaves a phone no cell to "
        "reselect to, so it stays on the pseudo base station. False positives: isolated rural or indoor "
        "cells with few neighbours, and misconfigured cells; a cell that lists only 3G/4G neighbours "
        "(SI2quater) is reported with those in the evidence.")
    version = 1
    settings_model = EmptyBaListSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, EmptyBaListSettings)
        if cell.ba_si2 is None:  # SI2 not decoded yet: nothing known
            return
        n = len(cell.neighbours or ())
        if n > s.short_max:
            return
        other_rat = len(cell.utran_fdd_arfcns or ()) + len(cell.eutran_earfcns or ())
        evidence = {"ba_arfcns": list(cell.neighbours or ()), "count": n, "short_max": s.short_max,
                    "utran_eutran_neighbours": other_rat}
        if n == 0:
            yield Finding(Severity.MEDIUM, f"{label(cell)} broadcasts an empty neighbour list: phones camped on it "
                          "are given no other GSM cell to move to.", evidence)
        else:
            yield Finding(Severity.LOW, f"{label(cell)} lists only {n} neighbour channel{'s' if n > 1 else ''}.",
                          evidence)
