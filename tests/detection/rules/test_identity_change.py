from sdrscan.detection.event import Severity
from sdrscan.detection.rules.identity_change import IdentityChange
from tests.detection.factory import cell, change, findings


def test_one_lac_change_is_medium() -> None:
    c = cell(40, lac=7000, history=(change("lac", 9001, 7000, 30.0), change("lac", 9001, 7000, 30.5, si="SI4")))
    (f,) = findings(IdentityChange(), c)
    assert f.severity is Severity.MEDIUM and f.evidence["changes"] == 1 and "LAC from 9001 to 7000" in f.message


def test_change_of_several_fields_at_once_counts_once() -> None:
    c = cell(40, history=(change("lac", 1, 2, 30.0), change("ci", 5, 6, 30.0)))
    (f,) = findings(IdentityChange(), c)
    assert f.severity is Severity.MEDIUM and f.evidence["changes"] == 1


def test_alternating_identity_is_high() -> None:
    c = cell(40, history=(change("ci", 5, 6, 30.0), change("ci", 6, 5, 60.0)))
    (f,) = findings(IdentityChange(), c)
    assert f.severity is Severity.HIGH and f.evidence["returned_to_earlier_value"] is True


def test_three_changes_is_high() -> None:
    c = cell(40, history=tuple(change("lac", v, v + 1, 10.0 * v) for v in (1, 2, 3)))
    assert [f.severity for f in findings(IdentityChange(), c)] == [Severity.HIGH]


def test_other_parameter_changes_are_not_identity_changes() -> None:
    assert findings(IdentityChange(), cell(40, history=(change("t3212", 30, 2, 10.0),))) == []
    assert findings(IdentityChange(), cell(40, history=(change("lac", 1, 2, 10.0, si="SI6"),))) == []
