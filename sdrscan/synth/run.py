"""Synthesize a scene into a SigMF recording plus its truth file (what ``sdrscan synth`` runs)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sdrscan.errors import ConfigError
from sdrscan.gsm.rr.cell import CellDescription, build_system_information
from sdrscan.synth.c0 import C0Transmitter
from sdrscan.synth.ccch import CcchContent
from sdrscan.synth.render import CHUNK_SAMPLES, STREAM_CELL_CONTENT, CellPlan, SceneRenderer, cell_rng, plan_cells
from sdrscan.synth.scene import Scene
from sdrscan.synth.truth import build_truth, truth_path_for, write_truth

log = logging.getLogger(__name__)

HW_DESCRIPTION = "sdrscan synth: simulated GSM downlink (no hardware)"


@dataclass(frozen=True, slots=True)
class SynthResult:
    """Where the outputs went and the truth document."""

    meta_path: Path
    truth_path: Path
    truth: dict[str, Any]


def meta_path_for(out: str | Path) -> Path:
    """Accept ``OUT.sigmf-meta``, ``OUT.sigmf-data`` or ``OUT``; return ``OUT.sigmf-meta``."""
    p = Path(out)
    for suffix in (".sigmf-meta", ".sigmf-data"):
        if p.name.endswith(suffix):
            return p.with_name(p.name[: -len(suffix)] + ".sigmf-meta")
    return p.with_name(p.name + ".sigmf-meta")


def make_transmitter(plan: CellPlan, seed: int) -> C0Transmitter:
    """The C0 transmitter of a planned cell: its SI blocks (TS 44.018 encoders) and seeded CCCH content."""
    si = build_system_information(CellDescription.from_mapping(plan.spec))
    ccch = CcchContent(plan.spec, cell_rng(seed, plan.spec.index, STREAM_CELL_CONTENT))
    return C0Transmitter(plan, si, ccch)


def synthesize(scene: Scene, out: str | Path, seed: int = 0, *,
               chunk_samples: int = CHUNK_SAMPLES,
               progress: Callable[[int, int], None] | None = None) -> SynthResult:
    """Render ``scene`` into ``out`` (SigMF) and write ``OUT.truth.json``; deterministic for a given seed.

    Raises
    ------
    ConfigError
        If the output folder does not exist.
    """
    from sdrscan.sources import SigMFWriter  # late: keeps `import sdrscan.synth.run` light

    meta = meta_path_for(out)
    if not meta.parent.is_dir():
        raise ConfigError(f"output folder {meta.parent} does not exist; create it or choose another --out")
    plans = plan_cells(scene, seed)
    transmitters = [make_transmitter(p, seed) for p in plans]
    renderer = SceneRenderer(scene, seed, transmitters, plans)
    extra = {"sdrscan:seed": seed, "sdrscan:truth": truth_path_for(meta).name,
             "sdrscan:generator": "sdrscan synth"}
    with SigMFWriter(meta, sample_rate_hz=scene.rate_hz, center_freq_hz=scene.fc_hz, datatype=scene.datatype,
                     hw=HW_DESCRIPTION, description=scene.description or None, extra_global=extra) as writer:
        # For cu8 the writer quantises like the dongle's ADC pair: round(127.5 x + 127.5), clipped to 0..255.
        for chunk in renderer.chunks(chunk_samples, progress):
            writer.write(chunk)
    clipped = writer.clipped_components
    if clipped:
        log.warning("%d I/Q components clipped by the uint8 quantiser; lower the cells' power_db", clipped)
    truth = build_truth(scene, seed, plans, [t.system_information for t in transmitters],
                        [t.blocks for t in transmitters], renderer.n_samples, recording=meta.name,
                        clipped_components=clipped, noise_variance=renderer.noise_variance)
    truth_path = truth_path_for(meta)
    write_truth(truth_path, truth)
    return SynthResult(meta, truth_path, truth)


def synthesize_array(scene: Scene, seed: int = 0) -> tuple[np.ndarray, dict[str, Any]]:
    """Render ``scene`` in memory: the complex64 samples a reader of the recording would get, and the truth.

    Same samples and truth as :func:`synthesize` with the same seed (for ``cu8`` the samples went through
    the same 8-bit encoding and back). Meant for tests of short scenes; long ones belong in a file.
    """
    from sdrscan.sources.formats import decode, encode, get_format

    plans = plan_cells(scene, seed)
    transmitters = [make_transmitter(p, seed) for p in plans]
    renderer = SceneRenderer(scene, seed, transmitters, plans)
    fmt = get_format(scene.datatype)
    parts, clipped = [], 0
    for chunk in renderer.chunks():
        if scene.datatype == "cf32_le":
            parts.append(chunk)
            continue
        codes, n_clip, _ = encode(chunk, fmt)
        clipped += n_clip
        parts.append(decode(codes.view(np.uint8), fmt)[0])
    samples = np.concatenate(parts) if parts else np.zeros(0, np.complex64)
    truth = build_truth(scene, seed, plans, [t.system_information for t in transmitters],
                        [t.blocks for t in transmitters], renderer.n_samples, clipped_components=clipped,
                        noise_variance=renderer.noise_variance)
    return samples, truth
