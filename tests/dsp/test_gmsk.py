"""GMSK modulator (TS 45.004) and phase resampler against the slow continuous-time references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import signal

from dsp.constants import FCCH_BITS, FCCH_TONE_HZ, SYMBOL_RATE_HZ, TSC_BITS
from dsp.gmsk import (
    differential_encode,
    gmsk_modulate,
    gmsk_phase,
    gmsk_sample_taps,
    slot_nrz,
    tap_half_length,
)
from dsp.resample import render_phase
from sdrscan.errors import DspParameterError
from tests.synth.naive_gmsk import phase_at, slot_pieces


def _phase_error(fast: np.ndarray, ref: np.ndarray) -> float:
    """Largest deviation after removing the (arbitrary) constant phase offset, wrapped to (-pi, pi]."""
    d = np.angle(np.exp(1j * (np.asarray(fast) - np.asarray(ref))))
    d -= np.angle(np.mean(np.exp(1j * d)))
    return float(np.max(np.abs(np.angle(np.exp(1j * d)))))


def test_differential_encoding_spec_example() -> None:
    # TS 45.004 §2.3: a_i = 1 - 2 (d_i xor d_{i-1}).
    d = np.array([1, 1, 0, 1, 0, 0], np.uint8)
    assert differential_encode(d, prev_bit=1).tolist() == [1, 1, -1, -1, -1, 1]
    assert differential_encode(d, prev_bit=0).tolist() == [-1, 1, -1, -1, -1, 1]


def test_taps_are_a_unit_area_symmetric_pulse() -> None:
    for sps in (1, 4, 8):
        t = gmsk_sample_taps(sps)
        assert t.sum() == pytest.approx(1.0, abs=1e-15)
        # taps[i] = p(i - M), the area of the filtered rectangle [0, Ts) falling in [(j-1) Ts, j Ts):
        # largest at j = 1 and symmetric about it, p(j) == p(2 - j); p(-M) is the truncated tail.
        m = tap_half_length(t)
        j = np.arange(t.size) - m
        assert j[np.argmax(t)] == 1
        np.testing.assert_allclose(t[1:], t[1:][::-1], rtol=0, atol=1e-14)
        assert t[0] < 1e-9


@pytest.mark.parametrize("sps", [1, 4])
def test_modulate_matches_spec_formula(sps: int) -> None:
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 2, 24).astype(np.uint8)
    x = gmsk_modulate(bits, sps=sps)
    assert x.dtype == np.complex64 and x.size == bits.size * sps
    np.testing.assert_allclose(np.abs(x), 1.0, atol=1e-6)
    # Reference: pieces of one symbol each; idle +1 modulating values before and after (as documented).
    a = differential_encode(bits, prev_bit=1)
    pieces = [(float(i), float(i + 1), int(a[i])) for i in range(bits.size)]
    pieces = [(float(i), float(i + 1), 1) for i in range(-6, 0)] + pieces
    pieces += [(float(i), float(i + 1), 1) for i in range(bits.size, bits.size + 6)]
    t = np.arange(x.size) / sps
    ref = np.array([phase_at(float(tt), pieces) for tt in t])
    assert _phase_error(np.unwrap(np.angle(x.astype(np.complex128))), ref) < 2e-6


def test_slot_stream_quarter_symbols_match_spec_formula() -> None:
    """Four timeslots (625 samples each at sps 4): burst bits, 8 guard bits and the quarter symbol."""
    rng = np.random.default_rng(2)
    bursts = rng.integers(0, 2, (4, 148)).astype(np.uint8)
    bursts[1] = FCCH_BITS
    sps = 4
    nrz = slot_nrz(bursts, sps)
    assert nrz.size == 4 * 625
    taps = gmsk_sample_taps(sps)
    m = tap_half_length(taps)
    pad = np.ones(m + 1, np.int8)  # idle guard bits before slot 0 (a = +1)
    phase = gmsk_phase(np.concatenate([pad, nrz, np.ones(m, np.int8)]), sps, taps)
    assert phase.size == nrz.size
    pieces = [(float(i), float(i + 1), 1) for i in range(-6, 0)] + slot_pieces([list(b) for b in bursts])
    pieces += [(625.0 + i, 626.0 + i, 1) for i in range(6)]
    # Around each slot boundary (the quarter symbols accumulate: 0.25, 0.5, 0.75 of a symbol).
    idx = np.concatenate([np.arange(590, 640), np.arange(1240, 1260), np.arange(1865, 1880), [2400]])
    ref = np.array([phase_at(i / sps, pieces) for i in idx])
    assert _phase_error(phase[idx], ref) < 2e-7


def test_fcch_is_a_pure_tone_at_plus_67708_hz() -> None:
    sps = 4
    fs_hz = SYMBOL_RATE_HZ * sps
    x = gmsk_modulate(FCCH_BITS, sps=sps)
    core = x[8 * sps:-8 * sps].astype(np.complex128)  # away from the Gaussian edges of the burst
    inst_hz = np.diff(np.unwrap(np.angle(core))) * fs_hz / (2 * math.pi)
    np.testing.assert_allclose(inst_hz, FCCH_TONE_HZ, rtol=1e-6)
    assert FCCH_TONE_HZ == pytest.approx(67708.333, abs=1e-3)
    # And in the spectrum: the peak of a zero-padded FFT sits at +67.708 kHz (not at -67.708 kHz).
    n = 1 << 18
    spec = np.abs(np.fft.fft(core * np.hanning(core.size), n))
    f = np.fft.fftfreq(n, 1 / fs_hz)
    assert f[np.argmax(spec)] == pytest.approx(FCCH_TONE_HZ, abs=fs_hz / n)


def test_modulation_spectrum_meets_ts45005_mask() -> None:
    """TS 45.005 §4.2.1: GMSK modulation spectrum of a BTS, 30 kHz bandwidth, relative to the carrier."""
    rng = np.random.default_rng(3)
    sps = 8
    fs_hz = SYMBOL_RATE_HZ * sps
    x = gmsk_modulate(rng.integers(0, 2, 40000).astype(np.uint8), sps=sps).astype(np.complex128)
    f, psd = signal.welch(x, fs=fs_hz, nperseg=8192, return_onesided=False, window="blackmanharris")

    def in_30khz(f0: float) -> float:
        sel = np.abs(f - f0) <= 15e3
        return float(psd[sel].sum())

    ref = in_30khz(0.0)
    for off_hz, limit_db in ((200e3, -30.0), (250e3, -33.0), (400e3, -60.0)):
        for sign in (-1, 1):
            level_db = 10 * np.log10(in_30khz(sign * off_hz) / ref)
            assert level_db < limit_db, (off_hz * sign, level_db)


def test_slot_nrz_rejects_sps_that_split_quarter_symbols() -> None:
    with pytest.raises(DspParameterError, match="multiple of 4"):
        slot_nrz(np.zeros((1, 148), np.uint8), 2)
    with pytest.raises(DspParameterError, match="shape"):
        slot_nrz(np.zeros((1, 147), np.uint8), 4)
    with pytest.raises(DspParameterError, match="0 or 1"):
        slot_nrz(np.full((1, 148), 2, np.uint8), 4)


def test_render_phase_matches_spec_at_arbitrary_instants() -> None:
    """Phase interpolation from the 4-sps grid to 2.4 MS/s with a +37 ppm clock and a frequency shift."""
    rng = np.random.default_rng(4)
    sps = 4
    bursts = rng.integers(0, 2, (2, 148)).astype(np.uint8)
    bursts[0, 61:87] = TSC_BITS[3]
    nrz = slot_nrz(bursts, sps)
    taps = gmsk_sample_taps(sps)
    m = tap_half_length(taps)
    phase = gmsk_phase(np.concatenate([np.ones(m + 1, np.int8), nrz, np.ones(m, np.int8)]), sps, taps)
    grid_hz = SYMBOL_RATE_HZ * sps
    out_hz = 2.4e6 * (1 + 37e-6)
    du = grid_hz / out_hz
    u_first = 3.7
    n = int((phase.size - 3 - u_first) / du)
    shift = 2 * math.pi * 123456.0 / out_hz
    y = render_phase(phase, u_first, du, np.zeros(n, np.complex64), amplitude=0.5, carrier_step_rad=shift)
    np.testing.assert_allclose(np.abs(y), 0.5, rtol=1e-6)
    pieces = [(float(i), float(i + 1), 1) for i in range(-6, 0)] + slot_pieces([list(b) for b in bursts])
    pieces += [(312.5 + i, 313.5 + i, 1) for i in range(6)]
    idx = np.arange(0, n, 7)
    t_sym = (u_first + idx * du) / sps
    ref = np.array([phase_at(float(t), pieces) for t in t_sym]) + shift * idx
    err = _phase_error(np.angle(y[idx].astype(np.complex128)), ref)
    assert err < 5e-4, err


def test_render_phase_multipath_taps_add_delayed_copies() -> None:
    rng = np.random.default_rng(5)
    phase = np.cumsum(rng.normal(0, 0.3, 400))
    single = render_phase(phase, 10.0, 0.77, np.zeros(300, np.complex64))
    delayed = render_phase(phase, 10.0 - 2.5, 0.77, np.zeros(300, np.complex64))
    both = render_phase(phase, 10.0, 0.77, np.zeros(300, np.complex64),
                        tap_delays=np.array([0.0, 2.5]), tap_gains=np.array([0.8, 0.3j]))
    np.testing.assert_allclose(both, 0.8 * single + 0.3j * delayed, atol=2e-6)


def test_render_phase_refuses_instants_outside_the_grid() -> None:
    with pytest.raises(DspParameterError, match="phase grid"):
        render_phase(np.zeros(100), 0.0, 1.0, np.zeros(10, np.complex64))
    with pytest.raises(DspParameterError, match="phase grid"):
        render_phase(np.zeros(100), 5.0, 1.0, np.zeros(200, np.complex64))
    with pytest.raises(DspParameterError, match="complex64"):
        render_phase(np.zeros(100), 5.0, 1.0, np.zeros(10, np.complex128))
