"""``unusual-ncc``: a network colour code the operator does not use here."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import capped, label
from sdrscan.detection.view import SurveyView


class UnusualNccSettings(RuleSettings):
    max_chance: float = Field(0.05, gt=0.0, lt=1.0, description="learned check: fire when an NCC used as often as "
                                                                 "the peers' NCCs would be missed with at most this "
                                                                 "probability")
    max_distinct: int = Field(4, ge=1, le=8, description="learned only when the peers use at most this many NCCs")
    min_permitting: int = Field(3, ge=1, description="peers with an NCC_PERMITTED field needed for that check")


class UnusualNcc(Rule):
    name = "unusual-ncc"
    title = "Unusual network colour code"
    description = (
        "The NCC (upper 3 bits of the BSIC on the SCH, TS 45.002 §3.3.2) is compared with the operator's: "
        "the profile's list when it has one (medium), else the NCCs of the operator's other received cells "
        "when they use few and so many cells were seen that missing one more of the operator's NCCs would be "
        "a 5 % chance (low), and the NCC_PERMITTED bitmap of their SI2 (TS 44.018 §10.5.2.27): if none "
        "of them lets phones report this NCC, it is not one of the operator's (low). A pseudo base station "
        "picks its BSIC freely. False positives: operators using all eight NCCs, NCC_PERMITTED set to all "
        "ones (the check then never fires), cells near a border with another country's plan.")
    version = 2
    settings_model = UnusualNccSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, UnusualNccSettings)
        ncc = cell.ncc
        op = survey.operator(cell)
        if op is not None and op.nccs:
            if ncc not in op.nccs:
                yield Finding(Severity.MEDIUM, f"{label(cell)} uses NCC {ncc}; {op.name} uses NCC "
                              f"{', '.join(map(str, op.nccs))}.", {"ncc": ncc, "operator_nccs": list(op.nccs)},
                              tag="profile")
            return
        peers = survey.peers(cell)
        used = {p.ncc for p in peers}
        # Were the cell's NCC one more of the operator's, used as often as each of the d seen, n peers would
        # all miss it with probability (d / (d + 1)) ** n.
        chance = (len(used) / (len(used) + 1)) ** len(peers) if used else 1.0
        if ncc not in used and len(used) <= s.max_distinct and chance <= s.max_chance:
            yield Finding(Severity.LOW, f"{label(cell)} uses NCC {ncc}; the operator's other {len(peers)} cells "
                          f"use only NCC {', '.join(map(str, sorted(used)))}.",
                          {"ncc": ncc, "peer_nccs": sorted(used), "peers": len(peers), "chance": chance,
                           "max_chance": s.max_chance, "max_distinct": s.max_distinct}, tag="learned")
            return
        permitting = [p for p in peers if p.ncc_permitted is not None]
        if len(permitting) >= s.min_permitting and not any(p.ncc_permitted & (1 << ncc) for p in permitting):  # type: ignore[operator]
            yield Finding(Severity.LOW, f"{label(cell)} uses NCC {ncc}, which none of the operator's other "
                          f"{len(permitting)} cells lets phones report (NCC_PERMITTED).",
                          {"ncc": ncc, "peer_ncc_permitted": capped(p.ncc_permitted for p in permitting),
                           "peers": len(permitting)}, tag="permitted")
