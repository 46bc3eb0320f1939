"""``capability-fingerprint``: the cell lacks features the operator's other cells all have (Dabrowski et al.)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


def _multi(c: CellObservation) -> bool | None:
    return None if c.cell_arfcns is None else len(c.cell_arfcns) > 1


def _separate_ccch(c: CellObservation) -> bool | None:
    return None if c.ccch_conf is None else c.ccch_conf != 1


# name -> (what the cell has, words for the message). Sources: SI3 rest octets (TS 44.018 §10.5.2.34:
# GPRS Indicator, SI2ter Indicator, SI2quater Indicator), SI13, SI1 cell allocation (§10.5.2.1b), SI3
# CCCH_CONF (§10.5.2.11).
CAPABILITIES: dict[str, tuple[Callable[[CellObservation], bool | None], str]] = {
    "gprs": (lambda c: c.gprs, "GPRS"),
    "si2ter": (lambda c: c.si2ter_indicator, "SI2ter (other-band neighbours)"),
    "si2quater": (lambda c: c.si2quater_indicator, "SI2quater (3G/4G neighbours)"),
    "multi_carrier": (_multi, "more than one carrier"),
    "separate_ccch": (_separate_ccch, "a non-combined CCCH"),
}


class CapabilityFingerprintSettings(RuleSettings):
    min_peers: int = Field(4, ge=1, description="peers with the feature known needed")
    share: float = Field(0.8, gt=0.0, le=1.0, description="a feature counts as the operator's norm when at least "
                                                          "this share of its cells have it")
    low_missing: int = Field(2, ge=1, description="this many missing features: low (one alone says nothing)")
    medium_missing: int = Field(4, ge=1, description="this many missing features: medium")


class CapabilityFingerprint(Rule):
    name = "capability-fingerprint"
    title = "Capability fingerprint"
    description = (
        "Checks five features against the operator's other received cells: the GPRS indicator (SI3) or "
        "SI13, the SI2ter and SI2quater indicators (SI3), more than one carrier in the SI1 cell allocation, "
        "and a non-combined CCCH (SI3 CCCH_CONF). A feature that at least 80 % of the operator's cells have "
        "and this cell lacks is 'missing'. Pseudo base stations (one transceiver, OpenBTS/YateBTS/Osmocom "
        "defaults) typically lack most of them at once, while a real small cell lacks one or two. Low for two "
        "missing, medium for four or more. False positives: small, indoor or rural cells (single carrier, "
        "combined CCCH), cells on older equipment, and operators that enable features per area.")
    version = 2
    settings_model = CapabilityFingerprintSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, CapabilityFingerprintSettings)
        peers = survey.peers(cell)
        missing, shares = [], {}
        for name, (has, _) in CAPABILITIES.items():
            own = has(cell)
            if own is not False:
                continue
            known = [v for v in (has(p) for p in peers) if v is not None]
            if len(known) < s.min_peers:
                continue
            share = sum(known) / len(known)
            if share >= s.share:
                missing.append(name)
                shares[name] = share
        if len(missing) < s.low_missing:
            return
        words = ", ".join(CAPABILITIES[m][1] for m in missing)
        severity = Severity.MEDIUM if len(missing) >= s.medium_missing else Severity.LOW
        yield Finding(severity, f"{label(cell)} lacks {words}, which the operator's other cells have.",
                      {"missing": missing, "peer_share": shares, "share": s.share, "peers": len(peers),
                       "low_missing": s.low_missing, "medium_missing": s.medium_missing})
