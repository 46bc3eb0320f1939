from types import MappingProxyType

from sdrscan.detection.event import Severity
from sdrscan.detection.rules.inconsistent_si import InconsistentSi
from tests.detection.factory import cell, change, findings


def by_si(si3_lac: int, si4_lac: int) -> MappingProxyType:
    return MappingProxyType({"SI3": {"mcc": 460, "mnc": "00", "lac": si3_lac, "ci": 5},
                             "SI4": {"mcc": 460, "mnc": "00", "lac": si4_lac}})


def test_si3_and_si4_disagree() -> None:
    (f,) = findings(InconsistentSi(), cell(40, by_si=by_si(9001, 9002)))
    assert f.severity is Severity.HIGH and f.tag == "si3-si4" and f.evidence["differences"] == {"lac": [9001, 9002]}


def test_own_arfcn_in_ba_list_and_missing_from_cell_allocation() -> None:
    found = findings(InconsistentSi(), cell(40, neighbours=(38, 40, 42), cell_arfcns=(12, 14)))
    assert {(f.tag, f.severity) for f in found} == {("own-arfcn-in-ba", Severity.LOW),
                                                   ("own-arfcn-not-in-ca", Severity.MEDIUM)}


def test_parameter_changes() -> None:
    one = cell(40, history=(change("t3212", 30, 2, 10.0),))
    assert [(f.tag, f.severity) for f in findings(InconsistentSi(), one)] == [("changes", Severity.LOW)]
    three = cell(40, history=tuple(change("cro", v, v + 10, 10.0 * v) for v in (1, 2, 3)))
    assert [f.severity for f in findings(InconsistentSi(), three)] == [Severity.MEDIUM]


def test_change_mark_and_identity_are_not_counted() -> None:
    c = cell(40, history=(change("bcch_change_mark", 0, 1, 10.0, si="SI13"), change("lac", 1, 2, 20.0)))
    assert findings(InconsistentSi(), c) == []


def test_consistent_cell_is_silent() -> None:
    assert findings(InconsistentSi(), cell(40)) == []
