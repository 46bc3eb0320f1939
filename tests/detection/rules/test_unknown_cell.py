import pytest

from sdrscan.detection.baseline import Baseline
from sdrscan.detection.event import Severity
from sdrscan.detection.rules.unknown_cell import UnknownCell
from tests.detection.factory import cell, findings, network


@pytest.fixture
def net() -> list:
    return network((10, 12, 14, 16, 18, 20, 22, 24, 26, 28))


def baseline_of(cells: list, learn: bool = True) -> Baseline:
    b = Baseline.memory()
    b.learn(cells) if learn else None
    return b


@pytest.mark.parametrize(("known", "expected"), [(10, Severity.MEDIUM), (9, Severity.MEDIUM), (8, Severity.LOW),
                                                 (6, Severity.LOW), (5, Severity.INFO), (1, Severity.INFO)])
def test_severity_falls_with_baseline_coverage(net: list, known: int, expected: Severity) -> None:
    base = baseline_of(net[:known])
    (f,) = findings(UnknownCell(), cell(40, ci=7777), net, baseline=base)
    assert f.severity is expected and f.tag == "unknown"
    assert f.evidence["known_peers"] == known and f.evidence["coverage"] == pytest.approx(known / 10)


def test_weak_unknown_cell_counts_one_step_less(net: list) -> None:
    base = baseline_of(net)
    (f,) = findings(UnknownCell(), cell(40, ci=7777, snr=8.0), net, baseline=base)
    assert f.severity is Severity.LOW and f.evidence["snr_db"] == 8.0
    (g,) = findings(UnknownCell(), cell(40, ci=7777, snr=8.0), net, baseline=baseline_of(net[:5]))
    assert g.severity is Severity.INFO


def test_known_cell_is_silent(net: list) -> None:
    assert findings(UnknownCell(), net[0], net[1:], baseline=baseline_of(net)) == []


def test_known_identity_on_another_channel(net: list) -> None:
    base = baseline_of(net)
    clone = cell(40, ci=net[0].ci)
    (f,) = findings(UnknownCell(), clone, net[1:], baseline=base)
    assert f.severity is Severity.MEDIUM and f.tag == "moved" and f.evidence["known_arfcn"] == 10


def test_known_with_another_bsic(net: list) -> None:
    base = baseline_of(net)
    moved = cell(10, bsic=(net[0].bsic + 1) % 64)
    assert [f.tag for f in findings(UnknownCell(), moved, net[1:], baseline=base)] == ["bsic"]


def test_no_baseline_or_network_absent_from_it(net: list) -> None:
    assert findings(UnknownCell(), cell(40, ci=7777), net) == []
    other = Baseline.memory()
    other.learn(network(mnc="01"))
    assert findings(UnknownCell(), cell(40, ci=7777), net, baseline=other) == []


def test_csv_baseline_has_no_channel_so_only_unknown_counts(net: list, tmp_path) -> None:  # noqa: ANN001
    csv = tmp_path / "ocid.csv"
    rows = [f"GSM,460,0,{c.lac},{c.ci},0,116.4,39.9,1000,5,1,0,0,0" for c in net]
    csv.write_text("radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n"
                   + "\n".join(rows) + "\n")
    base = Baseline.memory()
    base.import_csv(csv)
    assert findings(UnknownCell(), cell(40, ci=net[0].ci), net[1:], baseline=base) == []  # known CGI, any channel
    assert [f.severity for f in findings(UnknownCell(), cell(40, ci=9999), net, baseline=base)] == [Severity.MEDIUM]
