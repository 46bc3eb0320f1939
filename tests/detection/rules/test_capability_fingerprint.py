from sdrscan.detection.event import Severity
from sdrscan.detection.rules.capability_fingerprint import CapabilityFingerprint
from tests.detection.factory import cell, findings, network


def test_one_transceiver_box_lacks_almost_everything() -> None:
    net = network(si2ter_indicator=True)
    box = cell(40, gprs=False, si2ter_indicator=False, si2quater_indicator=False, cell_arfcns=(40,), ccch_conf=1)
    (f,) = findings(CapabilityFingerprint(), box, net)
    assert f.severity is Severity.MEDIUM
    assert f.evidence["missing"] == ["gprs", "si2ter", "si2quater", "multi_carrier", "separate_ccch"]


def test_small_cell_is_low() -> None:
    (f,) = findings(CapabilityFingerprint(), cell(40, cell_arfcns=(40,), ccch_conf=1), network())
    assert f.severity is Severity.LOW and f.evidence["missing"] == ["multi_carrier", "separate_ccch"]


def test_features_the_operator_does_not_have_are_not_missing() -> None:
    net = network()  # si2ter_indicator False everywhere
    assert findings(CapabilityFingerprint(), cell(40, si2ter_indicator=False), net) == []
    mixed = network(gprs=False)[:2] + network((20, 22, 24, 26))  # 4 of 6 = 67 % have GPRS
    assert findings(CapabilityFingerprint(), cell(40, gprs=False), mixed) == []


def test_unknown_values_are_not_missing() -> None:
    assert findings(CapabilityFingerprint(), cell(40, cell_arfcns=None, ccch_conf=None, gprs=None), network()) == []
