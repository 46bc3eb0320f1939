"""A simulated RTL-SDR: what a dongle would deliver at whatever frequency, rate and gain it is set to.

The signal is made on the fly by our transmitter (``sdrscan.synth``): the scene's cells whose carrier lies
in the tuned band, each on its own continuous frame clock (:mod:`.world`), with

* the dongle's **crystal error** ``ppm`` on both the LO and the sample clock, minus the correction the client
  sets (librtlsdr's ``rtlsdr_set_freq_correction`` corrects both), so what remains is
  ``(1 + ppm) / (1 + correction) - 1``;
* **gain**: the scene's ``power_db`` (and its noise) are the levels at ``REF_GAIN_DB``; each gain step moves
  cells and noise together, the 8-bit quantiser adds its own floor and clips what goes over full scale;
  automatic gain picks the highest step that keeps the total power below ``AGC_TARGET_DBFS``;
* optionally a **drive** (:mod:`.drive`): each listed cell's power follows its distance, chunk by chunk;
* a frequency the tuner's PLL cannot reach gives noise only, as a real dongle does.

Output is cu8 (interleaved unsigned 8-bit I/Q, ``round(127.5 x + 127.5)``), exactly what rtl_tcp sends.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from sdrscan.sim.drive import Drive
from sdrscan.sim.world import CellClock, cell_clocks, noise_floor_200khz_dbfs
from sdrscan.sources.formats import FORMATS, encode
from sdrscan.sources.live import TunerModel, tuner_by_name
from sdrscan.synth.impairments import add_awgn, noise_variance
from sdrscan.synth.render import SceneRenderer, plan_cells
from sdrscan.synth.run import make_transmitter
from sdrscan.synth.scene import Scene

log = logging.getLogger(__name__)

REF_GAIN_DB = 40.2  # an R820T step; sdrscan scan's default gain, so scenes read at their own levels
AGC_TARGET_DBFS = -12.0
CHUNK_SAMPLES = 16384  # ~7 ms at 2.4 MS/s: the grain of retunes and of the drive's power updates
_RENDER_HORIZON_S = 1e7  # a tuning renders "for ever"; the renderer only needs a bound


@dataclass(frozen=True, slots=True)
class DongleState:
    """What the client set (rtl_tcp commands)."""

    center_freq_hz: float = 100e6
    sample_rate_hz: float = 2.048e6
    manual_gain: bool = False
    gain_tenth_db: int = 0
    freq_correction_ppm: int = 0
    rtl_agc: bool = False
    bias_tee: bool = False


@dataclass(slots=True)
class DongleStats:
    samples: int = 0
    retunes: int = 0
    clipped_components: int = 0
    out_of_range_tunings: int = 0


class _Cell:
    """One cell rendered for the current tuning: its renderer's chunks and its power scale."""

    def __init__(self, arfcn: int, base_power_db: float, chunks: Iterator[np.ndarray]) -> None:
        self.arfcn = arfcn
        self.base_power_db = base_power_db
        self.chunks = chunks


