"""Fast-convolution (overlap-save FFT) filter bank: every GSM channel of a wideband capture at once.

One forward FFT of ``fft_size`` input samples is shared by all channels. A channel is a choice of
``out_fft_size`` bins around its centre, weighted by the channel filter and brought back to the time domain
by a small inverse FFT. Because ``out_fft_size / fft_size`` equals ``out_rate / in_rate`` exactly, the
decimation to the demodulator's rate (a multiple of the GSM symbol rate, TS 45.010 §5.4) is rational and
exact for every common SDR rate (2.4 MS/s: 65/288; 2.048 MS/s: 1625/6144; 1.0833 MS/s: 1/2).

This module is pure: plans and arrays in, arrays out. The streaming state (the overlap buffer and block
counter) lives in ``sdrscan.pipeline.channelizer``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from dsp import _fft, _kernels
from dsp.constants import SYMBOL_RATE_HZ
from sdrscan.errors import DspParameterError

_k = _kernels.load("channelizer")

# Largest denominator accepted for the rate ratio; above it the ratio is approximated and the (tiny) rate
# error is reported in the plan, for the timing tracker to absorb.
_MAX_DENOMINATOR = 20000
MIN_RATE_HZ = 400e3
MAX_RATE_HZ = 10e6


@dataclass(frozen=True, slots=True)
class ChannelizerPlan:
    """Sizes of the overlap-save filter bank for one input rate.

    ``hop`` input samples produce ``out_per_block`` output samples per channel; ``overlap`` input samples
    of each FFT block are shared with the previous block (half of it on each side of the kept part).
    """

    sample_rate_hz: float
    out_rate_hz: float  # exact: sample_rate_hz * out_fft_size / fft_size
    sps: int
    fft_size: int
    hop: int
    overlap: int
    out_fft_size: int
    out_per_block: int
    keep_start: int  # first kept output index within a block's inverse FFT
    filter: np.ndarray  # float32 (out_fft_size,), in inverse-FFT bin order
    pass_hz: float
    stop_hz: float
    rate_error_ppm: float  # (out_rate_hz / (sps * SYMBOL_RATE_HZ) - 1) * 1e6

    @property
    def bin_hz(self) -> float:
        return self.sample_rate_hz / self.fft_size

    def centre_bin(self, offset_hz: float) -> tuple[int, float]:
        """Nearest FFT bin to ``offset_hz`` (from the capture centre) and the residual offset in Hz."""
        k = int(round(offset_hz / self.bin_hz))
        return k, offset_hz - k * self.bin_hz

    def usable_offset_hz(self) -> float:
        """Largest |carrier offset| from the capture centre whose channel the plan can extract cleanly."""
        return self.sample_rate_hz / 2.0 - self.stop_hz


def plan_channelizer(sample_rate_hz: float, sps: int = 2, pass_hz: float = 80e3, stop_hz: float = 140e3,
                     block_s: float = 2e-3, filter_span_s: float = 0.25e-3) -> ChannelizerPlan:
    """Choose FFT sizes so that ``out_rate = sps * 270.833 kS/s`` exactly (or within a reported error).

    Parameters
    ----------
    sample_rate_hz : input rate, 0.4-10 MS/s.
    sps : output samples per GSM symbol.
    pass_hz, stop_hz : channel filter edges (flat to ``pass_hz``, raised-cosine down to 0 at ``stop_hz``).
    block_s : target duration of one FFT block.
    filter_span_s : impulse-response length the overlap must cover.
    """
    if not (MIN_RATE_HZ <= sample_rate_hz <= MAX_RATE_HZ) or not math.isfinite(sample_rate_hz):
        raise DspParameterError(
            f"sample rate {sample_rate_hz:g} Hz cannot be channelized; expected {MIN_RATE_HZ / 1e6:g}-"
            f"{MAX_RATE_HZ / 1e6:g} MS/s (RTL-SDR: 1.0-3.2 MS/s, e.g. --rate 2.4M)"
        )
    out_rate = sps * SYMBOL_RATE_HZ
    ratio = (Fraction(out_rate).limit_denominator(10**9) / Fraction(sample_rate_hz).limit_denominator(10**9))
    ratio = ratio.limit_denominator(_MAX_DENOMINATOR)
    p, q = ratio.numerator, ratio.denominator
    hop, overlap = _choose_sizes(p, q, sample_rate_hz, block_s, filter_span_s)
    fft_size = hop + overlap
    out_fft = fft_size * p // q
    out_per_block = hop * p // q
    keep_start = (overlap // 2) * p // q
    exact_out_rate = sample_rate_hz * p / q
    filt = _channel_filter(out_fft, exact_out_rate, pass_hz, stop_hz, keep_start)
    return ChannelizerPlan(
        sample_rate_hz=float(sample_rate_hz), out_rate_hz=exact_out_rate, sps=sps, fft_size=fft_size, hop=hop,
        overlap=overlap, out_fft_size=out_fft, out_per_block=out_per_block, keep_start=keep_start,
        filter=filt, pass_hz=pass_hz, stop_hz=stop_hz,
        rate_error_ppm=(exact_out_rate / out_rate - 1.0) * 1e6,
    )


def _smooth_numbers(limit: int, primes: tuple[int, ...]) -> list[int]:
    out = [1]
    for pr in primes:
        grown = []
        for v in out:
            while v <= limit:
                grown.append(v)
                v *= pr
        out = grown
    return sorted(set(out))


def _largest_prime_factor(n: int) -> int:
    largest, f = 1, 2
    while f * f <= n:
        while n % f == 0:
            largest, n = f, n // f
        f += 1
    return max(largest, n) if n > 1 else largest


def _fft_cost(n: int) -> float:
    """Relative cost of an FFT of length ``n``: pocketfft is fast for 2/3/5/7-smooth lengths, ~1.5x slower
    with a factor 11-13, and several times slower with a large prime factor (measured: 2168 = 8 x 271 is
    4.4x slower than 2160)."""
    lp = _largest_prime_factor(n)
    penalty = 1.0 if lp <= 7 else (1.5 if lp <= 13 else 4.0 + lp / 100.0)
    return n * math.log2(max(n, 2)) * penalty


_MAX_FFT = 1 << 17
_SMOOTH = _smooth_numbers(_MAX_FFT, (2, 3, 5, 7, 11, 13))


@lru_cache(maxsize=64)
def _choose_sizes(p: int, q: int, rate: float, block_s: float, span_s: float) -> tuple[int, int]:
    """Hop and overlap (multiples of q and 2q) minimising FFT work per input sample.

    Candidate FFT lengths are 13-smooth numbers; the forward FFT (length ``n = hop + overlap``) and two
    channels' inverse FFTs (length ``n p / q``) are counted. Falls back to plain multiples of ``q`` when no
    smooth length fits the rate ratio.
    """
    min_overlap = 2 * q * max(1, math.ceil(span_s * rate / (2 * q)))
    best: tuple[float, int, int] | None = None
    for ov_mult in (1, 2, 3):
        overlap = min_overlap * ov_mult
        lo, hi = overlap + max(q, 2 * overlap), overlap + max(q, int(16 * block_s * rate), 8 * overlap)
        candidates = [n for n in _SMOOTH if lo <= n <= min(hi, _MAX_FFT) and (n - overlap) % q == 0]
        if not candidates:
            hop = q * max(1, math.ceil(max(block_s * rate - overlap, 2 * overlap) / q))
            candidates = [hop + overlap]
        for n in candidates:
            hop = n - overlap
            cost = (_fft_cost(n) + 2.0 * _fft_cost(n * p // q)) / hop
            if best is None or cost < best[0] * 0.999:
                best = (cost, hop, overlap)
    assert best is not None
    return best[1], best[2]


def _channel_filter(n: int, rate_hz: float, pass_hz: float, stop_hz: float, half_span: int) -> np.ndarray:
    """Raised-cosine low-pass on ``n`` output bins, with its impulse response cut to +-``half_span``
    samples (so the circular convolution of overlap-save equals the linear one on the kept samples)."""
    f = np.abs(np.fft.fftfreq(n, d=1.0 / rate_hz))
    resp = np.where(f <= pass_hz, 1.0, 0.0)
    edge = (f > pass_hz) & (f < stop_hz)
    resp[edge] = 0.5 * (1.0 + np.cos(np.pi * (f[edge] - pass_hz) / (stop_hz - pass_hz)))
    h = np.real(np.fft.ifft(resp))
    t = np.minimum(np.arange(n), n - np.arange(n))  # circular distance from lag 0
    win = np.where(t < half_span, 0.5 * (1.0 + np.cos(np.pi * t / max(half_span, 1))), 0.0)
    resp = np.real(np.fft.fft(h * win))
    return resp.astype(np.float32)


def block_spectra(x: np.ndarray, plan: ChannelizerPlan) -> np.ndarray:
    """FFT of every complete overlap-save block of ``x`` (blocks start every ``hop`` samples).

    Returns complex64 ``(n_blocks, fft_size)``; ``x`` must hold ``(n_blocks - 1) * hop + fft_size`` samples.
    """
    n_blocks = (x.size - plan.overlap) // plan.hop
    if n_blocks <= 0:
        return np.empty((0, plan.fft_size), np.complex64)
    view = np.lib.stride_tricks.sliding_window_view(x, plan.fft_size)[:: plan.hop][:n_blocks]
    return _fft.fft(view, axis=1).astype(np.complex64, copy=False)


def channel_bins(plan: ChannelizerPlan, centre_bin: int) -> tuple[np.ndarray, np.ndarray]:
    """Input-spectrum bin indices (in inverse-FFT order) feeding a channel, and a mask of valid ones."""
    k = plan.out_fft_size
    j = np.fft.fftfreq(k, d=1.0 / k).astype(np.int64)  # 0, 1, ..., -1 (inverse-FFT order)
    valid = np.abs(j) < plan.fft_size // 2
    return (centre_bin + j) % plan.fft_size, valid


def extract_channel(spectra: np.ndarray, plan: ChannelizerPlan, centre_bin: int,
                    first_block: int) -> np.ndarray:
    """Time samples of one channel from block spectra; ``first_block`` is the global index of row 0.

    The output of consecutive calls concatenates seamlessly: sample ``i`` of the channel stream is the
    input, filtered and mixed down by ``centre_bin * bin_hz``, at input sample ``i * fft_size /
    out_fft_size`` (when the stream starts with the ``overlap / 2`` zeros the streaming wrapper adds).
    """
    if spectra.shape[0] == 0:
        return np.empty(0, np.complex64)
    idx, valid = channel_bins(plan, centre_bin)
    gain = (plan.filter * valid * (plan.out_fft_size / plan.fft_size)).astype(np.float32)
    # Bin selection shifts each block by its own start time; restore one continuous mixer, referred to
    # input sample 0 (block 0 starts overlap/2 samples before it: the streaming wrapper's zero lead-in).
    # A per-block constant, so it is applied to the spectrum rows before the inverse FFT.
    b = np.arange(first_block, first_block + spectra.shape[0], dtype=np.int64)
    t0 = plan.hop * b - plan.overlap // 2
    phase = np.exp(-2j * np.pi * ((centre_bin * t0) % plan.fft_size) / plan.fft_size).astype(np.complex64)
    sub = np.empty((spectra.shape[0], plan.out_fft_size), np.complex64)
    _k.gather_bins(np.ascontiguousarray(spectra, np.complex64), idx, gain, phase, sub)
    y = _fft.ifft(sub, axis=1, overwrite_x=True)[:, plan.keep_start: plan.keep_start + plan.out_per_block]
    return np.ascontiguousarray(y).reshape(-1)


def band_power(spectra: np.ndarray, stride: int = 8) -> np.ndarray:
    """Mean power per input FFT bin over every ``stride``-th block (float64, ``fft_size``), FFT order.

    A level estimate: averaging one block in eight is as good for a power table and 8x cheaper.
    """
    if spectra.shape[0] == 0:
        return np.zeros(spectra.shape[1])
    rows = spectra[::stride]
    p = rows.real * rows.real + rows.imag * rows.imag
    return np.mean(p, axis=0, dtype=np.float64)
