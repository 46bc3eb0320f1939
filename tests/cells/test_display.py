"""The rich views render every part of a cell, including empty ones, without errors."""

from __future__ import annotations

from rich.console import Console

from sdrscan.cells.display import cell_details, cell_table, meaning
from sdrscan.cells.survey import Survey
from sdrscan.gsm.rr import immediate_assignment, paging_request_type1
from tests.cells.frames import at, frame, si_blocks


def _render(obj: object, width: int = 160) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(obj)
    return console.export_text()


def test_details_show_parameters_with_meaning_history_and_ccch() -> None:
    s = Survey(window_s=10)
    s.ingest(frame(si_blocks(t3212=30)["SI3"], fn=100), time=at(0))
    s.ingest(frame(si_blocks(t3212=0)["SI3"], fn=151), time=at(1))
    s.ingest(frame(paging_request_type1(["262071234567890"]), channel="CCCH"), time=at(2))
    s.ingest(frame(immediate_assignment(arfcn=20, tn=1, ra=0x05, fn=9), channel="CCCH"), time=at(3))
    s.ingest(frame(bytes(2), channel="CCCH"), time=at(4))
    text = _render(cell_details(s.cells()[0]))
    for needle in ("Parameters", "t3212", "no periodic LU", "Changes (1)", "SI3", "location_updating 1",
                   "1 IMSI", "short_block", "CCCH per 10 s window", "rxlev_access_min", "-102 dBm"):
        assert needle in text, needle
    assert "1234567890" not in text


def test_empty_cell_and_narrow_table() -> None:
    s = Survey()
    cell = s.tracker(30, 1, 941e6).snapshot()
    text = _render(cell_details(cell))
    assert "no parameter changed" in text and "0 ok, 0 bad, 0 idle" in text
    wide = _render(cell_table([cell], "t", 160))
    narrow = _render(cell_table([cell], "t", 100), 100)
    assert "T3212" in wide and "T3212" not in narrow and "verdict" in narrow


def test_meaning_of_codes() -> None:
    assert meaning("cell_reselect_hysteresis", 3) == "6 dB" and meaning("t3212", 30) == "3 h"
    assert meaning("temporary_offset", 7) == "infinity" and meaning("penalty_time", 31) == "CRO subtracted"
    assert meaning("penalty_time", 0) == "20 s" and meaning("ac", 0b10000000001) == "classes 0 10"
    assert meaning("max_retrans", 9) == "" and meaning("lac", 5) == "" and meaning("t3212", None) == ""


def test_table_shows_the_engines_verdicts_most_threatening_first() -> None:
    s = Survey()
    strong = s.tracker(30, 1, 941e6)
    weak = s.tracker(62, 5, 947e6)
    for tracker, dbfs in ((strong, -20.0), (weak, -40.0)):
        tracker.power.add(dbfs)
    cells = [strong.snapshot(), weak.snapshot()]
    rows = [line.split() for line in _render(cell_table(cells, "t", 160, {(62, 5): "rogue", (30, 1): "ok"}))
            .splitlines() if line.split()[:1] in (["30"], ["62"])]
    assert [(r[0], r[-1]) for r in rows] == [("62", "rogue"), ("30", "ok")]  # the rogue leads despite -40 dBFS
    plain = [line.split() for line in _render(cell_table(cells, "t", 160)).splitlines()
             if line.split()[:1] in (["30"], ["62"])]
    assert [(r[0], r[-1]) for r in plain] == [("30", "-"), ("62", "-")]  # detection off: strongest first
