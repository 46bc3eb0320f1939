"""The receiver on signals from our transmitter: every decoded block must be one that was sent, at its FN.

The transmitter shares no code with the receiver's demodulator (GMSK modulation vs a Laurent-linearised
MLSE; channel coding is shared but is checked separately against real bursts). Each scene is short (about
1-1.5 s, 5-7 51-multiframes) so the whole file runs in CI; the long sensitivity curves are in
``bench/bench_receiver.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from dsp.constants import HYPERFRAME
from sdrscan.pipeline.receiver import Receiver
from sdrscan.pipeline.records import L2Frame
from sdrscan.synth.run import synthesize_array
from sdrscan.synth.scene import parse_scene


def decode(samples: np.ndarray, rate: float, fc: float, block: int = 200_000) -> tuple[list[L2Frame], Receiver]:
    rx = Receiver(rate, fc)
    frames: list[L2Frame] = []
    for i in range(0, samples.size, block):
        frames.extend(rx.process(samples[i:i + block]))
    frames.extend(rx.finish())
    return frames, rx


def check(truth: dict[str, Any], frames: list[L2Frame], min_share: float) -> dict[int, float]:
    """No wrong block, ever; per cell at least ``min_share`` of the blocks sent; returns the shares."""
    shares = {}
    by_arfcn: dict[int, list[L2Frame]] = {}
    for f in frames:
        by_arfcn.setdefault(f.arfcn, []).append(f)
    assert set(by_arfcn) <= {c["arfcn"] for c in truth["cells"]}, "a carrier was invented"
    for cell in truth["cells"]:
        sent = {b["fn"]: b["hex"] for b in cell["bcch"] + cell["ccch"]}
        got = by_arfcn.get(cell["arfcn"], [])
        wrong = [f for f in got if sent.get(f.fn) != f.data.hex()]
        assert not wrong, f"ARFCN {cell['arfcn']}: {len(wrong)} blocks differ from what was sent: {wrong[:2]}"
        assert all(f.bsic == cell["bsic"] for f in got)
        shares[cell["arfcn"]] = len(got) / max(1, len(sent))
        assert shares[cell["arfcn"]] >= min_share, (cell["arfcn"], shares[cell["arfcn"]], len(got), len(sent))
    return shares


def scene(cells: list[dict[str, Any]], **top: Any) -> Any:
    doc = {"duration": 1.3, "snr": 25, "datatype": "cf32_le", **top, "cells": cells}
    return parse_scene(doc)


CELL = {"arfcn": 62, "power_db": -15, "bsic": 21, "mcc": 460, "mnc": "00", "lac": 9001, "ci": 4242}


@pytest.mark.parametrize("rate", [1.0e6, 1625e3 / 1.5, 2.048e6, 2.4e6])
def test_rates(rate: float) -> None:
    sc = scene([CELL], rate=rate, ppm=7.5)
    x, truth = synthesize_array(sc, seed=11)
    frames, rx = decode(x, sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.85)
    assert rx.carrier_stats()[0].bsic == 21


@pytest.mark.parametrize("ppm", [-50.0, 50.0])
def test_crystal_error_of_50_ppm_is_found_and_measured(ppm: float) -> None:
    # Carriers at 947-948 MHz: 50 ppm is 47 kHz, so the FCCH tone of a carrier lands beyond its channel edge.
    cells = [dict(CELL, arfcn=60, bsic=9), dict(CELL, arfcn=64, bsic=10, power_db=-20)]
    sc = scene(cells, rate=2.4e6, ppm=ppm, fc=947.4e6)
    x, truth = synthesize_array(sc, seed=5)
    frames, rx = decode(x, sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.85)
    crystal = rx.locked_crystal()
    assert crystal is not None and crystal.carriers_agreeing == 2
    # Our sign: positive = the dongle tunes high, carriers appear low. The scene's ppm is the same quantity.
    assert abs(crystal.ppm - ppm) < 1.0


def test_low_snr() -> None:
    sc = scene([CELL], rate=1625e3 / 1.5, snr=6, duration=1.5)
    x, truth = synthesize_array(sc, seed=3)
    frames, _ = decode(x, sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.75)


def test_typical_urban_multipath() -> None:
    sc = scene([dict(CELL, multipath="TU6")], rate=1625e3 / 1.5, snr=16)
    x, truth = synthesize_array(sc, seed=8)
    frames, _ = decode(x, sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.8)


def test_combined_ccch_and_three_digit_mnc() -> None:
    cell = dict(CELL, ccch_conf=1, bs_ag_blks_res=1, mcc=310, mnc="260")
    sc = scene([cell], rate=2.048e6, duration=1.5)
    x, truth = synthesize_array(sc, seed=2)
    frames, rx = decode(x, sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.85)
    stats = rx.carrier_stats()[0]
    assert stats.ccch_combined is True
    assert stats.blocks_failed == 0 and stats.blocks_idle > 0  # idle SDCCH/4 and SACCH/C4 are not failures
    assert {f.channel for f in frames} <= {"BCCH", "CCCH"}


def test_several_cells_in_one_capture_with_adjacent_channels() -> None:
    cells = [
        dict(CELL, arfcn=1000, bsic=1, power_db=-12),
        dict(CELL, arfcn=1001, bsic=2, power_db=-24),  # 12 dB below its adjacent neighbour
        dict(CELL, arfcn=1004, bsic=3, power_db=-20, ccch_conf=1),
        dict(CELL, arfcn=1007, bsic=4, power_db=-18, mnc="001", mcc=1),
    ]
    sc = scene(cells, rate=2.4e6, ppm=-21, datatype="cu8", dc_offset=[0.01, -0.02])
    x, truth = synthesize_array(sc, seed=4)
    frames, rx = decode(x, sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.8)
    assert sorted(s.arfcn for s in rx.carrier_stats()) == [1000, 1001, 1004, 1007]


def test_frame_number_wraps_at_the_hyperframe() -> None:
    sc = scene([dict(CELL, start_fn=HYPERFRAME - 120)], rate=1625e3 / 1.5, duration=1.3)
    x, truth = synthesize_array(sc, seed=6)
    frames, _ = decode(x, sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.85)
    fns = [f.fn for f in frames]
    assert max(fns) > HYPERFRAME - 100 and min(fns) < 100  # both sides of the wrap came out


def test_noise_only_invents_nothing() -> None:
    rng = np.random.default_rng(0)
    x = ((rng.standard_normal(1_200_000) + 1j * rng.standard_normal(1_200_000)) * 0.05).astype(np.complex64)
    frames, rx = decode(x, 2.4e6, 947.4e6)
    assert frames == [] and rx.carrier_stats() == []


def test_tracks_a_drifting_crystal_at_low_snr_without_losing_lock() -> None:
    """An RTL-SDR warming up drifts by ppm over minutes. 50 Hz/s for 30 s is 1.5 kHz (1.6 ppm at 950 MHz),
    far beyond the +-108 Hz a frame-to-frame phase tracker sees, at 4 dB SNR where gr-gsm's AFC loses lock."""
    sc = scene([CELL], rate=1625e3 / 1.5, snr=4, duration=30.0)
    x, truth = synthesize_array(sc, seed=21)
    t = np.arange(x.size) / sc.rate_hz
    drift_hz_per_s = 50.0
    x = (x * np.exp(1j * np.pi * drift_hz_per_s * t * t)).astype(np.complex64)
    frames, rx = decode(x, sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.95)
    stats = rx.carrier_stats()[0]
    assert stats.lock_losses == 0
    assert abs(stats.freq_offset_hz - drift_hz_per_s * t[-1]) < 60  # it followed the drift to the end


