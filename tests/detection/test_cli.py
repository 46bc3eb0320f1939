"""`sdrscan replay` with detection and `sdrscan baseline`, as subprocesses on synthesized recordings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sdrscan.synth.run import synthesize
from sdrscan.synth.scene import parse_scene

LEGIT = [{"arfcn": a, "power_db": -25 - 2 * i, "bsic": 8 + i, "mcc": 460, "mnc": "00", "lac": 9001,
          "ci": 100 + i, "neighbours": [b for b in (60, 62, 64, 66) if b != a], "t3212": 30,
          "cell_channels": [a, a + 20]} for i, a in enumerate((60, 62, 64, 66))]
ROGUE = {"arfcn": 68, "power_db": -12, "bsic": 63, "mcc": 460, "mnc": "00", "lac": 60123, "ci": 4242,
         "neighbours": [], "t3212": 2, "ccch_conf": 1, "selection_params": {"cbq": 0, "cro": 63, "temp_offset": 0,
                                                                            "penalty_time": 0}}
CSV_HEADER = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDRSCAN_")}
    env.update(COLUMNS="200", XDG_CONFIG_HOME=str(cwd / "config"))
    return subprocess.run([sys.executable, "-m", "sdrscan", *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("rec")
    for name, cells in (("legit", LEGIT), ("attack", [*LEGIT, ROGUE])):
        scene = parse_scene({"rate": 2.4e6, "duration": 2.0, "fc": 947.6e6, "snr": 30, "datatype": "cu8",
                             "cells": cells})
        synthesize(scene, d / f"{name}.sigmf-meta", seed=3)
    return d


def lines(proc: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert proc.returncode == 0, proc.stderr
    return [json.loads(x) for x in proc.stdout.splitlines()]


def test_replay_json_has_header_alerts_and_verdicts(recordings: Path) -> None:
    out = lines(run("replay", "legit.sigmf-meta", "attack.sigmf-meta", "--json", cwd=recordings))
    assert out[0]["type"] == "header" and {r["name"] for r in out[0]["rules"]} >= {"low-t3212", "clone-identity"}
    assert out[-1]["type"] == "survey"
    cells = {c["arfcn"]: c for c in out if c["type"] == "cell"}
    assert set(cells) == {60, 62, 64, 66, 68}
    assert cells[68]["verdict"] == "rogue" and cells[68]["score"] >= 7
    assert all(cells[a]["verdict"] == "ok" for a in (60, 62, 64, 66))
    alerts = [x for x in out if x["type"] == "alert"]
    assert {a["arfcn"] for a in alerts if a["severity"] in ("medium", "high")} == {68}
    boost = next(a for a in alerts if a["rule"] == "reselection-boost")
    assert boost["severity"] == "high" and boost["evidence"]["boost_db"] == 126
    assert (boost["mcc"], boost["mnc"], boost["lac"], boost["ci"]) == (460, "00", 60123, 4242)
    assert set(boost) >= {"arfcn", "mcc", "mnc", "lac", "ci", "rule", "severity", "message", "evidence"}
    changes = [x for x in out if x["type"] == "verdict"]
    assert [(c["arfcn"], c["old"], c["new"]) for c in changes] == [(68, "ok", "rogue")]
    # alerts were raised after the second recording, the one with the rogue
    assert out.index(boost) < out.index(next(x for x in out if x["type"] == "cell"))


def test_replay_table_explains_the_rogue(recordings: Path) -> None:
    proc = run("replay", "attack.sigmf-meta", cwd=recordings)
    assert proc.returncode == 0, proc.stderr
    assert "ROGUE" in proc.stdout and "reselection-boost" in proc.stdout and "126 dB" in proc.stdout
    assert "rogue" in proc.stdout.split("Detection", 1)[1]


def test_profile_baseline_and_no_detect(recordings: Path) -> None:
    csv = recordings / "ocid.csv"
    csv.write_text(CSV_HEADER + "".join(f"GSM,460,0,9001,{100 + i},0,116.4,39.9,1000,5,1,0,0,0\n" for i in range(4)))
    out = lines(run("replay", "attack.sigmf-meta", "--json", "--profile", "china", "--baseline", "ocid.csv",
                    cwd=recordings))
    assert out[0]["profile"] == "china" and out[0]["baseline"]["cells"] == 4
    unknown = [a for a in out if a["type"] == "alert" and a["rule"] == "unknown-cell"]
    assert [(a["arfcn"], a["severity"]) for a in unknown] == [(68, "medium")]  # the baseline knows all 4 peers
    plain = lines(run("replay", "attack.sigmf-meta", "--json", "--no-detect", cwd=recordings))
    assert plain[0]["type"] == "cell" and all(c["verdict"] == "ok" for c in plain if c["type"] == "cell")


@pytest.mark.parametrize(("args", "fragment"), [
    (("--profile", "atlantis"), "profile 'atlantis' unknown"),
    (("--baseline", "missing.db"), "baseline missing.db not found"),
])
def test_bad_detection_options_are_one_line(recordings: Path, args: tuple[str, ...], fragment: str) -> None:
    proc = run("replay", "legit.sigmf-meta", *args, cwd=recordings)
    assert proc.returncode == 2 and fragment in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_baseline_commands(recordings: Path) -> None:
    csv = recordings / "cells.csv"
    csv.write_text(CSV_HEADER + "GSM,460,0,9001,100,0,116.4,39.9,1000,5,1,0,0,0\n"
                   "LTE,460,0,1,123456,0,116.4,39.9,1000,5,1,0,0,0\nGSM,262,1,5,6,0,0,0,0,0,1,0,0,0\n")
    imp = json.loads(run("baseline", "import", "cells.csv", "--db", "b.db", "--mcc", "460", "--json",
                         cwd=recordings).stdout)
    assert (imp["rows"], imp["imported"], imp["skipped"]) == (3, 1, {"mcc_filtered": 1, "radio_LTE": 1})
    learned = json.loads(run("baseline", "learn", "legit.sigmf-meta", "--db", "b.db", "--json",
                             cwd=recordings).stdout)
    assert learned["learned"] == 4 and learned["new_cells"] == 3 and learned["cells_in_db"] == 4
    show = run("baseline", "show", "--db", "b.db", cwd=recordings)
    assert "4 known cells, 4 learned" in show.stdout and "460-00: 4" in show.stdout
    # the learned baseline now knows ARFCN, BSIC and power: replaying the attack, the rogue is unknown
    out = lines(run("replay", "attack.sigmf-meta", "--json", "--baseline", "b.db", cwd=recordings))
    assert {(a["arfcn"], a["rule"]) for a in out if a["type"] == "alert" and a["rule"] == "unknown-cell"} == {
        (68, "unknown-cell")}
    bad = run("baseline", "import", "nope.csv", "--db", "b.db", cwd=recordings)
    assert bad.returncode == 2 and "not found" in bad.stderr
