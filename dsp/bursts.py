"""Burst assembly and payload extraction (TS 45.002 §5.2).

Bit positions within the 148 bits of a burst (the 8.25-bit guard period is not part of it):

* normal burst (§5.2.3): 3 tail | 57 data | hl | 26 training | hu | 57 data | 3 tail, i.e. data in 3..59
  and 88..144, stealing flags at 60 (``hl``, e(57) of TS 45.003 §4.1.5) and 87 (``hu``, e(58)), TSC at 61..86;
* synchronisation burst (§5.2.5): 3 tail | 39 data | 64 extended training | 39 data | 3 tail;
* frequency correction burst (§5.2.4): 148 zeros; dummy burst (§5.2.6): fixed bits.

Payload extraction works on hard (uint8) and soft (float32) bursts alike and on any leading shape
(``(..., 148) -> (..., 114)``), so a block's four bursts can be sliced in one call.
"""

from __future__ import annotations

import numpy as np

from dsp.constants import (
    BURST_BITS,
    DUMMY_BURST_BITS,
    FCCH_BITS,
    NB_DATA_BITS,
    NB_TRAINING_BITS,
    NB_TRAINING_START,
    SB_DATA_BITS,
    SB_TRAINING_BITS,
    SB_TRAINING_START,
    SCH_TRAINING_BITS,
    TAIL_BITS,
    TSC_BITS,
)
from sdrscan.errors import DspParameterError

NB_PAYLOAD_BITS: int = 2 * NB_DATA_BITS  # 114
SB_PAYLOAD_BITS: int = 2 * SB_DATA_BITS  # 78
HL_POSITION: int = TAIL_BITS + NB_DATA_BITS  # 60
HU_POSITION: int = NB_TRAINING_START + NB_TRAINING_BITS  # 87

_NB_FIRST = slice(TAIL_BITS, TAIL_BITS + NB_DATA_BITS)  # 3..59
_NB_SECOND = slice(HU_POSITION + 1, HU_POSITION + 1 + NB_DATA_BITS)  # 88..144
_SB_FIRST = slice(TAIL_BITS, TAIL_BITS + SB_DATA_BITS)  # 3..41
_SB_SECOND = slice(SB_TRAINING_START + SB_TRAINING_BITS, SB_TRAINING_START + SB_TRAINING_BITS + SB_DATA_BITS)


def normal_burst(payload114: np.ndarray, tsc: int, stealing: tuple[int, int] = (1, 1)) -> np.ndarray:
    """Assemble a normal burst (TS 45.002 §5.2.3).

    Parameters
    ----------
    payload114 : array of 0/1, shape (114,)
        Data bits: the first 57 go before the stealing flag ``hl``, the last 57 after ``hu``.
    tsc : int
        Training sequence code 0..7 (for BCCH/CCCH on C0 it equals the BCC).
    stealing : (hl, hu)
        Stealing flags, bits 60 and 87 of the burst (TS 45.003 §4.1.5: both 1 for control channels).

    Returns
    -------
    numpy.ndarray, uint8, shape (148,)
    """
    p = _hard(payload114, (NB_PAYLOAD_BITS,), "payload114")
    if int(tsc) != tsc or not 0 <= int(tsc) <= 7:
        raise DspParameterError(f"tsc={tsc!r} out of range; expected a training sequence code 0..7")
    if len(stealing) != 2 or any(s not in (0, 1) for s in stealing):
        raise DspParameterError(f"stealing={stealing!r} invalid; expected (hl, hu) with each 0 or 1")
    out = np.zeros(BURST_BITS, np.uint8)
    out[_NB_FIRST] = p[:NB_DATA_BITS]
    out[HL_POSITION] = stealing[0]
    out[NB_TRAINING_START:NB_TRAINING_START + NB_TRAINING_BITS] = TSC_BITS[int(tsc)]
    out[HU_POSITION] = stealing[1]
    out[_NB_SECOND] = p[NB_DATA_BITS:]
    return out


def normal_burst_payload(burst148: np.ndarray) -> np.ndarray:
    """The 114 data bits of normal burst(s): ``(..., 148) -> (..., 114)``, dtype kept (hard or soft)."""
    b = _burst(burst148, "burst148")
    return np.concatenate([b[..., _NB_FIRST], b[..., _NB_SECOND]], axis=-1)


def stealing_flags(burst148: np.ndarray) -> np.ndarray:
    """``(hl, hu)`` of normal burst(s): ``(..., 148) -> (..., 2)``."""
    b = _burst(burst148, "burst148")
    return b[..., [HL_POSITION, HU_POSITION]]


def sch_burst(coded78: np.ndarray) -> np.ndarray:
    """Assemble a synchronisation burst (TS 45.002 §5.2.5) around the 78 coded SCH bits."""
    c = _hard(coded78, (SB_PAYLOAD_BITS,), "coded78")
    out = np.zeros(BURST_BITS, np.uint8)
    out[_SB_FIRST] = c[:SB_DATA_BITS]
    out[SB_TRAINING_START:SB_TRAINING_START + SB_TRAINING_BITS] = SCH_TRAINING_BITS
    out[_SB_SECOND] = c[SB_DATA_BITS:]
    return out


def sch_burst_payload(burst148: np.ndarray) -> np.ndarray:
    """The 78 coded bits of synchronisation burst(s): ``(..., 148) -> (..., 78)``, dtype kept."""
    b = _burst(burst148, "burst148")
    return np.concatenate([b[..., _SB_FIRST], b[..., _SB_SECOND]], axis=-1)


def fcch_burst() -> np.ndarray:
    """A frequency correction burst: 148 zero bits (TS 45.002 §5.2.4)."""
    return FCCH_BITS.copy()


def dummy_burst() -> np.ndarray:
    """The dummy burst (TS 45.002 §5.2.6), sent in idle frames of C0."""
    return DUMMY_BURST_BITS.copy()


def _burst(x: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim < 1 or arr.shape[-1] != BURST_BITS:
        raise DspParameterError(f"{name} has shape {arr.shape}; expected (..., {BURST_BITS}) burst bits")
    return arr


def _hard(x: np.ndarray, shape: tuple[int, ...], name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.shape != shape:
        raise DspParameterError(f"{name} has shape {arr.shape}; expected {shape} bits")
    if not np.all((arr == 0) | (arr == 1)):
        raise DspParameterError(f"{name} holds values other than 0/1; expected hard bits")
    return arr.astype(np.uint8, copy=False)
