import pytest

from sdrscan.detection.event import Severity
from sdrscan.detection.params import c2_offsets
from sdrscan.detection.rules.reselection_boost import ReselectionBoost
from tests.detection.factory import cell, findings, severities


def sel(cro: int, to: int, pt: int) -> dict[str, int]:
    return {"cro": cro, "temporary_offset": to, "penalty_time": pt, "cbq": 0}


@pytest.mark.parametrize(("cro", "to", "pt", "expected"), [
    (63, 0, 0, [Severity.HIGH]),   # classic: +126 dB at once
    (41, 7, 5, [Severity.HIGH]),   # +82 dB lasting, even if damped at first
    (20, 0, 0, [Severity.MEDIUM]),  # +40 dB with no temporary offset
    (20, 2, 0, [Severity.LOW]),    # +40 dB but 20 dB at first
    (13, 0, 0, [Severity.LOW]),    # +26 dB
    (12, 0, 0, []),                # +24 dB: within what operators use
    (40, 3, 31, []),               # PENALTY_TIME 31: CRO is subtracted (Vodafone DE's real setting)
    (0, 0, 0, []),
])
def test_severity_follows_the_c2_offset(cro: int, to: int, pt: int, expected: list[Severity]) -> None:
    assert severities(findings(ReselectionBoost(), cell(40, **sel(cro, to, pt)))) == expected


def test_no_selection_parameters_means_no_offset() -> None:
    assert findings(ReselectionBoost(), cell(40)) == []


def test_evidence_in_db() -> None:
    (f,) = findings(ReselectionBoost(), cell(40, **sel(63, 0, 0)))
    assert f.evidence["boost_db"] == 126 and f.evidence["initial_boost_db"] == 126 and f.evidence["penalty_s"] == 20


def test_c2_offsets_follow_ts_45_008() -> None:
    # TS 45.008 §6.4: C2 = C1 + CRO - TO * H(PT - T); PT = 11111: C2 = C1 - CRO; TO = 111: infinity
    assert c2_offsets(10, 1, 0) == type(c2_offsets(10, 1, 0))(20, 10, 20)
    assert c2_offsets(10, 7, 30).initial_db == float("-inf") and c2_offsets(10, 7, 30).penalty_s == 620
    assert c2_offsets(10, 7, 31).steady_db == -20
