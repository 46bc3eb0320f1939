"""``imsi-paging``: a high share of phones paged by IMSI instead of TMSI (Oros42, Marlin)."""

from __future__ import annotations

import math
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
    confidence_z: float = Field(1.645, ge=0.0, description="one-sided normal quantile of the share's lower "
                                "confidence bound that must clear a threshold (1.645: 95 %; 0: point estimate)")


def wilson_lower(successes: int, n: int, z: float) -> float:
    """Lower Wilson score bound of a binomial proportion (Wilson 1927): honest at small ``n``, unlike the
    normal approximation, so a few IMSIs among the first identities of a live survey cannot clear a threshold."""
    if n <= 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z * z / n))


class ImsiPaging(Rule):
    name = "imsi-paging"
    title = "High share of IMSI paging"
    description = (
        "Share of IMSIs among the identities paged on the cell's PCH (Paging Request types 1-3, TS 44.018 "
        "§9.1.22-24; counted by type, never stored). Networks page by TMSI and use the IMSI rarely (lost "
        "TMSI, after a core-network restart); an IMSI catcher or a tracker looking for a target pages by "
        "IMSI. Medium when the share is at least 50 %, low at least 25 %, with 95 % confidence (Wilson lower "
        "bound), over at least 20 identities: a live survey judges early and often, and a point estimate from "
        "the first few pagings would fire by chance. False positives: a network after an MSC/VLR restart, "
        "roaming-heavy areas, networks that page by IMSI by policy.")
    version = 2
    settings_model = ImsiPagingSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, ImsiPagingSettings)
        t = cell.ccch.totals
        n = t.identities
        if n < s.min_identities:
            return
        share = t.imsi / n
        lower = wilson_lower(t.imsi, n, s.confidence_z)
        evidence = {"imsi": t.imsi, "tmsi": t.tmsi, "imei": t.imei, "imsi_share": share,
                    "imsi_share_lower_bound": round(lower, 3), "medium_share": s.medium_share,
                    "low_share": s.low_share}
        if lower >= s.medium_share:
            yield Finding(Severity.MEDIUM, f"{label(cell)} pages {share:.0%} of phones by their permanent IMSI "
                          "instead of a temporary identity.", evidence)
        elif lower >= s.low_share:
            yield Finding(Severity.LOW, f"{label(cell)} pages {share:.0%} of phones by IMSI.", evidence)
