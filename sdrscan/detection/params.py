"""Broadcast parameters in physical units, for rule thresholds and messages a person can read.

Pure functions of the raw field codes the cells model keeps (``sdrscan.cells.model.CellParameters``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sdrscan.errors import ConfigError
from sdrscan.gsm.multiframe import CcchConfig

# TS 44.018 §10.5.2.35 (SI3/SI4 rest octets, "Optional selection parameters") and TS 45.008 §6.4.
CRO_STEP_DB = 2  # CELL_RESELECT_OFFSET: 0..63 -> 0..126 dB
TEMPORARY_OFFSET_STEP_DB = 10  # TEMPORARY_OFFSET: 0..6 -> 0..60 dB
TEMPORARY_OFFSET_INFINITE = 7  # 111: infinity (the cell cannot be chosen while the penalty runs)
PENALTY_TIME_STEP_S = 20  # PENALTY_TIME: n -> 20 (n + 1) s
PENALTY_TIME_REVERSED = 31  # 11111: CELL_RESELECT_OFFSET is subtracted from C2, TEMPORARY_OFFSET ignored
# TS 44.018 §10.5.2.4: CELL-RESELECT-HYSTERESIS 0..7 -> 0..14 dB
HYSTERESIS_STEP_DB = 2
# TS 45.008 §8.1.4: RXLEV n means -110 + n dBm (0: below -110 dBm, 63: above -48 dBm)
RXLEV_ZERO_DBM = -110
# TS 44.018 §10.5.2.11: T3212 in deci-hours (6 minutes); 0 = no periodic location updating
T3212_STEP_MIN = 6


@dataclass(frozen=True, slots=True)
class C2Offsets:
    """How much CELL_RESELECT_OFFSET and TEMPORARY_OFFSET add to C2 for this cell (TS 45.008 §6.4).

    ``steady_db``: after the penalty time (the lasting pull of the cell; negative when PENALTY_TIME = 31);
    ``initial_db``: while the penalty timer runs (``-inf`` when TEMPORARY_OFFSET is infinite);
    ``penalty_s``: the penalty time in seconds (None when PENALTY_TIME = 31).
    """

    steady_db: int
    initial_db: float
    penalty_s: int | None


def c2_offsets(cro: int, temporary_offset: int, penalty_time: int) -> C2Offsets:
    """C2 = C1 + CRO - TEMPORARY_OFFSET * H(PENALTY_TIME - T), or C1 - CRO when PENALTY_TIME = 31.

    >>> c2_offsets(63, 0, 0)
    C2Offsets(steady_db=126, initial_db=126, penalty_s=20)
    >>> c2_offsets(5, 2, 31)
    C2Offsets(steady_db=-10, initial_db=-10, penalty_s=None)
    """
    cro_db = CRO_STEP_DB * cro
    if penalty_time == PENALTY_TIME_REVERSED:
        return C2Offsets(-cro_db, -cro_db, None)
    initial = -math.inf if temporary_offset == TEMPORARY_OFFSET_INFINITE else cro_db - (
        TEMPORARY_OFFSET_STEP_DB * temporary_offset)
    return C2Offsets(cro_db, initial, PENALTY_TIME_STEP_S * (penalty_time + 1))


def hysteresis_db(code: int) -> int:
    return HYSTERESIS_STEP_DB * code


def rxlev_dbm(code: int) -> int:
    return RXLEV_ZERO_DBM + code


def t3212_minutes(code: int) -> int:
    return T3212_STEP_MIN * code


def paging_groups(ccch_conf: int, bs_ag_blks_res: int, bs_pa_mfrms: int) -> int | None:
    """N, the paging groups of one CCCH (TS 45.002 §6.5.2); None for an impossible combination."""
    try:
        return CcchConfig(ccch_conf=ccch_conf, bs_ag_blks_res=bs_ag_blks_res, bs_pa_mfrms=bs_pa_mfrms).n_paging_groups
    except ConfigError:
        return None


def band_group(arfcn: int, pcs: bool = False) -> str:
    """Band of a BCCH ARFCN (TS 45.005 §2): ``"900"``, ``"850"``, ``"1800"``, ``"1900"``, ``"450"`` or ``"other"``.

    ``pcs``: the cell's SI1 band indicator (ARFCNs 512..810 are PCS 1900).

    >>> band_group(62), band_group(1010), band_group(700), band_group(700, pcs=True)
    ('900', '900', '1800', '1900')
    """
    if arfcn <= 124 or 955 <= arfcn <= 1023:
        return "900"
    if 128 <= arfcn <= 251:
        return "850"
    if 259 <= arfcn <= 340:
        return "450"
    if 512 <= arfcn <= 885:
        return "1900" if pcs and arfcn <= 810 else "1800"
    return "other"


# TS 45.005 §4.1.1, MS power control levels (nominal output power in dBm).
def ms_txpwr_max_dbm(code: int, band: str) -> int:
    """Maximum MS power on the RACH, from MS_TXPWR_MAX_CCH (TS 44.018 §10.5.2.4) and the band's table.

    >>> ms_txpwr_max_dbm(5, "900"), ms_txpwr_max_dbm(0, "1800"), ms_txpwr_max_dbm(30, "1800")
    (33, 30, 34)
    """
    if band in ("900", "850", "450"):
        return 39 if code <= 2 else max(5, 39 - 2 * (code - 2))
    if band == "1900":
        return {30: 33, 31: 32}.get(code, max(0, 30 - 2 * code) if code <= 15 else 0)
    return {29: 36, 30: 34, 31: 32}.get(code, max(0, 30 - 2 * code))
