"""World scene: cells anywhere, the defaults of docs/scene.md, one frame clock per cell."""

from __future__ import annotations

import dataclasses

import pytest

from dsp.constants import FRAME_DURATION_S, HYPERFRAME
from sdrscan.errors import ConfigError
from sdrscan.sim.world import CellClock, cell_clocks, parse_world_scene
from sdrscan.synth.render import plan_cells
from sdrscan.synth.scene import parse_scene

NARROW = {"snr": 25, "ppm": 3, "cells": [
    {"arfcn": 60, "power_db": -25}, {"arfcn": 62, "mcc": 262, "ccch_conf": 1, "bs_ag_blks_res": 1},
    {"arfcn": 64, "bsic": 12, "neighbours": [60]}]}


def test_cells_parse_as_synth_parses_them() -> None:
    # A scene that fits one capture parses the same both ways (defaults that depend on the whole list too).
    ours = parse_world_scene(NARROW)
    ref = parse_scene(NARROW)
    assert ours.cells == ref.cells
    assert (ours.snr_db, ours.ppm) == (ref.snr_db, ref.ppm)


def test_cells_may_span_bands() -> None:
    scene = parse_world_scene({"cells": [{"arfcn": 975}, {"arfcn": 124}, {"arfcn": 128}, {"arfcn": 600}]})
    assert [c.index for c in scene.cells] == [0, 1, 2, 3]
    assert scene.cells[0].neighbours == (124, 128, 600)
    with pytest.raises(ConfigError):
        parse_scene({"cells": [{"arfcn": 975}, {"arfcn": 124}]})  # synth cannot take it: too wide


def test_errors_name_the_cell() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'bsci' in cells\[1\]"):
        parse_world_scene({"cells": [{"arfcn": 1}, {"arfcn": 3, "bsci": 2}]})
    with pytest.raises(ConfigError, match="ARFCN 5 appears in more than one cell"):
        parse_world_scene({"cells": [{"arfcn": 5}, {"arfcn": 5}]})
    with pytest.raises(ConfigError, match="non-empty 'cells'"):
        parse_world_scene({"cells": []})


def test_cell_clocks_are_the_synth_draws_and_continue_in_time() -> None:
    scene = parse_world_scene({**NARROW, "cells": [{**c, "cfo_hz": 40.0} for c in NARROW["cells"]]})
    plans = plan_cells(scene, 7)
    clocks = cell_clocks(scene, 7)
    for plan, clock in zip(plans, clocks, strict=True):
        assert (clock.start_fn, clock.offset_s) == (plan.start_fn, plan.frame_offset_s)
        assert clock.frame_s == pytest.approx(FRAME_DURATION_S / (1 + 40.0 / plan.spec.carrier_hz), rel=1e-12)
        assert clock.at(0.0) == (plan.start_fn, pytest.approx(plan.frame_offset_s))
        t = clock.offset_s + 1000.5 * clock.frame_s  # mid-frame: the next frame begins half a frame later
        fn, off = clock.at(t)
        assert fn == (plan.start_fn + 1001) % HYPERFRAME and off == pytest.approx(0.5 * clock.frame_s)


def test_clock_wraps_the_hyperframe() -> None:
    c = CellClock(HYPERFRAME - 1, 0.001, FRAME_DURATION_S)
    assert c.at(0.001 + 1e-9)[0] == 0
    assert dataclasses.astuple(c)[0] == HYPERFRAME - 1
