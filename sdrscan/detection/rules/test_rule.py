"""``test-rule``: fires on every cell, to prove the chain from survey to alert (off by default)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings, SeveritySetting
from sdrscan.detection.view import SurveyView


class TestRuleSettings(RuleSettings):
    __test__ = False  # not a pytest test class

    severity: SeveritySetting = Field(Severity.INFO, description="severity of the event raised on every cell")


class TestRule(Rule):
    __test__ = False  # not a pytest test class

    name = "test-rule"
    title = "Test rule: an event for every cell"
    description = ("Raises one event for every cell it sees, so the path from receiver to alert output can be "
                   "checked end to end. It says nothing about the cell. False positives: every cell, by design; "
                   "never enable it for a real survey.")
    version = 1
    default_enabled = False
    settings_model = TestRuleSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        s = self.settings
        assert isinstance(s, TestRuleSettings)
        yield Finding(s.severity, f"Test rule: cell on ARFCN {cell.arfcn} (BSIC {cell.bsic}) was seen.",
                      {"arfcn": cell.arfcn, "bsic": cell.bsic, "blocks_ok": cell.blocks_ok})
