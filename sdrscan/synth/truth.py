"""The truth file written beside a synthesized recording: every cell's parameters, its SI blocks and the FN
and hex of every BCCH and CCCH block whose four bursts lie completely inside the recording.

Format (``truth_version`` 1) is described in ``docs/scene.md``; block hex is the 23-octet L2 block, 46 hex
characters, lower case.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dsp.constants import BURST_BITS, HYPERFRAME, SYMBOL_RATE_HZ
from sdrscan import __version__
from sdrscan.synth.render import CellPlan, noise_200khz_dbfs
from sdrscan.synth.scene import Scene

TRUTH_VERSION = 1


@dataclass(frozen=True, slots=True)
class BlockRecord:
    """One L2 block sent on TS0, as the C0 multiplexer scheduled it.

    ``frame_index`` counts frames from the first one the cell's source produced (``plan.first_fn``).
    """

    frame_index: int
    fn: int  # FN of the block's first burst (TS 45.002: a block's FN is its first burst's)
    channel: str  # "BCCH", "PCH" or "AGCH"
    block: int  # BCCH: 0; CCCH: the block number within the 51-multiframe (TS 45.002 §7 Table 5)
    kind: str  # BCCH: SI type ("SI3"); CCCH: "paging1", "paging2", "paging3", "imm_ass", "fill"
    hex: str
    tc: int  # (FN div 51) mod 8


def truth_path_for(meta_path: str | Path) -> Path:
    """``OUT.sigmf-meta`` -> ``OUT.truth.json``."""
    p = Path(meta_path)
    name = p.name[: -len(".sigmf-meta")] if p.name.endswith(".sigmf-meta") else p.stem
    return p.with_name(name + ".truth.json")


def _block_entry(rec: BlockRecord, plan: CellPlan, n_samples: int) -> dict[str, Any] | None:
    """The truth entry of a block, or None if its first or last burst is not entirely in the recording."""
    k = rec.frame_index - plan.pre_frames  # frames after start_fn
    first = plan.frame_start_sample(k)
    burst_samples = BURST_BITS * plan.samples_per_frame / 1250.0
    last_end = plan.frame_start_sample(k + 3) + burst_samples
    if first < 0 or last_end > n_samples:
        return None
    entry: dict[str, Any] = {"fn": rec.fn, "sample": round(first, 3), "hex": rec.hex}
    if rec.channel == "BCCH":
        entry.update({"tc": rec.tc, "si": rec.kind})
    else:
        entry.update({"block": rec.block, "channel": rec.channel, "kind": rec.kind})
    return entry


def _cell_entry(plan: CellPlan, si: dict[str, bytes], blocks: list[BlockRecord], n_samples: int,
                rate_hz: float, fc_hz: float) -> dict[str, Any]:
    spec = asdict(plan.spec)
    spec.pop("multipath")
    for key in ("neighbours", "cell_channels", "si2ter"):
        if isinstance(spec[key], tuple):
            spec[key] = list(spec[key])
    entries = [e for e in (_block_entry(b, plan, n_samples) for b in blocks) if e is not None]
    eps_b = plan.bts_clock_error
    return {
        **spec,
        "ncc": plan.spec.ncc,
        "bcc": plan.spec.bcc,
        "combined_ccch": plan.spec.combined,
        "start_fn": plan.start_fn,
        "frame_offset_s": plan.frame_offset_s,
        "start_sample": plan.start_sample,
        "samples_per_frame": plan.samples_per_frame,
        "samples_per_symbol": plan.samples_per_frame / 1250.0,
        "carrier_hz": plan.spec.carrier_hz,
        "tx_hz": plan.tx_hz,
        "bts_clock_ppm": eps_b * 1e6,
        "symbol_rate_hz": SYMBOL_RATE_HZ * (1 + eps_b),
        "seen_offset_hz": plan.seen_offset_hz,
        "seen_hz": fc_hz + plan.seen_offset_hz,
        "power_dbfs": plan.power_dbfs,
        "snr_db": plan.snr_db,
        "carrier_phase_rad": plan.carrier_phase_rad,
        "multipath": [{"delay_us": t.delay_s * 1e6, "gain_re": t.gain.real, "gain_im": t.gain.imag,
                       "power_db": 20 * math.log10(abs(t.gain)) if t.gain else None} for t in plan.taps],
        "si": {name: block.hex() for name, block in sorted(si.items())},
        "bcch": [e for e in entries if "si" in e],
        "ccch": [e for e in entries if "channel" in e],
        "last_fn": (plan.start_fn + int((n_samples - plan.start_sample) // plan.samples_per_frame)) % HYPERFRAME,
    }


def build_truth(scene: Scene, seed: int, plans: tuple[CellPlan, ...], si_per_cell: list[dict[str, bytes]],
                blocks_per_cell: list[list[BlockRecord]], n_samples: int, *, recording: str = "",
                clipped_components: int = 0, noise_variance: float = 0.0) -> dict[str, Any]:
    """Assemble the truth document (JSON-serialisable)."""
    n200 = noise_200khz_dbfs(scene)
    return {
        "truth_version": TRUTH_VERSION,
        "generator": f"sdrscan {__version__} synth",
        "seed": seed,
        "recording": recording,
        "rate_hz": scene.rate_hz,
        "duration_s": scene.duration_s,
        "n_samples": n_samples,
        "fc_hz": scene.fc_hz,
        "ppm": scene.ppm,
        "lo_hz": scene.fc_hz * (1 + scene.ppm * 1e-6),
        "true_rate_hz": scene.rate_hz * (1 + scene.ppm * 1e-6),
        "snr_db": scene.snr_db,
        "noise_200khz_dbfs": n200,
        "noise_total_dbfs": 10 * math.log10(noise_variance) if noise_variance > 0 else None,
        "dc_offset": [scene.dc_offset.real, scene.dc_offset.imag],
        "datatype": scene.datatype,
        "clipped_components": clipped_components,
        "cells": [_cell_entry(p, si, b, n_samples, scene.rate_hz, scene.fc_hz)
                  for p, si, b in zip(plans, si_per_cell, blocks_per_cell, strict=True)],
    }


def write_truth(path: str | Path, truth: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
