"""The MLSE equalizer against brute force, and burst demodulation on GMSK from a literal modulator."""

import numpy as np
import pytest

from dsp._kernels.mlse import N_TAPS, mlse_soft
from dsp.constants import TSC_BITS
from dsp.equalizer import demodulate_bursts, dummy_burst_layout, normal_burst_layout, sch_burst_layout
from sdrscan.errors import DspParameterError
from tests.naive.rx_reference import brute_force_llr
from tests.naive.rx_signals import gmsk_modulate_naive


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_max_log_map_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 5
    h = (rng.standard_normal(N_TAPS) + 1j * rng.standard_normal(N_TAPS)) / 2
    known = np.array([0, -1, -1, 1, -1], np.int8)
    obs = (rng.standard_normal(n + 4) + 1j * rng.standard_normal(n + 4)).astype(np.complex128)
    soft = np.zeros(n, np.float32)
    # delay 2: obs[t] is z[j + 2] with j = t - 2, the observation whose newest symbol is j.
    mlse_soft(obs, 2, h.astype(np.complex128), known, n, 0.5, soft)
    ref = brute_force_llr(obs, h, known, 0.5)
    unknown = known < 0
    np.testing.assert_allclose(soft[unknown], ref[unknown], rtol=1e-4, atol=1e-4)


def _burst(rng: np.random.Generator, tsc: int) -> np.ndarray:
    b = rng.integers(0, 2, 148).astype(np.uint8)
    b[:3] = 0
    b[-3:] = 0
    b[61:87] = TSC_BITS[tsc]
    return b


@pytest.mark.parametrize("sps", [1, 2])
def test_normal_bursts_demodulate_with_unknown_phase_timing_and_offset(sps: int) -> None:
    rng = np.random.default_rng(7)
    rate = sps * 1625000 / 6
    errors = total = 0
    for _ in range(12):
        b = _burst(rng, 5)
        bits = np.concatenate([rng.integers(0, 2, 30), b, rng.integers(0, 2, 30)])
        x = gmsk_modulate_naive(bits, sps) * np.exp(1j * rng.uniform(0, 2 * np.pi))
        cfo = rng.uniform(-150, 150)
        x = x * np.exp(2j * np.pi * cfo * np.arange(x.size) / rate)
        noise = (rng.standard_normal(x.size) + 1j * rng.standard_normal(x.size)) * np.sqrt(0.5 / 10 ** 1.2)
        start = 30 * sps + rng.uniform(-1.5, 1.5) * sps
        r = demodulate_bursts((x + noise).astype(np.complex64), np.array([start]), cfo, rate, sps,
                              normal_burst_layout(5))
        hard = (r.soft[0] > 0).astype(np.uint8)
        data = np.r_[3:61, 87:145]
        errors += int(np.sum(hard[data] != b[data]))
        total += data.size
        assert r.snr_lin[0] > 5
    assert errors / total < 2e-3


def test_sch_and_dummy_layouts_fit_only_their_own_bursts() -> None:
    rng = np.random.default_rng(3)
    from dsp.constants import DUMMY_BURST_BITS, SCH_TRAINING_BITS

    sch = rng.integers(0, 2, 148).astype(np.uint8)
    sch[:3] = 0
    sch[-3:] = 0
    sch[42:106] = SCH_TRAINING_BITS
    rate = 2 * 1625000 / 6
    for bits, good, bad in [(sch, sch_burst_layout(), dummy_burst_layout()),
                            (DUMMY_BURST_BITS, dummy_burst_layout(), normal_burst_layout(0))]:
        full = np.concatenate([rng.integers(0, 2, 20), bits, rng.integers(0, 2, 20)])
        x = gmsk_modulate_naive(full, 2)
        ok = demodulate_bursts(x, np.array([40.0]), 0.0, rate, 2, good)
        ko = demodulate_bursts(x, np.array([40.0]), 0.0, rate, 2, bad)
        assert ok.snr_lin[0] > 20 * max(ko.snr_lin[0], 1e-3)


def test_wrapper_rejects_bad_arguments() -> None:
    with pytest.raises(DspParameterError):
        normal_burst_layout(8)
    with pytest.raises(DspParameterError):
        demodulate_bursts(np.zeros((2, 2), np.complex64), np.array([0.0]), 0.0, 1e6, 2, normal_burst_layout(0))


def test_training_fit_agrees_with_the_demodulator_estimate() -> None:
    from dsp.equalizer import training_fit

    rng = np.random.default_rng(9)
    b = _burst(rng, 2)
    x = gmsk_modulate_naive(np.concatenate([rng.integers(0, 2, 30), b, rng.integers(0, 2, 30)]), 2)
    x = (x + (rng.standard_normal(x.size) + 1j * rng.standard_normal(x.size)) * 0.1).astype(np.complex64)
    starts = np.array([60.0])
    full = demodulate_bursts(x, starts, 0.0, 2 * 1625e3 / 6, 2, normal_burst_layout(2))
    fit = training_fit(x, starts, 0.0, 2 * 1625e3 / 6, 2, normal_burst_layout(2))
    assert fit[0] == pytest.approx(full.snr_lin[0], rel=1e-9)
