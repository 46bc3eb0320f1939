"""Survey / CellTracker on hand-made frames: merging, keys, history, failures, bounds, privacy."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from sdrscan.cells import CellObservation, Change
from sdrscan.cells.export import CELL_KEYS, cell_json
from sdrscan.cells.extract import FIELD_SOURCES, SI_ORDER
from sdrscan.cells.model import PARAMETER_NAMES
from sdrscan.cells.survey import Survey
from sdrscan.gsm.rr import CellDescription, build_system_information_messages, paging_request_type1
from sdrscan.pipeline.records import CarrierStats
from sdrscan.sources.base import SourceInfo
from tests.cells.frames import T0, at, frame, si_blocks

CELL = {"arfcn": 20, "bsic": 33, "mcc": 262, "mnc": "07", "lac": 1234, "ci": 5678, "neighbours": [22, 24, 60],
        "cell_channels": [20, 40], "t3212": 40, "ccch_conf": 1, "bs_ag_blks_res": 2, "bs_pa_mfrms": 6,
        "cell_reselect_hysteresis": 4, "ms_txpwr_max_cch": 7, "rxlev_access_min": 11,
        "selection_params": {"cbq": 1, "cro": 20, "temp_offset": 2, "penalty_time": 9},
        "gprs_indicator": {"ra_colour": 5, "si13_position": 0}}


def _ingest_si(survey: Survey, blocks: dict[str, bytes], t0: float = 0.0, fn0: int = 1000, **kw: object) -> None:
    for i, (_, data) in enumerate(sorted(blocks.items(), key=lambda kv: SI_ORDER.index(kv[0]))):
        survey.ingest(frame(data, fn=fn0 + 51 * i, **kw), time=at(t0 + i))  # type: ignore[arg-type]


def test_si_types_merge_into_one_cell() -> None:
    s = Survey()
    _ingest_si(s, dict(si_blocks(**CELL)))
    (c,) = s.cells()
    assert isinstance(c, CellObservation) and c.key == (20, 33) and (c.ncc, c.bcc) == (4, 1)
    assert (c.mcc, c.mnc, c.lac, c.ci, c.plmn) == (262, "07", 1234, 5678, "262-07")
    assert c.neighbours == (22, 24, 60) and c.ba_si2 == (22, 24, 60) and c.cell_arfcns == (20, 40)
    assert (c.t3212, c.ccch_conf, c.bs_ag_blks_res, c.bs_pa_mfrms) == (40, 1, 2, 6)
    assert (c.cell_reselect_hysteresis, c.ms_txpwr_max_cch, c.rxlev_access_min) == (4, 7, 11)
    assert (c.cbq, c.cro, c.temporary_offset, c.penalty_time) == (1, 20, 2, 9)
    assert (c.gprs, c.ra_colour, c.si13_position, c.si13) == (True, 5, 0, True)
    assert c.ncc_permitted == 1 << 4 and c.cell_bar_access == 0 and c.band_indicator is False
    assert c.si_types == ("SI1", "SI2", "SI3", "SI4", "SI13")
    assert c.by_si["SI3"]["lac"] == 1234 and c.by_si["SI4"]["lac"] == 1234
    assert c.blocks_ok == 5 and c.first_seen == at(0) and c.last_seen == at(4)
    assert (c.first_fn, c.last_fn) == (1000, 1000 + 4 * 51)
    assert c.history == () and c.parse_errors == {}


def test_unknown_until_received_and_cro_null_without_selection_parameters() -> None:
    s = Survey()
    blocks = si_blocks(**{**CELL, "selection_params": None, "gprs_indicator": None})
    _ingest_si(s, {"SI2": blocks["SI2"]})
    c = s.cells()[0]
    assert c.neighbours == (22, 24, 60) and c.lac is None and c.t3212 is None and c.gprs is None
    _ingest_si(s, {"SI3": blocks["SI3"]}, t0=10)
    c = s.cells()[0]
    assert c.lac == 1234 and c.cro is None and c.temporary_offset is None and c.penalty_time is None
    assert c.gprs is False and c.si13 is None


def test_si2bis_and_si2ter_join_the_neighbours() -> None:
    many = [512, 530, 551, 577, 600, 623, 650, 671, 690, 703, 720, 745, 770, 790, 810, 830, 850, 870, 880, 885]
    blocks = si_blocks(arfcn=700, neighbours=many + [5, 1000], si2ter=True)
    assert {"SI2bis", "SI2ter"} <= set(blocks)
    s = Survey()
    _ingest_si(s, dict(blocks), arfcn=700)
    c = s.cells()[0]
    assert c.neighbours == tuple(sorted(many + [5, 1000]))
    assert set(c.ba_si2 + c.ba_si2bis) == set(many) and c.ba_si2ter == (5, 1000)
    assert c.ext_ind == 1 and c.si2ter_indicator is True


def test_si2quater_instances_are_kept_apart_and_united() -> None:
    cell = CellDescription(arfcn=20, utran_neighbours=(10700,), eutran_neighbours=(6300,))
    msg = build_system_information_messages(cell)["SI2quater"]
    rest = msg.rest_octets
    three_g = rest.three_g_neighbour_cells
    fdd = three_g.utran_fdd_description
    other = dataclasses.replace(fdd, cells=(dataclasses.replace(fdd.cells[0], fdd_arfcn=10562),))
    rest0 = dataclasses.replace(rest, si2quater_index=0, si2quater_count=1)
    rest1 = dataclasses.replace(rest, si2quater_index=1, si2quater_count=1, rel5=None,
                                three_g_neighbour_cells=dataclasses.replace(three_g, utran_fdd_description=other))
    s = Survey()
    s.ingest(frame(msg.replace(rest_octets=rest0).encode(), fn=100), time=at(0))
    s.ingest(frame(msg.replace(rest_octets=rest1).encode(), fn=151), time=at(1))
    c = s.cells()[0]
    assert [x.name for x in c.si_seen] == ["SI2quater[0]", "SI2quater[1]"] and c.si_types == ("SI2quater",)
    assert c.utran_fdd_arfcns == (10562, 10700) and c.eutran_earfcns == (6300,)
    assert c.si_count("SI2quater") == 2 and c.history == ()


def test_cells_are_keyed_by_arfcn_and_bsic_and_merge_across_recordings() -> None:
    s = Survey()
    blocks = si_blocks(**CELL)
    info = SourceInfo(sample_rate_hz=1e6, center_freq_hz=940e6, datatype="cu8",
                      start_time=datetime(2026, 1, 1, tzinfo=UTC))
    s.begin_source(info, label="one")
    s.ingest(frame(blocks["SI3"], bsic=33, sample_offset=500_000))
    s.ingest(frame(blocks["SI3"], bsic=34, sample_offset=600_000))  # same ARFCN, other BSIC: another cell
    s.end_source([CarrierStats(20, 939.0e6, bsic=33, blocks_failed=3, blocks_idle=5),
                  CarrierStats(21, 939.2e6, bsic=None, blocks_failed=9)])  # never synchronised: no cell
    s.begin_source(dataclasses.replace(info, start_time=datetime(2026, 1, 1, 0, 5, tzinfo=UTC)), label="two")
    s.ingest(frame(blocks["SI4"], bsic=33, sample_offset=1_000_000, fn=2000))
    s.end_source([CarrierStats(20, 939.0e6, bsic=33, blocks_failed=1)])
    a, b = s.cells()
    assert (a.key, b.key) == ((20, 33), (20, 34)) and len(s) == 2
    assert a.blocks_ok == 2 and a.blocks_bad == 4 and a.blocks_idle == 5
    assert a.sources == ("one", "two") and b.sources == ("one",)
    assert [(g.label, g.first_fn, g.blocks_ok) for g in a.segments] == [("one", 1000, 1), ("two", 2000, 1)]
    assert a.first_seen == datetime(2026, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC)
    assert a.last_seen == datetime(2026, 1, 1, 0, 5, 1, tzinfo=UTC)
    assert s.cell(20).key == (20, 33) and s.cell(20, 34).key == (20, 34) and s.cell(21) is None
    s.begin_source(info, label="one")
    assert [c.label for c in s.sources] == ["one", "two", "one#2"]


def test_two_sources_read_at_once_keep_their_own_clocks_and_segments() -> None:
    # A service decodes an upload while its live sweep runs: frames name their source's clock.
    s = Survey()
    blocks = si_blocks(**CELL)
    live = s.begin_source(SourceInfo(1e6, 940e6, "cu8", start_time=datetime(2026, 1, 1, tzinfo=UTC)), "live")
    upload = s.begin_source(SourceInfo(1e6, 940e6, "cu8", start_time=datetime(2025, 6, 1, tzinfo=UTC)), "rec")
    s.ingest(frame(blocks["SI3"], sample_offset=1_000_000, fn=100), clock=live)
    s.ingest(frame(blocks["SI4"], sample_offset=2_000_000, fn=5000), clock=upload)
    s.ingest(frame(blocks["SI3"], sample_offset=3_000_000, fn=200), clock=live)
    (c,) = s.cells()
    assert [(g.label, g.first_fn, g.last_fn, g.blocks_ok) for g in c.segments] == [("live", 100, 200, 2),
                                                                                   ("rec", 5000, 5000, 1)]
    assert c.first_seen == datetime(2025, 6, 1, 0, 0, 2, tzinfo=UTC)  # each frame timed by its own clock
    assert c.last_seen == datetime(2026, 1, 1, 0, 0, 3, tzinfo=UTC)
    with pytest.raises(ValueError, match="not begun"):
        Survey().ingest(frame(blocks["SI3"]), clock=live)


def test_a_changed_parameter_is_recorded_once_per_change() -> None:
    s = Survey()
    old, new = si_blocks(**CELL), si_blocks(**{**CELL, "lac": 999, "cro": None,
                                               "selection_params": {"cbq": 1, "cro": 40, "temp_offset": 2,
                                                                    "penalty_time": 9}})
    s.ingest(frame(old["SI3"], fn=100), time=at(0))
    s.ingest(frame(old["SI3"], fn=151), time=at(1))  # same content: nothing
    s.ingest(frame(new["SI3"], fn=202), time=at(2))
    s.ingest(frame(new["SI4"], fn=253), time=at(3))  # first SI4: no change, SI4 is compared with SI4 only
    c = s.cells()[0]
    assert c.lac == 999 and c.cro == 40
    assert set(c.history) == {Change(at(2), 202, "SI3", "lac", 1234, 999), Change(at(2), 202, "SI3", "cro", 20, 40)}
    assert c.changes_total == 2


def test_si3_and_si4_disagreeing_is_visible_but_not_a_change() -> None:
    s = Survey()
    s.ingest(frame(si_blocks(**CELL)["SI3"]), time=at(0))
    s.ingest(frame(si_blocks(**{**CELL, "lac": 1})["SI4"]), time=at(1))
    c = s.cells()[0]
    assert c.lac == 1234 and c.by_si["SI4"]["lac"] == 1 and c.history == ()


def test_history_is_bounded() -> None:
    s = Survey(max_history=5)
    a, b = si_blocks(**CELL)["SI3"], si_blocks(**{**CELL, "t3212": 41})["SI3"]
    for i in range(21):
        s.ingest(frame(a if i % 2 == 0 else b, fn=100 + 51 * i), time=at(i))
    c = s.cells()[0]
    assert c.changes_total == 20 and len(c.history) == 5
    assert [h.fn for h in c.history] == [100 + 51 * i for i in range(16, 21)]


def test_parse_failures_are_counted_per_reason_never_raised() -> None:
    rng = np.random.default_rng(5)
    s = Survey()
    garbage = [bytes(rng.integers(0, 256, 23, dtype=np.uint8)) for _ in range(300)]
    bad = [bytes.fromhex("0106ff") + bytes(20), bytes(2), bytes.fromhex("2d0619") + bytes(20)]
    for i, data in enumerate(garbage + bad):
        s.ingest(frame(data, fn=i, channel="CCCH" if i % 2 else "BCCH"), time=at(i * 0.01))
        s.ingest(frame(data, fn=i, channel="SACCH/4"), time=at(i * 0.01))
    c = s.cells()[0]
    failed = sum(c.parse_errors.values())
    assert failed == sum(s.parse_stats.failed.values()) > 0
    assert c.parse_errors["unknown_message_type"] >= 1 and c.parse_errors["short_block"] >= 1
    assert "internal_error" not in c.parse_errors
    assert c.blocks_ok == 2 * len(garbage + bad)
    assert c.ccch.totals.blocks == sum(1 for i in range(len(garbage + bad)) if i % 2)


def test_sdcch_is_counted_not_parsed() -> None:
    s = Survey()
    s.ingest(frame(bytes(23), channel="SDCCH/4"), time=at(0))
    c = s.cells()[0]
    assert c.channels == {"SDCCH/4": 1} and c.messages == {} and c.parse_errors == {}
    assert s.parse_stats.total == 0


def test_sacch_system_information_from_real_si5_si6(real_data) -> None:  # noqa: ANN001
    si = {m["id"]: bytes.fromhex(m["hex"]) for m in json.loads((real_data / "si_messages.json").read_text())}
    s = Survey()
    for i, key in enumerate(("pycrate_si5", "pycrate_si6")):
        # downlink SACCH block: L1 header (power, TA), LAPDm address (SAPI 0) and UI control, then the 19 octets
        s.ingest(frame(bytes([0x05, 0x01, 0x01, 0x03]) + si[key], channel="SACCH/4", fn=i), time=at(i))
    c = s.cells()[0]
    assert c.si_types == ("SI5", "SI6") and c.parse_errors == {}
    # Wireshark's decode of these two real messages (si_messages.json, reference_decode_wireshark)
    assert (c.mcc, c.mnc, c.lac, c.ci, c.ncc_permitted) == (208, "01", 0x0310, 0x87E9, 0xFF)
    assert c.ba_si5 == (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15) and c.neighbours is None


def test_rows_never_hold_imsi_digits() -> None:
    imsi = "262071234567890"
    s = Survey(identity_key=b"k" * 32)
    s.ingest(frame(paging_request_type1([imsi, 0x1234]), channel="CCCH"), time=at(0))
    c = s.cells()[0]
    assert (c.ccch.totals.imsi, c.ccch.totals.tmsi, c.ccch.totals.paging_blocks) == (1, 1, 1)
    text = repr(c) + json.dumps(cell_json(c))
    assert "1234567890" not in text and imsi not in text


def test_every_parameter_has_a_source_and_a_json_key() -> None:
    derived = {"neighbours", "ba_si5"}
    assert set(PARAMETER_NAMES) == set(FIELD_SOURCES) | derived
    j = cell_json(Survey().tracker(20, 33, 939e6).snapshot())
    assert list(j)[: len(CELL_KEYS)] == list(CELL_KEYS)
    assert set(PARAMETER_NAMES) <= set(j)
    assert j["score"] == 0.0 and j["verdict"] == "ok" and j["mcc"] is None


def test_frames_without_a_source_are_timed_by_their_fn() -> None:
    s = Survey()
    s.ingest(frame(si_blocks(**CELL)["SI3"], fn=2_000_000))
    assert s.cells()[0].first_seen == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=2_000_000 * 120 / 26e3)


def test_bad_window_settings_are_rejected() -> None:
    with pytest.raises(ValueError):
        Survey(window_s=0)
    with pytest.raises(ValueError):
        Survey(max_windows=0)


def test_snapshots_are_immutable() -> None:
    s = Survey()
    s.ingest(frame(si_blocks(**CELL)["SI3"]), time=T0)
    c = s.cells()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.lac = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        c.by_si["SI3"]["lac"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        c.messages["SI3"] = 7  # type: ignore[index]


def test_memory_does_not_grow_with_the_number_of_frames() -> None:
    import tracemalloc

    from sdrscan.gsm.rr import l2_fill_frame

    si = si_blocks(**CELL)
    ccch = [paging_request_type1([1, 2]), paging_request_type1(["262071234567890"]), l2_fill_frame()]
    s = Survey(window_s=1.0, max_windows=10, max_history=8)
    alt = si_blocks(**{**CELL, "t3212": 41})["SI3"]

    def feed(lo: int, hi: int) -> None:
        for i in range(lo, hi):  # 20 blocks per second, the SI3 flapping (history keeps growing in count only)
            data = (si["SI3"] if i % 40 else alt) if i % 20 == 0 else ccch[i % 3]
            s.ingest(frame(data, fn=i, channel="BCCH" if i % 20 == 0 else "CCCH"), time=at(i / 20))

    feed(0, 4000)  # fills every ring
    tracemalloc.start()
    feed(4000, 8000)  # steady state: rings full, window objects being replaced
    before = tracemalloc.get_traced_memory()[0]
    feed(8000, 16000)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    c = s.cells()[0]
    assert len(c.ccch.windows) == 10 and len(c.measurements) == 10 and len(c.history) == 8
    assert c.blocks_ok == 16000 and c.changes_total == 16000 // 20 - 1
    assert grown < 2_000, grown  # 8000 more frames: no per-frame storage
