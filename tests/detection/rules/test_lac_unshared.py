from sdrscan.detection.event import Severity
from sdrscan.detection.rules.lac_unshared import LacUnshared
from tests.detection.factory import cell, findings, network

# A network in two location areas: 10..16 in LAC 7000, 30..36 in LAC 9001.
TWO_AREAS = network((10, 12, 14, 16), lac=7000) + network((30, 32, 34, 36), lac=9001)


def test_copied_neighbourhood_with_an_area_of_the_other_side_is_low() -> None:
    rogue = cell(40, lac=9001, neighbours=(10, 12, 14, 16))  # claims LAC 9001 amid LAC 7000 cells
    (f,) = findings(LacUnshared(), rogue, TWO_AREAS)
    assert f.severity is Severity.LOW and f.evidence["neighbours"] == 4 and f.evidence["neighbour_lacs"] == [7000]


def test_border_cell_with_one_neighbour_in_its_area_does_not_fire() -> None:
    border = cell(40, lac=9001, neighbours=(10, 12, 14, 30))
    assert findings(LacUnshared(), border, TWO_AREAS) == []


def test_listers_count_as_neighbours() -> None:
    listers = [cell(a, lac=7000, neighbours=(40,)) for a in (10, 12, 14)]
    rogue = cell(40, lac=9001, neighbours=())
    assert [f.evidence["neighbours"] for f in findings(LacUnshared(), rogue, [*listers, *TWO_AREAS[4:]])] == [3]


def test_a_lac_nobody_uses_is_left_to_lonesome_lac() -> None:
    assert findings(LacUnshared(), cell(40, lac=666, neighbours=(10, 12, 14, 16)), network()) == []


def test_fewer_than_three_neighbours_is_not_judged() -> None:
    assert findings(LacUnshared(), cell(40, lac=9001, neighbours=(10, 12)), TWO_AREAS) == []
