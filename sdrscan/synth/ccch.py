"""What a cell sends in its CCCH blocks: paging, access grants and idle content, drawn from a seeded RNG.

Per block (TS 45.002 §6.5.1: the first BS_AG_BLKS_RES blocks are AGCH-reserved, the rest are paging
blocks; an access grant may also use a paging block that has no paging to send):

* paging block, with probability ``ccch_load``: a Paging Request Type 1 (one or two identities, TMSI or
  IMSI), Type 2 (two TMSIs and an optional third identity) or Type 3 (four TMSIs), TS 44.018 §9.1.22-24.
  IMSIs start with the cell's MCC and MNC and end with digits that put them in the paging group this block
  serves (TS 45.002 §6.5.2), as a real network pages them;
* paging block otherwise: an Immediate Assignment now and then, else the idle content real cells send: an
  empty Paging Request Type 1 ("no identity") or an L2 fill frame;
* AGCH block: an Immediate Assignment (TS 44.018 §9.1.18) with probability ``ccch_load``, else an L2 fill
  frame. The assignment answers an access burst a few frames earlier (Request Reference) with an SDCCH on
  this carrier.
"""

from __future__ import annotations

import numpy as np

from sdrscan.gsm.multiframe import CcchConfig, CcchRole, paging_group_of_block
from sdrscan.gsm.rr.cell import (
    immediate_assignment,
    l2_fill_frame,
    paging_request_type1,
    paging_request_type2,
    paging_request_type3,
)
from sdrscan.synth.scene import CellSpec

IMSI_DIGITS = 15  # TS 23.003 §2.2: MCC + MNC + MSIN, at most 15 digits
# Share of idle paging blocks that carry an access grant, and of the others that are empty Paging Type 1.
IA_ON_PCH_SHARE = 0.15
EMPTY_PAGING_SHARE = 0.6
# Establishment causes of the RA octet (TS 44.018 §9.1.8 Table 9.1.8.1): (fixed high bits, random low bits).
_RA_CAUSES = ((0b000, 5), (0b100, 5), (0b101, 5), (0b110, 5), (0b111, 5), (0b0001, 4))


class CcchContent:
    """A :class:`~sdrscan.synth.c0.CcchSource` drawing every CCCH block of one cell from ``rng``."""

    def __init__(self, spec: CellSpec, rng: np.random.Generator) -> None:
        self._spec = spec
        self._rng = rng
        self._cfg = CcchConfig(ccch_conf=spec.ccch_conf, bs_ag_blks_res=spec.bs_ag_blks_res,
                               bs_pa_mfrms=spec.bs_pa_mfrms)
        self._plmn = f"{spec.mcc:03d}{spec.mnc}"

    def block(self, fn: int, ccch_block: int, role: CcchRole) -> tuple[str, bytes]:
        """``(kind, 23-octet block)`` for the CCCH block starting at ``fn``."""
        rng, load = self._rng, self._spec.ccch_load
        if role is CcchRole.AGCH:
            return ("imm_ass", self._immediate_assignment(fn)) if rng.random() < load else ("fill", l2_fill_frame())
        if rng.random() < load:
            return self._paging(fn, ccch_block)
        if rng.random() < IA_ON_PCH_SHARE * load:
            return "imm_ass", self._immediate_assignment(fn)
        if rng.random() < EMPTY_PAGING_SHARE:
            return "paging_empty", paging_request_type1(())
        return "fill", l2_fill_frame()

    # --- content ----------------------------------------------------------------------------------------
    def _tmsi(self) -> int:
        return int(self._rng.integers(0, 0xFFFFFFFF))  # 0xFFFFFFFF means "no valid TMSI" (TS 23.003 §2.4)

    def _imsi(self, fn: int, ccch_block: int) -> str:
        """A subscriber of this network whose paging group is the one block ``ccch_block`` serves."""
        msin_len = IMSI_DIGITS - len(self._plmn)
        digits = "".join(str(d) for d in self._rng.integers(0, 10, msin_len - 3))
        group = paging_group_of_block(fn, ccch_block, self._cfg)
        n = self._cfg.n_paging_groups  # one CCCH: PAGING_GROUP = (IMSI mod 1000) mod N
        k = int(self._rng.integers(0, (999 - group) // n + 1))
        return f"{self._plmn}{digits}{group + n * k:03d}"

    def _identity(self, fn: int, ccch_block: int, p_imsi: float) -> int | str:
        return self._imsi(fn, ccch_block) if self._rng.random() < p_imsi else self._tmsi()

    def _paging(self, fn: int, ccch_block: int) -> tuple[str, bytes]:
        kind = int(self._rng.choice(3, p=(0.5, 0.25, 0.25)))
        if kind == 0:
            ids = [self._identity(fn, ccch_block, 0.2) for _ in range(int(self._rng.integers(1, 3)))]
            return "paging1", paging_request_type1(ids)
        if kind == 1:
            third = None if self._rng.random() < 0.5 else self._identity(fn, ccch_block, 0.4)
            return "paging2", paging_request_type2(self._tmsi(), self._tmsi(), third)
        return "paging3", paging_request_type3([self._tmsi() for _ in range(4)])

    def _immediate_assignment(self, fn: int) -> bytes:
        rng, spec = self._rng, self._spec
        high, n_low = _RA_CAUSES[int(rng.integers(0, len(_RA_CAUSES)))]
        ra = (high << n_low) | int(rng.integers(0, 1 << n_low))
        access_fn = (fn - int(rng.integers(3, 40))) % 2715648
        if spec.combined:  # SDCCH/4 on TN 0 of this carrier
            tn, channel, sub = 0, "SDCCH/4", int(rng.integers(0, 4))
        else:
            tn, channel, sub = int(rng.integers(1, 8)), "SDCCH/8", int(rng.integers(0, 8))
        return immediate_assignment(arfcn=spec.arfcn, tn=tn, ra=ra, fn=access_fn, channel=channel,
                                    subchannel=sub, tsc=spec.bcc, timing_advance=int(rng.integers(0, 64)))
