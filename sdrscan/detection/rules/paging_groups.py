"""``paging-groups``: a paging-group count unlike the operator's (SnoopSnitch R2)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.params import paging_groups
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import capped, label
from sdrscan.detection.view import SurveyView


class PagingGroupsSettings(RuleSettings):
    n_max: int = Field(80, ge=1, description="more paging groups than this: low (SnoopSnitch n_norm)")
    min_peers: int = Field(6, ge=1, description="peers with a known CCCH configuration needed to compare")


def _groups(c: CellObservation) -> int | None:
    if c.ccch_conf is None or c.bs_ag_blks_res is None or c.bs_pa_mfrms is None:
        return None
    return paging_groups(c.ccch_conf, c.bs_ag_blks_res, c.bs_pa_mfrms)


class PagingGroups(Rule):
    name = "paging-groups"
    title = "Abnormal paging-group count"
    description = (
        "N, the number of paging groups (TS 45.002 §6.5.2), from CCCH_CONF, BS_AG_BLKS_RES and BS_PA_MFRMS "
        "(SI3 control channel description). Operators set these network-wide; a pseudo base station keeps "
        "its software's defaults. Low when N exceeds 80 (SnoopSnitch R2) or is used by none of the "
        "operator's other cells with the same CCCH structure (at least six, so the operator's values are "
        "established). A combined CCCH has a third of the paging blocks, so it is compared only with combined "
        "cells: the combined structure itself is capability-fingerprint's evidence, not counted twice. "
        "False positives: operators that tune paging per cell (a weak indicator in SnoopSnitch's data: "
        "operators use 72-80).")
    version = 3
    settings_model = PagingGroupsSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, PagingGroupsSettings)
        n = _groups(cell)
        if n is None:
            return
        combined = cell.ccch_conf == 1
        peer_n = [g for g in (_groups(p) for p in survey.peers(cell) if (p.ccch_conf == 1) == combined)
                  if g is not None]
        evidence = {"paging_groups": n, "ccch_conf": cell.ccch_conf, "bs_ag_blks_res": cell.bs_ag_blks_res,
                    "bs_pa_mfrms": cell.bs_pa_mfrms, "peer_paging_groups": capped(peer_n), "n_max": s.n_max}
        if n > s.n_max:
            yield Finding(Severity.LOW, f"{label(cell)} spreads paging over {n} groups, more than networks use.",
                          evidence, tag="many")
        elif len(peer_n) >= s.min_peers and n not in peer_n:
            yield Finding(Severity.LOW, f"{label(cell)} uses {n} paging groups; none of the operator's other "
                          f"{len(peer_n)} cells {'with a combined CCCH ' if combined else ''}does.", evidence,
                          tag="unlike-peers")