@pytest.mark.parametrize("offset_hz", [-320e3, 320e3])
def test_carriers_near_either_band_edge(offset_hz: float) -> None:
    # At 1 MS/s a carrier 320 kHz above the centre has its FCCH tone at 388 kHz: still inside the capture.
    carrier = 935.2e6 + 0.2e6 * (CELL["arfcn"] - 1)
    sc = scene([CELL], rate=1.0e6, fc=carrier - offset_hz)
    x, truth = synthesize_array(sc, seed=12)
    frames, _ = decode(x, sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.85)


def test_a_copy_of_a_cell_elsewhere_in_the_band_is_not_a_second_cell() -> None:
    # An 8-bit dongle at too low a gain, or an IQ-imbalance image, shows a strong cell again elsewhere:
    # same BSIC, same bursts at the same instants. It must come out once, or a clone rule would fire.
    sc = scene([CELL], rate=2.4e6, fc=935.2e6 + 0.2e6 * (CELL["arfcn"] - 1) - 400e3)
    x, truth = synthesize_array(sc, seed=13)
    t = np.arange(x.size) / sc.rate_hz
    copy = 0.1 * x * np.exp(-2j * np.pi * 800e3 * t)  # -20 dB, 800 kHz lower: ARFCN 58
    frames, rx = decode((x + copy).astype(np.complex64), sc.rate_hz, sc.fc_hz)
    check(truth, frames, 0.85)
    assert [s.arfcn for s in rx.carrier_stats()] == [CELL["arfcn"]]
    assert rx.copies_dropped >= 1


def test_a_known_crystal_error_resolves_a_lone_dcs_carrier() -> None:
    # At 1.85 GHz, 45 ppm is 83 kHz: alone, the carrier looks closer to the next channel down's raster.
    cell = dict(CELL, arfcn=700, mcc=262, mnc="02")
    sc = scene([cell], rate=2.4e6, ppm=45.0)
    x, truth = synthesize_array(sc, seed=14)
    from sdrscan.pipeline.receiver import ReceiverConfig

    rx = Receiver(sc.rate_hz, sc.fc_hz, ReceiverConfig(crystal_ppm=44.0))
    frames = rx.process(x) + rx.finish()
    check(truth, frames, 0.85)
    assert [s.arfcn for s in rx.carrier_stats()] == [700]
