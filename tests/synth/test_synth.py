"""``sdrscan synth`` end to end: files written, truth complete and consistent, determinism, errors.

The truth file is checked against facts computed here from the specifications (51-multiframe positions, TC,
block counts), against the RR parser for every block's message type, and against the recording read back
with the IQ source reader (power per cell).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dsp.constants import HYPERFRAME
from sdrscan.gsm.rr.dispatch import parse_rr
from sdrscan.sources import open_source
from sdrscan.synth.run import synthesize
from sdrscan.synth.scene import parse_scene

ROOT = Path(__file__).resolve().parents[2]
SCENE = {
    "rate": 2.048e6, "duration": 1.2, "snr": 20, "ppm": 17, "fc": 947.4e6, "datatype": "cu8",
    "cells": [
        {"arfcn": 60, "power_db": -16, "mcc": 310, "mnc": "260", "lac": 4242, "ci": 777, "bs_pa_mfrms": 2,
         "selection_params": {"cbq": 0, "cro": 12, "temp_offset": 3, "penalty_time": 5},
         "gprs_indicator": {"ra_colour": 2, "si13_position": 0}, "ccch_load": 0.9},
        {"arfcn": 62, "power_db": -22, "ccch_conf": 1, "bs_ag_blks_res": 2, "start_fn": HYPERFRAME - 48,
         "bsic": 63},
        {"arfcn": 58, "power_db": -25, "si2ter": [600, 610], "multipath": "TU6", "cfo_hz": 500,
         "bs_ag_blks_res": 0},
    ],
}
# TS 45.002 §7 Table 3: first frames (FN mod 51) of the CCCH blocks on TN 0.
CCCH_STARTS = {False: (6, 12, 16, 22, 26, 32, 36, 42, 46), True: (6, 12, 16)}
PARSED_NAME = {"paging1": "PAGING1", "paging_empty": "PAGING1", "paging2": "PAGING2", "paging3": "PAGING3",
               "imm_ass": "IMM_ASS"}


@pytest.fixture(scope="module")
def synth_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth") / "scene.sigmf-meta"
    result = synthesize(parse_scene(SCENE), out, seed=11)
    return out, result.truth


def _complete_frames(cell: dict, n_samples: int) -> list[int]:
    """FNs (in order) of the frames whose TS0 burst lies entirely in the recording, from the truth's timing."""
    spf = cell["samples_per_frame"]
    k0 = math.ceil(-cell["start_sample"] / spf)
    fns = []
    k = k0
    while cell["start_sample"] + k * spf + 148 * spf / 1250 <= n_samples:
        fns.append((cell["start_fn"] + k) % HYPERFRAME)
        k += 1
    return fns


def test_outputs_exist_and_read_back(synth_run: tuple[Path, dict]) -> None:
    meta, truth = synth_run
    assert meta.exists() and meta.with_name("scene.sigmf-data").exists()
    assert meta.with_name("scene.truth.json").exists()
    assert json.loads(meta.with_name("scene.truth.json").read_text()) == truth
    with open_source(meta) as src:
        info = src.info
        assert (info.sample_rate_hz, info.center_freq_hz, info.datatype) == (2.048e6, 947.4e6, "cu8")
        assert info.num_samples == truth["n_samples"] == round(1.2 * 2.048e6)
        x = np.concatenate([b.samples for b in src.blocks()])
    assert truth["clipped_components"] == 0
    # Power of each cell in its own 300 kHz, read back from the uint8 file (quantisation and noise included).
    spec = np.abs(np.fft.fft(x)) ** 2 / x.size ** 2
    f = np.fft.fftfreq(x.size, 1 / 2.048e6)
    n0 = 10 ** (truth["noise_200khz_dbfs"] / 10) / 200e3
    for cell in truth["cells"]:
        band = np.abs(f - cell["seen_offset_hz"]) <= 150e3
        p = spec[band].sum() - n0 * 300e3
        tol = 1.5 if cell["multipath"][0]["delay_us"] == 0 and len(cell["multipath"]) > 1 else 0.2
        assert 10 * np.log10(p) == pytest.approx(cell["power_dbfs"], abs=tol), cell["arfcn"]


