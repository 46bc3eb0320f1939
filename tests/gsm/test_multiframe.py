"""Frame numbering, 51-multiframe tables, CCCH/paging and SI scheduling (TS 45.002 §3.3.2, §6, §7)."""

from __future__ import annotations

import itertools
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsp.constants import HYPERFRAME
from sdrscan.errors import ConfigError, DspParameterError
from sdrscan.gsm.multiframe import (
    CcchConfig,
    CcchRole,
    Channel,
    SiType,
    allowed_tcs,
    bcch_norm_schedule,
    block_start_frames,
    c0_layout,
    ccch_block_roles,
    ccch_timeslots,
    fn_add,
    fn_diff,
    fn_from_reduced,
    fn_to_t1_t2_t3,
    locate,
    paging_group_of_block,
    paging_occasion,
    reduced_fn,
    si_for_frame,
    si_position_plausible,
    tc_of,
    tn0_layout,
)
from tests.conftest import require_tool

# TS 45.002 §7 Table 3, one letter per frame (FN mod 0..50): F FCCH, S SCH, B BCCH, C CCCH, D SDCCH/4,
# A SACCH/C4, I idle.
TABLE3_NONCOMBINED = "FSBBBBCCCC" "FSCCCCCCCC" "FSCCCCCCCC" "FSCCCCCCCC" "FSCCCCCCCC" "I"
TABLE3_COMBINED = "FSBBBBCCCC" "FSCCCCCCCC" "FSDDDDDDDD" "FSDDDDDDDD" "FSAAAAAAAA" "I"
TABLE3_TN246 = "IIBBBBCCCC" "IICCCCCCCC" "IICCCCCCCC" "IICCCCCCCC" "IICCCCCCCC" "I"
LETTER = {Channel.FCCH: "F", Channel.SCH: "S", Channel.BCCH: "B", Channel.CCCH: "C", Channel.SDCCH4: "D",
          Channel.SACCH4: "A", Channel.IDLE: "I"}

# TS 44.018 §10.4: message types of the System Information messages (octet 3 of the L2 block on BCCH).
SI_BY_MESSAGE_TYPE = {0x19: SiType.SI1, 0x1A: SiType.SI2, 0x02: SiType.SI2BIS, 0x03: SiType.SI2TER,
                      0x07: SiType.SI2QUATER, 0x1B: SiType.SI3, 0x1C: SiType.SI4, 0x1F: SiType.SI7,
                      0x18: SiType.SI8, 0x04: SiType.SI9, 0x00: SiType.SI13}
PAGING_TYPES = {0x21, 0x22, 0x24}  # Paging Request Type 1, 2, 3


# ---------------------------------------------------------------------------------------------- frame numbers


