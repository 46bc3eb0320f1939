from sdrscan.detection.baseline import Baseline
from sdrscan.detection.event import Severity
from sdrscan.detection.rules.imm_ass_storm import ImmAssStorm
from tests.detection.factory import ccch, cell, findings, network

STORM = ccch(imm_ass=50, causes={"location_updating": 45, "originating_call": 5})
MIX = ccch(imm_ass=120, causes={"location_updating": 40, "originating_call": 40, "answer_to_paging": 40})


def test_storm_on_a_new_cell_is_medium() -> None:
    old = [cell(a, seen=(0.0, 900.0)) for a in (10, 12)]
    new = cell(40, seen=(300.0, 900.0), ccch=STORM)
    (f,) = findings(ImmAssStorm(), new, old)
    assert f.severity is Severity.MEDIUM and f.evidence["new_cell"] is True and f.evidence["location_updates"] == 45


def test_storm_on_a_cell_unknown_to_the_baseline_is_medium() -> None:
    net = network()
    base = Baseline.memory()
    base.learn(net)
    (f,) = findings(ImmAssStorm(), cell(40, ci=4242, ccch=STORM), net, baseline=base)
    assert f.severity is Severity.MEDIUM and f.evidence["unknown_to_baseline"] is True


def test_storm_on_a_known_old_cell_is_low() -> None:
    assert [f.severity for f in findings(ImmAssStorm(), cell(40, ccch=STORM), network())] == [Severity.LOW]


def test_ordinary_mix_or_too_few_is_silent() -> None:
    assert findings(ImmAssStorm(), cell(40, ccch=MIX), network()) == []
    few = ccch(imm_ass=10, causes={"location_updating": 10})
    assert findings(ImmAssStorm(), cell(40, ccch=few), network()) == []
