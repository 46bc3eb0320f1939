from sdrscan.detection.event import Severity
from sdrscan.detection.rules.lac_unshared import LacUnshared
from tests.detection.factory import cell, findings, network


def test_copied_neighbourhood_with_own_lac_is_low() -> None:
    net = network()
    rogue = cell(40, lac=666, neighbours=(10, 12, 14, 16))  # copies neighbours, keeps its own LAC
    (f,) = findings(LacUnshared(), rogue, net)
    assert f.severity is Severity.LOW and f.evidence["neighbours"] == 4 and f.evidence["neighbour_lacs"] == [9001]


def test_border_cell_with_one_neighbour_in_its_area_does_not_fire() -> None:
    net = network(lac=7000)
    border = cell(40, lac=9001, neighbours=(10, 12, 14, 42))
    same_area = cell(42, lac=9001, neighbours=(40,))
    assert findings(LacUnshared(), border, [*net, same_area]) == []


def test_listers_count_as_neighbours() -> None:
    net = [cell(a, neighbours=(40,)) for a in (10, 12, 14)]
    rogue = cell(40, lac=666, neighbours=())
    assert [f.evidence["neighbours"] for f in findings(LacUnshared(), rogue, net)] == [3]


def test_fewer_than_three_neighbours_is_not_judged() -> None:
    rogue = cell(40, lac=666, neighbours=(10, 12))
    assert findings(LacUnshared(), rogue, network()) == []