@given(st.integers(0, HYPERFRAME - 1))
def test_t1_t2_t3_and_reduced_fn_round_trip(fn: int) -> None:
    t1, t2, t3 = fn_to_t1_t2_t3(fn)
    assert fn == t1 * 1326 + (fn % 1326) and t2 == fn % 26 and t3 == fn % 51
    sch_fn = fn - t3 + (1 + 10 * min(t3 // 10, 4))  # the SCH frame of this group of 10 (or the last one)
    r = reduced_fn(sch_fn)
    assert (r.t1, r.t2) == (sch_fn // 1326, sch_fn % 26)
    assert fn_from_reduced(r.t1, r.t2, r.t3p) == sch_fn


def test_every_sch_frame_of_the_hyperframe_has_a_unique_reduced_fn() -> None:
    seen = set()
    for mf in range(0, HYPERFRAME // 51, 97):  # every 97th multiframe, all five SCH frames of each
        for t3 in (1, 11, 21, 31, 41):
            r = reduced_fn(mf * 51 + t3)
            assert (r.t1, r.t2, r.t3p) not in seen
            seen.add((r.t1, r.t2, r.t3p))


def test_fn_arithmetic_wraps_at_the_hyperframe() -> None:
    assert fn_add(HYPERFRAME - 1, 1) == 0
    assert fn_add(0, -1) == HYPERFRAME - 1
    assert fn_diff(2, HYPERFRAME - 3) == 5 and fn_diff(HYPERFRAME - 3, 2) == -5
    assert tc_of(51 * 8 + 51 * 3) == 3
    with pytest.raises(DspParameterError, match="not an SCH frame"):
        reduced_fn(0)
    with pytest.raises(DspParameterError, match="0..2715647"):
        fn_to_t1_t2_t3(HYPERFRAME)
    with pytest.raises(DspParameterError, match="t2 0..25"):
        fn_from_reduced(0, 26, 0)


# ---------------------------------------------------------------------------------------------- layouts


def test_layouts_equal_table_3() -> None:
    for layout, table in ((tn0_layout(False), TABLE3_NONCOMBINED), (tn0_layout(True), TABLE3_COMBINED),
                          (c0_layout(2, 2), TABLE3_TN246), (c0_layout(6, 6), TABLE3_TN246)):
        assert "".join(LETTER[s.channel] for s in layout) == table
        assert [s.fn_mod51 for s in layout] == list(range(51))
    assert c0_layout(0, 4) is tn0_layout(False) and c0_layout(0, 1) is tn0_layout(True)


def test_block_numbering() -> None:
    starts = block_start_frames(False)
    assert starts[Channel.BCCH] == (2,)
    assert starts[Channel.CCCH] == (6, 12, 16, 22, 26, 32, 36, 42, 46)
    assert starts[Channel.FCCH] == (0, 10, 20, 30, 40) and starts[Channel.SCH] == (1, 11, 21, 31, 41)
    comb = block_start_frames(True)
    assert comb[Channel.CCCH] == (6, 12, 16) and comb[Channel.SDCCH4] == (22, 26, 32, 36)
    assert comb[Channel.SACCH4] == (42, 46)
    for combined in (False, True):
        layout = tn0_layout(combined)
        for ch, frames in block_start_frames(combined).items():
            for i, f in enumerate(frames):
                n = 1 if ch in (Channel.FCCH, Channel.SCH) else 4
                assert [(layout[f + b].channel, layout[f + b].block, layout[f + b].burst) for b in range(n)] == [
                    (ch, i, b) for b in range(n)]


def test_locate_gives_block_start_and_sacch_subchannel() -> None:
    comb = tn0_layout(True)
    base = 51 * 1000  # (FN div 51) even
    assert locate(base + 44, comb) == locate(base + 44, comb).__class__(Channel.SACCH4, 0, 2, base + 42)
    assert locate(base + 47, comb).block == 1
    assert locate(base + 51 + 42, comb).block == 2 and locate(base + 51 + 49, comb).block == 3
    assert locate(base + 25, comb).channel is Channel.SDCCH4 and locate(base + 25, comb).block == 0
    assert locate(base + 9, tn0_layout(False)).first_fn == base + 6
    assert locate(0, tn0_layout(False)).first_fn == 0


def test_ccch_timeslots_and_bad_configurations() -> None:
    assert [ccch_timeslots(c) for c in (0, 1, 2, 4, 6)] == [(0,), (0,), (0, 2), (0, 2, 4), (0, 2, 4, 6)]
    with pytest.raises(ConfigError, match="ccch_conf=3"):
        ccch_timeslots(3)
    with pytest.raises(ConfigError, match="tn=4 carries no CCCH"):
        c0_layout(4, 2)
    with pytest.raises(ConfigError, match="bs_ag_blks_res=3"):
        CcchConfig(ccch_conf=1, bs_ag_blks_res=3)
    with pytest.raises(ConfigError, match="bs_pa_mfrms=1"):
        CcchConfig(bs_pa_mfrms=1)
    with pytest.raises(ConfigError, match="BCCH Ext"):
        CcchConfig(bs_ag_blks_res=0, bcch_ext=True)


# ---------------------------------------------------------------------------------------------- paging


def test_ccch_roles() -> None:
    assert ccch_block_roles(CcchConfig(0, 2, 4)) == (CcchRole.AGCH,) * 2 + (CcchRole.PCH,) * 7
    assert ccch_block_roles(CcchConfig(1, 1, 2)) == (CcchRole.AGCH, CcchRole.PCH, CcchRole.PCH)
    assert ccch_block_roles(CcchConfig(0, 1, 3, bcch_ext=True))[:2] == (CcchRole.BCCH_EXT, CcchRole.PCH)


def test_paging_worked_examples() -> None:
    # Worked example of e-com-net.com/article/1187856349007028224.htm: IMSI 878082066, CCCH_CONF 001,
    # BS_AG_BLKS_RES 2, BS_PA_MFRMS 8 -> N = (3 - 2) x 8 = 8, CCCH_GROUP 0, PAGING_GROUP 2.
    occ = paging_occasion("878082066", CcchConfig(ccch_conf=1, bs_ag_blks_res=2, bs_pa_mfrms=8))
    assert (occ.ccch_group, occ.paging_group, occ.tn, occ.mf_index, occ.ccch_block) == (0, 2, 0, 2, 2)
    # erlang.com thread "Paging group calculation": non-combined, BS_AG_BLKS_RES 1, BS_PA_MFRMS 4 -> N = 32.
    assert CcchConfig(0, 1, 4).n_paging_groups == 32
    assert CcchConfig(1, 0, 9).n_paging_groups == 27


@pytest.mark.parametrize("cfg", [CcchConfig(0, 1, 3), CcchConfig(1, 2, 8), CcchConfig(4, 0, 2), CcchConfig(6, 7, 9)])
def test_paging_groups_partition_the_paging_blocks(cfg: CcchConfig) -> None:
    """Each (CCCH, multiframe, paging block) serves exactly one paging group, and every IMSI is sent to the
    block that serves its group."""
    groups = defaultdict(set)
    for suffix in range(1000):
        occ = paging_occasion(str(1000 * 262020 + suffix), cfg)
        assert 0 <= occ.ccch_group < cfg.bs_cc_chans and 0 <= occ.paging_group < cfg.n_paging_groups
        assert occ.ccch_block >= cfg.bs_ag_blks_res and 0 <= occ.mf_index < cfg.bs_pa_mfrms
        fn = 51 * (cfg.bs_pa_mfrms * 10 + occ.mf_index)
        assert paging_group_of_block(fn, occ.ccch_block, cfg) == occ.paging_group
        groups[(occ.tn, occ.mf_index, occ.ccch_block)].add((occ.ccch_group, occ.paging_group))
    assert all(len(v) == 1 for v in groups.values())
    assert len(groups) == min(1000, cfg.bs_cc_chans * cfg.n_paging_groups)
    assert paging_group_of_block(0, 0, cfg) is None or cfg.bs_ag_blks_res == 0


# ---------------------------------------------------------------------------------------------- SI schedule


def test_schedule_rules_of_6_3_1_3() -> None:
    base = {SiType.SI2, SiType.SI3, SiType.SI4}
    s = bcch_norm_schedule(base | {SiType.SI1})
    assert s == ((SiType.SI1,), (SiType.SI2,), (SiType.SI3,), (SiType.SI4,), (SiType.SI2,), (SiType.SI2,),
                 (SiType.SI3,), (SiType.SI4,))
    assert bcch_norm_schedule(base | {SiType.SI2TER})[5] == (SiType.SI2TER,)
    both = bcch_norm_schedule(base | {SiType.SI2BIS, SiType.SI2TER, SiType.SI2QUATER})
    assert both[5] == (SiType.SI2BIS,) and both[4] == (SiType.SI2TER, SiType.SI2QUATER)
    assert bcch_norm_schedule(base | {SiType.SI2QUATER})[5] == (SiType.SI2QUATER,)
    with pytest.raises(ConfigError, match="lacks 3"):
        bcch_norm_schedule({SiType.SI2, SiType.SI4})
    with pytest.raises(ConfigError, match="BCCH Ext"):
        bcch_norm_schedule(base | {SiType.SI7})


@pytest.mark.parametrize("extra", [set(c) for n in range(5) for c in itertools.combinations(
    (SiType.SI2BIS, SiType.SI2TER, SiType.SI2QUATER, SiType.SI9, SiType.SI13), n)])
def test_schedule_keeps_every_type_in_its_tcs(extra: set[SiType]) -> None:
    present = {SiType.SI1, SiType.SI2, SiType.SI3, SiType.SI4} | extra
    sched = bcch_norm_schedule(present)
    sent = defaultdict(list)
    for mf in range(1000, 1000 + 8 * 40):
        si = si_for_frame(51 * mf + 2, sched)
        assert si_position_plausible(si, mf % 8)
        sent[si].append(mf)
    assert set(sent) == present  # everything gets sent
    tc4 = [si_for_frame(51 * mf + 2, sched) for mf in range(1004, 1004 + 8 * 40, 8)]
    for i in range(len(tc4) - 3):  # "at least once within any 4 consecutive occurrences of TC = 4"
        assert set(sched[4]) <= set(tc4[i:i + 4])


def test_real_bcch_in_grgsm_expected_output(real_data: Path) -> None:
    """Vodafone DE's BCCH Norm blocks (FN mod 51 = 2) in gr-gsm's CI decode sit at TCs our table allows."""
    rows = (real_data / "bursts" / "grgsm_decode_test1_expected.txt").read_text().splitlines()
    found = {}
    for line in rows:
        head, hexs = line.split(":", 1)
        fn, block = int(head.split()[0]), bytes.fromhex(hexs.replace(" ", ""))
        if fn % 51 == 2:
            found[tc_of(fn)] = SI_BY_MESSAGE_TYPE[block[2]]
    assert found == {1: SiType.SI2, 2: SiType.SI3, 3: SiType.SI4, 4: SiType.SI13, 5: SiType.SI2TER}
    assert all(si_position_plausible(si, tc) for tc, si in found.items())


@pytest.mark.interop
def test_real_cell_schedule_and_ccch_use_via_tshark(real_data: Path) -> None:
    """Wireshark's dissection of gr-gsm's decode of the whole vf_call6 TS0 (30 multiframes): BCCH Norm per TC
    is exactly our schedule for the cell's SI set; SI2quater rides BCCH Ext (CCCH block 0) at TC 5; paging
    requests appear only in paging blocks for the BS_AG_BLKS_RES of the cell's own SI3."""
    tshark = require_tool("tshark", "tshark")
    pcap = real_data / "pcap" / "vf_call6_arfcn725_ts0_bcch_ccch_grgsm.pcap"
    fields = ["gsmtap.frame_nr", "gsmtap.chan_type", "gsm_a.dtap.msg_rr_type", "gsm_a.rr.bs_ag_blks_res",
              "gsm_a.rr.ccch_conf", "gsm_a.rr.bs_pa_mfrms"]
    cmd = [tshark, "-r", str(pcap), "-T", "fields", "-E", "occurrence=f"] + [a for f in fields for a in ("-e", f)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == 293
    si3 = next(r for r in rows if r[2] == "0x1b")
    cfg = CcchConfig(ccch_conf=int(si3[4]), bs_ag_blks_res=int(si3[3]), bs_pa_mfrms=int(si3[5]) + 2, bcch_ext=True)
    roles = ccch_block_roles(cfg)
    ccch_starts = block_start_frames(cfg.combined)[Channel.CCCH]
    norm, ext = defaultdict(set), defaultdict(set)
    for fn_s, chan, mtype, *_ in rows:
        fn, mt = int(fn_s), int(mtype, 16)
        if fn % 51 == 2:
            assert chan == "1"  # GSMTAP BCCH
            norm[tc_of(fn)].add(SI_BY_MESSAGE_TYPE[mt])
        else:
            block = ccch_starts.index(fn % 51)
            if mt in SI_BY_MESSAGE_TYPE:
                assert roles[block] is CcchRole.BCCH_EXT
                ext[tc_of(fn)].add(SI_BY_MESSAGE_TYPE[mt])
            if mt in PAGING_TYPES:
                assert roles[block] is CcchRole.PCH, f"paging in CCCH block {block} at FN {fn}"
    present = set().union(*norm.values())
    assert {tc: set(v) for tc, v in enumerate(bcch_norm_schedule(present))} == dict(norm)
    assert dict(ext) == {5: {SiType.SI2QUATER}} and allowed_tcs(SiType.SI2QUATER, ext=True) == {5}
