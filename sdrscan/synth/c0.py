"""The C0 (BCCH carrier) multiplex of one cell: the burst of every timeslot of every TDMA frame.

* TN 0 follows the 51-multiframe of TS 45.002 §7 Table 3 (combination iv, or v when CCCH_CONF = 1):
  FCCH, SCH (TS 45.003 §4.7 with the frame's reduced FN), BCCH Norm with the System Information of
  TC = (FN div 51) mod 8 (TS 45.002 §6.3.1.3), CCCH blocks (AGCH-reserved first, then paging blocks,
  TS 45.002 §6.5.1). SDCCH/4 and SACCH/C4 positions (no dedicated channel active) and the idle frame carry
  dummy bursts.
* TN 1-7 carry dummy bursts: C0 transmits in every timeslot (TS 45.002 §5.2.6).
* Normal bursts use TSC = BCC (TS 45.002 §5.2.3) and stealing flags 1 (TS 45.003 §4.1.5).

Every block put on the air is logged as a :class:`~sdrscan.synth.truth.BlockRecord` for the truth file.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from dsp.bursts import dummy_burst, fcch_burst, normal_burst, sch_burst
from dsp.coding import sch_encode, xcch_encode
from dsp.constants import BURST_BITS, HYPERFRAME, TIMESLOTS_PER_FRAME
from sdrscan.errors import ConfigError
from sdrscan.gsm.multiframe import (
    CcchConfig,
    CcchRole,
    Channel,
    SiType,
    bcch_norm_schedule,
    ccch_block_roles,
    si_for_frame,
    tc_of,
    tn0_layout,
)
from sdrscan.synth.render import CellPlan
from sdrscan.synth.truth import BlockRecord


class CcchSource(Protocol):
    """Chooses the L2 block sent in each CCCH block."""

    def block(self, fn: int, ccch_block: int, role: CcchRole) -> tuple[str, bytes]:
        """``(kind, 23-octet block)`` for the CCCH block starting at ``fn``."""
        ...


def si_key(si: SiType) -> str:
    """``SiType.SI2BIS`` -> ``"SI2bis"``: the keys of ``build_system_information`` and of the truth file."""
    return f"SI{si.value}"


def encode_block_bursts(block: bytes, tsc: int) -> np.ndarray:
    """The four normal bursts (4, 148) carrying one xCCH block (TS 45.003 §4.1, TS 45.002 §5.2.3)."""
    payload = xcch_encode(block)
    return np.stack([normal_burst(payload[b], tsc) for b in range(4)])


class C0Transmitter:
    """Frame source of one cell's C0 carrier, starting at ``plan.first_fn``.

    Parameters
    ----------
    plan : CellPlan
        The cell (its spec and random choices).
    system_information : dict[str, bytes]
        Every SI block the cell broadcasts, keyed ``"SI1"``, ``"SI2"``, ``"SI2bis"`` ... (23 octets each).
    ccch : CcchSource
        Content of the CCCH blocks.
    """

    def __init__(self, plan: CellPlan, system_information: dict[str, bytes], ccch: CcchSource) -> None:
        spec = plan.spec
        self.plan = plan
        self.system_information = dict(system_information)
        self.blocks: list[BlockRecord] = []
        by_key = {si_key(s): s for s in SiType}
        unknown = sorted(set(self.system_information) - set(by_key))
        if unknown:
            raise ConfigError(f"unknown SI keys {unknown}; expected names like 'SI3' or 'SI2bis'")
        self._schedule = bcch_norm_schedule(by_key[k] for k in self.system_information)
        self._layout = tn0_layout(spec.combined)
        self._roles = ccch_block_roles(CcchConfig(ccch_conf=spec.ccch_conf, bs_ag_blks_res=spec.bs_ag_blks_res,
                                                  bs_pa_mfrms=spec.bs_pa_mfrms))
        self._ccch = ccch
        self._tsc = spec.bcc
        self._bsic = spec.bsic
        self._fcch = fcch_burst()
        self._dummy = dummy_burst()
        self._si_bursts = {k: encode_block_bursts(v, self._tsc) for k, v in self.system_information.items()}
        self._fn = plan.first_fn
        self._frame_index = 0
        self._block: tuple[int, np.ndarray] | None = None  # (first FN, bursts) of the block on air

    def frames(self, count: int) -> np.ndarray:
        """The next ``count`` frames, uint8 (count, 8, 148)."""
        out = np.empty((count, TIMESLOTS_PER_FRAME, BURST_BITS), np.uint8)
        out[:, 1:] = self._dummy
        for i in range(count):
            out[i, 0] = self._tn0(self._fn)
            self._fn = (self._fn + 1) % HYPERFRAME
            self._frame_index += 1
        return out

    def _tn0(self, fn: int) -> np.ndarray:
        slot = self._layout[fn % 51]
        if slot.channel is Channel.FCCH:
            return self._fcch
        if slot.channel is Channel.SCH:
            return sch_burst(sch_encode(self._bsic, fn))
        if slot.channel in (Channel.BCCH, Channel.CCCH):
            first_fn = (fn - slot.burst) % HYPERFRAME
            if self._block is None or self._block[0] != first_fn:
                self._block = (first_fn, self._start_block(slot.channel, slot.block, first_fn,
                                                           self._frame_index - slot.burst))
            return self._block[1][slot.burst]
        return self._dummy  # SDCCH/4, SACCH/C4 without a dedicated connection, idle frame

    def _start_block(self, channel: Channel, block: int, first_fn: int, frame_index: int) -> np.ndarray:
        tc = tc_of(first_fn)
        if channel is Channel.BCCH:
            key = si_key(si_for_frame(first_fn, self._schedule))
            data = self.system_information[key]
            self.blocks.append(BlockRecord(frame_index, first_fn, "BCCH", 0, key, data.hex(), tc))
            return self._si_bursts[key]
        role = self._roles[block]
        kind, data = self._ccch.block(first_fn, block, role)
        name = "AGCH" if role is CcchRole.AGCH else "PCH"
        self.blocks.append(BlockRecord(frame_index, first_fn, name, block, kind, bytes(data).hex(), tc))
        return encode_block_bursts(data, self._tsc)
