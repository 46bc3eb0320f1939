from sdrscan.detection.event import Severity
from sdrscan.detection.rules.transient_cell import TransientCell
from tests.detection.factory import at, cell, findings

STAYING = [cell(a, seen=(0.0, 3600.0), sources=("r1", "r2")) for a in (10, 12, 14)]


def test_appears_and_vanishes_while_others_stay() -> None:
    flash = cell(40, seen=(1200.0, 1500.0), sources=("r2",))
    (f,) = findings(TransientCell(), flash, STAYING)
    assert f.severity is Severity.MEDIUM and f.tag == "transient" and f.evidence["lifetime_s"] == 300.0


def test_new_cell_still_on_air_is_info() -> None:
    new = cell(40, seen=(1200.0, 3600.0), sources=("r2",))
    assert [(f.severity, f.tag) for f in findings(TransientCell(), new, STAYING)] == [(Severity.INFO, "new")]


def test_long_lived_or_weak_or_alone_is_not_transient() -> None:
    long = cell(40, seen=(60.0, 3000.0), sources=("r2",))
    assert [f.tag for f in findings(TransientCell(), long, STAYING)] == ["new"]
    weak = cell(40, seen=(1200.0, 1500.0), sources=("r2",), snr=6.0)
    assert findings(TransientCell(), weak, STAYING) == []
    assert findings(TransientCell(), cell(40, seen=(1200.0, 1500.0), sources=("r9",)), STAYING) == []


def test_needs_time_after_it_vanished() -> None:
    flash = cell(40, seen=(1200.0, 1500.0), sources=("r2",))
    found = findings(TransientCell(), flash, STAYING, now=at(1520.0))
    assert [f.tag for f in found] == ["new"]  # gone only 20 s: not yet known to have vanished
