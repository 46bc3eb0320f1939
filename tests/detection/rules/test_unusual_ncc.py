from sdrscan.detection.event import Severity
from sdrscan.detection.profile import Operator, Profile
from sdrscan.detection.rules.unusual_ncc import UnusualNcc
from tests.detection.factory import cell, findings

NET = [cell(a, bsic=8 * (a % 2) + 3, ncc_permitted=0b11) for a in range(10, 18)]  # NCC 0 and 1, 8 cells


def test_ncc_none_of_the_peers_use() -> None:
    (f,) = findings(UnusualNcc(), cell(40, bsic=8 * 5 + 1, ncc_permitted=0b11), NET)
    assert f.severity is Severity.LOW and f.tag == "learned" and f.evidence["peer_nccs"] == [0, 1]
    assert abs(f.evidence["chance"] - (2 / 3) ** 8) < 1e-12  # 3.9 %: below the 5 % bound


def test_too_few_peers_for_the_learned_check() -> None:
    # seven cells with NCC 0/1 miss a third NCC of the operator with probability (2/3)**7 = 5.9 %: not enough
    assert [f.tag for f in findings(UnusualNcc(), cell(40, bsic=8 * 5 + 1), NET[:7])] == ["permitted"]


def test_ncc_in_use_is_silent() -> None:
    assert findings(UnusualNcc(), cell(40, bsic=8 * 1 + 6), NET) == []


def test_profile_list_wins() -> None:
    prof = Profile("x", "x", (460,), (Operator("Op", 460, ("00",), (), (2, 3)),))
    (f,) = findings(UnusualNcc(), cell(40, bsic=8 * 1), NET, profile=prof)
    assert f.severity is Severity.MEDIUM and f.tag == "profile"
    assert findings(UnusualNcc(), cell(40, bsic=8 * 3), NET, profile=prof) == []


def test_ncc_permitted_when_peers_use_many_nccs() -> None:
    many = [cell(a, bsic=8 * (a % 6), ncc_permitted=0b0011_1111) for a in range(10, 22)]  # NCC 0..5 in use
    (f,) = findings(UnusualNcc(), cell(40, bsic=8 * 7), many)
    assert f.tag == "permitted" and f.severity is Severity.LOW
    all_ones = [cell(a, bsic=8 * (a % 6), ncc_permitted=0xFF) for a in range(10, 22)]
    assert findings(UnusualNcc(), cell(40, bsic=8 * 7), all_ones) == []
