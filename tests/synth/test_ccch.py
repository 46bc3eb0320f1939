"""CCCH content: message types per block role, IMSIs in the right paging group, determinism by seed."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from sdrscan.gsm.multiframe import CcchConfig, CcchRole, paging_occasion
from sdrscan.gsm.rr.dispatch import parse_rr
from sdrscan.synth.ccch import CcchContent
from sdrscan.synth.scene import parse_scene

CCCH_STARTS = (6, 12, 16, 22, 26, 32, 36, 42, 46)


def _spec(**cell: object):
    return parse_scene({"cells": [{"arfcn": 1, "mcc": 262, "mnc": "02", **cell}]}).cells[0]


def _run(content: CcchContent, n_mf: int, bs_ag_blks_res: int) -> list[tuple[int, int, str, bytes]]:
    out = []
    for mf in range(100, 100 + n_mf):
        for block, start in enumerate(CCCH_STARTS):
            role = CcchRole.AGCH if block < bs_ag_blks_res else CcchRole.PCH
            kind, data = content.block(51 * mf + start, block, role)
            out.append((51 * mf + start, block, kind, data))
    return out


def test_kinds_parse_as_what_they_claim_and_agch_blocks_carry_no_paging() -> None:
    spec = _spec(bs_ag_blks_res=2, ccch_load=0.7)
    blocks = _run(CcchContent(spec, np.random.default_rng(1)), 40, 2)
    names = {"paging1": "PAGING1", "paging_empty": "PAGING1", "paging2": "PAGING2", "paging3": "PAGING3",
             "imm_ass": "IMM_ASS"}
    kinds = Counter()
    for fn, block, kind, data in blocks:
        assert len(data) == 23
        msg = parse_rr(data)
        assert (type(msg).__name__ == "L2FillFrame") if kind == "fill" else (msg.NAME == names[kind])
        if block < 2:
            assert kind in ("imm_ass", "fill")
        if kind == "imm_ass":
            # SDCCH/8 on this carrier, answering an access a few frames before the block.
            assert msg.channel_description.arfcn == 1 and 1 <= msg.channel_description.tn <= 7
            assert msg.channel_description.tsc == spec.bcc
            age = (fn - msg.request_reference.fn_mod_42432()) % 42432
            assert 3 <= age < 40
        if kind == "paging_empty":
            assert msg.identities == ()
        kinds[kind] += 1
    assert set(kinds) == {"paging1", "paging2", "paging3", "paging_empty", "imm_ass", "fill"}
    # ccch_load 0.7: about 70 % of the 7 paging blocks per multiframe page someone.
    paging = sum(kinds[k] for k in ("paging1", "paging2", "paging3"))
    assert paging / (40 * 7) == pytest.approx(0.7, abs=0.08)


@pytest.mark.parametrize("bs_pa_mfrms, bs_ag_blks_res", [(2, 1), (5, 0), (9, 3)])
def test_imsis_are_paged_in_their_own_paging_group(bs_pa_mfrms: int, bs_ag_blks_res: int) -> None:
    spec = _spec(bs_pa_mfrms=bs_pa_mfrms, bs_ag_blks_res=bs_ag_blks_res, mnc="260", mcc=310)
    content = CcchContent(spec, np.random.default_rng(2))
    cfg = CcchConfig(ccch_conf=0, bs_ag_blks_res=bs_ag_blks_res, bs_pa_mfrms=bs_pa_mfrms)
    for mf in range(300, 330):
        for block in range(bs_ag_blks_res, 9):
            fn = 51 * mf + CCCH_STARTS[block]
            imsi = content._imsi(fn, block)
            assert len(imsi) == 15 and imsi.startswith("310260")
            occ = paging_occasion(imsi, cfg)  # TS 45.002 §6.5.2, computed by the multiframe module
            assert occ.ccch_block == block and occ.mf_index == mf % bs_pa_mfrms


def test_same_seed_same_content() -> None:
    spec = _spec()
    a = _run(CcchContent(spec, np.random.default_rng(7)), 5, 1)
    b = _run(CcchContent(spec, np.random.default_rng(7)), 5, 1)
    c = _run(CcchContent(spec, np.random.default_rng(8)), 5, 1)
    assert a == b and a != c


def test_combined_ccch_assigns_sdcch4_on_tn0() -> None:
    spec = _spec(ccch_conf=1, bs_ag_blks_res=1, ccch_load=1.0)
    content = CcchContent(spec, np.random.default_rng(3))
    for i in range(20):
        kind, data = content.block(51 * (200 + i) + 6, 0, CcchRole.AGCH)
        assert kind == "imm_ass"
        cd = parse_rr(data).channel_description
        assert cd.tn == 0 and "SDCCH/4" in cd.channel_name
