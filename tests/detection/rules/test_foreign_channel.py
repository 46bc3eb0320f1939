from sdrscan.detection.event import Severity
from sdrscan.detection.profile import load_profile
from sdrscan.detection.rules.foreign_channel import ForeignChannel
from tests.detection.factory import cell, findings

CHINA = load_profile("china")


def test_china_mobile_on_a_china_unicom_channel() -> None:
    (f,) = findings(ForeignChannel(), cell(110, mnc="00"), profile=CHINA)
    assert f.severity is Severity.MEDIUM and f.evidence["owned_by"] == ["China Unicom"]


def test_outside_every_block() -> None:
    (f,) = findings(ForeignChannel(), cell(800, mnc="01"), profile=CHINA)
    assert f.evidence["owned_by"] == []


def test_own_blocks_and_no_profile() -> None:
    assert findings(ForeignChannel(), cell(60, mnc="00"), profile=CHINA) == []
    assert findings(ForeignChannel(), cell(1010, mnc="02"), profile=CHINA) == []
    assert findings(ForeignChannel(), cell(540, mnc="00"), profile=CHINA) == []
    assert findings(ForeignChannel(), cell(700, mnc="01"), profile=CHINA) == []
    assert findings(ForeignChannel(), cell(110, mnc="00")) == []
    assert findings(ForeignChannel(), cell(110, mcc=262, mnc="01"), profile=CHINA) == []  # not an operator of it
