"""GMSK modulation of the GSM downlink, TS 45.004 §2 (differential encoding, Gaussian filter BT 0.3,
modulation index 1/2), at an integer number of samples per symbol.

The modulator works on a *per-sample* NRZ stream ``a(t)`` (+1/-1, constant over each sample period), so
the 156.25-symbol timeslot (TS 45.002 §5.2) is exact whenever ``sps`` is a multiple of 4: every timeslot
starts on a whole sample and the quarter symbol of the guard period is ``sps / 4`` samples long.

With ``Ts = T / sps`` and sample ``n`` at ``t = n Ts``, TS 45.004 §2.5 gives

    phi(n Ts) = pi / (2 T) * integral_{-inf}^{n Ts} (h * a)(u) du
              = pi / (2 sps) * sum_k a[k] * P(n - k),

where ``h`` is the Gaussian of §2.4 (standard deviation ``delta T``, ``delta = sqrt(ln 2) / (2 pi BT)``)
and ``P(m)`` the fraction of one sample-wide rectangle's filtered area accumulated after ``m`` samples.
``P`` has a closed form (integral of the normal CDF), so the phase on the sample grid is exact up to the
truncation of the Gaussian at ``span_symbols`` (error below 1e-10 rad at 3 symbols).

Sign convention: bit 0 after differential encoding (``a = +1``) advances the phase by +pi/2 per symbol,
so the all-zero FCCH burst is a tone at +SYMBOL_RATE_HZ / 4 = +67.708 kHz (TS 45.002 §5.2.4).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

from dsp import _kernels
from dsp.constants import BURST_BITS, TIMESLOT_SYMBOLS
from sdrscan.errors import DspParameterError

_k = _kernels.load("gmsk")

# TS 45.004 §2.4: bandwidth-time product of the Gaussian pre-modulation filter.
BT: float = 0.3
# Guard period of a timeslot (TS 45.002 §5.2): 156.25 - 148 = 8.25 symbol periods. The specifications leave
# what a continuously transmitting C0 sends there to the implementation; we keep modulating logical 1 bits.
GUARD_SYMBOLS: float = TIMESLOT_SYMBOLS - BURST_BITS
GUARD_BIT: int = 1


def gaussian_delta(bt: float = BT) -> float:
    """``delta = sqrt(ln 2) / (2 pi BT)`` of TS 45.004 §2.4: the Gaussian's standard deviation in symbols."""
    return math.sqrt(math.log(2.0)) / (2.0 * math.pi * bt)


def differential_encode(bits: np.ndarray, prev_bit: int = GUARD_BIT) -> np.ndarray:
    """Modulating values ``a_i = 1 - 2 (d_i xor d_{i-1})`` of TS 45.004 §2.3.

    Parameters
    ----------
    bits : array of 0/1, shape (n,) or (rows, n)
        Bits ``d_i`` in transmission order; each row is encoded on its own.
    prev_bit : int
        ``d_{-1}``, the bit sent just before ``bits[0]`` (of every row).

    Returns
    -------
    numpy.ndarray of int8, same shape: +1 or -1.

    >>> differential_encode(np.array([0, 0, 1, 1, 0], np.uint8), prev_bit=0).tolist()
    [1, 1, -1, 1, -1]
    """
    d = _as_bits(bits)
    if prev_bit not in (0, 1):
        raise DspParameterError(f"prev_bit={prev_bit!r}; expected 0 or 1")
    prev = np.empty_like(d)
    prev[..., 0] = prev_bit
    prev[..., 1:] = d[..., :-1]
    return (1 - 2 * (d ^ prev)).astype(np.int8)


def gmsk_sample_taps(sps: int, bt: float = BT, span_symbols: float = 3.0) -> np.ndarray:
    """Phase-increment taps of one sample-wide NRZ rectangle through the Gaussian filter.

    ``taps[j]`` (``j = 0 .. 2M+1`` with ``M = ceil(span_symbols * sps)``) is ``P(j - M) - P(j - M - 1)``,
    the share of the rectangle ``[0, Ts)``'s filtered area that falls in the sample period ending at
    ``(j - M) Ts``. The taps sum to 1.

    Parameters
    ----------
    sps : int
        Samples per symbol (>= 1).
    bt : float
        Bandwidth-time product (TS 45.004 §2.4: 0.3).
    span_symbols : float
        Truncation of the Gaussian on each side, in symbols.

    Returns
    -------
    numpy.ndarray of float64, shape (2M + 2,).
    """
    if int(sps) != sps or sps < 1:
        raise DspParameterError(f"sps={sps!r}; expected a positive integer number of samples per symbol")
    if not 0.1 <= bt <= 1.0:
        raise DspParameterError(f"bt={bt!r}; expected a bandwidth-time product in 0.1..1 (GSM uses 0.3)")
    sigma = gaussian_delta(bt) * sps  # in samples
    m_half = math.ceil(span_symbols * sps)
    m = np.arange(-m_half - 1, m_half + 2, dtype=np.float64)

    def g(z: np.ndarray) -> np.ndarray:  # integral of the normal CDF: G(z) = z Phi(z) + phi(z)
        return z * ndtr(z) + np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)

    # P(m) = sigma * [G(m / sigma) - G((m - 1) / sigma)]: area of (h * rect[0,1)) accumulated up to m.
    cum = sigma * (g(m / sigma) - g((m - 1.0) / sigma))
    taps = np.diff(cum)
    return np.ascontiguousarray(taps / taps.sum())


