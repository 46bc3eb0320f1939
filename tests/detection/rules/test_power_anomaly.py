from sdrscan.detection.baseline import Baseline
from sdrscan.detection.event import Severity
from sdrscan.detection.rules.power_anomaly import PowerAnomaly
from tests.detection.factory import cell, findings, network


def test_far_above_every_other_cell() -> None:
    net = network(power=-55.0)
    (f,) = findings(PowerAnomaly(), cell(40, power=-38.0), net)
    assert f.severity is Severity.LOW and f.tag == "above-all" and round(f.evidence["excess_db"]) == 17
    assert findings(PowerAnomaly(), cell(40, power=-42.0), net) == []
    assert findings(PowerAnomaly(), cell(40, power=-20.0), net[:4]) == []  # too few others to compare


def test_far_above_the_baseline() -> None:
    quiet = cell(40, power=-60.0)
    base = Baseline.memory()
    base.learn([quiet])
    (f,) = findings(PowerAnomaly(), cell(40, power=-40.0), baseline=base)
    assert f.severity is Severity.MEDIUM and f.evidence["baseline_power_dbfs"] == -60.0
    assert findings(PowerAnomaly(), cell(40, power=-50.0), baseline=base) == []


def test_too_few_blocks() -> None:
    from tests.detection.factory import measurement

    assert findings(PowerAnomaly(), cell(40, power_dbfs=measurement(-20.0, n=2)), network(power=-60.0)) == []
