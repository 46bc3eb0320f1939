"""The simulated dongle: same samples as the synthesizer, continuous frame clocks, gain, crystal, reach, drive."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sdrscan.pipeline.receiver import Receiver
from sdrscan.sim.dongle import AGC_TARGET_DBFS, REF_GAIN_DB, SimDongle
from sdrscan.sim.drive import parse_drive
from sdrscan.sim.world import cell_clocks, parse_world_scene
from sdrscan.sources.formats import FORMATS, decode
from sdrscan.synth.run import synthesize_array
from sdrscan.synth.scene import parse_scene

RATE = 2.4e6
TWO_CELLS = {"snr": None, "ppm": 11.0, "fc": 947.3e6, "cells": [
    {"arfcn": 60, "power_db": -24, "bsic": 21}, {"arfcn": 64, "power_db": -30, "bsic": 9, "cfo_hz": 25.0}]}


def _iq(data: bytes) -> np.ndarray:
    return decode(np.frombuffer(data, np.uint8), FORMATS["cu8"])[0]


def _tuned(doc: dict, seed: int = 4, **kw: object) -> SimDongle:
    d = SimDongle(parse_world_scene(doc), seed, **kw)  # type: ignore[arg-type]
    d.apply(center_freq_hz=doc.get("fc", 947.3e6), sample_rate_hz=RATE, manual_gain=True,
            gain_tenth_db=int(REF_GAIN_DB * 10))
    return d


def _decode(x: np.ndarray, fc: float) -> tuple[Receiver, list]:
    rx = Receiver(RATE, fc)
    frames = []
    for i in range(0, x.size, 240_000):
        frames += rx.process(x[i:i + 240_000])
    return rx, frames + rx.finish()


def test_one_tuning_is_the_synthesizer_sample_for_sample() -> None:
    # At the reference gain, without noise, the dongle's cu8 stream is what `sdrscan synth` writes for the
    # same scene, cell timing and seed (the dongle's first tuning uses seed + 7919 for content and phases).
    d = _tuned(TWO_CELLS)
    ours = _iq(d.read_cu8(300_000))
    world = parse_world_scene(TWO_CELLS)
    clocks = [c.at(0.0) for c in cell_clocks(world, 4)]
    cells = [{**c, "start_fn": fn, "frame_offset_s": off} for c, (fn, off) in zip(TWO_CELLS["cells"], clocks,
                                                                                 strict=True)]
    ref_scene = parse_scene({**TWO_CELLS, "rate": RATE, "duration": 300_000 / RATE, "cells": cells})
    ref, _ = synthesize_array(ref_scene, seed=4 + 7919)
    assert ref.size == ours.size
    # Per-cell rendering sums in another order than the joint renderer: at most one code step apart.
    assert np.max(np.abs(ours - ref)) <= 1.01 / 127.5
    assert np.mean(np.abs(ours - ref) > 0.5 / 127.5) < 0.01


def test_frame_numbers_continue_across_retunes() -> None:
    d = _tuned(TWO_CELLS)
    d.read_cu8(int(0.4 * RATE))
    d.apply(center_freq_hz=900e6)  # away (nothing there) ...
    d.read_cu8(int(1.3 * RATE))
    t_back = d.world_time_s
    d.apply(center_freq_hz=947.3e6)  # ... and back 1.7 s after the start
    rx, frames = _decode(_iq(d.read_cu8(int(1.0 * RATE))), 947.3e6)
    clocks = cell_clocks(parse_world_scene(TWO_CELLS), 4)
    for cell, clock in zip(TWO_CELLS["cells"], clocks, strict=True):
        got = [f for f in frames if f.arfcn == cell["arfcn"]]
        assert got and all(f.bsic == cell["bsic"] for f in got)
        # The receiver's FN for its first block, against the world clock at that block's time.
        f = got[0]
        t = t_back + f.sample_offset / (RATE * (1 + 11e-6))
        fn_expected, _ = clock.at(t - 0.5 * clock.frame_s)  # the frame beginning nearest t
        assert f.fn == fn_expected


def test_gain_steps_move_signal_and_noise_and_too_much_clips() -> None:
    one = {"snr": None, "cells": [{"arfcn": 60, "power_db": -10}]}  # well above the 8-bit floor at both gains
    d = _tuned({**one, "fc": 947.1e6})
    p_ref = 10 * math.log10(np.mean(np.abs(_iq(d.read_cu8(200_000))) ** 2))
    d.apply(gain_tenth_db=207)  # 20.7 dB: 19.5 dB less
    d.read_cu8(d.chunk_samples)  # what was rendered before the change is still in flight
    p_low = 10 * math.log10(np.mean(np.abs(_iq(d.read_cu8(200_000))) ** 2))
    assert p_ref == pytest.approx(-10, abs=0.2)
    assert p_ref - p_low == pytest.approx(19.5, abs=0.3)
    loud = _tuned({"snr": None, "fc": 947.1e6, "cells": [{"arfcn": 60, "power_db": 0}]})
    loud.apply(gain_tenth_db=496)
    loud.read_cu8(50_000)
    assert loud.stats.clipped_components > 0


def test_automatic_gain_keeps_the_total_below_its_target() -> None:
    d = _tuned({"snr": 30, "fc": 947.1e6, "cells": [{"arfcn": 60, "power_db": -5}]})
    d.apply(manual_gain=False)
    x = _iq(d.read_cu8(200_000))
    assert d.gain_db < REF_GAIN_DB and d.gain_db in d.tuner.gains_db
    assert 10 * math.log10(np.mean(np.abs(x) ** 2)) <= AGC_TARGET_DBFS + 0.3
    assert d.stats.clipped_components == 0


def test_crystal_error_and_the_clients_correction() -> None:
    d = _tuned(TWO_CELLS)
    rx, _ = _decode(_iq(d.read_cu8(int(0.8 * RATE))), 947.3e6)
    assert rx.locked_crystal().ppm == pytest.approx(11.0, abs=0.1)
    d.apply(freq_correction_ppm=11)
    rx, _ = _decode(_iq(d.read_cu8(int(0.8 * RATE))), 947.3e6)
    assert rx.locked_crystal().ppm == pytest.approx(0.0, abs=0.1)
    assert d.effective_ppm == pytest.approx(0.0, abs=1e-9)


def test_out_of_reach_gives_noise_only() -> None:
    d = _tuned({"snr": 20, "cells": [{"arfcn": 700, "power_db": -20}], "fc": 1842.6e6})
    x = _iq(d.read_cu8(100_000))
    assert d.stats.out_of_range_tunings == 1 and d.cells_in_band() == []
    noise_total = -20 - 20 + 10 * math.log10(RATE / 200e3)  # SNR 20 dB in 200 kHz, spread over 2.4 MHz
    assert 10 * math.log10(np.mean(np.abs(x) ** 2)) == pytest.approx(noise_total, abs=0.3)  # no carrier
    e4k = _tuned({"snr": 20, "cells": [{"arfcn": 700, "power_db": -20}], "fc": 1842.6e6}, tuner="E4000")
    assert e4k.cells_in_band() == [700]


def test_drive_power_follows_the_log_distance_model() -> None:
    # A little noise dithers the 8-bit quantiser (a constant envelope alone makes its error signal-dependent).
    doc = {"noise_floor": -55, "fc": 947.1e6, "cells": [{"arfcn": 60, "power_db": -30}]}
    # Cell 6.7 km west of the start; 5 s later the car (a fast one) is 1.5x as far.
    drive = parse_drive({"path": [{"t": 0, "lat": 53.0, "lon": -6.0}, {"t": 10, "lat": 53.0, "lon": -5.9}],
                         "cells": [{"arfcn": 60, "lat": 53.0, "lon": -6.1, "power_db": 10}],
                         "exponent": 3.0, "ref_distance_m": 1000})
    d = _tuned(doc, drive=drive)
    noise = 10 ** (-55 / 10) * RATE / 200e3
    first = np.mean(np.abs(_iq(d.read_cu8(48_000))) ** 2) - noise
    d.read_cu8(int(5 * RATE) // 16384 * 16384)
    t = d.world_time_s
    later = np.mean(np.abs(_iq(d.read_cu8(48_000))) ** 2) - noise
    expected = drive.cell_power_db(60, t) - drive.cell_power_db(60, 0.01)
    assert 10 * math.log10(later / first) == pytest.approx(expected, abs=0.15)
    assert expected == pytest.approx(-30 * math.log10(1.5), abs=0.2)
    assert 10 * math.log10(first) == pytest.approx(drive.cell_power_db(60, 0.01), abs=0.15)
    assert dataclasses.asdict(drive.state(5.0))["speed_mps"] == pytest.approx(669.0, abs=5)