def tap_half_length(taps: np.ndarray) -> int:
    """``M`` of :func:`gmsk_sample_taps`: the filter looks ``M`` samples ahead and ``M + 1`` behind."""
    return (taps.size - 2) // 2


def gmsk_phase(nrz: np.ndarray, sps: int, taps: np.ndarray, phase_start_rad: float = 0.0) -> np.ndarray:
    """Phase (rad) on the sample grid of a per-sample NRZ stream ('valid' part only).

    Parameters
    ----------
    nrz : int8 array (n,)
        Modulating values +1/-1 per sample period (``sps`` samples per symbol).
    sps : int
        Samples per symbol, used for the modulation index scaling ``pi / (2 sps)`` per sample.
    taps : float64 array (2M + 2,)
        From :func:`gmsk_sample_taps`.
    phase_start_rad : float
        Phase at sample ``M`` of ``nrz``.

    Returns
    -------
    float64 array (n - 2M - 1,): the phase at samples ``M + 1 .. n - M - 1`` of ``nrz``.
    """
    a = np.ascontiguousarray(nrz, dtype=np.int8)
    t = np.ascontiguousarray(taps, dtype=np.float64)
    if a.ndim != 1 or t.ndim != 1:
        raise DspParameterError(f"nrz and taps must be 1-D; got shapes {a.shape} and {t.shape}")
    if not np.all(np.abs(a) == 1):
        raise DspParameterError("nrz must hold only +1/-1 modulating values (use differential_encode)")
    n_out = a.size - t.size + 1
    if n_out <= 0:
        raise DspParameterError(f"nrz has {a.size} samples; need more than {t.size - 1} for {t.size} taps")
    out = np.empty(n_out, np.float64)
    _k.gmsk_phase(a, t, math.pi / (2.0 * sps), float(phase_start_rad), out)
    return out


def slot_nrz(bursts: np.ndarray, sps: int) -> np.ndarray:
    """Per-sample NRZ stream of consecutive timeslots, each 148 burst bits plus the guard period.

    Each timeslot is ``156.25 * sps`` samples (TS 45.002 §5.2): 148 symbols of burst bits, then the
    8.25-symbol guard period filled with logical 1 bits (8 whole symbols and a quarter). The differential
    encoding of TS 45.004 §2.3 runs on over the guard bits, so ``d_{-1}`` of every burst is 1.

    Parameters
    ----------
    bursts : uint8 array (n_slots, 148)
        Burst bits in transmission order, one row per timeslot.
    sps : int
        Samples per symbol; a multiple of 4 so timeslots start on whole samples.

    Returns
    -------
    int8 array (n_slots * 156.25 * sps,).
    """
    b = _as_bits(bursts)
    if b.ndim != 2 or b.shape[1] != BURST_BITS:
        raise DspParameterError(f"bursts must have shape (n_slots, {BURST_BITS}); got {b.shape}")
    if sps % 4 != 0 or sps <= 0:
        raise DspParameterError(f"sps={sps}; expected a positive multiple of 4 so 156.25-symbol timeslots "
                                "land on whole samples")
    n_guard = int(GUARD_SYMBOLS)  # 8 whole guard symbols; the quarter is appended below
    bits = np.concatenate([b, np.full((b.shape[0], n_guard), GUARD_BIT, np.uint8)], axis=1)
    a = differential_encode(bits, prev_bit=GUARD_BIT)
    per_sample = np.repeat(a, sps, axis=1)
    # The quarter symbol continues the last guard bit (1 after 1: a = +1).
    quarter = np.repeat(a[:, -1:], sps // 4, axis=1)
    return np.ascontiguousarray(np.concatenate([per_sample, quarter], axis=1).reshape(-1))


def gmsk_modulate(bits: np.ndarray, sps: int = 4, bt: float = BT, prev_bit: int = GUARD_BIT) -> np.ndarray:
    """Modulate one isolated bit sequence (e.g. a burst) at ``sps`` samples per symbol.

    Sample ``m`` is taken at ``t = m / sps`` symbol periods, where symbol ``i`` occupies ``[i, i + 1)``;
    before the first bit the modulator sends ``prev_bit`` and after the last bit it repeats the last bit
    (both give ``a = +1``), so the Gaussian tails have defined inputs. Phase 0 at ``t = 0`` is not
    guaranteed; the phase is continuous from the start of the idle pre-roll.

    Returns
    -------
    complex64 array (len(bits) * sps,), unit amplitude.
    """
    d = _as_bits(bits)
    if d.ndim != 1 or d.size == 0:
        raise DspParameterError(f"bits must be a non-empty 1-D array of 0/1; got shape {d.shape}")
    taps = gmsk_sample_taps(sps, bt)
    m_half = tap_half_length(taps)
    a = np.repeat(differential_encode(d, prev_bit), sps)
    nrz = np.concatenate([np.ones(m_half + 1, np.int8), a, np.ones(m_half, np.int8)])
    phase = gmsk_phase(nrz, sps, taps)
    return np.exp(1j * phase).astype(np.complex64)


def _as_bits(bits: np.ndarray) -> np.ndarray:
    d = np.asarray(bits)
    if d.dtype == np.bool_:
        d = d.astype(np.uint8)
    if not np.issubdtype(d.dtype, np.integer):
        raise DspParameterError(f"bits must be integers 0/1; got dtype {d.dtype}")
    if d.size and (d.min() < 0 or d.max() > 1):
        raise DspParameterError("bits must be 0 or 1 (hard bits, numpy.uint8)")
    return np.ascontiguousarray(d, dtype=np.uint8)
