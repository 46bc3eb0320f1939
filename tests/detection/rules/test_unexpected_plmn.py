from sdrscan.detection.event import Severity
from sdrscan.detection.profile import load_profile
from sdrscan.detection.rules.unexpected_plmn import UnexpectedPlmn
from tests.detection.factory import cell, findings

CHINA = load_profile("china")


def test_test_network_code_is_high_even_without_profile() -> None:
    (f,) = findings(UnexpectedPlmn(), cell(40, mcc=1, mnc="01"))
    assert f.severity is Severity.HIGH and f.tag == "test" and "001-01" in f.message


def test_foreign_country_and_unknown_operator() -> None:
    (f,) = findings(UnexpectedPlmn(), cell(40, mcc=262, mnc="01"), profile=CHINA)
    assert (f.severity, f.tag) == (Severity.MEDIUM, "country")
    (f,) = findings(UnexpectedPlmn(), cell(40, mcc=460, mnc="03"), profile=CHINA)
    assert (f.severity, f.tag) == (Severity.MEDIUM, "operator") and "China Mobile" in str(f.evidence["operators"])


def test_every_chinese_gsm_operator_code_is_expected() -> None:
    for mnc in ("00", "02", "04", "07", "08", "01", "06", "09"):
        assert findings(UnexpectedPlmn(), cell(40, mnc=mnc), profile=CHINA) == []


def test_without_profile_only_test_codes() -> None:
    assert findings(UnexpectedPlmn(), cell(40, mcc=262, mnc="01")) == []
    assert findings(UnexpectedPlmn(), cell(40, mcc=None, mnc=None)) == []
