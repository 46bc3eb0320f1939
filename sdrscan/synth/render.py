"""Render a scene to complex baseband samples, chunk by chunk: cells, channel, clock errors, noise, DC.

Time model (all times true seconds, see ``docs/scene.md``):

* The receiver's crystal is off by ``ppm``: its LO sits at ``fc (1 + ppm 1e-6)`` and its sample clock
  runs at ``rate (1 + ppm 1e-6)``, so recording sample ``m`` is taken at ``t_m = m / (rate (1 + ppm 1e-6))``.
* A BTS transmits at ``carrier_hz + cfo_hz``; its symbol clock comes from the same reference, so it runs
  ``cfo_hz / carrier_hz`` fast as well. FN ``start_fn`` begins (first symbol period of TS0) at
  ``t = frame_offset_s``.
* A recording interpreted at its nominal rate therefore shows the cell at
  ``seen_offset_hz = (carrier_hz + cfo_hz - fc (1 + ppm 1e-6)) / (1 + ppm 1e-6)`` from ``fc``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from dsp.constants import FRAME_DURATION_S, HYPERFRAME, SYMBOL_RATE_HZ
from dsp.resample import MARGIN_AFTER, MARGIN_BEFORE, render_phase
from sdrscan.synth.channel import resolve_taps
from sdrscan.synth.impairments import add_awgn, noise_variance
from sdrscan.synth.scene import CellSpec, MultipathTap, Scene
from sdrscan.synth.stream import FRAME_SAMPLES, SPS, FrameSource, PhaseStream

GRID_RATE_HZ: float = SYMBOL_RATE_HZ * SPS
CHUNK_SAMPLES: int = 1 << 16

# Independent random streams per purpose, so adding noise never changes a cell's content and vice versa.
_STREAM_CELL_TIMING = 1
_STREAM_CELL_CHANNEL = 2
STREAM_CELL_CONTENT = 3
_STREAM_NOISE = 4


def cell_rng(seed: int, cell_index: int, purpose: int) -> np.random.Generator:
    """The seeded generator of one cell and purpose (timing, channel, content)."""
    return np.random.default_rng([seed, purpose, cell_index])


@dataclass(frozen=True, slots=True)
class CellPlan:
    """A cell with every random choice made and every derived figure the truth file reports."""

    spec: CellSpec
    start_fn: int
    frame_offset_s: float
    pre_frames: int  # frames sent before start_fn so the recording starts mid-transmission
    taps: tuple[MultipathTap, ...]
    carrier_phase_rad: float
    tx_hz: float  # carrier_hz + cfo_hz
    bts_clock_error: float  # cfo_hz / carrier_hz (fractional)
    seen_offset_hz: float  # frequency offset from fc in the recording's own time axis
    start_sample: float  # recording sample index (fractional) where FN start_fn begins
    samples_per_frame: float  # recording samples per TDMA frame of this cell
    power_dbfs: float
    snr_db: float | None

    @property
    def first_fn(self) -> int:
        return (self.start_fn - self.pre_frames) % HYPERFRAME

    def frame_start_sample(self, k: int) -> float:
        """Recording sample index (fractional) where frame ``start_fn + k`` begins (``k`` may be negative)."""
        return self.start_sample + k * self.samples_per_frame


def plan_cells(scene: Scene, seed: int) -> tuple[CellPlan, ...]:
    """Resolve each cell's random choices (start FN, frame timing, path phases) from the seed."""
    eps_rx = scene.ppm * 1e-6
    ref_power = max(c.power_db for c in scene.cells)
    plans = []
    for c in scene.cells:
        rng_t = cell_rng(seed, c.index, _STREAM_CELL_TIMING)
        eps_b = c.cfo_hz / c.carrier_hz
        frame_true_s = FRAME_DURATION_S / (1 + eps_b)
        start_fn = int(rng_t.integers(0, HYPERFRAME)) if c.start_fn is None else c.start_fn
        # Drawn within one (BTS clock) frame, so start_fn is the first frame to begin in the recording.
        offset = float(rng_t.uniform(0.0, frame_true_s)) if c.frame_offset_s is None else c.frame_offset_s
        carrier_phase = float(rng_t.uniform(0.0, 2 * math.pi))
        taps = resolve_taps(c.multipath, cell_rng(seed, c.index, _STREAM_CELL_CHANNEL))
        tx_hz = c.carrier_hz + c.cfo_hz
        max_delay_grid = max(t.delay_s for t in taps) * GRID_RATE_HZ * (1 + eps_b)
        # Whole frames before start_fn covering the first sample, the longest path and the interpolator.
        lead_grid = offset * GRID_RATE_HZ * (1 + eps_b) + max_delay_grid + MARGIN_BEFORE + 2
        pre = int(lead_grid // FRAME_SAMPLES) + 1
        rx_rate_true = scene.rate_hz * (1 + eps_rx)
        if scene.snr_db is None:
            snr = None if scene.noise_floor_dbfs is None else c.power_db - scene.noise_floor_dbfs
        else:
            snr = scene.snr_db + (c.power_db - ref_power)
        plans.append(CellPlan(
            spec=c, start_fn=start_fn, frame_offset_s=offset, pre_frames=pre, taps=taps,
            carrier_phase_rad=carrier_phase, tx_hz=tx_hz, bts_clock_error=eps_b,
            seen_offset_hz=(tx_hz - scene.fc_hz * (1 + eps_rx)) / (1 + eps_rx),
            start_sample=offset * rx_rate_true, samples_per_frame=frame_true_s * rx_rate_true,
            power_dbfs=c.power_db, snr_db=snr))
    return tuple(plans)


def noise_200khz_dbfs(scene: Scene) -> float | None:
    """Noise power in 200 kHz (dBFS) of the scene, or None without noise (``docs/snr.md``)."""
    if scene.snr_db is not None:
        return max(c.power_db for c in scene.cells) - scene.snr_db
    return scene.noise_floor_dbfs


class _CellRenderer:
    """Maps recording samples to one cell's grid and adds the cell (all paths) into a chunk."""

    def __init__(self, scene: Scene, plan: CellPlan, source: FrameSource) -> None:
        eps_rx = scene.ppm * 1e-6
        grid_rate = GRID_RATE_HZ * (1 + plan.bts_clock_error)  # true grid samples per second
        rx_rate = scene.rate_hz * (1 + eps_rx)
        self.du = grid_rate / rx_rate
        # Grid index 0 is the start of frame start_fn - pre_frames.
        self.u_origin = plan.pre_frames * FRAME_SAMPLES - plan.frame_offset_s * grid_rate
        self.delays = np.array([t.delay_s * grid_rate for t in plan.taps])
        # Baseband-equivalent channel: a path delayed by tau also lags the carrier offset by 2 pi f tau.
        f_true = plan.seen_offset_hz * (1 + eps_rx)
        self.gains = np.array([t.gain * complex(math.cos(-2 * math.pi * f_true * t.delay_s),
                                                math.sin(-2 * math.pi * f_true * t.delay_s))
                               for t in plan.taps], np.complex128)
        self.cycles_per_sample = plan.seen_offset_hz / scene.rate_hz
        self.phase0 = plan.carrier_phase_rad
        self.amplitude = 10 ** (plan.power_dbfs / 20)
        self.stream = PhaseStream(source)

    def add(self, m0: int, out: np.ndarray) -> None:
        n = out.size
        u_first = self.u_origin + m0 * self.du
        lo = int(math.floor(u_first - self.delays.max())) - MARGIN_BEFORE
        hi = int(math.ceil(u_first + (n - 1) * self.du - self.delays.min())) + MARGIN_AFTER
        self.stream.ensure(hi)
        self.stream.trim(lo)
        phase, first = self.stream.window()
        # Carrier phase at m0, reduced to one turn before scaling so long files keep precision.
        turns = math.fmod(self.cycles_per_sample * m0, 1.0)
        render_phase(phase, u_first - first, self.du, out, amplitude=self.amplitude,
                     carrier_start_rad=self.phase0 + 2 * math.pi * turns,
                     carrier_step_rad=2 * math.pi * self.cycles_per_sample,
                     tap_delays=self.delays, tap_gains=self.gains)


class SceneRenderer:
    """Complex baseband of a whole scene, produced in chunks of bounded size.

    Parameters
    ----------
    scene : Scene
    seed : int
        Seeds every random choice (cell timing, path phases, noise; the content sources take their own).
    sources : list of FrameSource
        One per cell, yielding frames from ``plan.first_fn`` on.
    plans : tuple of CellPlan, optional
        From :func:`plan_cells` (computed if omitted).
    """

    def __init__(self, scene: Scene, seed: int, sources: list[FrameSource],
                 plans: tuple[CellPlan, ...] | None = None) -> None:
        self.scene = scene
        self.plans = plans if plans is not None else plan_cells(scene, seed)
        self.n_samples = int(round(scene.duration_s * scene.rate_hz))
        self._cells = [_CellRenderer(scene, p, s) for p, s in zip(self.plans, sources, strict=True)]
        n200 = noise_200khz_dbfs(scene)
        self.noise_variance = 0.0 if n200 is None else noise_variance(n200, scene.rate_hz)
        self._noise_rng = np.random.default_rng([seed, _STREAM_NOISE])

    def chunks(self, chunk_samples: int = CHUNK_SAMPLES,
               progress: Callable[[int, int], None] | None = None) -> Iterator[np.ndarray]:
        """Yield complex64 chunks (cells + noise + DC offset, before quantisation) covering the scene."""
        for m0 in range(0, self.n_samples, chunk_samples):
            out = np.zeros(min(chunk_samples, self.n_samples - m0), np.complex64)
            for cell in self._cells:
                cell.add(m0, out)
            add_awgn(out, self.noise_variance, self._noise_rng)
            if self.scene.dc_offset:
                out += np.complex64(self.scene.dc_offset)
            if progress is not None:
                progress(m0 + out.size, self.n_samples)
            yield out
