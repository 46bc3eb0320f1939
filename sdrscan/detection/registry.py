"""The explicit list of detection rules, in evaluation order (style: Rayhunter's analyzer registry).

Adding a rule means: a module in ``sdrscan/detection/rules/``, an entry here, a settings field in
:class:`~sdrscan.detection.settings.RulesConfig`, a section in ``docs/rules.md`` and a test file
``tests/detection/rules/test_<module>.py`` -- the meta-test (``tests/detection/test_registry.py``)
checks all four.
"""

from __future__ import annotations

from sdrscan.detection.rule import Rule
from sdrscan.detection.rules.access_parameters import AccessParameters
from sdrscan.detection.rules.capability_fingerprint import CapabilityFingerprint
from sdrscan.detection.rules.clone_identity import CloneIdentity
from sdrscan.detection.rules.empty_ba_list import EmptyBaList
from sdrscan.detection.rules.foreign_channel import ForeignChannel
from sdrscan.detection.rules.identity_change import IdentityChange
from sdrscan.detection.rules.imm_ass_storm import ImmAssStorm
from sdrscan.detection.rules.imsi_paging import ImsiPaging
from sdrscan.detection.rules.inconsistent_si import InconsistentSi
from sdrscan.detection.rules.lac_unshared import LacUnshared
from sdrscan.detection.rules.lonesome_lac import LonesomeLac
from sdrscan.detection.rules.low_t3212 import LowT3212
from sdrscan.detection.rules.paging_groups import PagingGroups
from sdrscan.detection.rules.power_anomaly import PowerAnomaly
from sdrscan.detection.rules.reselect_hysteresis import ReselectHysteresis
from sdrscan.detection.rules.reselection_boost import ReselectionBoost
from sdrscan.detection.rules.test_rule import TestRule
from sdrscan.detection.rules.transient_cell import TransientCell
from sdrscan.detection.rules.unexpected_plmn import UnexpectedPlmn
from sdrscan.detection.rules.unknown_cell import UnknownCell
from sdrscan.detection.rules.unlisted_cell import UnlistedCell
from sdrscan.detection.rules.unusual_ncc import UnusualNcc

ALL_RULES: tuple[type[Rule], ...] = (
    LonesomeLac,
    LacUnshared,
    UnlistedCell,
    EmptyBaList,
    ReselectionBoost,
    ReselectHysteresis,
    LowT3212,
    AccessParameters,
    PagingGroups,
    UnknownCell,
    UnexpectedPlmn,
    CloneIdentity,
    IdentityChange,
    UnusualNcc,
    ForeignChannel,
    PowerAnomaly,
    TransientCell,
    CapabilityFingerprint,
    ImmAssStorm,
    ImsiPaging,
    InconsistentSi,
    TestRule,
)


def rule_class(name: str) -> type[Rule]:
    """The rule class of id ``name``; KeyError naming the known ids when absent."""
    for cls in ALL_RULES:
        if cls.name == name:
            return cls
    raise KeyError(f"no rule {name!r}; known: {', '.join(c.name for c in ALL_RULES)}")
