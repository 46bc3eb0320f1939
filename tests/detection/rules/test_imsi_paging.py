import pytest

from sdrscan.detection.event import Severity
from sdrscan.detection.rules.imsi_paging import ImsiPaging
from tests.detection.factory import ccch, cell, findings, severities


@pytest.mark.parametrize(("imsi", "tmsi", "expected"), [
    (30, 10, [Severity.MEDIUM]), (10, 10, [Severity.MEDIUM]), (10, 30, [Severity.LOW]), (4, 36, []), (0, 100, []),
    (15, 0, [])])  # 15 identities: too few to judge
def test_imsi_share(imsi: int, tmsi: int, expected: list[Severity]) -> None:
    assert severities(findings(ImsiPaging(), cell(40, ccch=ccch(imsi=imsi, tmsi=tmsi)))) == expected
