"""The fast-convolution filter bank against a plain mixer + filter + resampler."""

import numpy as np
import pytest

from dsp.channelizer import block_spectra, extract_channel, plan_channelizer
from dsp.constants import SYMBOL_RATE_HZ
from sdrscan.errors import DspParameterError
from sdrscan.pipeline.channelizer import StreamingChannelizer
from tests.naive.rx_reference import channel_by_mixing

RATES = [1.0e6, 1625e3 / 1.5, 2.048e6, 2.4e6, 3.2e6, 0.5e6, 64e6 / 118]


@pytest.mark.parametrize("rate", RATES)
def test_plan_is_exact_and_consistent(rate: float) -> None:
    p = plan_channelizer(rate)
    assert abs(p.rate_error_ppm) < 0.01
    assert p.out_rate_hz == pytest.approx(2 * SYMBOL_RATE_HZ, rel=1e-8)
    assert p.fft_size == p.hop + p.overlap
    assert p.out_per_block * p.fft_size == p.hop * p.out_fft_size
    assert p.keep_start * 2 + p.out_per_block == p.out_fft_size


@pytest.mark.parametrize("rate", [1.0e6, 2.048e6, 2.4e6])
def test_matches_mixer_filter_resampler(rate: float) -> None:
    rng = np.random.default_rng(1)
    p = plan_channelizer(rate)
    n = p.hop * 30
    x = ((rng.standard_normal(n) + 1j * rng.standard_normal(n)) / np.sqrt(2)).astype(np.complex64)
    offset = 0.3 * rate
    k, _ = p.centre_bin(offset)
    stream = StreamingChannelizer(p)
    got = []
    for part in np.array_split(x, 7):  # uneven chunks: the stream must not care
        stream.push(part)
        got.append(stream.extract(k))
    stream.flush()
    got.append(stream.extract(k))
    y = np.concatenate(got)
    ref = channel_by_mixing(x, rate, k * p.bin_hz, p.out_rate_hz, p.filter.astype(float), lead=0)
    m = min(y.size, ref.size) - 200
    a, b = y[200:m], ref[200:m]
    err = np.sqrt(np.mean(np.abs(a - b) ** 2) / np.mean(np.abs(b) ** 2))
    assert err < 0.02


def test_adjacent_channel_is_rejected() -> None:
    rate = 2.4e6
    p = plan_channelizer(rate)
    t = np.arange(p.hop * 20 + p.overlap)
    x = np.exp(2j * np.pi * 200e3 * t / rate).astype(np.complex64)  # next channel up
    y = extract_channel(block_spectra(x, p), p, 0, 0)
    assert 20 * np.log10(np.max(np.abs(y[100:])) + 1e-12) < -60


def test_rejects_unusable_rates() -> None:
    for bad in (100e3, 50e6, float("nan")):
        with pytest.raises(DspParameterError):
            plan_channelizer(bad)
