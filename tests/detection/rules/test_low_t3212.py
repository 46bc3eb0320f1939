import pytest

from sdrscan.detection.event import Severity
from sdrscan.detection.rules.low_t3212 import LowT3212
from tests.detection.factory import cell, findings, severities


@pytest.mark.parametrize(("t3212", "expected"), [
    (1, [Severity.MEDIUM]), (4, [Severity.MEDIUM]), (5, [Severity.LOW]), (8, [Severity.LOW]), (9, []), (10, []),
    (240, []), (0, [Severity.INFO])])
def test_t3212_codes(t3212: int, expected: list[Severity]) -> None:
    assert severities(findings(LowT3212(), cell(40, t3212=t3212))) == expected


def test_message_in_minutes() -> None:
    (f,) = findings(LowT3212(), cell(40, t3212=2))
    assert "every 12 minutes" in f.message and f.evidence["t3212_min"] == 12
