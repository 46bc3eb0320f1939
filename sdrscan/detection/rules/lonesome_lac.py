"""``lonesome-lac``: the only cell of its location area among its operator's cells (SnoopSnitch A5)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import capped, label
from sdrscan.detection.view import SurveyView


class LonesomeLacSettings(RuleSettings):
    min_peers: int = Field(4, ge=1, description="other cells of the operator (with a known LAC) needed to judge")


class LonesomeLac(Rule):
    name = "lonesome-lac"
    title = "Lonesome location area"
    description = (
        "The cell's LAC (SI3) is used by no other cell of its operator seen in the survey. A pseudo base "
        "station invents a LAC so that phones must run a location update on it, which reveals their IMSI. "
        "False positives: a real location area of which the survey received only one cell (survey edge, "
        "a short scan of part of the band, a location-area border near the sensor); weak alone.")
    version = 1
    settings_model = LonesomeLacSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, LonesomeLacSettings)
        if cell.lac is None:
            return
        peers = [p for p in survey.peers(cell) if p.lac is not None]
        if len(peers) < s.min_peers or any(p.lac == cell.lac for p in peers):
            return
        yield Finding(Severity.LOW,
                      f"{label(cell)} is the only one of {len(peers) + 1} cells of its operator using LAC {cell.lac}.",
                      {"lac": cell.lac, "peers": len(peers), "peer_lacs": capped(p.lac for p in peers),
                       "min_peers": s.min_peers})
