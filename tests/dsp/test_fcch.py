"""FCCH search: a tone burst found anywhere in the band, spurs and GMSK data not mistaken for one."""

import numpy as np
import pytest

from dsp.constants import FCCH_TONE_HZ
from dsp.fcch import find_tones, refine_fcch, tone_spectrogram
from tests.naive.rx_signals import gmsk_modulate_naive


def _fcch_signal(rate_sps: int, rng: np.random.Generator) -> np.ndarray:
    bits = np.concatenate([rng.integers(0, 2, 400), np.zeros(148, np.int64), rng.integers(0, 2, 400)])
    return gmsk_modulate_naive(bits, rate_sps)


def test_fcch_tone_found_with_large_offset() -> None:
    rng = np.random.default_rng(0)
    sps = 4
    rate = sps * 1625000 / 6
    x = _fcch_signal(sps, rng)
    offset = 47e3  # 50 ppm at 950 MHz
    x = x * np.exp(2j * np.pi * offset * np.arange(x.size) / rate)
    x = x + (rng.standard_normal(x.size) + 1j * rng.standard_normal(x.size)) * 0.3
    spec = tone_spectrogram(x.astype(np.complex64), rate)
    hits = find_tones(spec)
    assert hits, "FCCH not found"
    best = max(hits, key=lambda h: h.ratio)
    assert abs(best.freq_hz - (FCCH_TONE_HZ + offset)) < 1.5e3
    t_ms = spec.frame_starts[best.frame] / rate * 1e3
    assert abs(t_ms - 400 / 270.833) < 0.6  # the burst starts after 400 symbols


def test_refine_gives_start_and_frequency() -> None:
    rng = np.random.default_rng(1)
    sps = 2
    rate = sps * 1625000 / 6
    x = _fcch_signal(sps, rng)
    cfo = 230.0
    x = (x * np.exp(2j * np.pi * cfo * np.arange(x.size) / rate)).astype(np.complex64)
    fix = refine_fcch(x, rate, sps, 700, 900, freq_guess_hz=0.0)
    assert fix is not None
    # The tone can begin a symbol or two early when the preceding data bits happen to be zeros too.
    assert abs(fix.start - 800) <= 3 * sps
    assert abs(fix.freq_offset_hz - cfo) < 20
    assert fix.quality > 0.8


def test_gmsk_data_and_noise_give_no_strong_tone() -> None:
    rng = np.random.default_rng(2)
    rate = 4 * 1625000 / 6
    x = gmsk_modulate_naive(rng.integers(0, 2, 3000), 4)
    x = x + (rng.standard_normal(x.size) + 1j * rng.standard_normal(x.size)) * 0.3
    hits = find_tones(tone_spectrogram(x.astype(np.complex64), rate), threshold=40.0)
    assert hits == []


def test_tone_ratio_kernel_matches_a_literal_loop() -> None:
    from dsp._kernels.fcch import tone_ratio

    rng = np.random.default_rng(4)
    power = rng.exponential(1.0, (3, 40)).astype(np.float32)
    half, excl = 6, 2
    out = np.empty_like(power)
    tone_ratio(power, half, excl, out)
    for t in range(3):
        for i in range(40):
            neigh = [power[t, j] for j in range(max(0, i - half), min(40, i + half + 1)) if abs(j - i) > excl]
            assert out[t, i] == pytest.approx(power[t, i] / np.mean(neigh), rel=1e-5)


def test_sliding_energy_kernel_matches_numpy() -> None:
    from dsp._kernels.fcch import sliding_tone_energy

    rng = np.random.default_rng(5)
    z = rng.standard_normal(200) + 1j * rng.standard_normal(200)
    out = np.empty(200 - 30 + 1)
    sliding_tone_energy(z, 30, out)
    ref = [abs(np.sum(z[m:m + 30])) ** 2 for m in range(out.size)]
    np.testing.assert_allclose(out, ref, rtol=1e-9)
