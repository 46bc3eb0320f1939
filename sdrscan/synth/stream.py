"""One cell's continuous GMSK phase, produced frame by frame on the modulator grid and kept in a window.

Grid index 0 is the start of the first frame the cell's frame source yields; a TDMA frame is 1250 symbols
(TS 45.002 §4.3.1), so ``1250 * sps`` grid samples. The phase lags the bits by the Gaussian's half length,
so the stream asks its source for frames only as far ahead as the renderer needs.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from dsp.constants import BURST_BITS, FRAME_SYMBOLS, TIMESLOTS_PER_FRAME
from dsp.gmsk import gmsk_phase, gmsk_sample_taps, slot_nrz, tap_half_length
from sdrscan.errors import DspParameterError

SPS: int = 4  # modulator samples per symbol: a 156.25-symbol timeslot is exactly 625 samples
FRAME_SAMPLES: int = FRAME_SYMBOLS * SPS
FRAMES_PER_BATCH: int = 8


class FrameSource(Protocol):
    """Anything that yields consecutive TDMA frames of C0 as burst bits."""

    def frames(self, count: int) -> np.ndarray:
        """The next ``count`` frames: uint8 array (count, 8, 148), timeslots 0..7 in order."""
        ...


class PhaseStream:
    """Phase (rad, float64) of a cell's continuous transmission on the modulator grid."""

    def __init__(self, source: FrameSource, sps: int = SPS) -> None:
        self._source = source
        self._sps = sps
        self._taps = gmsk_sample_taps(sps)
        self._m = tap_half_length(self._taps)
        # Before grid 0 the modulator idles on guard bits (a = +1): K - 1 samples of history.
        self._hist = np.ones(self._taps.size - 1, np.int8)
        self._nrz_end = 0  # grid index after the last NRZ sample produced
        self._phase = np.zeros(0, np.float64)
        self._phase_start = -self._m  # grid index of self._phase[0]
        self._phase_last = 0.0  # phase at grid index self._phase_start - 1

    @property
    def first_index(self) -> int:
        """Grid index of the oldest phase sample still held."""
        return self._phase_start

    @property
    def end_index(self) -> int:
        """Grid index after the newest phase sample."""
        return self._phase_start + self._phase.size

    def ensure(self, grid_hi: int) -> None:
        """Produce phase up to grid index ``grid_hi`` (inclusive)."""
        while self.end_index <= grid_hi:
            frames = self._source.frames(FRAMES_PER_BATCH)
            if frames.shape != (FRAMES_PER_BATCH, TIMESLOTS_PER_FRAME, BURST_BITS):
                raise DspParameterError(f"frame source returned shape {frames.shape}; expected "
                                        f"({FRAMES_PER_BATCH}, {TIMESLOTS_PER_FRAME}, {BURST_BITS})")
            nrz = slot_nrz(frames.reshape(-1, BURST_BITS), self._sps)
            both = np.concatenate([self._hist, nrz])
            start = self._phase[-1] if self._phase.size else self._phase_last
            new = gmsk_phase(both, self._sps, self._taps, start)
            self._phase = np.concatenate([self._phase, new])
            self._hist = both[-(self._taps.size - 1):]
            self._nrz_end += nrz.size

    def trim(self, grid_lo: int) -> None:
        """Forget phase before grid index ``grid_lo``."""
        drop = min(max(0, grid_lo - self._phase_start), self._phase.size)
        if drop:
            self._phase_last = float(self._phase[drop - 1])
            self._phase = self._phase[drop:]
            self._phase_start += drop

    def window(self) -> tuple[np.ndarray, int]:
        """The phase held and the grid index of its first sample."""
        return self._phase, self._phase_start
