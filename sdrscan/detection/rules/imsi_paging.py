"""``imsi-paging``: a high share of phones paged by IMSI instead of TMSI (Oros42, Marlin)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class ImsiPagingSettings(RuleSettings):
    min_identities: int = Field(20, ge=1, description="identities paged needed")
    medium_share: float = Field(0.5, gt=0.0, le=1.0, description="IMSI share of paged identities: medium")
    low_share: float = Field(0.25, gt=0.0, le=1.0, description="IMSI share: low")


class ImsiPaging(Rule):
    name = "imsi-paging"
    title = "High share of IMSI paging"
    description = (
        "Share of IMSIs among the identities paged on the cell's PCH (Paging Request types 1-3, TS 44.018 "
        "§9.1.22-24; counted by type, never stored). Networks page by TMSI and use the IMSI rarely (lost "
        "TMSI, after a core-network restart); an IMSI catcher or a tracker looking for a target pages by "
        "IMSI. Medium from 50 %, low from 25 %, over at least 20 identities. False positives: a network "
        "after an MSC/VLR restart, roaming-heavy areas, networks that page by IMSI by policy.")
    version = 1
    settings_model = ImsiPagingSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, ImsiPagingSettings)
        t = cell.ccch.totals
        n = t.identities
        if n < s.min_identities:
            return
        share = t.imsi / n
        evidence = {"imsi": t.imsi, "tmsi": t.tmsi, "imei": t.imei, "imsi_share": share,
                    "medium_share": s.medium_share, "low_share": s.low_share}
        if share >= s.medium_share:
            yield Finding(Severity.MEDIUM, f"{label(cell)} pages {share:.0%} of phones by their permanent IMSI "
                          "instead of a temporary identity.", evidence)
        elif share >= s.low_share:
            yield Finding(Severity.LOW, f"{label(cell)} pages {share:.0%} of phones by IMSI.", evidence)
