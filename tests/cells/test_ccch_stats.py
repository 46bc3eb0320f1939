"""CCCH statistics on hand-made paging / access-grant blocks with known times."""

from __future__ import annotations

import math

import pytest

from sdrscan.cells.survey import Survey
from sdrscan.cells.windows import BLOCK_PERIOD_S
from sdrscan.gsm.rr import immediate_assignment, l2_fill_frame, paging_request_type1, paging_request_type2
from tests.cells.frames import at, frame, si_blocks

IMSI = "262071234567890"


def _ccch(survey: Survey, data: bytes, t_s: float, fn: int = 0, **kw: object) -> None:
    survey.ingest(frame(data, channel="CCCH", fn=fn, **kw), time=at(t_s))  # type: ignore[arg-type]


def test_counts_by_kind() -> None:
    s = Survey()
    blocks = [
        paging_request_type1([0x01020304]),  # 1 TMSI
        paging_request_type1([IMSI, 0x0A0B0C0D]),  # IMSI + TMSI
        paging_request_type2(1, 2, IMSI),  # 2 TMSIs + IMSI
        paging_request_type1(),  # empty paging: idle
        l2_fill_frame(),
        immediate_assignment(arfcn=20, tn=1, ra=0x05, fn=1000),  # RA 000xxxxx: location updating
        immediate_assignment(arfcn=20, tn=1, ra=0xA3, fn=1000),  # 101xxxxx: emergency call
        bytes.fromhex("0106ff") + bytes(20),  # unknown message type
    ]
    for i, b in enumerate(blocks):
        _ccch(s, b, i)
    t = s.cells()[0].ccch.totals
    assert (t.blocks, t.paging_blocks, t.paging_empty, t.fill) == (8, 3, 1, 1)
    assert (t.tmsi, t.imsi, t.imei, t.identities) == (4, 2, 0, 6)
    assert (t.imm_ass, t.imm_ass_tbf, t.imm_ass_reject, t.parse_errors, t.other) == (2, 0, 0, 1, 0)
    assert t.idle_blocks == 2 and t.idle_share == pytest.approx(2 / 8) and t.imsi_share == pytest.approx(2 / 6)
    causes = s.cells()[0].ccch.causes
    assert causes == {"location_updating": 1, "emergency_call": 1}


# TS 44.018 §9.1.19 Immediate Assignment Extended, written out by hand: pseudo length 18, RR, type 0x39,
# page mode, then twice (channel description SDCCH/8(0) TN1 ARFCN 20, request reference RA/T1'/T3/T2, TA),
# an empty mobile allocation and fill. RA 0x02 = location updating, RA 0xE1 = originating call (NECI 0).
IAX = "49 06 39 00  41 00 14  02 00 00  01  41 00 14  e1 00 00  02  00  2b 2b 2b 2b"
# §9.1.20 Immediate Assignment Reject: page mode, then four (request reference, wait indication) pairs.
IAR = "4d 06 3a 00  02 00 00 0a  02 00 00 0a  02 00 00 0a  02 00 00 0a  2b 2b 2b"


def test_extended_assignment_grants_two_and_rejects_count_apart() -> None:
    s = Survey()
    s.ingest(frame(si_blocks(neci=0)["SI3"]), time=at(0))
    _ccch(s, bytes.fromhex(IAX), 1)
    _ccch(s, bytes.fromhex(IAR), 2)
    c = s.cells()[0]
    assert c.messages["IMM_ASS_EXT"] == 1 and c.messages["IMM_ASS_REJ"] == 1 and c.parse_errors == {}
    assert (c.ccch.totals.imm_ass, c.ccch.totals.imm_ass_reject) == (2, 1)
    assert dict(c.ccch.causes) == {"location_updating": 1, "originating_call": 1}


def test_rates_use_the_observed_time() -> None:
    s = Survey()
    # one paging block per second for a minute: 60 blocks in 59 s + one block period
    for i in range(60):
        _ccch(s, paging_request_type1([i]), float(i), fn=i)
    c = s.cells()[0].ccch
    assert c.observed_s == pytest.approx(59 + BLOCK_PERIOD_S)
    assert c.paging_blocks_per_min == pytest.approx(60 * 60 / (59 + BLOCK_PERIOD_S))
    assert c.imm_ass_per_min == 0.0 and math.isnan(c.imsi_share) is False


def test_gaps_between_recordings_are_not_observed_time() -> None:
    from datetime import UTC, datetime

    from sdrscan.sources.base import SourceInfo

    s = Survey()
    for k, start in enumerate((datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 1, tzinfo=UTC))):
        s.begin_source(SourceInfo(1e6, 940e6, "cu8", start_time=start), label=f"rec{k}")
        for i in range(11):  # 10 s of blocks each
            s.ingest(frame(paging_request_type1([i]), channel="CCCH", sample_offset=i * 1_000_000))
    c = s.cells()[0]
    assert c.ccch.observed_s == pytest.approx(2 * (10 + BLOCK_PERIOD_S))
    assert c.ccch.totals.paging_blocks == 22


def test_windows_split_the_counts_and_are_bounded() -> None:
    s = Survey(window_s=10.0, max_windows=3)
    for i in range(50):  # 50 s, one block per second; 5 windows of which 3 are kept
        data = paging_request_type1([IMSI]) if i % 10 == 0 else l2_fill_frame()
        _ccch(s, data, float(i), fn=i)
    c = s.cells()[0]
    assert c.ccch.totals.blocks == 50 and c.ccch.totals.imsi == 5
    wins = c.ccch.windows
    assert [w.start for w in wins] == [at(20), at(30), at(40)]
    assert all(w.counts.blocks == 10 and w.counts.imsi == 1 and w.counts.fill == 9 for w in wins)
    assert all(w.observed_s == pytest.approx(9 + BLOCK_PERIOD_S) for w in wins)
    assert wins[0].per_minute("paging_blocks") == pytest.approx(60 / (9 + BLOCK_PERIOD_S))
    assert len(c.measurements) == 3 and c.measurements[0].n == 10


def test_neci_from_si3_resolves_ambiguous_causes() -> None:
    ra = 0x15  # 0001xxxx: location updating with NECI 0, an SDCCH procedure with NECI 1 (TS 44.018 Table 9.1.8.1)
    for neci, cause in ((0, "location_updating"), (1, "answer_to_paging_or_other_sdcch_procedure"),
                        (None, "location_updating_or_other_sdcch_procedure")):
        s = Survey()
        if neci is not None:
            s.ingest(frame(si_blocks(neci=neci)["SI3"]), time=at(0))
        _ccch(s, immediate_assignment(arfcn=20, tn=1, ra=ra, fn=1000), 1)
        assert dict(s.cells()[0].ccch.causes) == {cause: 1}


def test_bcch_blocks_are_not_ccch() -> None:
    s = Survey()
    s.ingest(frame(paging_request_type1([1]), channel="BCCH"), time=at(0))
    s.ingest(frame(paging_request_type1([1]), channel="CCCH?"), time=at(1))  # held until CCCH_CONF known
    assert s.cells()[0].ccch.totals.blocks == 1
