"""Scene rendering: power, SNR, frequency and timing seen by a receiver, determinism.

The frames here come from a minimal test source (FCCH on TS0 of every frame, dummy bursts elsewhere) so
these tests isolate the renderer; ``test_synth.py`` covers the full C0 multiplex. Every measurement uses
plain NumPy/SciPy estimators (Welch PSD, phase differences), not the generator's own code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import signal

from dsp.constants import DUMMY_BURST_BITS, FCCH_TONE_HZ, SYMBOL_RATE_HZ
from sdrscan.synth.render import SceneRenderer, noise_200khz_dbfs, plan_cells
from sdrscan.synth.scene import parse_scene


class FcchEveryFrame:
    """TS0 carries the all-zero FCCH burst in every frame, TS1-7 dummy bursts."""

    def frames(self, count: int) -> np.ndarray:
        f = np.tile(DUMMY_BURST_BITS, (count, 8, 1)).astype(np.uint8)
        f[:, 0] = 0
        return f


class RandomBursts:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def frames(self, count: int) -> np.ndarray:
        return self.rng.integers(0, 2, (count, 8, 148)).astype(np.uint8)


def render(doc: dict, seed: int = 0, source=RandomBursts, chunk: int = 1 << 16, **kw):
    scene = parse_scene({"datatype": "cf32_le", **doc}, **kw)
    sources = [source(i) if source is RandomBursts else source() for i in range(len(scene.cells))]
    r = SceneRenderer(scene, seed, sources)
    return np.concatenate(list(r.chunks(chunk))), r


def band_power(x: np.ndarray, rate_hz: float, f0_hz: float, half_bw_hz: float = 150e3) -> float:
    spec = np.abs(np.fft.fft(x)) ** 2 / x.size ** 2
    f = np.fft.fftfreq(x.size, 1 / rate_hz)
    return float(spec[np.abs(f - f0_hz) <= half_bw_hz].sum())


def test_each_cell_has_the_requested_power() -> None:
    doc = {"rate": 2.4e6, "duration": 0.1, "snr": None,
           "cells": [{"arfcn": 60, "power_db": -15}, {"arfcn": 63, "power_db": -25, "cfo_hz": 700},
                     {"arfcn": 57, "power_db": -35}]}
    x, r = render(doc)
    assert 10 * np.log10(np.mean(np.abs(x) ** 2)) == pytest.approx(
        10 * np.log10(10 ** -1.5 + 10 ** -2.5 + 10 ** -3.5), abs=0.02)
    for p in r.plans:
        measured = 10 * np.log10(band_power(x, 2.4e6, p.seen_offset_hz))
        assert measured == pytest.approx(p.power_dbfs, abs=0.1), p.spec.arfcn


@pytest.mark.parametrize("rate_hz, snr_db", [(2.048e6, 6.0), (1.0e6, 2.0), (2.4e6, 12.0)])
def test_snr_is_carrier_over_noise_in_200khz(rate_hz: float, snr_db: float) -> None:
    doc = {"rate": rate_hz, "duration": 0.3, "snr": snr_db, "fc": 947.0e6 + 200e3,
           "cells": [{"arfcn": 60, "power_db": -22}]}
    x, r = render(doc, seed=3)
    f, psd = signal.welch(x, fs=rate_hz, nperseg=4096, return_onesided=False)
    off = r.plans[0].seen_offset_hz
    quiet = np.abs(f - off) > 300e3
    density = float(np.median(psd[quiet]))  # W/Hz of the white noise, away from the carrier
    noise_200k = density * 200e3
    carrier = float(np.mean(np.abs(x) ** 2)) - density * rate_hz
    assert 10 * np.log10(carrier / noise_200k) == pytest.approx(snr_db, abs=0.2)
    assert 10 * np.log10(noise_200k) == pytest.approx(noise_200khz_dbfs(r.scene), abs=0.15)


def test_noise_floor_key_sets_the_noise_directly() -> None:
    doc = {"rate": 1.0e6, "duration": 0.2, "noise_floor": -50.0, "cells": [{"arfcn": 60, "power_db": -40}]}
    x, r = render(doc, seed=1)
    assert r.plans[0].snr_db == pytest.approx(10.0)
    f, psd = signal.welch(x, fs=1.0e6, nperseg=4096, return_onesided=False)
    quiet = np.abs(f - r.plans[0].seen_offset_hz) > 300e3
    assert 10 * np.log10(np.median(psd[quiet]) * 200e3) == pytest.approx(-50.0, abs=0.15)


def _inst_freq_hz(x: np.ndarray, rate_hz: float) -> np.ndarray:
    return np.angle(x[1:] * np.conj(x[:-1])) * rate_hz / (2 * math.pi)


@pytest.mark.parametrize("rate_hz, ppm, cfo_hz", [
    (1.0e6, 0.0, 0.0), (SYMBOL_RATE_HZ * 4, 37.0, 1500.0), (2.048e6, -50.0, -800.0), (2.4e6, 50.0, 0.0),
    (3.2e6, -12.5, 25000.0)])
def test_fcch_tone_frequency_and_burst_timing_seen_by_the_receiver(rate_hz: float, ppm: float,
                                                                   cfo_hz: float) -> None:
    doc = {"rate": rate_hz, "duration": 0.03, "snr": None, "ppm": ppm,
           "cells": [{"arfcn": 60, "cfo_hz": cfo_hz, "frame_offset_s": 0.0021}]}
    x, r = render(doc, source=FcchEveryFrame)
    p = r.plans[0]
    eps_rx, eps_b = ppm * 1e-6, p.bts_clock_error
    # Expected, from first principles: RF tone minus the (wrong) LO, on the (wrong) sample clock.
    tone_rf = 947.0e6 + cfo_hz + FCCH_TONE_HZ * (1 + eps_b)
    expect_hz = (tone_rf - r.scene.fc_hz * (1 + eps_rx)) / (1 + eps_rx)
    sps_seen = rate_hz * (1 + eps_rx) / (SYMBOL_RATE_HZ * (1 + eps_b))
    for k in (0, 3):
        s0 = p.frame_start_sample(k)
        core = x[int(s0 + 6 * sps_seen): int(s0 + 142 * sps_seen)]
        assert np.mean(_inst_freq_hz(core, rate_hz)) == pytest.approx(expect_hz, abs=0.05)
        # Bit 0 of the FCCH follows a guard bit 1, so its modulating value is -1: the instantaneous
        # frequency dips once, centred half a symbol after the burst start.
        lo = int(s0 - 3 * sps_seen)
        seg = x[lo: int(s0 + 4 * sps_seen)]
        fi = _inst_freq_hz(seg, rate_hz)
        i = int(np.argmin(fi))
        # Parabolic refinement of the minimum; sample i of fi sits between seg[i] and seg[i+1].
        y0, y1, y2 = fi[i - 1], fi[i], fi[i + 1]
        vertex = i + 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2) + 0.5
        assert lo + vertex == pytest.approx(s0 + 0.5 * sps_seen, abs=0.02 * sps_seen)
    assert p.samples_per_frame == pytest.approx(1250 * sps_seen, rel=1e-12)


def test_same_seed_same_samples_and_chunking_does_not_matter() -> None:
    doc = {"rate": 2.048e6, "duration": 0.05, "snr": 5.0, "ppm": 11.0,
           "cells": [{"arfcn": 60}, {"arfcn": 64, "multipath": "TU6", "power_db": -30}]}
    a, _ = render(doc, seed=7)
    b, _ = render(doc, seed=7, chunk=5000)
    c, _ = render(doc, seed=8)
    np.testing.assert_allclose(a, b, atol=2e-6)
    assert np.max(np.abs(a - c)) > 0.01


def test_plan_draws_timing_from_the_seed_unless_given() -> None:
    scene = parse_scene({"cells": [{"arfcn": 1}, {"arfcn": 2, "start_fn": 2715640, "frame_offset_s": 0.001}]})
    p1, p2 = plan_cells(scene, 5)
    q1, _ = plan_cells(scene, 5)
    r1, _ = plan_cells(scene, 6)
    assert p1.start_fn == q1.start_fn and p1.frame_offset_s == q1.frame_offset_s
    assert (p1.start_fn, p1.frame_offset_s) != (r1.start_fn, r1.frame_offset_s)
    assert (p2.start_fn, p2.frame_offset_s) == (2715640, 0.001)
    assert p2.first_fn == 2715639
    assert 0 <= p1.frame_offset_s < 4.616e-3


def test_multipath_changes_the_waveform_not_the_timing() -> None:
    base = {"rate": 2.4e6, "duration": 0.02, "snr": None, "cells": [{"arfcn": 60, "frame_offset_s": 0.001}]}
    flat, rf = render(base, source=FcchEveryFrame)
    tu6, rt = render({**base, "cells": [{**base["cells"][0], "multipath": "TU6"}]}, source=FcchEveryFrame)
    assert rf.plans[0].start_sample == rt.plans[0].start_sample
    assert np.max(np.abs(flat - tu6)) > 0.01
    # A static channel leaves a pure tone a pure tone: same FCCH frequency in the middle of the burst.
    s0 = rt.plans[0].frame_start_sample(1)
    sps = 2.4e6 / SYMBOL_RATE_HZ
    core = tu6[int(s0 + 20 * sps): int(s0 + 140 * sps)]
    assert np.std(_inst_freq_hz(core, 2.4e6)) < 1.0


def test_dc_offset_is_added_to_every_sample() -> None:
    doc = {"rate": 1.0e6, "duration": 0.1, "snr": None, "fc": 947.0e6 - 250e3, "cells": [{"arfcn": 60}]}
    clean, _ = render(doc, seed=2)
    dc, _ = render({**doc, "dc_offset": [0.05, -0.02]}, seed=2)
    np.testing.assert_allclose(dc - clean, np.complex64(0.05 - 0.02j), atol=1e-6)
    assert np.mean(dc) == pytest.approx(0.05 - 0.02j, abs=2e-3)  # the carrier, 250 kHz away, averages out
