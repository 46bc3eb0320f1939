"""The ``[detection]`` settings section: profile, baseline, scoring and one sub-section per rule.

Every rule in :data:`sdrscan.detection.registry.ALL_RULES` has a field here named like its id with
underscores (``low-t3212`` -> ``rules.low_t3212``), typed with the rule's own settings model, so a TOML
file or ``SDRSCAN_DETECTION__RULES__LOW_T3212__ENABLED=false`` reaches it. Points and thresholds are
justified in ``docs/rules.md`` ("Scoring").
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sdrscan.detection.event import Severity, Verdict
from sdrscan.detection.rules.access_parameters import AccessParametersSettings
from sdrscan.detection.rules.capability_fingerprint import CapabilityFingerprintSettings
from sdrscan.detection.rules.clone_identity import CloneIdentitySettings
from sdrscan.detection.rules.empty_ba_list import EmptyBaListSettings
from sdrscan.detection.rules.foreign_channel import ForeignChannelSettings
from sdrscan.detection.rules.identity_change import IdentityChangeSettings
from sdrscan.detection.rules.imm_ass_storm import ImmAssStormSettings
from sdrscan.detection.rules.imsi_paging import ImsiPagingSettings
from sdrscan.detection.rules.inconsistent_si import InconsistentSiSettings
from sdrscan.detection.rules.lac_unshared import LacUnsharedSettings
from sdrscan.detection.rules.lonesome_lac import LonesomeLacSettings
from sdrscan.detection.rules.low_t3212 import LowT3212Settings
from sdrscan.detection.rules.paging_groups import PagingGroupsSettings
from sdrscan.detection.rules.power_anomaly import PowerAnomalySettings
from sdrscan.detection.rules.reselect_hysteresis import ReselectHysteresisSettings
from sdrscan.detection.rules.reselection_boost import ReselectionBoostSettings
from sdrscan.detection.rules.test_rule import TestRuleSettings
from sdrscan.detection.rules.transient_cell import TransientCellSettings
from sdrscan.detection.rules.unexpected_plmn import UnexpectedPlmnSettings
from sdrscan.detection.rules.unknown_cell import UnknownCellSettings
from sdrscan.detection.rules.unlisted_cell import UnlistedCellSettings
from sdrscan.detection.rules.unusual_ncc import UnusualNccSettings


def _f(model: type[BaseModel]) -> object:
    return Field(default_factory=model)


class RulesConfig(BaseModel):
    """One section per registered rule (the meta-test checks that none is missing)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lonesome_lac: LonesomeLacSettings = _f(LonesomeLacSettings)  # type: ignore[assignment]
    lac_unshared: LacUnsharedSettings = _f(LacUnsharedSettings)  # type: ignore[assignment]
    unlisted_cell: UnlistedCellSettings = _f(UnlistedCellSettings)  # type: ignore[assignment]
    empty_ba_list: EmptyBaListSettings = _f(EmptyBaListSettings)  # type: ignore[assignment]
    reselection_boost: ReselectionBoostSettings = _f(ReselectionBoostSettings)  # type: ignore[assignment]
    reselect_hysteresis: ReselectHysteresisSettings = _f(ReselectHysteresisSettings)  # type: ignore[assignment]
    low_t3212: LowT3212Settings = _f(LowT3212Settings)  # type: ignore[assignment]
    access_parameters: AccessParametersSettings = _f(AccessParametersSettings)  # type: ignore[assignment]
    paging_groups: PagingGroupsSettings = _f(PagingGroupsSettings)  # type: ignore[assignment]
    unknown_cell: UnknownCellSettings = _f(UnknownCellSettings)  # type: ignore[assignment]
    unexpected_plmn: UnexpectedPlmnSettings = _f(UnexpectedPlmnSettings)  # type: ignore[assignment]
    clone_identity: CloneIdentitySettings = _f(CloneIdentitySettings)  # type: ignore[assignment]
    identity_change: IdentityChangeSettings = _f(IdentityChangeSettings)  # type: ignore[assignment]
    unusual_ncc: UnusualNccSettings = _f(UnusualNccSettings)  # type: ignore[assignment]
    foreign_channel: ForeignChannelSettings = _f(ForeignChannelSettings)  # type: ignore[assignment]
    power_anomaly: PowerAnomalySettings = _f(PowerAnomalySettings)  # type: ignore[assignment]
    transient_cell: TransientCellSettings = _f(TransientCellSettings)  # type: ignore[assignment]
    capability_fingerprint: CapabilityFingerprintSettings = _f(  # type: ignore[assignment]
        CapabilityFingerprintSettings)
    imm_ass_storm: ImmAssStormSettings = _f(ImmAssStormSettings)  # type: ignore[assignment]
    imsi_paging: ImsiPagingSettings = _f(ImsiPagingSettings)  # type: ignore[assignment]
    inconsistent_si: InconsistentSiSettings = _f(InconsistentSiSettings)  # type: ignore[assignment]
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
    # Low findings are properties common in legitimate networks (several fire on ~12 % of legitimate cells);
    # on their own, however many, they describe an unusual cell, not an attack. A verdict above ok needs
    # at least one finding of this severity or higher to corroborate them.
    corroboration: Severity = Severity.MEDIUM

    @field_validator("corroboration", mode="before")
    @classmethod
    def _severity_name(cls, value: object) -> object:
        return Severity.parse(value) if isinstance(value, str) else value

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

    def verdict(self, score: float, strongest: Severity = Severity.HIGH) -> Verdict:
        """Verdict of a score whose strongest finding has severity ``strongest``."""
        if strongest < self.corroboration:
            return Verdict.OK
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
