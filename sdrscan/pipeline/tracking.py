"""Timing and frequency trackers of a synchronized carrier.

Both are direct estimators over a bounded window of recent measurements rather than feedback loops, so
they cannot run away: a bad measurement moves the estimate by at most its weight in the window, and
outliers are rejected against the current model before they enter.

* Timing: every demodulated burst measures where its TS0 burst really started. A weighted straight-line
  fit ``start(fn) = a + slope * (fn - fn_ref)`` over the last ``window_frames`` frames gives both the
  offset and the sample-clock error (an RTL-SDR's crystal drives LO and ADC together, so +-50 ppm means
  up to 13.5 symbols of slip per second).
* Frequency: bursts 4.615 ms apart within one block measure the residual carrier offset from the phase
  step of their channel estimates (precise, unambiguous to +-108 Hz); FCCH bursts measure it absolutely
  (coarser, unambiguous) and re-centre the estimate if it ever drifts beyond the phase method's range.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from dsp.constants import FRAME_SYMBOLS


class TimingTracker:
    """Weighted line fit of TS0 burst start (channel samples) against frame number."""

    _CAPACITY = 2048  # measurements kept (a ring); the window in frames is what bounds the fit

    def __init__(self, fn_ref: int, start_ref: float, sps: int, clock_ppm: float = 0.0,
                 window_frames: int = 1300, outlier_sym: float = 1.5) -> None:
        self.sps = sps
        self.fn_ref = fn_ref
        self.a = start_ref
        self.slope = FRAME_SYMBOLS * sps * (1.0 + clock_ppm * 1e-6)
        self._nominal = FRAME_SYMBOLS * sps
        self.window_frames = window_frames
        self.outlier = outlier_sym * sps
        self._fn = np.zeros(self._CAPACITY)
        self._m = np.zeros(self._CAPACITY)
        self._w = np.zeros(self._CAPACITY)
        self._n = 0  # measurements ever added; slot i % capacity

    def predict(self, fn: int) -> float:
        return self.a + self.slope * (fn - self.fn_ref)

    @property
    def clock_ppm(self) -> float:
        return (self.slope / self._nominal - 1.0) * 1e6

    def add(self, fns: np.ndarray, measured: np.ndarray, weights: np.ndarray) -> None:
        """Record measured burst starts (channel samples) with their weights (e.g. SNR)."""
        pred = self.a + self.slope * (fns - self.fn_ref)
        ok = np.abs(measured - pred) <= self.outlier
        k = int(np.count_nonzero(ok))
        if k == 0:
            return
        idx = (self._n + np.arange(k)) % self._CAPACITY
        self._fn[idx], self._m[idx], self._w[idx] = fns[ok], measured[ok], np.maximum(weights[ok], 1e-6)
        self._n += k
        self._fit()

    def _fit(self) -> None:
        used = min(self._n, self._CAPACITY)
        fn, m, w = self._fn[:used], self._m[:used], self._w[:used]
        newest = self._fn[(self._n - 1) % self._CAPACITY]
        keep = fn >= newest - self.window_frames
        fn, m, w = fn[keep], m[keep], w[keep]
        span = fn.max() - fn.min()
        x = fn - self.fn_ref
        if span < 20:
            # Too short to see the clock: keep the slope, fit the offset only.
            self.a = float(np.dot(w, m - self.slope * x) / np.sum(w))
            return
        sw, sx, sxx = np.sum(w), np.dot(w, x), np.dot(w, x * x)
        sy, sxy = np.dot(w, m), np.dot(w, x * m)
        det = sw * sxx - sx * sx
        if det <= 0:
            return
        slope = (sw * sxy - sx * sy) / det
        # A crystal is within +-100 ppm; anything else is a fit gone wrong, not a clock.
        if abs(slope / self._nominal - 1.0) > 100e-6:
            return
        self.slope = float(slope)
        self.a = float((sy - self.slope * sx) / sw)


class FrequencyTracker:
    """Residual carrier offset (Hz) of one channel."""

    def __init__(self, freq_hz: float, frame_s: float, window: int = 200) -> None:
        self.freq_hz = freq_hz
        self.frame_s = frame_s
        self._steps: deque[tuple[float, float]] = deque(maxlen=window)  # (residual Hz, weight)
        self._fcch: deque[float] = deque(maxlen=5)

    def add_phase_steps(self, residual_hz: np.ndarray, weights: np.ndarray) -> None:
        """Residual offsets seen as CIR phase steps between consecutive bursts (already corrected)."""
        if residual_hz.size == 0:
            return
        mean = float(np.sum(residual_hz * weights) / max(np.sum(weights), 1e-12))
        # Partial correction per update: the window average, applied with a gain below one.
        self.freq_hz += 0.5 * mean

    def add_fcch(self, absolute_hz: float) -> None:
        """An absolute measurement from an FCCH burst; re-centre when several disagree by > 150 Hz."""
        self._fcch.append(absolute_hz)
        if len(self._fcch) >= 3:
            med = sorted(self._fcch)[len(self._fcch) // 2]
            if abs(med - self.freq_hz) > 150.0:
                self.freq_hz = med
                self._fcch.clear()
