from sdrscan.detection.event import Severity
from sdrscan.detection.rules.empty_ba_list import EmptyBaList, EmptyBaListSettings
from tests.detection.factory import cell, findings, severities


def test_empty_list_is_medium() -> None:
    (f,) = findings(EmptyBaList(), cell(40, neighbours=()))
    assert f.severity is Severity.MEDIUM and f.evidence["count"] == 0


def test_short_list_is_low_and_normal_list_is_silent() -> None:
    assert severities(findings(EmptyBaList(), cell(40, neighbours=(42,)))) == [Severity.LOW]
    assert severities(findings(EmptyBaList(), cell(40, neighbours=(42, 44)))) == [Severity.LOW]
    assert findings(EmptyBaList(), cell(40, neighbours=(42, 44, 46))) == []
    assert findings(EmptyBaList(EmptyBaListSettings(short_max=0)), cell(40, neighbours=(42,))) == []


def test_unknown_until_si2_is_decoded() -> None:
    assert findings(EmptyBaList(), cell(40, neighbours=None)) == []


def test_other_rat_neighbours_are_evidence() -> None:
    (f,) = findings(EmptyBaList(), cell(40, neighbours=(), eutran_earfcns=(1850, 100)))
    assert f.evidence["utran_eutran_neighbours"] == 2
