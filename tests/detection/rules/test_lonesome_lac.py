from sdrscan.detection.event import Severity
from sdrscan.detection.rules.lonesome_lac import LonesomeLac, LonesomeLacSettings
from tests.detection.factory import cell, findings, network, severities


def test_only_cell_of_its_lac_is_low() -> None:
    rogue = cell(40, lac=666)
    (f,) = findings(LonesomeLac(), rogue, network())
    assert f.severity is Severity.LOW
    assert f.evidence["lac"] == 666 and f.evidence["peers"] == 6 and f.evidence["peer_lacs"] == [9001]


def test_a_shared_lac_does_not_fire() -> None:
    cells = network()
    assert findings(LonesomeLac(), cells[0], cells[1:]) == []


def test_other_operators_are_not_peers() -> None:
    rogue = cell(40, lac=666)
    assert findings(LonesomeLac(), rogue, network(mnc="01")) == []  # 460-01 cells say nothing about 460-00


def test_too_few_peers_to_judge() -> None:
    rogue = cell(40, lac=666)
    assert findings(LonesomeLac(), rogue, network((10, 12, 14))) == []
    assert severities(findings(LonesomeLac(LonesomeLacSettings(min_peers=3)), rogue, network((10, 12, 14)))) == [
        Severity.LOW]
