"""The simulated world: every cell of a scene on one continuous time axis, whatever the dongle is tuned to.

A scene file for ``sdrscan synth`` describes one capture, so its cells must fit in the captured bandwidth.
The simulated dongle instead retunes across whole bands, so the scene is read cell by cell (with the
defaults of ``docs/scene.md`` that depend on the whole list: ``bsic``, ``ci`` and ``neighbours``) and the
capture keys (``rate``, ``fc``, ``duration``, ``datatype``) are ignored: the client chooses them.

Each cell keeps one frame clock from world time 0 (its ``start_fn`` and ``frame_offset_s`` drawn from the
seed, as ``sdrscan synth`` draws them), so a client that comes back to a frequency finds the frame
numbers where a real network would have them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dsp.constants import FRAME_DURATION_S, HYPERFRAME
from sdrscan.errors import ConfigError
from sdrscan.synth.render import noise_200khz_dbfs, plan_cells
from sdrscan.synth.scene import CellSpec, Scene, parse_scene

_CAPTURE_KEYS = ("rate", "fc", "duration", "datatype")


def load_world_scene(path: str | Path, *, ppm: float | None = None) -> Scene:
    """Read a scene file for the simulated dongle (cells anywhere, in any band).

    Raises
    ------
    ConfigError
        Unreadable or invalid file, unknown keys, duplicate ARFCNs (as for ``sdrscan synth``).
    """
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read scene file {p}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"scene file {p} is not valid JSON: {exc.msg} at line {exc.lineno} column "
                          f"{exc.colno}") from None
    return parse_world_scene(doc, ppm=ppm)


def parse_world_scene(doc: Any, *, ppm: float | None = None) -> Scene:
    """Validate a decoded scene document cell by cell; see the module docstring."""
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list) or not doc["cells"]:
        raise ConfigError("scene must be a JSON object with a non-empty 'cells' list (docs/scene.md)")
    raw = doc["cells"]
    arfcns = [c.get("arfcn") if isinstance(c, dict) else None for c in raw]
    top = {k: v for k, v in doc.items() if k not in (*_CAPTURE_KEYS, "cells")}
    cells: list[CellSpec] = []
    for i, c in enumerate(raw):
        if not isinstance(c, dict):
            raise ConfigError(f"cells[{i}]={c!r}; expected an object with at least 'arfcn'")
        # The list-dependent defaults of docs/scene.md, made explicit so that each cell parses alone.
        one = {"bsic": (5 << 3) | (i % 8), "ci": 100 + i,
               "neighbours": [a for j, a in enumerate(arfcns) if j != i and isinstance(a, int)], **c}
        try:
            scene = parse_scene({**top, "rate": 2.4e6, "duration": 1.0, "cells": [one]}, ppm=ppm)
        except ConfigError as exc:
            raise ConfigError(str(exc).replace("cells[0]", f"cells[{i}]")) from None
        cells.append(replace(scene.cells[0], index=i))
    dupes = sorted({a for a in arfcns if arfcns.count(a) > 1})
    if dupes:
        raise ConfigError(f"ARFCN {dupes[0]} appears in more than one cell; give each cell its own ARFCN")
    freqs = [c.carrier_hz for c in cells]
    return replace(scene, cells=tuple(cells), fc_hz=0.5 * (min(freqs) + max(freqs)), description="sdrscan simulate")


@dataclass(frozen=True, slots=True)
class CellClock:
    """When one cell's frames begin on the world time axis (true seconds from the start of the simulation)."""

    start_fn: int  # FN beginning at offset_s
    offset_s: float
    frame_s: float  # true length of this BTS's frame (its clock is off by cfo_hz / carrier_hz)

    def at(self, t_s: float) -> tuple[int, float]:
        """``(fn, frame_offset_s)``: the first frame that begins at or after ``t_s``, and how long after."""
        k = math.ceil((t_s - self.offset_s) / self.frame_s - 1e-12)
        begin = self.offset_s + k * self.frame_s
        return (self.start_fn + k) % HYPERFRAME, max(0.0, begin - t_s)


def cell_clocks(scene: Scene, seed: int) -> tuple[CellClock, ...]:
    """Each cell's frame clock, drawn from ``seed`` exactly as ``sdrscan synth`` draws them."""
    out = []
    for plan in plan_cells(scene, seed):
        out.append(CellClock(plan.start_fn, plan.frame_offset_s, FRAME_DURATION_S / (1 + plan.bts_clock_error)))
    return tuple(out)


def noise_floor_200khz_dbfs(scene: Scene) -> float | None:
    """The scene's noise in 200 kHz (dBFS at the reference gain), or None for a noiseless scene."""
    return noise_200khz_dbfs(scene)
