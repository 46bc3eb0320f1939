from sdrscan.detection.event import Severity
from sdrscan.detection.rules.unlisted_cell import UnlistedCell, UnlistedCellSettings
from tests.detection.factory import cell, findings, network


def test_copied_neighbour_list_that_nobody_returns_is_medium() -> None:
    net = network()  # 10..20 list each other
    clone = cell(40, neighbours=(10, 12, 14, 16))
    (f,) = findings(UnlistedCell(), clone, net)
    assert f.severity is Severity.MEDIUM and f.tag == "one-way" and f.evidence["named_neighbours"] == [10, 12, 14, 16]


def test_one_neighbour_naming_it_back_is_enough() -> None:
    net = network()
    net[0] = cell(10, neighbours=(12, 40))
    assert findings(UnlistedCell(), cell(40, neighbours=(10, 12, 14, 16)), net) == []


def test_named_cells_without_si2_or_other_band_do_not_count() -> None:
    no_si2 = [cell(a, neighbours=None) for a in (10, 12, 14)]
    assert findings(UnlistedCell(), cell(40, neighbours=(10, 12, 14)), no_si2) == []
    dcs_only = [cell(a, neighbours=(600, 602)) for a in (10, 12, 14)]  # they name no GSM900 channel
    assert findings(UnlistedCell(), cell(40, neighbours=(10, 12, 14)), dcs_only) == []


def test_nobody_lists_it_among_many_is_low() -> None:
    net = network((10, 12, 14, 16, 18, 20, 22, 24))
    (f,) = findings(UnlistedCell(), cell(40, neighbours=()), net)
    assert f.severity is Severity.LOW and f.tag == "nobody" and f.evidence["candidates"] == 8
    assert findings(UnlistedCell(), cell(40, neighbours=()), net[:7]) == []
    assert len(findings(UnlistedCell(UnlistedCellSettings(min_listers=7)), cell(40, neighbours=()), net[:7])) == 1


def test_other_operators_do_not_count() -> None:
    assert findings(UnlistedCell(), cell(40, neighbours=(10, 12, 14)), network(mnc="01")) == []
