"""Burst demodulation: channel estimation on the training sequence and soft-output MLSE.

Public wrappers around :mod:`dsp._kernels.mlse`. A *burst layout* says which of the 148 bits are known (tail
bits, the training sequence) and where the training sequence sits; the same kernel serves normal bursts
(TS 45.002 §5.2.3, training = TSC) and synchronisation bursts (§5.2.5, training = the 64-bit extended
sequence).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dsp import _kernels
from dsp._kernels.exports import N_TAPS
from dsp.constants import (
    BURST_BITS,
    DUMMY_BURST_BITS,
    NB_TRAINING_START,
    SB_TRAINING_START,
    SCH_TRAINING_BITS,
    TAIL_BITS,
    TSC_BITS,
)
from sdrscan.errors import DspParameterError

_k = _kernels.load("mlse")


@dataclass(frozen=True, slots=True)
class BurstLayout:
    """Known bits of one burst type: ``known[j]`` is 0/1 or -1 (unknown), plus the LS training matrix."""

    known: np.ndarray  # int8 (148,)
    train_bits: np.ndarray  # uint8
    train_start: int
    pinv: np.ndarray  # complex128 (N_TAPS, n_eq)


def _layout(train_bits: np.ndarray, train_start: int) -> BurstLayout:
    known = np.full(BURST_BITS, -1, np.int8)
    known[:TAIL_BITS] = 0
    known[BURST_BITS - TAIL_BITS:] = 0
    known[train_start:train_start + train_bits.size] = train_bits
    b = 1.0 - 2.0 * train_bits.astype(np.float64)
    n_eq = train_bits.size - N_TAPS + 1
    # Row r models the sample of training symbol (N_TAPS - 1 + r): sum_k h[k] * b[N_TAPS - 1 + r - k].
    a = np.empty((n_eq, N_TAPS))
    for r in range(n_eq):
        for k in range(N_TAPS):
            a[r, k] = b[N_TAPS - 1 + r - k]
    pinv = np.linalg.pinv(a).astype(np.complex128)
    return BurstLayout(known, train_bits.astype(np.uint8), train_start, np.ascontiguousarray(pinv))


@lru_cache(maxsize=16)
def normal_burst_layout(tsc: int) -> BurstLayout:
    """Normal burst with training sequence code ``tsc`` (TS 45.002 §5.2.3)."""
    if not 0 <= tsc < 8:
        raise DspParameterError(f"tsc={tsc} out of range; expected 0..7 (on C0 the TSC equals the BCC)")
    return _layout(TSC_BITS[tsc], NB_TRAINING_START)


@lru_cache(maxsize=1)
def sch_burst_layout() -> BurstLayout:
    """Synchronisation burst with its 64-bit extended training sequence (TS 45.002 §5.2.5)."""
    return _layout(SCH_TRAINING_BITS, SB_TRAINING_START)


@lru_cache(maxsize=1)
def dummy_burst_layout() -> BurstLayout:
    """The dummy burst (TS 45.002 §5.2.6) with all 142 mixed bits as training: fits only a dummy burst, which
    tells an idle block (nothing transmitted) from a block that failed to decode."""
    return _layout(DUMMY_BURST_BITS[TAIL_BITS:BURST_BITS - TAIL_BITS], TAIL_BITS)


@dataclass(frozen=True, slots=True)
class DemodResult:
    """Per-burst outputs of :func:`demodulate_bursts` (arrays of length ``n`` unless noted)."""

    soft: np.ndarray  # float32 (n, 148) LLRs, positive = bit 1
    timing_sym: np.ndarray  # float64: best alignment relative to the prediction, in symbols
    snr_lin: np.ndarray  # float64: CIR energy over noise variance per sample
    power: np.ndarray  # float64: mean |y|^2 over the burst
    cir: np.ndarray  # complex128 (n, N_TAPS)


def demodulate_bursts(
    y: np.ndarray,
    starts: np.ndarray,
    freq_offset_hz: np.ndarray | float,
    sample_rate_hz: float,
    sps: int,
    layout: BurstLayout,
    max_delay_sym: int = 3,
) -> DemodResult:
    """Equalize bursts from one channel stream.

    Parameters
    ----------
    y : complex64 (m,)  channel samples at ``sps`` samples per symbol, centred on the carrier.
    starts : float64 (n,)  predicted sample index of each burst's first symbol.
    freq_offset_hz : float or (n,)  residual carrier offset to remove (Hz).
    sample_rate_hz : float  rate of ``y``.
    sps : int  samples per symbol (1 or 2).
    layout : BurstLayout  from :func:`normal_burst_layout` or :func:`sch_burst_layout`.
    max_delay_sym : int  timing search range around each prediction, in symbols.
    """
    y = np.ascontiguousarray(y, np.complex64)
    if y.ndim != 1:
        raise DspParameterError(f"y must be 1-D complex samples, got shape {y.shape}")
    if sps not in (1, 2, 4):
        raise DspParameterError(f"sps={sps} unsupported; expected 1, 2 or 4")
    starts = np.ascontiguousarray(starts, np.float64).reshape(-1)
    n = starts.size
    f = np.broadcast_to(np.asarray(freq_offset_hz, np.float64), (n,)) / float(sample_rate_hz)
    soft = np.zeros((n, BURST_BITS), np.float32)
    timing = np.zeros(n)
    snr = np.zeros(n)
    power = np.zeros(n)
    cir = np.zeros((n, N_TAPS), np.complex128)
    _k.demod_bursts(y, starts, np.ascontiguousarray(f), sps, layout.known, layout.train_bits,
                    layout.train_start, layout.pinv, int(max_delay_sym), soft, timing, snr, power, cir)
    return DemodResult(soft, timing, snr, power, cir)


def training_fit(y: np.ndarray, starts: np.ndarray, freq_offset_hz: np.ndarray | float, sample_rate_hz: float,
                 sps: int, layout: BurstLayout, max_delay_sym: int = 3) -> np.ndarray:
    """How well each burst fits ``layout``'s training sequence: CIR energy over residual (linear), no MLSE."""
    y = np.ascontiguousarray(y, np.complex64)
    starts = np.ascontiguousarray(starts, np.float64).reshape(-1)
    f = np.broadcast_to(np.asarray(freq_offset_hz, np.float64), starts.shape) / float(sample_rate_hz)
    out = np.zeros(starts.size)
    _k.fit_training(y, starts, np.ascontiguousarray(f), sps, layout.train_bits, layout.train_start, layout.pinv,
                    int(max_delay_sym), out)
    return out
