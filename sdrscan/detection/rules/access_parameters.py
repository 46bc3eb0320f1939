"""``access-parameters``: RXLEV_ACCESS_MIN / MS_TXPWR_MAX_CCH out of line with the operator's other cells."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.params import ms_txpwr_max_dbm, rxlev_dbm
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import cell_band, label, same_band
from sdrscan.detection.view import SurveyView


class AccessParametersSettings(RuleSettings):
    min_peers: int = Field(4, ge=1, description="cells of the operator in the same band needed to compare")
    rxlev_margin_db: int = Field(4, ge=0, description="RXLEV_ACCESS_MIN below every peer's by more than this")
    txpwr_margin_db: int = Field(2, ge=0, description="MS_TXPWR_MAX_CCH above every peer's by more than this")


class AccessParameters(Rule):
    name = "access-parameters"
    title = "Abnormal access parameters"
    description = (
        "Compares RXLEV_ACCESS_MIN (the weakest signal at which a phone may use the cell) and "
        "MS_TXPWR_MAX_CCH (the power phones use on its RACH), SI3/SI4 (TS 44.018 §10.5.2.4, TS 45.008 §6.4, "
        "TS 45.005 §4.1.1), with the operator's other cells in the same band. A pseudo base station accepts "
        "phones from as far as possible and asks them to transmit loudly so its receiver hears them. Low "
        "when the cell accepts weaker signals than every peer by more than 4 dB, or lets phones transmit "
        "louder than every peer by more than 2 dB. False positives: rural or coverage-extension cells and "
        "per-site tuning; needs at least 4 peers in the band.")
    version = 1
    settings_model = AccessParametersSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, AccessParametersSettings)
        peers = same_band(cell, survey.peers(cell))
        band = cell_band(cell)
        if cell.rxlev_access_min is not None:
            values = [rxlev_dbm(p.rxlev_access_min) for p in peers if p.rxlev_access_min is not None]
            own = rxlev_dbm(cell.rxlev_access_min)
            if len(values) >= s.min_peers and own < min(values) - s.rxlev_margin_db:
                yield Finding(Severity.LOW, f"{label(cell)} admits phones down to {own} dBm; the operator's other "
                              f"{len(values)} cells in the band require at least {min(values)} dBm.",
                              {"rxlev_access_min": cell.rxlev_access_min, "rxlev_access_min_dbm": own,
                               "peers_min_dbm": min(values), "peers_max_dbm": max(values), "peers": len(values),
                               "margin_db": s.rxlev_margin_db}, tag="rxlev")
        if cell.ms_txpwr_max_cch is not None:
            values = [ms_txpwr_max_dbm(p.ms_txpwr_max_cch, band) for p in peers if p.ms_txpwr_max_cch is not None]
            own = ms_txpwr_max_dbm(cell.ms_txpwr_max_cch, band)
            if len(values) >= s.min_peers and own > max(values) + s.txpwr_margin_db:
                yield Finding(Severity.LOW, f"{label(cell)} lets phones transmit at {own} dBm on access; the "
                              f"operator's other {len(values)} cells allow at most {max(values)} dBm.",
                              {"ms_txpwr_max_cch": cell.ms_txpwr_max_cch, "ms_txpwr_max_dbm": own,
                               "peers_max_dbm": max(values), "peers": len(values), "margin_db": s.txpwr_margin_db,
                               "band": band}, tag="txpwr")
