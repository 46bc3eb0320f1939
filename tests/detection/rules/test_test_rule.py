from sdrscan.detection.event import Severity
from sdrscan.detection.rules.test_rule import TestRule, TestRuleSettings
from tests.detection.factory import cell, findings, network, run_engine


def test_fires_on_every_cell_when_enabled() -> None:
    net = network()
    rule = TestRule(TestRuleSettings(enabled=True, severity="medium"))
    assert rule.enabled and not TestRule().enabled
    assert all(len(findings(rule, c, [o for o in net if o is not c])) == 1 for c in net)
    assert findings(rule, cell(40))[0].severity is Severity.MEDIUM


def test_proves_the_chain_through_the_engine() -> None:
    from sdrscan.detection.settings import DetectionSettings

    settings = DetectionSettings(rules={"test_rule": {"enabled": True}})
    engine, events = run_engine(network(), settings=settings)
    assert [e.rule for e in events if e.rule == "test-rule"] == ["test-rule"] * 6
    _, silent = run_engine(network())
    assert not [e for e in silent if e.rule == "test-rule"]
