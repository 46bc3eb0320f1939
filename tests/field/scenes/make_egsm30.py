"""Write ``egsm30.json``: 30 cells of three operators spread over E-GSM900, as a city's C0 carriers might be.

Run once (``python tests/field/scenes/make_egsm30.py``); the JSON is checked in. Seeded, so it is stable.
Each operator (MCC 262, MNC 01/02/03) has 10 cells in two location areas, one NCC, its own share of the band,
and lists its other cells as neighbours (SI2). No two cells are on adjacent channels.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def main() -> None:
    rng = np.random.default_rng(30)
    channels = list(range(975, 1024)) + list(range(0, 125))  # E-GSM900 in frequency order (TS 45.005 §2)
    picked: list[int] = []
    while len(picked) < 30:
        a = int(rng.choice(channels))
        if all(abs(channels.index(p) - channels.index(a)) >= 2 for p in picked):
            picked.append(a)
    picked.sort(key=channels.index)
    operators = [("01", 1), ("02", 2), ("03", 5)]  # (MNC, NCC)
    cells = []
    for i, arfcn in enumerate(picked):
        op = i % 3
        mnc, ncc = operators[op]
        cells.append({"arfcn": arfcn, "power_db": round(float(rng.uniform(-48, -22)), 1),
                      "bsic": ncc * 8 + int(rng.integers(0, 8)), "mcc": 262, "mnc": mnc,
                      "lac": 1000 * (op + 1) + (i // 15), "ci": 10_000 * (op + 1) + i,
                      "ccch_conf": int(rng.random() < 0.3), "cfo_hz": round(float(rng.uniform(-20, 20)), 1),
                      "t3212": 10})
    for c in cells:
        c["neighbours"] = [d["arfcn"] for d in cells if d["mnc"] == c["mnc"] and d is not c]
    doc = {"description": "30 cells of 3 operators over E-GSM900 (tests/field)", "snr": 32, "cells": cells}
    Path(__file__).with_name("egsm30.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
