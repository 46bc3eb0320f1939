"""Frequency-correction burst (FCCH) search.

An FCCH burst is 148 zero bits; after GMSK it is a pure tone ``SYMBOL_RATE_HZ / 4`` (67.708 kHz) above the
carrier for 148 symbol periods (TS 45.002 §5.2.4, TS 45.004). Two stages:

* :func:`tone_spectrogram` + :func:`find_tones` look at a whole wideband capture at once and report
  short-lived narrow tones anywhere in it. Because the search is over the whole band, a carrier whose
  crystal-induced offset pushes its tone into the next channel (50 ppm is 47 kHz at 950 MHz) is still
  found: the carrier is simply ``tone - 67.708 kHz``.
* :func:`refine_fcch` pins one burst down in a channel stream: start sample and frequency offset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dsp import _fft, _kernels
from dsp.constants import BURST_BITS, FCCH_TONE_HZ, SYMBOL_RATE_HZ
from sdrscan.errors import DspParameterError

_k = _kernels.load("fcch")


@dataclass(frozen=True, slots=True)
class Spectrogram:
    power: np.ndarray  # float32 (n_frames, nfft), natural frequency order
    freqs_hz: np.ndarray  # (nfft,), offsets from the capture centre
    frame_starts: np.ndarray  # int64 sample index of each frame's first sample
    nfft: int
    sample_rate_hz: float


def tone_spectrogram(x: np.ndarray, sample_rate_hz: float, window_s: float = 0.35e-3,
                     hop_fraction: float = 0.5) -> Spectrogram:
    """Rectangular-window STFT whose window plus hop (0.525 ms) fit inside one FCCH burst (0.546 ms), so
    every burst fills at least one whole frame.

    The rectangular window keeps all of a tone's energy in one or two bins, which is what the detector
    measures; leakage does not matter because the ratio is taken against a 200 kHz neighbourhood.
    """
    x = np.ascontiguousarray(x, np.complex64)
    nfft = int(window_s * sample_rate_hz) // 8 * 8
    if nfft < 64:
        raise DspParameterError(f"sample rate {sample_rate_hz:g} Hz too low for FCCH search")
    hop = max(1, int(nfft * hop_fraction))
    n_frames = (x.size - nfft) // hop + 1
    freqs = np.fft.fftshift(np.fft.fftfreq(nfft, 1.0 / sample_rate_hz))
    if n_frames <= 0:
        return Spectrogram(np.zeros((0, nfft), np.float32), freqs, np.zeros(0, np.int64), nfft, sample_rate_hz)
    view = np.lib.stride_tricks.sliding_window_view(x, nfft)[::hop][:n_frames]
    spec = _fft.fft(view, axis=1)  # pocketfft reads the overlapping strided view without a copy
    power = np.fft.fftshift(spec.real * spec.real + spec.imag * spec.imag, axes=1)
    return Spectrogram(power, freqs, np.arange(n_frames, dtype=np.int64) * hop, nfft, sample_rate_hz)


@dataclass(frozen=True, slots=True)
class ToneHit:
    frame: int
    bin: int
    freq_hz: float  # interpolated tone frequency (offset from capture centre)
    ratio: float  # peak power over the mean of its +-100 kHz neighbourhood


def find_tones(spec: Spectrogram, threshold: float = 18.0, half_band_hz: float = 100e3,
               exclude_hz: float = 4e3, max_abs_hz: float | None = None) -> list[ToneHit]:
    """Bins that stand ``threshold`` times above their neighbourhood and are local maxima in frequency."""
    if spec.power.shape[0] == 0:
        return []
    bin_hz = spec.sample_rate_hz / spec.nfft
    half = max(2, int(round(half_band_hz / bin_hz)))
    excl = max(1, int(round(exclude_hz / bin_hz)))
    ratio = np.empty_like(spec.power)
    _k.tone_ratio(np.ascontiguousarray(spec.power), half, excl, ratio)
    hits: list[ToneHit] = []
    frames, bins = np.nonzero(ratio > threshold)
    for t, i in zip(frames.tolist(), bins.tolist(), strict=True):
        lo, hi = max(0, i - excl), min(spec.nfft, i + excl + 1)
        if ratio[t, i] < ratio[t, lo:hi].max():
            continue
        if max_abs_hz is not None and abs(spec.freqs_hz[i]) > max_abs_hz:
            continue
        # Parabolic interpolation on log power for a sub-bin frequency.
        delta = 0.0
        if 0 < i < spec.nfft - 1:
            a, b, c = np.log(spec.power[t, i - 1 : i + 2].astype(np.float64) + 1e-30)
            den = a - 2 * b + c
            if den < 0:
                delta = float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))
        hits.append(ToneHit(t, i, float(spec.freqs_hz[i] + delta * bin_hz), float(ratio[t, i])))
    return hits


@dataclass(frozen=True, slots=True)
class FcchFix:
    start: int  # sample index (channel stream) of the burst's first symbol
    freq_offset_hz: float  # carrier offset measured from the tone (tone - 67.708 kHz)
    quality: float  # fraction of the window's energy explained by the tone (0..1)


def refine_fcch(y: np.ndarray, sample_rate_hz: float, sps: int, lo: int, hi: int,
                freq_guess_hz: float = 0.0, nfft: int = 4096, max_dev_hz: float = 5e3) -> FcchFix | None:
    """Locate an FCCH burst starting in ``[lo, hi)`` of a channel stream centred on the carrier.

    The stream is de-rotated by the tone frequency (67.708 kHz + ``freq_guess_hz``) so the burst becomes
    DC; the start maximises the sliding sum over 148 symbols, then an FFT of that segment gives the
    frequency to a few tens of Hz. The tone is looked for only within ``max_dev_hz`` of the guess: a channel
    stream also holds the edges of its neighbours, and a strong neighbour's FCCH (200 kHz away) must never
    be taken for this carrier's.
    """
    length = BURST_BITS * sps
    lo = max(0, lo)
    hi = min(hi, y.size - length)
    if hi <= lo:
        return None
    seg = np.asarray(y[lo: hi + length], np.complex64)
    m = np.arange(seg.size)
    tone = FCCH_TONE_HZ + freq_guess_hz
    z = (seg * np.exp(-2j * np.pi * tone * (m + lo) / sample_rate_hz)).astype(np.complex128)
    energy = np.empty(hi - lo)
    _k.sliding_tone_energy(z, length, energy)
    best = int(np.argmax(energy))
    burst = z[best: best + length]
    total = float(np.sum(np.abs(burst) ** 2)) * length
    padded = np.zeros(nfft, np.complex128)
    padded[: burst.size] = burst
    spec = np.abs(_fft.fft(padded)) ** 2
    bins = np.fft.fftfreq(nfft, 1.0 / sample_rate_hz)
    window = np.flatnonzero(np.abs(bins) <= max_dev_hz)
    k = int(window[np.argmax(spec[window])])
    delta = 0.0
    a, b, c = (float(np.log(spec[(k + d) % nfft] + 1e-30)) for d in (-1, 0, 1))
    den = a - 2 * b + c
    if den < 0:
        delta = 0.5 * (a - c) / den
    f_bin = (k + delta) if k < nfft // 2 else (k + delta - nfft)
    freq = freq_guess_hz + f_bin * sample_rate_hz / nfft
    quality = float(spec[k] / total) if total > 0 else 0.0
    return FcchFix(lo + best, float(freq), quality)


def symbol_period_samples(sample_rate_hz: float) -> float:
    return sample_rate_hz / SYMBOL_RATE_HZ
