import pytest
from pydantic import ValidationError

from sdrscan.detection.event import Severity
from sdrscan.detection.rules.unlisted_cell import UnlistedCell, UnlistedCellSettings
from tests.detection.factory import cell, findings, network


def test_nobody_lists_the_cell() -> None:
    rogue = cell(40, neighbours=(10, 12))
    (f,) = findings(UnlistedCell(), rogue, network())
    assert f.severity is Severity.MEDIUM and f.evidence["candidates"] == 6
    assert f.evidence["listed_by_cell_but_not_back"] == [10, 12]


def test_few_candidates_is_low() -> None:
    rogue = cell(40)
    assert [f.severity for f in findings(UnlistedCell(), rogue, network((10, 12, 14, 16)))] == [Severity.LOW]
    assert findings(UnlistedCell(), rogue, network((10, 12))) == []


def test_one_lister_is_enough() -> None:
    net = network()
    net[0] = cell(10, neighbours=(12, 40))
    assert findings(UnlistedCell(), cell(40), net) == []


def test_candidates_must_report_the_cells_band() -> None:
    # six GSM900 cells whose lists only name GSM900 channels say nothing about a DCS1800 cell
    assert findings(UnlistedCell(), cell(600, neighbours=(602,)), network()) == []


def test_cells_without_decoded_si2_are_not_candidates() -> None:
    net = [cell(a, neighbours=None) for a in (10, 12, 14, 16, 18, 20)]
    assert findings(UnlistedCell(), cell(40), net) == []


def test_settings_are_checked() -> None:
    with pytest.raises(ValidationError):
        UnlistedCellSettings(min_listers=5, medium_listers=4)
