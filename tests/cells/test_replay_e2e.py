"""`sdrscan replay` end to end: synthesize a three-capture survey, replay it as a subprocess, compare every
JSON field with what the transmitter sent (its truth files).

Scenes (tests/cells/scenes/): 2- and 3-digit MNCs, separate and combined CCCH, selection parameters present
and absent, GPRS on and off, SI2bis, SI2ter, an empty BA list, extreme field codes; ARFCN 12 carries two cells
(two BSICs, captures A and C); ARFCN 10 is in captures A
and C with T3212 changed between them (one cell, one change in its history).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sdrscan.cells.extract import SI_ORDER
from sdrscan.gsm.rr import messages as m
from sdrscan.gsm.rr import try_parse_rr
from sdrscan.synth.run import synthesize
from sdrscan.synth.scene import load_scene

SCENES = Path(__file__).parent / "scenes"
CAPTURES = ("survey_a_gsm900", "survey_b_dcs1800", "survey_c_gsm900")
SEED = 7
# Measured quantities (not broadcast) need a tolerance: per-block power/SNR estimates average over ~100
# blocks, so these bound the receiver's bias, not its noise.
POWER_TOL_DB = 1.0
SNR_TOL_DB = 1.5
OFFSET_TOL_HZ = 50.0
RECORDING_END_S = 1_800_000_000  # 2027-01-15T08:00:00Z
MAX_MISSED_AT_START = 3  # blocks lost while the receiver acquires (0.3 s of FCCH search)


def _sdrscan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "sdrscan", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("survey")
    truths = {}
    for i, name in enumerate(CAPTURES):
        res = synthesize(load_scene(SCENES / f"{name}.json"), out / f"{name}.sigmf-meta", seed=SEED + i)
        truths[name] = res.truth
        # Recorded one minute apart: without core:datetime, a recording ends at its data file's mtime.
        end_s = RECORDING_END_S + 60 * i
        os.utime(out / f"{name}.sigmf-data", (end_s, end_s))
    proc = _sdrscan("replay", *(f"{n}.sigmf-meta" for n in CAPTURES), "--json", cwd=out)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    return {"dir": out, "truths": truths, "lines": lines,
            "cells": {(c["arfcn"], c["bsic"]): c for c in lines if c["type"] == "cell"}}


def _sent(survey: dict[str, Any]) -> dict[tuple[int, int], list[tuple[str, dict[str, Any]]]]:
    """(arfcn, bsic) -> [(capture, truth cell), ...] in capture order."""
    out: dict[tuple[int, int], list[tuple[str, dict[str, Any]]]] = {}
    for name in CAPTURES:
        for c in survey["truths"][name]["cells"]:
            out.setdefault((c["arfcn"], c["bsic"]), []).append((name, c))
    return out


def _expected_fields(t: dict[str, Any]) -> dict[str, Any]:
    """The broadcast fields of `sdrscan replay --json` as the scene/truth defines them."""
    sel = t["selection_params"]
    return {
        "arfcn": t["arfcn"], "freq_hz": t["carrier_hz"], "bsic": t["bsic"], "mcc": t["mcc"], "mnc": t["mnc"],
        "lac": t["lac"], "ci": t["ci"], "neighbours": sorted(set(t["neighbours"])),
        "cell_arfcns": sorted(set(t["cell_channels"])),
        "si_types": [s for s in SI_ORDER if s in t["si"]],
        "t3212": t["t3212"], "ccch_conf": t["ccch_conf"], "bs_ag_blks_res": t["bs_ag_blks_res"],
        "bs_pa_mfrms": t["bs_pa_mfrms"], "cell_reselect_hysteresis": t["cell_reselect_hysteresis"],
        "ms_txpwr_max_cch": t["ms_txpwr_max_cch"], "rxlev_access_min": t["rxlev_access_min"],
        "cro": None if sel is None else sel["cro"], "temporary_offset": None if sel is None else sel["temp_offset"],
        "penalty_time": None if sel is None else sel["penalty_time"], "gprs": t["gprs_indicator"] is not None,
        "ra_colour": None if t["gprs_indicator"] is None else t["gprs_indicator"]["ra_colour"],
        "ncc": t["ncc"], "bcc": t["bcc"], "blocks_bad": 0,
    }


def test_every_cell_sent_is_printed_once(survey: dict[str, Any]) -> None:
    assert sorted(survey["cells"]) == sorted(_sent(survey))
    keys = [(c["arfcn"], c["bsic"]) for c in survey["lines"] if c["type"] == "cell"]
    assert keys == sorted(keys), "cells must be sorted by ARFCN then BSIC"
    assert survey["lines"][-1]["type"] == "survey"
    assert len(survey["lines"][-1]["sources"]) == len(CAPTURES)


def test_every_broadcast_field_equals_what_was_sent(survey: dict[str, Any]) -> None:
    for key, sent in _sent(survey).items():
        got = survey["cells"][key]
        want = _expected_fields(sent[-1][1])  # the last capture's values are the current ones
        assert {k: got[k] for k in want} == want, f"cell {key}"
        assert isinstance(got["mnc"], str) and isinstance(got["mcc"], int)
        # Score and verdict are the detection engine's (tested in tests/detection); here only their form.
        assert isinstance(got["score"], float) and got["verdict"] in ("ok", "suspicious", "rogue")


def test_measurements_match_the_channel(survey: dict[str, Any]) -> None:
    for key, sent in _sent(survey).items():
        got = survey["cells"][key]
        for _, t in sent:  # every capture of a cell in these scenes has the same power, SNR and offset
            assert abs(got["power_dbfs"] - t["power_dbfs"]) <= POWER_TOL_DB, (key, got["power_dbfs"])
            assert abs(got["snr_db"] - t["snr_db"]) <= SNR_TOL_DB, (key, got["snr_db"], t["snr_db"])
            assert abs(got["freq_offset_hz"] - (t["seen_hz"] - t["carrier_hz"])) <= OFFSET_TOL_HZ, key


def _blocks_in(t: dict[str, Any], first_fn: int, last_fn: int) -> list[dict[str, Any]]:
    """Blocks sent from `first_fn` to `last_fn` (in transmission order, so FN wrap-around is harmless)."""
    blocks = sorted(t["bcch"] + t["ccch"], key=lambda b: b["sample"])
    fns = [b["fn"] for b in blocks]
    return blocks[fns.index(first_fn): fns.index(last_fn) + 1]


def test_no_block_lost_after_acquisition_and_ccch_counts_exact(survey: dict[str, Any]) -> None:
    for key, sent in _sent(survey).items():
        got = survey["cells"][key]
        assert [s["label"] for s in got["sources"]] == [f"{name}.sigmf-meta" for name, _ in sent]
        expected = {"blocks": 0, "paging_blocks": 0, "paging_empty": 0, "fill": 0, "tmsi": 0, "imsi": 0,
                    "imm_ass": 0}
        total_ok = 0
        for seg, (_, t) in zip(got["sources"], sent, strict=True):
            blocks = _blocks_in(t, seg["first_fn"], seg["last_fn"])
            all_blocks = sorted(t["bcch"] + t["ccch"], key=lambda b: b["sample"])
            assert seg["blocks_ok"] == len(blocks), f"{key}: a block was lost after acquisition"
            assert all_blocks.index(blocks[0]) <= MAX_MISSED_AT_START and blocks[-1] is all_blocks[-1]
            total_ok += len(blocks)
            for b in blocks:
                if "kind" not in b:
                    continue  # BCCH
                expected["blocks"] += 1
                msg = try_parse_rr(bytes.fromhex(b["hex"]))
                kind = b["kind"]
                expected["fill"] += kind == "fill"
                expected["paging_empty"] += kind == "paging_empty"
                expected["imm_ass"] += kind == "imm_ass"
                if kind in ("paging1", "paging2", "paging3"):
                    assert isinstance(msg, m.PagingRequestType1 | m.PagingRequestType2 | m.PagingRequestType3)
                    expected["paging_blocks"] += 1
                    expected["tmsi"] += msg.n_tmsi
                    expected["imsi"] += msg.n_imsi
        assert got["blocks_ok"] == total_ok
        assert {k: got["ccch"][k] for k in expected} == expected, key
        assert got["ccch"]["parse_errors"] == 0 and got["parse_errors"] == {}


def test_change_across_captures_is_in_the_history(survey: dict[str, Any]) -> None:
    cell = survey["cells"][(10, 21)]
    assert cell["changes_total"] == 1
    (change,) = cell["history"]
    assert (change["si"], change["field"], change["old"], change["new"]) == ("SI3", "t3212", 60, 20)
    # The change is timed by capture C's clock (it ended at RECORDING_END_S + 120 s and lasted 2.3 s).
    c_start = datetime.fromtimestamp(RECORDING_END_S + 120 - 2.3, UTC)
    assert c_start <= _t(change["time"]) <= c_start + timedelta(seconds=2.3)
    assert _t(cell["sources"][0]["last_seen"]) < _t(change["time"])
    for other in (k for k in survey["cells"] if k != (10, 21)):
        assert survey["cells"][other]["history"] == []


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_times_come_from_the_recordings(survey: dict[str, Any]) -> None:
    for key, sent in _sent(survey).items():
        got = survey["cells"][key]
        for seg, (name, t) in zip(got["sources"], sent, strict=True):
            i, top = CAPTURES.index(name), survey["truths"][name]
            start = RECORDING_END_S + 60 * i - top["duration_s"]
            blocks = {b["fn"]: b for b in t["bcch"] + t["ccch"]}
            for when, fn in ((seg["first_seen"], seg["first_fn"]), (seg["last_seen"], seg["last_fn"])):
                # the block's first burst starts at sample `sample` (truth); the receiver's sample_offset
                # must agree to within a few samples (1 us at 1 MS/s)
                want = start + blocks[fn]["sample"] / top["rate_hz"]
                assert abs(_t(when).timestamp() - want) < 20e-6, (key, name, fn)


def test_survey_line_describes_the_recordings(survey: dict[str, Any]) -> None:
    line = survey["lines"][-1]
    assert [s["label"] for s in line["sources"]] == [f"{n}.sigmf-meta" for n in CAPTURES]
    assert all(s["time_source"] == "mtime" for s in line["sources"])  # synth writes no core:datetime
    assert line["cells"] == len(survey["cells"])
    assert line["frames"] == sum(c["blocks_ok"] for c in survey["cells"].values())
    assert line["parse"]["failed"] == {}


def test_table_and_details(survey: dict[str, Any]) -> None:
    d = survey["dir"]
    plain = _sdrscan("replay", "survey_b_dcs1800.sigmf-meta", "--no-detect", cwd=d)
    assert plain.returncode == 0, plain.stderr
    rows = [line.split() for line in plain.stdout.splitlines()]
    assert [(int(r[0]), r[-1]) for r in rows if r and r[0].isdigit() and len(r) > 10] == [(700, "-"), (702, "-")]
    assert any(r[:4] == ["700", "7", "001-001", "65535"] for r in rows)  # strongest first, no verdicts
    judged = _sdrscan("replay", "survey_b_dcs1800.sigmf-meta", cwd=d)
    assert judged.returncode == 0, judged.stderr
    rows = [line.split() for line in judged.stdout.splitlines()]
    # Both broadcast test network codes; 999-99 on 702 adds an empty BA list and a 14 dB hysteresis.
    cells = [(int(r[0]), r[-1]) for r in rows if r and r[0].isdigit() and len(r) > 15]
    assert cells == [(702, "rogue"), (700, "suspicious")]  # most threatening first
    details = _sdrscan("replay", "survey_b_dcs1800.sigmf-meta", "--cell", "700", cwd=d)
    assert details.returncode == 0, details.stderr
    text = details.stdout
    for needle in ("ARFCN 700 BSIC 7", "SI2bis", "penalty_time", "CRO subtracted", "no parameter changed",
                   "512 530 551", "blocks/min"):
        assert needle in text, needle
    assert "ARFCN 702" not in text


def test_raw_file_with_source_options(survey: dict[str, Any]) -> None:
    d = survey["dir"]
    shutil.copy(d / "survey_b_dcs1800.sigmf-data", d / "b.cu8")
    proc = _sdrscan("replay", "b.cu8", "--rate", "1M", "--center-freq", "1843M", "--json", cwd=d)
    assert proc.returncode == 0, proc.stderr
    cells = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [(c["arfcn"], c["lac"], c["mnc"]) for c in cells if c["type"] == "cell"] == [(700, 65535, "001"),
                                                                                       (702, 1, "99")]


def test_bad_input_is_one_line(survey: dict[str, Any], tmp_path: Path) -> None:
    d = survey["dir"]
    missing = _sdrscan("replay", "survey_b_dcs1800.sigmf-meta", "nothere.cu8", cwd=d)
    assert missing.returncode == 2 and missing.stderr.strip().count("\n") == 0
    assert "nothere.cu8" in missing.stderr and missing.stdout == ""
    no_cell = _sdrscan("replay", "survey_b_dcs1800.sigmf-meta", "--cell", "5", cwd=d)
    assert no_cell.returncode == 2 and "700, 702" in no_cell.stderr and "Traceback" not in no_cell.stderr
    (tmp_path / "x.cu8").write_bytes(bytes(1000))
    raw_no_rate = _sdrscan("replay", "x.cu8", cwd=tmp_path)
    assert raw_no_rate.returncode == 2 and raw_no_rate.stderr.startswith("error:"), raw_no_rate.stderr
    assert raw_no_rate.stderr.strip().count("\n") == 0
