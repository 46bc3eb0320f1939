"""``unknown-cell``: the cell is not in the baseline, or a known identity moved channel (AIMSICD, icc)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field, model_validator

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class UnknownCellSettings(RuleSettings):
    min_peers: int = Field(3, ge=1, description="other cells of the operator with a known identity needed")
    medium_coverage: float = Field(0.9, gt=0.0, le=1.0, description="baseline knows this share of the peers: "
                                                                     "an unknown cell is medium")
    low_coverage: float = Field(0.6, gt=0.0, le=1.0, description="baseline knows this share: low; below: info")
    weak_snr_db: float = Field(12.0, description="an unknown cell received below this SNR counts one step less")

    @model_validator(mode="after")
    def _ordered(self) -> UnknownCellSettings:
        if self.low_coverage > self.medium_coverage:
            raise ValueError(f"low_coverage={self.low_coverage} must be <= medium_coverage={self.medium_coverage}")
        return self


def _complete(c: CellObservation) -> bool:
    return None not in (c.mcc, c.mnc, c.lac, c.ci)


class UnknownCell(Rule):
    name = "unknown-cell"
    title = "Unknown cell (baseline)"
    description = (
        "Looks the cell global identity (MCC, MNC, LAC, CI) up in the baseline (OpenCellID/MLS import or a "
        "trusted survey). Missing from the baseline is weak evidence alone -- it is the largest source of "
        "false alarms in existing tools -- so the severity falls with how well the baseline covers the "
        "operator's other received cells: medium when it knows at least 90 % of them, low from 60 %, info "
        "below, and one step less for a weak cell (SNR below 12 dB: the cell a baseline survey misses most "
        "easily; a pseudo base station wants to be strong where its victims are). A cell the baseline knows "
        "on another ARFCN (a trusted survey recorded it) is medium: its identity is being broadcast somewhere "
        "new. False positives: new or re-planned cells, incomplete crowd-sourced data, baselines learned with "
        "another receiver or at another place.")
    version = 2
    settings_model = UnknownCellSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, UnknownCellSettings)
        base = survey.baseline
        if base is None or not _complete(cell):
            return
        assert cell.mcc is not None and cell.mnc is not None and cell.lac is not None and cell.ci is not None
        known = survey.known(cell)
        if known is not None:
            if known.learned and known.arfcn != cell.arfcn:
                yield Finding(Severity.MEDIUM, f"{label(cell)} broadcasts the identity of a known cell that a "
                              f"trusted survey saw on ARFCN {known.arfcn}.",
                              {"known_arfcn": known.arfcn, "known_bsic": known.bsic, "arfcn": cell.arfcn,
                               "bsic": cell.bsic}, tag="moved")
            elif known.learned and known.bsic is not None and known.bsic != cell.bsic:
                yield Finding(Severity.LOW, f"{label(cell)} is known, but with BSIC {known.bsic}, not {cell.bsic}.",
                              {"known_bsic": known.bsic, "bsic": cell.bsic}, tag="bsic")
            return
        peers = [p for p in survey.peers(cell) if _complete(p)]
        if len(peers) < s.min_peers or base.count(cell.mcc, cell.mnc) == 0:
            return  # too little to judge, or the baseline does not cover this network at all
        known_peers = sum(1 for p in peers if survey.known(p) is not None)
        coverage = known_peers / len(peers)
        evidence = {"coverage": coverage, "known_peers": known_peers, "peers": len(peers),
                    "baseline_cells_of_network": base.count(cell.mcc, cell.mnc),
                    "medium_coverage": s.medium_coverage, "low_coverage": s.low_coverage}
        if coverage >= s.medium_coverage:
            severity = Severity.MEDIUM
        elif coverage >= s.low_coverage:
            severity = Severity.LOW
        else:
            severity = Severity.INFO
        weak = bool(cell.snr_db.n) and cell.snr_db.mean < s.weak_snr_db
        if weak and severity > Severity.INFO:
            severity = Severity(severity - 1)  # a weak cell is the one a baseline survey misses most easily
        evidence.update({"snr_db": cell.snr_db.mean if cell.snr_db.n else None, "weak_snr_db": s.weak_snr_db})
        yield Finding(severity, f"{label(cell)} is not in the baseline, which knows {known_peers} of the "
                      f"{len(peers)} other cells of its operator received here.", evidence, tag="unknown")
