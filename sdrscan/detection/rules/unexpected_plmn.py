"""``unexpected-plmn``: a network that should not be on the air here (Crocodile Hunter MCC/MNC)."""

from __future__ import annotations

from collections.abc import Iterator

from sdrscan.cells.model import CellObservation
from sdrscan.detection.event import Severity
from sdrscan.detection.rule import Finding, Rule, RuleSettings
from sdrscan.detection.rules._common import label
from sdrscan.detection.view import SurveyView

# ITU-T E.212: MCC 001 is the test network code (the default of OpenBTS, YateBTS and Osmocom test
# set-ups); 999 is for internal/private networks; 901-70..901-79 etc. are real shared codes, not listed.
TEST_MCCS = frozenset({1, 999})


class UnexpectedPlmnSettings(RuleSettings):
    pass


class UnexpectedPlmn(Rule):
    name = "unexpected-plmn"
    title = "Unexpected network (PLMN)"
    description = (
        "The cell's MCC/MNC (SI3) is a test or private network code (MCC 001 or 999: high), a country not in "
        "the operator profile (medium), or an operator the profile does not list for that country (medium). "
        "Lab base stations and many pseudo base stations run with test codes; others pose as a foreign or "
        "made-up network. Without a profile only test codes are judged. False positives: border areas "
        "(foreign networks are received), networks missing from the profile (new operators, GSM-R rail "
        "networks, private networks), and legitimate test transmissions.")
    version = 1
    settings_model = UnexpectedPlmnSettings

    def check(self, cell: CellObservation, survey: SurveyView) -> Iterator[Finding]:
        if cell.mcc is None or cell.mnc is None:
            return
        plmn = cell.plmn
        if cell.mcc in TEST_MCCS:
            yield Finding(Severity.HIGH, f"{label(cell)} broadcasts test/private network code {plmn}, used by lab "
                          "and self-built base stations, not by public networks.",
                          {"mcc": cell.mcc, "mnc": cell.mnc, "test_mccs": sorted(TEST_MCCS)}, tag="test")
            return
        profile = survey.profile
        if profile is None:
            return
        evidence = {"mcc": cell.mcc, "mnc": cell.mnc, "profile": profile.name, "expected_mccs": list(profile.mccs)}
        if cell.mcc not in profile.mccs:
            yield Finding(Severity.MEDIUM, f"{label(cell)} belongs to country code {cell.mcc:03d}, which the "
                          f"'{profile.name}' profile does not expect here.", evidence, tag="country")
        elif profile.mnc_known(cell.mcc) and profile.operator_of(cell.mcc, cell.mnc) is None:
            names = sorted({f"{op.name} ({', '.join(op.mncs)})" for op in profile.operators if op.mcc == cell.mcc})
            yield Finding(Severity.MEDIUM, f"{label(cell)} uses network code {plmn}, which is none of the "
                          f"operators of the '{profile.name}' profile.", {**evidence, "operators": names},
                          tag="operator")
