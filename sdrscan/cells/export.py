"""JSON form of cells and surveys (``sdrscan replay --json``: one object per line).

The ``"type": "cell"`` keys are the contract of ``docs/cells.md``; ``score`` and ``verdict`` are
placeholders (0.0, ``"ok"``) until detection rules fill them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sdrscan import __version__
from sdrscan.cells.model import PARAMETER_NAMES, CcchStats, CellObservation, FieldValue, Measurement

# Keys that come first in every cell line, in this order (the rest of the parameters follow).
CELL_KEYS: tuple[str, ...] = (
    "type", "arfcn", "freq_hz", "bsic", "mcc", "mnc", "lac", "ci", "neighbours", "cell_arfcns", "si_types",
    "t3212", "ccch_conf", "bs_ag_blks_res", "bs_pa_mfrms", "cell_reselect_hysteresis", "ms_txpwr_max_cch",
    "rxlev_access_min", "cro", "temporary_offset", "penalty_time", "gprs", "power_dbfs", "snr_db",
    "freq_offset_hz", "blocks_ok", "blocks_bad", "score", "verdict",
)


def _num(x: float, digits: int) -> float | None:
    return round(float(x), digits) if math.isfinite(x) else None


def _value(v: FieldValue) -> Any:
    return list(v) if isinstance(v, tuple) else v


def _time(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat().replace("+00:00", "Z")


def _measurement(m: Measurement, digits: int) -> dict[str, Any]:
    return {"n": m.n, "mean": _num(m.mean, digits), "std": _num(m.std, digits), "min": _num(m.min, digits),
            "max": _num(m.max, digits)}


def ccch_json(c: CcchStats) -> dict[str, Any]:
    t = c.totals
    return {
        "observed_s": round(c.observed_s, 3),
        "blocks": t.blocks, "paging_blocks": t.paging_blocks, "paging_empty": t.paging_empty, "fill": t.fill,
        "tmsi": t.tmsi, "imsi": t.imsi, "imei": t.imei, "imm_ass": t.imm_ass, "imm_ass_tbf": t.imm_ass_tbf,
        "imm_ass_reject": t.imm_ass_reject, "nch": t.nch, "other": t.other, "parse_errors": t.parse_errors,
        "paging_blocks_per_min": _num(c.paging_blocks_per_min, 2), "imm_ass_per_min": _num(c.imm_ass_per_min, 2),
        "imsi_share": _num(c.imsi_share, 4), "idle_share": _num(c.idle_share, 4),
        "causes": dict(sorted(c.causes.items())),
        "windows": [{"start": _time(w.start), "duration_s": w.duration_s, "observed_s": round(w.observed_s, 3),
                     "blocks": w.counts.blocks, "paging_blocks": w.counts.paging_blocks, "imsi": w.counts.imsi,
                     "tmsi": w.counts.tmsi, "imm_ass": w.counts.imm_ass, "idle": w.counts.idle_blocks}
                    for w in c.windows],
    }


def cell_json(cell: CellObservation, *, score: float = 0.0, verdict: str = "ok") -> dict[str, Any]:
    """The ``"type": "cell"`` object of one cell; floats rounded (dB to 0.1, Hz to 0.1, shares to 1e-4)."""
    params = {name: _value(getattr(cell, name)) for name in PARAMETER_NAMES}
    head: dict[str, Any] = {
        "type": "cell", "arfcn": cell.arfcn, "freq_hz": round(cell.freq_hz, 1), "bsic": cell.bsic,
        **{k: params[k] for k in CELL_KEYS if k in params},
        "si_types": list(cell.si_types),
        "power_dbfs": _num(cell.power_dbfs.mean, 1), "snr_db": _num(cell.snr_db.mean, 1),
        "freq_offset_hz": _num(cell.freq_offset_hz.mean, 1),
        "blocks_ok": cell.blocks_ok, "blocks_bad": cell.blocks_bad, "score": float(score), "verdict": verdict,
    }
    out = {k: head[k] for k in CELL_KEYS}
    out.update({k: v for k, v in params.items() if k not in out})
    out.update({
        "ncc": cell.ncc, "bcc": cell.bcc, "blocks_idle": cell.blocks_idle,
        "first_seen": _time(cell.first_seen), "last_seen": _time(cell.last_seen),
        "first_fn": cell.first_fn, "last_fn": cell.last_fn,
        "si_counts": {s.name: s.count for s in cell.si_seen},
        "channels": dict(sorted(cell.channels.items())), "messages": dict(sorted(cell.messages.items())),
        "parse_errors": dict(sorted(cell.parse_errors.items())),
        "power": _measurement(cell.power_dbfs, 2), "snr": _measurement(cell.snr_db, 2),
        "freq_offset": _measurement(cell.freq_offset_hz, 1),
        "ccch": ccch_json(cell.ccch),
        "changes_total": cell.changes_total,
        "history": [{"time": _time(c.time), "fn": c.fn, "si": c.si, "field": c.field, "old": _value(c.old),
                     "new": _value(c.new)} for c in cell.history],
        "sources": [{"label": g.label, "first_seen": _time(g.first_seen), "last_seen": _time(g.last_seen),
                     "first_fn": g.first_fn, "last_fn": g.last_fn, "blocks_ok": g.blocks_ok} for g in cell.segments],
    })
    return out


def survey_json(cells: Sequence[CellObservation], runs: Sequence[Any], frames: int,
                parse: dict[str, dict[str, int]]) -> dict[str, Any]:
    """The closing ``"type": "survey"`` line: recordings, clocks, totals."""
    return {
        "type": "survey", "sdrscan_version": __version__, "cells": len(cells), "frames": frames,
        "parse": parse,
        "sources": [{"label": r.clock.label, "path": r.info.path, "start_time": _time(r.clock.start_time),
                     "time_source": r.clock.time_source, "sample_rate_hz": r.info.sample_rate_hz,
                     "center_freq_hz": r.info.center_freq_hz, "duration_s": round(r.stats.duration_s, 4),
                     "frames": r.stats.frames, "carriers": len(r.stats.carriers),
                     "x_realtime": _num(r.stats.x_realtime, 2)} for r in runs],
    }