def test_truth_lists_every_block_at_its_spec_position(synth_run: tuple[Path, dict]) -> None:
    _, truth = synth_run
    for cell in truth["cells"]:
        frames = _complete_frames(cell, truth["n_samples"])
        fset = set(frames)
        combined = cell["ccch_conf"] == 1
        # A block is listed iff its 4 frames are all complete in the recording.
        exp_bcch = [fn for fn in frames if fn % 51 == 2 and all((fn + i) % HYPERFRAME in fset for i in range(4))]
        exp_ccch = [fn for fn in frames if fn % 51 in CCCH_STARTS[combined]
                    and all((fn + i) % HYPERFRAME in fset for i in range(4))]
        assert [b["fn"] for b in cell["bcch"]] == exp_bcch
        assert [b["fn"] for b in cell["ccch"]] == exp_ccch
        for b in cell["bcch"]:
            assert b["tc"] == (b["fn"] // 51) % 8
            assert b["hex"] == cell["si"][b["si"]]
        for b in cell["ccch"]:
            assert b["block"] == CCCH_STARTS[combined].index(b["fn"] % 51)
            assert b["channel"] == ("AGCH" if b["block"] < cell["bs_ag_blks_res"] else "PCH")
            msg = parse_rr(bytes.fromhex(b["hex"]))
            if b["kind"] == "fill":
                assert type(msg).__name__ == "L2FillFrame"
            else:
                assert msg.NAME == PARSED_NAME[b["kind"]], b
        for entry in cell["bcch"] + cell["ccch"]:
            assert len(entry["hex"]) == 46
            k = (entry["fn"] - cell["start_fn"]) % HYPERFRAME
            k = k - HYPERFRAME if k > HYPERFRAME // 2 else k
            assert entry["sample"] == pytest.approx(cell["start_sample"] + k * cell["samples_per_frame"], abs=1e-3)


def test_truth_carries_the_cell_parameters_and_si_set(synth_run: tuple[Path, dict]) -> None:
    _, truth = synth_run
    a, b, c = truth["cells"]
    assert (a["mcc"], a["mnc"], a["lac"], a["ci"]) == (310, "260", 4242, 777)
    assert sorted(a["si"]) == ["SI1", "SI13", "SI2", "SI3", "SI4"]  # GPRS indicator -> SI13
    assert sorted(c["si"]) == ["SI1", "SI2", "SI2ter", "SI3", "SI4"]
    for cell in truth["cells"]:
        assert all(len(h) == 46 for h in cell["si"].values())
        si3 = parse_rr(bytes.fromhex(cell["si"]["SI3"]))
        assert si3.NAME == "SI3"
        assert {b["si"] for b in cell["bcch"]} <= set(cell["si"])
        for key in ("start_fn", "frame_offset_s", "start_sample", "samples_per_frame", "seen_offset_hz", "seen_hz",
                    "power_dbfs", "snr_db", "tx_hz", "bsic", "ncc", "bcc", "last_fn"):
            assert cell[key] is not None, key
    # Each cell's own SNR: the strongest gets the scene's, the others less by their power difference.
    assert [cell["snr_db"] for cell in truth["cells"]] == [20.0, 14.0, 11.0]
    # Seen frequency: (tx - LO) / (1 + ppm), LO = fc (1 + ppm).
    eps = 17e-6
    for cell in truth["cells"]:
        assert cell["seen_offset_hz"] == pytest.approx((cell["tx_hz"] - 947.4e6 * (1 + eps)) / (1 + eps), abs=1e-6)
    # The combined cell started 48 frames before the hyperframe wrap.
    fns = [e["fn"] for e in b["bcch"] + b["ccch"]]
    assert min(fns) < 51 and max(fns) > HYPERFRAME - 51
    assert len(c["multipath"]) == 6


def test_same_seed_same_files_other_seed_differs(tmp_path: Path) -> None:
    scene = parse_scene({**SCENE, "duration": 0.15})
    runs = {}
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        synthesize(scene, tmp_path / name, seed=seed)
        runs[name] = ((tmp_path / f"{name}.sigmf-data").read_bytes(),
                      json.loads((tmp_path / f"{name}.truth.json").read_text()))
    for r in runs.values():
        r[1].pop("recording")
    assert runs["a"] == runs["b"]
    assert runs["a"][0] != runs["c"][0]
    assert runs["a"][1]["cells"][2]["start_fn"] != runs["c"][1]["cells"][2]["start_fn"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sdrscan", *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT)


def test_cli_writes_recording_and_truth_with_overrides(tmp_path: Path) -> None:
    out = tmp_path / "one.sigmf-meta"
    r = _cli("synth", "--spec", str(ROOT / "recordings/scenes/hyperframe_wrap.json"), "--out", str(out),
             "--rate", "1.2M", "--duration", "0.3", "--snr", "7", "--ppm", "-5", "--seed", "3", "--quiet")
    assert r.returncode == 0, r.stderr
    truth = json.loads((tmp_path / "one.truth.json").read_text())
    assert (truth["rate_hz"], truth["duration_s"], truth["snr_db"], truth["ppm"], truth["seed"]) == (
        1.2e6, 0.3, 7.0, -5.0, 3)
    assert truth["n_samples"] == 360000
    assert (tmp_path / "one.sigmf-data").stat().st_size == 2 * 360000  # cu8


@pytest.mark.parametrize("scene, args, needle", [
    ({"cells": [{"arfcn": 1, "bsci": 1}]}, (), "unknown key 'bsci' in cells[0]"),
    ({"cells": [{"arfcn": 1}]}, ("--rate", "fast"), "--rate='fast'"),
    ({"cells": [{"arfcn": 1}]}, ("--ppm", "1000"), "--ppm=1000.0"),
    (None, (), "cannot read scene file"),
])
def test_cli_errors_are_one_line(tmp_path: Path, scene: dict | None, args: tuple[str, ...], needle: str) -> None:
    spec = tmp_path / "scene.json"
    if scene is not None:
        spec.write_text(json.dumps(scene))
    r = _cli("synth", "--spec", str(spec), "--out", str(tmp_path / "x.sigmf-meta"), "--duration", "0.01", *args)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], r.stderr


def test_cli_rejects_a_missing_output_folder(tmp_path: Path) -> None:
    r = _cli("synth", "--spec", str(ROOT / "recordings/scenes/single_cell.json"), "--out",
             str(tmp_path / "nope" / "x.sigmf-meta"), "--duration", "0.01")
    assert r.returncode != 0 and "does not exist" in r.stderr and "Traceback" not in r.stderr


def test_loud_cells_clip_and_the_truth_says_so(tmp_path: Path) -> None:
    scene = parse_scene({"duration": 0.02, "datatype": "cu8", "cells": [{"arfcn": 1, "power_db": 3.0}]})
    truth = synthesize(scene, tmp_path / "loud", seed=0).truth
    assert truth["clipped_components"] > 0


def test_in_memory_synthesis_equals_the_file(tmp_path: Path) -> None:
    from sdrscan.synth.run import synthesize_array

    for datatype in ("cu8", "cf32_le"):
        scene = parse_scene({**SCENE, "duration": 0.08, "datatype": datatype})
        x, truth = synthesize_array(scene, seed=4)
        file_truth = synthesize(scene, tmp_path / datatype, seed=4).truth
        with open_source(tmp_path / f"{datatype}.sigmf-meta") as src:
            y = np.concatenate([b.samples for b in src.blocks()])
        np.testing.assert_array_equal(x, y)
        file_truth["recording"] = ""
        assert truth == file_truth
