"""The C0 multiplex: which burst goes in every timeslot of every frame (TS 45.002 §5.2, §6.3, §7 Table 3)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dsp.bursts import normal_burst_payload, sch_burst_payload
from dsp.coding import sch_decode, xcch_decode
from dsp.constants import DUMMY_BURST_BITS, FCCH_BITS, HYPERFRAME, TSC_BITS
from sdrscan.errors import ConfigError
from sdrscan.gsm.multiframe import CcchRole
from sdrscan.synth.c0 import C0Transmitter
from sdrscan.synth.render import plan_cells
from sdrscan.synth.scene import parse_scene

# TS 45.002 §7 Table 3: first frames (FN mod 51) of the BCCH and CCCH (or SDCCH/4, SACCH/C4) blocks on TN 0.
BLOCK_STARTS = (2, 6, 12, 16, 22, 26, 32, 36, 42, 46)
FILL = bytes([0x01, 0x03, 0x01]) + bytes([0x2B]) * 20


class LoggingCcch:
    """Sends a distinct block per CCCH block so each can be recognised; records the roles asked for."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, CcchRole]] = []

    def block(self, fn: int, ccch_block: int, role: CcchRole) -> tuple[str, bytes]:
        self.calls.append((fn, ccch_block, role))
        return "test", bytes([0x2D, 0x06, 0x3F]) + fn.to_bytes(4, "big") + bytes([ccch_block]) + FILL[:15]


def _vodafone_si(real_data: Path) -> dict[str, bytes]:
    msgs = json.loads((real_data / "si_messages.json").read_text())
    return {"SI" + m["type"][2:]: bytes.fromhex(m["hex"]) for m in msgs if m["id"].startswith("vf_call6_")}


def _tx(real_data: Path, **cell: object) -> tuple[C0Transmitter, LoggingCcch]:
    scene = parse_scene({"cells": [{"arfcn": 725, "bsic": 22, **cell}]})
    plan = plan_cells(scene, 0)[0]
    ccch = LoggingCcch()
    return C0Transmitter(plan, _vodafone_si(real_data), ccch), ccch


def _soft(bits: np.ndarray) -> np.ndarray:
    return (2.0 * bits.astype(np.float32) - 1.0)


@pytest.mark.parametrize("combined", [False, True])
def test_every_frame_of_two_multiframes(real_data: Path, combined: bool) -> None:
    start = 51 * 4000 + 17  # mid-multiframe, so the first blocks are partial
    tx, ccch = _tx(real_data, start_fn=start + 1, ccch_conf=int(combined), bs_ag_blks_res=1, frame_offset_s=0.0)
    assert tx.plan.first_fn == start
    frames = tx.frames(2 * 51 + 40)
    assert frames.shape == (142, 8, 148) and frames.dtype == np.uint8
    assert (frames[:, 1:] == DUMMY_BURST_BITS).all()  # TN 1-7: dummy bursts, C0 never stops
    bcc = 22 & 7
    blocks: dict[int, list[np.ndarray]] = {}
    for i, f in enumerate(frames[:, 0]):
        fn = start + i
        t3 = fn % 51
        if t3 in (0, 10, 20, 30, 40):
            assert (f == FCCH_BITS).all(), fn
        elif t3 in (1, 11, 21, 31, 41):
            sch = sch_decode(_soft(sch_burst_payload(f)))
            assert sch is not None and sch.bsic == 22 and sch.fn == fn
        elif t3 == 50 or (combined and t3 >= 22):
            assert (f == DUMMY_BURST_BITS).all(), fn  # idle frame; SDCCH/4 and SACCH/C4 without a connection
        else:
            assert (f[61:87] == TSC_BITS[bcc]).all() and f[60] == 1 and f[87] == 1, fn
            first = fn - (t3 - max(s for s in BLOCK_STARTS if s <= t3))
            blocks.setdefault(first, []).append(normal_burst_payload(f))
    complete = {fn: np.stack(b) for fn, b in blocks.items() if len(b) == 4}
    expected_starts = {2, 6, 12, 16} | (set() if combined else {22, 26, 32, 36, 42, 46})
    assert {fn % 51 for fn in complete} == expected_starts
    logged = {b.fn: b for b in tx.blocks}
    for fn, payload in complete.items():
        res = xcch_decode(_soft(payload))
        assert res.ok and res.block.hex() == logged[fn].hex, fn
        if fn % 51 == 2:
            assert logged[fn].channel == "BCCH" and logged[fn].tc == (fn // 51) % 8
            assert tx.system_information[logged[fn].kind] == res.block
        else:
            assert res.block[3:7] == fn.to_bytes(4, "big")
            assert logged[fn].channel == ("AGCH" if res.block[7] == 0 else "PCH")
    assert {(c[1], c[2]) for c in ccch.calls} >= {(0, CcchRole.AGCH), (1, CcchRole.PCH), (2, CcchRole.PCH)}


def test_si_schedule_follows_tc(real_data: Path) -> None:
    tx, _ = _tx(real_data, start_fn=51 * 800, frame_offset_s=0.0)
    tx.frames(51 * 17)
    seen = {(b.tc, b.kind) for b in tx.blocks if b.channel == "BCCH"}
    # TS 45.002 §6.3.1.3 with SI2ter but no SI2bis: SI2ter at TC 5, SI2quater and SI13 take turns at TC 4.
    assert seen == {(0, "SI1"), (1, "SI2"), (2, "SI3"), (3, "SI4"), (4, "SI2quater"), (4, "SI13"), (5, "SI2ter"),
                    (6, "SI3"), (7, "SI4")}


def test_frame_number_wraps_at_the_hyperframe(real_data: Path) -> None:
    tx, _ = _tx(real_data, start_fn=HYPERFRAME - 30, frame_offset_s=0.0)
    frames = tx.frames(80)
    fns = [(HYPERFRAME - 31 + i) % HYPERFRAME for i in range(80)]
    assert fns[31] == 0
    for i, fn in enumerate(fns):
        if fn % 51 in (1, 11, 21, 31, 41):
            sch = sch_decode(_soft(sch_burst_payload(frames[i, 0])))
            assert sch is not None and sch.fn == fn
    assert any(b.fn < 51 for b in tx.blocks) and any(b.fn > HYPERFRAME - 51 for b in tx.blocks)


def test_unknown_si_key_is_a_config_error(real_data: Path) -> None:
    plan = plan_cells(parse_scene({"cells": [{"arfcn": 1}]}), 0)[0]
    with pytest.raises(ConfigError, match="SI5"):
        C0Transmitter(plan, {**_vodafone_si(real_data), "SI5": bytes(23)}, LoggingCcch())
