import pytest

from sdrscan.detection.event import Severity
from sdrscan.detection.rules.reselect_hysteresis import ReselectHysteresis
from tests.detection.factory import cell, findings, severities


@pytest.mark.parametrize(("code", "expected"), [
    (0, []), (1, []), (3, []), (4, []), (5, []), (6, [Severity.LOW]), (7, [Severity.MEDIUM])])
def test_hysteresis_codes(code: int, expected: list[Severity]) -> None:
    found = findings(ReselectHysteresis(), cell(40, cell_reselect_hysteresis=code))
    assert severities(found) == expected
    if found:
        assert found[0].evidence["hysteresis_db"] == 2 * code


def test_unknown_hysteresis() -> None:
    assert findings(ReselectHysteresis(), cell(40, cell_reselect_hysteresis=None)) == []
