"""The ``[detection]`` settings section: profile, baseline, scoring and one sub-section per rule.

Every rule in :data:`sdrscan.detection.registry.ALL_RULES` has a field here named like its id with
underscores (``low-t3212`` -> ``rules.low_t3212``), typed with the rule's own settings model, so a TOML
file or ``SDRSCAN_DETECTION__RULES__LOW_T3212__ENABLED=false`` reaches it. Points and thresholds are
justified in ``docs/rules.md`` ("Scoring").
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sdrscan.detection.event import Severity, Verdict
from sdrscan.detection.rules.test_rule import TestRuleSettings


def _f(model: type[BaseModel]) -> object:
    return Field(default_factory=model)


class RulesConfig(BaseModel):
    """One section per registered rule (the meta-test checks that none is missing)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test_rule: TestRuleSettings = _f(TestRuleSettings)  # type: ignore[assignment]

    def for_rule(self, name: str) -> BaseModel:
        """The section of rule ``name`` (kebab-case id)."""
        return getattr(self, name.replace("-", "_"))


class ScoringSettings(BaseModel):
    """Points per event severity and the score thresholds of the verdicts (``docs/rules.md``, "Scoring").

    A cell's score is the sum over rules of ``points[severity of the rule's strongest finding] x weight``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    info: float = Field(0.0, ge=0.0)
    low: float = Field(1.0, ge=0.0)
    medium: float = Field(2.0, ge=0.0)
    high: float = Field(4.0, ge=0.0)
    suspicious: float = Field(4.0, gt=0.0)
    rogue: float = Field(7.0, gt=0.0)

    @model_validator(mode="after")
    def _ordered(self) -> ScoringSettings:
        if not self.info <= self.low <= self.medium <= self.high:
            raise ValueError(f"points must rise with severity; got info={self.info} low={self.low} "
                             f"medium={self.medium} high={self.high}")
        if self.rogue < self.suspicious:
            raise ValueError(f"rogue={self.rogue} is below suspicious={self.suspicious}; rogue must be >= suspicious")
        return self

    def points(self, severity: Severity) -> float:
        return float(getattr(self, severity.label))

    def verdict(self, score: float) -> Verdict:
        if score >= self.rogue:
            return Verdict.ROGUE
        if score >= self.suspicious:
            return Verdict.SUSPICIOUS
        return Verdict.OK


class DetectionSettings(BaseModel):
    """``[detection]``: what the engine judges against and how it scores."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: str | None = Field(None, description="built-in profile name (e.g. 'china') or path to a profile TOML")
    baseline: Path | None = Field(None, description="baseline database (sdrscan baseline import / learn)")
    scoring: ScoringSettings = Field(default_factory=ScoringSettings)
    rules: RulesConfig = Field(default_factory=RulesConfig)