class SimDongle:
    """The simulated dongle; thread-safe (commands from one thread, :meth:`read_cu8` from another).

    Parameters
    ----------
    scene : Scene
        From :func:`sdrscan.sim.world.load_world_scene`.
    seed : int
        Seeds cell timing, content, paths and noise.
    tuner : str
        Tuner model (frequency range and gain steps), default R820T.
    ppm : float, optional
        Crystal error; default the scene's ``ppm``.
    drive : Drive, optional
    """

    def __init__(self, scene: Scene, seed: int = 0, *, tuner: str = "R820T", ppm: float | None = None,
                 drive: Drive | None = None, chunk_samples: int = CHUNK_SAMPLES) -> None:
        self.scene = scene
        self.seed = int(seed)
        self.tuner: TunerModel = tuner_by_name(tuner)
        self.ppm = scene.ppm if ppm is None else float(ppm)
        self.drive = drive
        self.chunk_samples = int(chunk_samples)
        self.state = DongleState()
        self.stats = DongleStats()
        self._render_time_s = 0.0  # true time after the last rendered sample
        self._pending_s = 0.0  # true duration of one pending sample (of the tuning it was rendered at)
        self._clocks: tuple[CellClock, ...] = cell_clocks(scene, self.seed)
        self._noise_200k = noise_floor_200khz_dbfs(scene)
        self._lock = threading.RLock()
        self._dirty = True
        self._cells: list[_Cell] = []
        self._gain_db = REF_GAIN_DB
        self._noise_var = 0.0
        self._pending = np.zeros(0, np.uint8)
        self._noise_rng = np.random.default_rng([self.seed, 99])
        self._tuning = 0
        self._in_range = True

    # -- commands ------------------------------------------------------------------------------------------
    def apply(self, **changes: float | int | bool) -> None:
        """Change the state (keys of :class:`DongleState`); takes effect at the next chunk."""
        with self._lock:
            new = replace(self.state, **changes)  # type: ignore[arg-type]
            if new != self.state:
                self.state = new
                self._dirty = True

    def set_gain_by_index(self, index: int) -> None:
        gains = self.tuner.gains_tenth_db
        if 0 <= index < len(gains):
            self.apply(gain_tenth_db=gains[index])

    @property
    def world_time_s(self) -> float:
        """True time (s since the start) of the next sample :meth:`read_cu8` returns."""
        return self._render_time_s - self._pending.size // 2 * self._pending_s

    @property
    def effective_ppm(self) -> float:
        """Crystal error left after the client's correction."""
        return ((1 + self.ppm * 1e-6) / (1 + self.state.freq_correction_ppm * 1e-6) - 1) * 1e6

    @property
    def gain_db(self) -> float:
        """The gain in effect (after AGC)."""
        return self._gain_db

    # -- samples ---------------------------------------------------------------------------------------------
    def read_cu8(self, n_samples: int) -> bytes:
        """The next ``n_samples`` samples as cu8 bytes (2 per sample)."""
        with self._lock:
            parts = []
            need = 2 * n_samples
            while need > 0:
                if self._pending.size == 0:
                    self._pending = self._render_chunk()
                take = self._pending[:need]
                self._pending = self._pending[need:]
                parts.append(take)
                need -= take.size
            self.stats.samples += n_samples
            return b"".join(p.tobytes() for p in parts)

    def _render_chunk(self) -> np.ndarray:
        if self._dirty:
            self._retune()
        st = self.state
        eps = self.effective_ppm * 1e-6
        out = np.zeros(self.chunk_samples, np.complex64)
        t_mid = self._render_time_s + 0.5 * self.chunk_samples / (st.sample_rate_hz * (1 + eps))
        for cell in self._cells:
            x = next(cell.chunks)
            level = cell.base_power_db
            if self.drive is not None:
                p = self.drive.cell_power_db(cell.arfcn, t_mid)
                level = level if p is None else p
            # The renderer made the cell at its scene power; scale to the drive's level and the gain.
            scale = 10 ** ((level - cell.base_power_db + self._gain_db - REF_GAIN_DB) / 20)
            out += np.complex64(scale) * x
        add_awgn(out, self._noise_var, self._noise_rng)
        if self.scene.dc_offset:
            out += np.complex64(self.scene.dc_offset)
        codes, clipped, _ = encode(out, FORMATS["cu8"])
        self.stats.clipped_components += clipped
        self._pending_s = 1.0 / (st.sample_rate_hz * (1 + eps))
        self._render_time_s += self.chunk_samples * self._pending_s
        return codes.view(np.uint8)

    def _retune(self) -> None:
        st = self.state
        self._dirty = False
        self._tuning += 1
        self.stats.retunes += 1
        self._cells = []
        self._in_range = self.tuner.covers(st.center_freq_hz)
        eps_ppm = self.effective_ppm
        seed_t = self.seed + 7919 * self._tuning  # fresh content and phases per tuning, same frame clocks
        visible = []
        if self._in_range:
            lo = st.center_freq_hz * (1 + eps_ppm * 1e-6)
            for spec, clock in zip(self.scene.cells, self._clocks, strict=True):
                seen = (spec.carrier_hz + spec.cfo_hz - lo) / (1 + eps_ppm * 1e-6)
                if abs(seen) + 100e3 <= st.sample_rate_hz / 2:
                    fn, off = clock.at(self._render_time_s)
                    visible.append(replace(spec, start_fn=fn, frame_offset_s=off))
        else:
            self.stats.out_of_range_tunings += 1
            log.warning("simulated %s: %.3f MHz is outside %s; PLL not locked, noise only", self.tuner.name,
                        st.center_freq_hz / 1e6, self.tuner.describe_range())
        powers = []
        for spec in visible:
            one = replace(self.scene, rate_hz=st.sample_rate_hz, fc_hz=st.center_freq_hz, ppm=eps_ppm, snr_db=None,
                          noise_floor_dbfs=None, dc_offset=0j, duration_s=_RENDER_HORIZON_S, cells=(spec,))
            plans = plan_cells(one, seed_t)
            renderer = SceneRenderer(one, seed_t, [make_transmitter(plans[0], seed_t)], plans)
            self._cells.append(_Cell(spec.arfcn, spec.power_db, renderer.chunks(self.chunk_samples)))
            level = spec.power_db
            if self.drive is not None:
                p = self.drive.cell_power_db(spec.arfcn, self._render_time_s)
                level = level if p is None else p
            powers.append(level)
        noise_ref = self._noise_200k
        self._gain_db = self._choose_gain(powers, noise_ref)
        if noise_ref is None:
            self._noise_var = 0.0
        else:
            self._noise_var = noise_variance(noise_ref + self._gain_db - REF_GAIN_DB, st.sample_rate_hz)
        log.debug("simulated dongle: tuned %.3f MHz, %g MS/s, gain %.1f dB, ppm %+.2f, %d cell(s) in band",
                  st.center_freq_hz / 1e6, st.sample_rate_hz / 1e6, self._gain_db, eps_ppm, len(self._cells))

    def _choose_gain(self, powers_db: list[float], noise_200k_dbfs: float | None) -> float:
        st = self.state
        if st.manual_gain:
            if self.tuner.gains_tenth_db:
                return self.tuner.nearest_gain_db(st.gain_tenth_db / 10)
            return st.gain_tenth_db / 10
        steps = self.tuner.gains_db or (REF_GAIN_DB,)
        best = steps[0]
        for g in steps:
            total = sum(10 ** ((p + g - REF_GAIN_DB) / 10) for p in powers_db)
            if noise_200k_dbfs is not None:
                total += 10 ** ((noise_200k_dbfs + g - REF_GAIN_DB) / 10) * st.sample_rate_hz / 200e3
            if total <= 0 or 10 * math.log10(total) <= AGC_TARGET_DBFS:
                best = g
        return best

    def cells_in_band(self) -> list[int]:
        """ARFCNs rendered for the current tuning (after the next chunk if a change is pending)."""
        with self._lock:
            if self._dirty:
                self._retune()
            return [c.arfcn for c in self._cells]
