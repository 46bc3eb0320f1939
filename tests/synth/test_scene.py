"""Scene file validation: defaults, overrides, unknown keys named, ranges enforced, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdrscan.errors import ConfigError
from sdrscan.synth.channel import PROFILES, resolve_taps
from sdrscan.synth.scene import CELL_KEYS, load_scene, parse_scene

SPEC_CELL_KEYS = {
    "arfcn", "power_db", "cfo_hz", "bsic", "mcc", "mnc", "lac", "ci", "neighbours", "cell_channels", "t3212",
    "ccch_conf", "bs_ag_blks_res", "bs_pa_mfrms", "cell_reselect_hysteresis", "ms_txpwr_max_cch",
    "rxlev_access_min", "selection_params", "gprs_indicator", "si2ter", "start_fn"}


def test_every_key_of_the_issue_is_accepted() -> None:
    assert SPEC_CELL_KEYS <= set(CELL_KEYS)


def test_defaults_for_everything_but_arfcn() -> None:
    s = parse_scene({"cells": [{"arfcn": 60}, {"arfcn": 62, "power_db": -30}]})
    assert (s.rate_hz, s.duration_s, s.snr_db, s.ppm, s.datatype) == (2.4e6, 2.0, 30.0, 0.0, "cu8")
    assert s.fc_hz == pytest.approx(0.5 * (947.0e6 + 947.4e6))
    a, b = s.cells
    assert a.neighbours == (62,) and b.neighbours == (60,)
    assert a.cell_channels == (60,)
    assert a.bsic != b.bsic and a.ci != b.ci
    assert (a.mcc, a.mnc, a.ccch_conf, a.start_fn, a.multipath) == (1, "01", 0, None, None)


def test_command_line_overrides_the_scene() -> None:
    doc = {"rate": 2.048e6, "duration": 1.0, "snr": 12, "ppm": 3, "cells": [{"arfcn": 1}]}
    s = parse_scene(doc, rate=1.0e6, duration=0.5, snr=4.0, ppm=-20.0)
    assert (s.rate_hz, s.duration_s, s.snr_db, s.ppm) == (1.0e6, 0.5, 4.0, -20.0)


def test_three_digit_mnc_stays_a_string() -> None:
    s = parse_scene({"cells": [{"arfcn": 1, "mcc": 310, "mnc": "026"}]})
    assert s.cells[0].mnc == "026"


@pytest.mark.parametrize("doc, needle", [
    ({"cells": [{"arfcn": 1}], "sample_rate": 1e6}, "unknown key 'sample_rate' in scene"),
    ({"cells": [{"arfcn": 1, "bsci": 3}]}, "unknown key 'bsci' in cells[0]"),
    ({"cells": [{"arfcn": 1, "selection_params": {"cbq": 0, "cro": 1, "temp_offset": 0, "penalty_time": 0,
                                                   "pt": 1}}]},
     "unknown key 'pt' in cells[0].selection_params"),
    ({"cells": [{"arfcn": 1, "multipath": [{"delay_us": 1, "gain": 1}]}]},
     "unknown key 'gain' in cells[0].multipath[0]"),
])
def test_unknown_keys_are_named(doc: dict, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_scene(doc)
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("cell, needle", [
    ({}, "lacks 'arfcn'"),
    ({"arfcn": 1, "bsic": 64}, "cells[0].bsic=64"),
    ({"arfcn": 1, "bs_pa_mfrms": 1}, "cells[0].bs_pa_mfrms=1"),
    ({"arfcn": 1, "bs_pa_mfrms": 10}, "cells[0].bs_pa_mfrms=10"),
    ({"arfcn": 1, "mnc": 1}, "2 or 3 digits"),
    ({"arfcn": 1, "mnc": "1234"}, "2 or 3 digits"),
    ({"arfcn": 1, "mcc": "262"}, "cells[0].mcc='262'"),
    ({"arfcn": 1, "ccch_conf": 2}, "cells[0].ccch_conf=2"),
    ({"arfcn": 1, "ccch_conf": 1, "bs_ag_blks_res": 3}, "0..2"),
    ({"arfcn": 1, "start_fn": 2715648}, "start_fn=2715648"),
    ({"arfcn": 300}, "no GSM band"),
    ({"arfcn": 1, "neighbours": [1, 2000]}, "neighbours[1]=2000"),
    ({"arfcn": 1, "multipath": "XX9"}, "TU6"),
    ({"arfcn": 1, "gprs_indicator": {"ra_colour": 1}}, "lacks si13_position"),
    ({"arfcn": 1, "power_db": True}, "power_db=True"),
])
def test_bad_cell_values(cell: dict, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_scene({"cells": [cell]})
    assert needle in str(err.value)


@pytest.mark.parametrize("doc, needle", [
    ({"cells": []}, "non-empty list"),
    ({}, "non-empty list"),
    ([1, 2], "JSON object"),
    ({"rate": 100.0, "cells": [{"arfcn": 1}]}, "rate=100.0"),
    ({"ppm": 1e3, "cells": [{"arfcn": 1}]}, "ppm=1000.0"),
    ({"datatype": "cs16", "cells": [{"arfcn": 1}]}, "datatype='cs16'"),
    ({"dc_offset": [0.1], "cells": [{"arfcn": 1}]}, "dc_offset"),
    ({"snr": 10, "noise_floor": -60, "cells": [{"arfcn": 1}]}, "both 'snr' and 'noise_floor'"),
    ({"cells": [{"arfcn": 1}, {"arfcn": 1}]}, "ARFCN 1 appears in more than one cell"),
    ({"rate": 1e6, "cells": [{"arfcn": 1}, {"arfcn": 10}]}, "raise 'rate' or move 'fc'"),
])
def test_bad_scene_values(doc: object, needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_scene(doc)
    assert needle in str(err.value)


def test_noise_floor_replaces_snr_and_command_line_snr_wins() -> None:
    doc = {"noise_floor": -70.0, "cells": [{"arfcn": 1}]}
    s = parse_scene(doc)
    assert (s.snr_db, s.noise_floor_dbfs) == (None, -70.0)
    s = parse_scene(doc, snr=8.0)
    assert (s.snr_db, s.noise_floor_dbfs) == (8.0, None)
    assert parse_scene({"snr": None, "cells": [{"arfcn": 1}]}).snr_db is None


def test_ppm_moves_the_cell_inside_the_capture_check() -> None:
    # 1.0 MS/s holds +-400 kHz around fc; -50 ppm at 950 MHz moves the LO by -47.5 kHz.
    doc = {"rate": 1.0e6, "fc": 947.0e6 - 330e3, "cells": [{"arfcn": 60}]}
    parse_scene(doc)
    with pytest.raises(ConfigError, match="outside"):
        parse_scene(doc, ppm=-100.0)


def test_load_scene_reports_file_problems(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read scene file"):
        load_scene(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"cells": [ {"arfcn": 1,} ]}')
    with pytest.raises(ConfigError, match="not valid JSON.*line 1"):
        load_scene(bad)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"cells": [{"arfcn": 1}]}))
    assert load_scene(good, duration=0.1).duration_s == 0.1


def test_example_scenes_in_the_repository_are_valid() -> None:
    scenes = sorted((Path(__file__).resolve().parents[2] / "recordings" / "scenes").glob("*.json"))
    assert scenes, "recordings/scenes/*.json examples are missing"
    for path in scenes:
        load_scene(path)


def test_multipath_profiles_are_normalised_and_seeded() -> None:
    import numpy as np

    assert set(PROFILES) >= {"TU6"}
    taps = resolve_taps("TU6", np.random.default_rng(1))
    assert [round(t.delay_s * 1e6, 1) for t in taps] == [0.0, 0.2, 0.5, 1.6, 2.3, 5.0]
    assert sum(abs(t.gain) ** 2 for t in taps) == pytest.approx(1.0)
    # TS 45.005 Annex C.3.3 relative powers survive the normalisation.
    rel = [20 * np.log10(abs(t.gain) / abs(taps[1].gain)) for t in taps]
    np.testing.assert_allclose(rel, [-3, 0, -2, -6, -8, -10], atol=1e-9)
    again = resolve_taps("TU6", np.random.default_rng(1))
    assert taps == again
    explicit = parse_scene({"cells": [{"arfcn": 1, "multipath": [{"delay_us": 0}, {"delay_us": 3.0,
                                                                                   "power_db": -6}]}]})
    t2 = resolve_taps(explicit.cells[0].multipath, np.random.default_rng(0))
    assert t2[1].delay_s == pytest.approx(3e-6)
    assert abs(t2[1].gain) ** 2 / abs(t2[0].gain) ** 2 == pytest.approx(10 ** -0.6)
