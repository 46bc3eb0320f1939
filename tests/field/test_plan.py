"""Sweep planning: coverage of the band plan (TS 45.005 §2), hop widths, DC placement, tuner reach."""

from __future__ import annotations

import pytest

from sdrscan.errors import ConfigError
from sdrscan.field.plan import plan_sweep, resolve_bands, usable_halfwidth_hz
from sdrscan.gsm.arfcn import BANDS
from sdrscan.sources.live import TUNERS, tuner_by_name


@pytest.mark.parametrize("band,plan_name,count", [("GSM900", "E-GSM900", 174), ("GSM850", "GSM850", 124)])
def test_every_channel_of_the_band_is_in_exactly_one_hop(band: str, plan_name: str, count: int) -> None:
    plan = plan_sweep(band, 2.4e6)
    arfcns = [a for h in plan.hops for a in h.arfcns]
    assert sorted(arfcns) == sorted(BANDS[plan_name].arfcns())
    assert len(arfcns) == len(set(arfcns)) == count
    assert plan.unreachable == () and plan.notes == ()


def test_egsm900_at_2_4_msps_takes_18_hops_of_10_channels_between_channels() -> None:
    plan = plan_sweep("GSM900", 2.4e6)
    assert len(plan.hops) == 18  # the physical floor: 18 hops x 1.9 s
    band = BANDS["E-GSM900"]
    half = usable_halfwidth_hz(2.4e6, 959.8e6)
    for hop in plan.hops:
        offsets = [band.downlink_hz(a) - hop.center_freq_hz for a in hop.arfcns]
        assert max(abs(o) for o in offsets) <= half  # room for +-50 ppm before calibration
        # The centre sits half a channel from the raster: no carrier at DC.
        assert min(abs(o) for o in offsets) == pytest.approx(100e3)
    assert [len(h.arfcns) for h in plan.hops[:-1]] == [10] * 17


def test_lower_rates_need_more_hops() -> None:
    assert len(plan_sweep("GSM900", 2.048e6).hops) > len(plan_sweep("GSM900", 2.4e6).hops)


def test_dcs1800_is_out_of_reach_of_an_r820t_and_says_so() -> None:
    with pytest.raises(ConfigError) as err:
        plan_sweep("DCS1800", 2.4e6, tuner_by_name("R820T"))
    msg = str(err.value)
    assert "1805.2-1879.8 MHz" in msg and "R820T" in msg and "1766" in msg and "\n" not in msg


def test_all_bands_with_an_r820t_skip_dcs_and_pcs_with_notes() -> None:
    plan = plan_sweep("ALL", 2.4e6, TUNERS[5])
    assert {h.band for h in plan.hops} == {"GSM850", "E-GSM900"}
    assert [b for b, _ in plan.unreachable] == ["DCS1800", "PCS1900"]
    assert all("E4000" in n for n in plan.notes)


def test_an_e4000_reaches_dcs1800_with_the_band_for_arfcn_512_810() -> None:
    plan = plan_sweep("DCS1800", 2.4e6, tuner_by_name("E4000"))
    assert plan.channels == 374 and plan.unreachable == ()
    assert {h.receiver_band for h in plan.hops} == {"DCS1800"}


def test_a_tuner_that_stops_inside_the_band_covers_what_it_can() -> None:
    plan = plan_sweep("GSM900", 2.4e6, tuner_by_name("FC0012"))  # 22-948.6 MHz
    reach = max(h.center_freq_hz for h in plan.hops)
    assert reach <= 948.6e6
    (band, missing), = plan.unreachable
    top = max(BANDS["E-GSM900"].downlink_hz(a) for h in plan.hops for a in h.arfcns)
    assert band == "E-GSM900" and all(BANDS["E-GSM900"].downlink_hz(a) > top for a in missing)


def test_band_names() -> None:
    assert resolve_bands("gsm900") == ("E-GSM900",)
    assert resolve_bands(["GSM850", "EGSM"]) == ("GSM850", "E-GSM900")
    with pytest.raises(ConfigError, match="expected one of"):
        resolve_bands("LTE")
    with pytest.raises(ConfigError, match="too low"):
        plan_sweep("GSM900", 0.25e6)
