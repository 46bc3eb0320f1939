import numpy as np
import pytest

from sdrscan.detection.event import Severity
from sdrscan.detection.rules.imsi_paging import ImsiPaging, wilson_lower
from tests.detection.factory import ccch, cell, findings, severities


@pytest.mark.parametrize(("imsi", "tmsi", "expected"), [
    (30, 10, [Severity.MEDIUM]), (40, 0, [Severity.MEDIUM]), (60, 40, [Severity.MEDIUM]), (55, 45, [Severity.LOW]),
    (10, 10, [Severity.LOW]), (40, 60, [Severity.LOW]), (10, 30, []), (4, 36, []), (0, 100, []),
    (15, 0, [])])  # 15 identities: too few to judge
def test_imsi_share(imsi: int, tmsi: int, expected: list[Severity]) -> None:
    assert severities(findings(ImsiPaging(), cell(40, ccch=ccch(imsi=imsi, tmsi=tmsi)))) == expected


def test_wilson_bound_against_known_values() -> None:
    # Wilson (1927) score interval, z = 1.96: 0 of 10 -> [0, 0.278]; 5 of 10 -> [0.237, 0.763].
    assert wilson_lower(0, 10, 1.96) == 0.0
    assert wilson_lower(5, 10, 1.96) == pytest.approx(0.2366, abs=1e-3)
    assert wilson_lower(50, 100, 0.0) == 0.5  # z = 0 is the point estimate


def test_a_live_survey_judged_often_does_not_fire_on_a_normal_network() -> None:
    # 400 cells of a network paging 10 % of phones by IMSI, each judged after every new identity from the 20th
    # to the 1000th (a live service judges every 0.5 s). The point estimate crosses 25 % by chance on about
    # 5 % of them (P(>= 5 of 20) alone is 4.3 %); the 95 % lower bound must (almost) never.
    rng = np.random.default_rng(1)
    rule = ImsiPaging()
    point = bounded = 0
    for _ in range(400):
        imsi = np.cumsum(rng.uniform(size=1000) < 0.10)
        n = np.arange(1, 1001)
        point += bool(np.any((imsi / n)[19:] >= 0.25))
        bounded += any(findings(rule, cell(40, ccch=ccch(imsi=int(imsi[k - 1]), tmsi=k - int(imsi[k - 1]))))
                       for k in range(20, 1001, 7))
    assert point >= 8  # version 1 (point estimate) would have raised these
    assert bounded <= 2
