"""Baselines: OpenCellID/MLS CSV import (counts by reason, gzip, bad files) and learning from a survey."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from sdrscan.detection.baseline import OCID_COLUMNS, Baseline
from sdrscan.errors import ConfigError
from tests.detection.factory import cell, network

HEADER = ",".join(OCID_COLUMNS) + "\n"
ROWS = [
    "GSM,460,0,9001,1010,0,116.40,39.90,1000,12,1,1400000000,1500000000,0",
    "GSM,460,0,9001,1012,0,116.41,39.91,900,3,1,1400000000,1500000000,-71",
    "UMTS,460,1,4001,22334455,0,116.4,39.9,1000,1,1,0,0,0",
    "LTE,460,0,1,123456789,0,116.4,39.9,1000,1,1,0,0,0",
    "GSM,262,2,318,11225,0,13.4,52.5,500,7,1,0,0,0",
    "GSM,460,1,notanumber,5,0,0,0,0,0,1,0,0,0",
    "GSM,460,1,70000,5,0,0,0,0,0,1,0,0,0",
    "GSM,460,0,9001",
    "GSM,460,0,9001,1010,0,116.42,39.92,1100,15,1,1400000000,1600000000,0",  # repeated: updates
]


def write(path: Path, lines: list[str], header: bool = True) -> Path:
    text = (HEADER if header else "") + "\n".join(lines) + "\n"
    if path.suffix == ".gz":
        with gzip.open(path, "wt") as f:
            f.write(text)
    else:
        path.write_text(text)
    return path


# The first lines of OpenCellID's real cell_towers.csv (about 40 million rows), as printed by
# `gunzip < cell_towers.csv.gz | head -n 5` in Miller's documentation (johnkerl/miller, docs/src/performance.md):
# Vodafone DE cells in Berlin. Short factual data, used as a sample of the real format.
OCID_HEAD = """radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal
UMTS,262,2,801,86355,0,13.285512,52.522202,1000,7,1,1282569574,1300155341,0
GSM,262,2,801,1795,0,13.276907,52.525714,5716,9,1,1282569574,1300155341,0
GSM,262,2,801,1794,0,13.285064,52.524,6280,13,1,1282569574,1300796207,0
UMTS,262,2,801,211250,0,13.285446,52.521744,1000,3,1,1282569574,1299466955,0
UMTS,262,2,801,86353,0,13.293457,52.521515,1000,2,1,1282569574,1291380444,0
"""


def test_real_opencellid_rows(tmp_path: Path) -> None:
    f = tmp_path / "cell_towers.csv"
    f.write_text(OCID_HEAD)
    b = Baseline.memory()
    stats = b.import_csv(f)
    assert (stats.rows, stats.imported, dict(stats.skipped)) == (5, 2, {"radio_UMTS": 3})
    k = b.lookup(262, "02", 801, 1795)
    assert k is not None and (k.lon, k.lat, k.range_m, k.samples) == (13.276907, 52.525714, 5716, 9)
    assert b.lookup(262, "02", 801, 86355) is None  # a UMTS cell: not a GSM cell identity


@pytest.mark.parametrize("name", ["cells.csv", "cells.csv.gz"])
def test_import_counts_every_row(tmp_path: Path, name: str) -> None:
    b = Baseline.memory()
    seen: list[tuple[int, int]] = []
    stats = b.import_csv(write(tmp_path / name, ROWS), progress=lambda done, total: seen.append((done, total)))
    assert stats.rows == 9 and stats.imported == 4 and stats.new_cells == 3
    assert dict(stats.skipped) == {"radio_UMTS": 1, "radio_LTE": 1, "bad_number": 1, "out_of_range": 1,
                                   "bad_columns": 1}
    assert seen and seen[-1][0] == seen[-1][1]
    known = b.lookup(460, "00", 9001, 1010)
    assert known is not None and known.samples == 15 and known.range_m == 1100 and not known.learned
    assert b.count() == 3 and b.count(460, 0) == 2 and b.count(262) == 1


def test_country_filter_and_headerless_file(tmp_path: Path) -> None:
    b = Baseline.memory()
    stats = b.import_csv(write(tmp_path / "c.csv", ROWS, header=False), mccs=[262])
    assert stats.imported == 1 and stats.skipped["mcc_filtered"] == 3 and b.lookup(262, "02", 318, 11225)


def test_mnc_compares_as_a_number_like_opencellid(tmp_path: Path) -> None:
    b = Baseline.memory()
    b.import_csv(write(tmp_path / "c.csv", ROWS))
    assert b.lookup(460, "00", 9001, 1012) is not None and b.lookup(460, "000", 9001, 1012) is not None


@pytest.mark.parametrize(("text", "fragment"), [
    ("radio,mcc,mnc\nGSM,1,2\n", "header"),
    ("a,b,c\n", "first row has 3 columns"),
])
def test_not_this_format(tmp_path: Path, text: str, fragment: str) -> None:
    f = tmp_path / "x.csv"
    f.write_text(text)
    with pytest.raises(ConfigError, match=fragment):
        Baseline.memory().import_csv(f)


def test_truncated_gzip_is_one_error(tmp_path: Path) -> None:
    good = write(tmp_path / "c.csv.gz", ROWS * 200)
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(good.read_bytes()[:-40])
    with pytest.raises(ConfigError, match="read failed"):
        Baseline.memory().import_csv(bad)


def test_learn_keeps_channel_power_and_parameters(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    with Baseline.open(db, create=True) as b:
        stats = b.learn([*network(), cell(40, mcc=None), cell(42, blocks_ok=1)])
        assert (stats.learned, stats.new_cells, dict(stats.skipped)) == (6, 6, {"no_identity": 1,
                                                                                "too_few_blocks": 1})
    with Baseline.open(db) as b:
        k = b.lookup(460, "00", 9001, 1010)
        assert k is not None and k.learned and (k.arfcn, k.bsic, k.power_dbfs) == (10, cell(10).bsic, -50.0)
        assert k.params["t3212"] == 30 and k.params["neighbours"] == [12, 14, 16, 18, 20]
        assert [c.arfcn for c in b.on_arfcn(12)] == [12] and b.learned_count() == 6
        assert b.describe()["networks"] == [{"mcc": 460, "mnc": 0, "cells": 6}]


def test_open_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        Baseline.open(tmp_path / "none.db")
    csv = write(tmp_path / "c.csv", ROWS)
    with pytest.raises(ConfigError, match="import it first"):
        Baseline.open(csv)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="not an sdrscan baseline"):
        Baseline.open(junk)


@pytest.mark.slow
def test_large_import_is_fast_and_memory_bounded(tmp_path: Path) -> None:
    """200 000 rows (80 000 GSM) in a child process: seconds, and the peak RSS of a small Python process
    (bench/bench_baseline_import.py measures a million rows: 6.7 s, 48 MB)."""
    import subprocess
    import sys

    csv = tmp_path / "big.csv"
    with csv.open("w") as f:
        f.write(HEADER)
        for i in range(200_000):
            radio = ("GSM", "LTE", "GSM", "UMTS", "LTE")[i % 5]
            f.write(f"{radio},460,{i % 3},{1 + i % 4000},{1 + (i * 7919) % 65000},0,116.4,39.9,1000,5,1,0,0,0\n")
    # VmHWM: the peak RSS of this process image (ru_maxrss would include the forked pytest before exec)
    code = ("import re, sys, time\nfrom sdrscan.detection.baseline import Baseline\n"
            "b = Baseline.open(sys.argv[2], create=True)\nt = time.perf_counter()\ns = b.import_csv(sys.argv[1])\n"
            "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
            "print(s.imported, s.rows, time.perf_counter() - t, hwm)")
    out = subprocess.run([sys.executable, "-c", code, str(csv), str(tmp_path / "big.db")], capture_output=True,
                         text=True, check=True, timeout=300).stdout.split()
    imported, rows, seconds, rss_kb = int(out[0]), int(out[1]), float(out[2]), int(out[3])
    assert (imported, rows) == (80_000, 200_000)
    assert seconds < 20.0 and rss_kb < 120 * 1024, (seconds, rss_kb)
