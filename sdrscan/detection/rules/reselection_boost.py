"""``reselection-boost``: C2 offsets that pull phones onto the cell (SnoopSnitch K2, icc CRO)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.params import c2_offsets
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView


class ReselectionBoostSettings(RuleSettings):
    high_db: int = Field(80, ge=0, description="lasting C2 boost above this: high (SnoopSnitch: CRO code > 40)")
    immediate_db: int = Field(40, ge=0, description="boost of at least this, in force at once (no damping "
                                                    "TEMPORARY_OFFSET): medium")
    low_db: int = Field(25, ge=0, description="lasting C2 boost above this: low (icc: CRO > 25 dB)")


class ReselectionBoost(Rule):
    name = "reselection-boost"
    title = "Cell-reselection boost"
    description = (
        "Computes the cell's C2 offsets (TS 45.008 §6.4) from CELL_RESELECT_OFFSET, TEMPORARY_OFFSET and "
        "PENALTY_TIME (SI3/SI4 rest octets): the lasting offset after the penalty time and the offset while "
        "it runs. A pseudo base station sets a large offset with no temporary damping so every phone "
        "that hears it reselects at once. High above 80 dB (a CRO code above 40, which SnoopSnitch saw in "
        "2.5 % of real cells), medium for 40 dB or more in force at once, low above 25 dB. "
        "False positives: operators that boost micro or low-traffic cells with large offsets "
        "(usually damped by a TEMPORARY_OFFSET at least as large), and layer-management settings.")
    version = 1
    settings_model = ReselectionBoostSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, ReselectionBoostSettings)
        if cell.cro is None or cell.temporary_offset is None or cell.penalty_time is None:
            return  # no optional selection parameters: C2 = C1
        c2 = c2_offsets(cell.cro, cell.temporary_offset, cell.penalty_time)
        evidence = {"cro": cell.cro, "temporary_offset": cell.temporary_offset, "penalty_time": cell.penalty_time,
                    "boost_db": c2.steady_db, "initial_boost_db": c2.initial_db if math.isfinite(c2.initial_db)
                    else "-inf", "penalty_s": c2.penalty_s, "high_db": s.high_db, "immediate_db": s.immediate_db,
                    "low_db": s.low_db}
        if c2.steady_db > s.high_db:
            yield Finding(Severity.HIGH, f"{label(cell)} adds {c2.steady_db} dB to its own reselection rank (C2), "
                          "far beyond what operators use: phones are pulled onto it.", evidence)
        elif c2.steady_db >= s.immediate_db and c2.initial_db >= s.immediate_db:
            yield Finding(Severity.MEDIUM, f"{label(cell)} adds {c2.steady_db} dB to its reselection rank (C2) "
                          "from the first moment, with no temporary offset to damp it.", evidence)
        elif c2.steady_db > s.low_db:
            yield Finding(Severity.LOW, f"{label(cell)} adds {c2.steady_db} dB to its reselection rank (C2).",
                          evidence)
