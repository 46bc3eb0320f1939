"""Dwell rule: a carrier is complete once SI1-SI4 are in, or after a whole TC cycle without SI1."""

from __future__ import annotations

from sdrscan.field.dwell import SI_CYCLE_FRAMES, SiProgress
from sdrscan.gsm.multiframe import SiType, bcch_norm_schedule, si_for_frame
from sdrscan.gsm.rr.cell import CellDescription, build_system_information
from sdrscan.pipeline.records import L2Frame
from sdrscan.synth.scene import parse_scene


def _si_blocks(with_si1: bool) -> dict[str, bytes]:
    scene = parse_scene({"cells": [{"arfcn": 60, "mcc": 262, "mnc": "01", "lac": 4711, "ci": 77}]})
    si = build_system_information(CellDescription.from_mapping(scene.cells[0]))
    if not with_si1:
        si.pop("SI1")
    return si


def _bcch(fn: int, data: bytes, arfcn: int = 60, bsic: int = 40) -> L2Frame:
    return L2Frame(arfcn, 947e6, bsic, fn, 0, "BCCH", data, -30.0, 20.0, 0.0, 0)


def _broadcast(si: dict[str, bytes], first_fn: int, multiframes: int) -> list[L2Frame]:
    """The BCCH Norm blocks a cell sends (TS 45.002 §6.3.1.3 schedule by TC), one per multiframe."""
    sched = bcch_norm_schedule(SiType(k[2:]) if k[2:] in {s.value for s in SiType} else SiType.SI1 for k in si)
    frames = []
    for k in range(multiframes):
        fn = (first_fn // 51 + k) * 51 + 2
        key = f"SI{si_for_frame(fn, sched).value}"
        frames.append(_bcch(fn, si[key]))
    return frames


def test_complete_as_soon_as_si1_to_si4_are_in() -> None:
    si = _si_blocks(with_si1=True)
    p = SiProgress()
    frames = _broadcast(si, first_fn=51 * 8 * 100 + 51 * 4, multiframes=16)  # start at TC 4
    done_at = None
    for i, f in enumerate(frames):
        p.add(f)
        if done_at is None and p.complete(60, 40):
            done_at = i
    assert p.si_types(60, 40)[:4] == ("SI1", "SI2", "SI3", "SI4")
    # TC 4 and 5 repeat SI2 when no SI2bis/ter/quater is sent; from TC 4 the set is complete with SI1 at
    # TC 0: the fifth block (TCs 4, 5, 6, 7, 0).
    assert done_at == 4


def test_a_cell_without_si1_is_complete_after_a_whole_cycle() -> None:
    si = _si_blocks(with_si1=False)
    p = SiProgress()
    frames = _broadcast(si, first_fn=51 * 8 * 7, multiframes=9)  # from TC 0
    states = []
    for f in frames:
        p.add(f)
        states.append(p.complete(60, 40))
    assert "SI1" not in p.si_types(60, 40)
    assert states[:7] == [False] * 7 and states[7] is True  # 8 blocks = SI_CYCLE_FRAMES - 51 frames of span
    assert (frames[7].fn - frames[0].fn) == SI_CYCLE_FRAMES - 51


def test_other_channels_and_garbage_are_ignored_per_carrier() -> None:
    si = _si_blocks(with_si1=True)
    p = SiProgress()
    p.add(L2Frame(60, 947e6, 40, 6, 0, "CCCH", si["SI3"], -30, 20, 0, 0))
    p.add(_bcch(2, bytes(23)))
    p.add(_bcch(53, si["SI3"], bsic=41))
    assert p.si_types(60, 40) == () and p.si_types(60, 41) == ("SI3",)
    assert not p.complete(61, 40)
