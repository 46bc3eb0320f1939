from sdrscan.detection.event import Severity
from sdrscan.detection.params import ms_txpwr_max_dbm, rxlev_dbm
from sdrscan.detection.rules.access_parameters import AccessParameters
from tests.detection.factory import cell, findings, network


def test_rxlev_access_min_below_every_peer() -> None:
    net = [cell(a, rxlev_access_min=v) for a, v in zip((10, 12, 14, 16, 18), (8, 10, 6, 8, 12), strict=True)]
    (f,) = findings(AccessParameters(), cell(40, rxlev_access_min=0), net)
    assert f.severity is Severity.LOW and f.tag == "rxlev"
    assert f.evidence["rxlev_access_min_dbm"] == -110 and f.evidence["peers_min_dbm"] == -104
    assert findings(AccessParameters(), cell(40, rxlev_access_min=2), net) == []  # 4 dB below: within margin


def test_ms_power_above_every_peer() -> None:
    (f,) = findings(AccessParameters(), cell(40, ms_txpwr_max_cch=2), network())  # 39 dBm vs 33 dBm
    assert f.tag == "txpwr" and f.evidence["ms_txpwr_max_dbm"] == 39 and f.evidence["peers_max_dbm"] == 33


def test_compares_within_the_band_only() -> None:
    dcs = [cell(a, ms_txpwr_max_cch=0, rxlev_access_min=20) for a in (600, 602, 604, 606)]
    assert findings(AccessParameters(), cell(40, ms_txpwr_max_cch=5, rxlev_access_min=8), dcs) == []


def test_too_few_peers() -> None:
    assert findings(AccessParameters(), cell(40, rxlev_access_min=0), network((10, 12, 14))) == []


def test_units() -> None:
    # TS 45.008 §8.1.4 and TS 45.005 §4.1.1
    assert rxlev_dbm(0) == -110 and rxlev_dbm(63) == -47
    assert [ms_txpwr_max_dbm(c, "900") for c in (0, 2, 3, 5, 19, 31)] == [39, 39, 37, 33, 5, 5]
    assert [ms_txpwr_max_dbm(c, "1800") for c in (0, 15, 28, 29, 31)] == [30, 0, 0, 36, 32]
    assert [ms_txpwr_max_dbm(c, "1900") for c in (0, 15, 30, 31)] == [30, 0, 33, 32]
