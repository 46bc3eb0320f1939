"""A cell snapshot as the JSON the store keeps and the API shows (``params`` of a stored cell).

Parameter names are those of :class:`~sdrscan.cells.model.CellParameters` (TS 44.018 §10.5.2 field codes);
tuples become lists, non-finite numbers None. Identities paged on the CCCH appear only as counts by type.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sdrscan.cells.model import PARAMETER_NAMES, CellObservation, Measurement

MAX_HISTORY = 50  # parameter changes kept in the stored cell (the newest)


def _num(x: float, digits: int) -> float | None:
    return round(float(x), digits) if math.isfinite(x) else None


def _value(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def _time(t: datetime | None) -> str | None:
    return None if t is None else t.isoformat().replace("+00:00", "Z")


def _measurement(m: Measurement, digits: int) -> dict[str, Any]:
    return {"n": m.n, "mean": _num(m.mean, digits), "std": _num(m.std, digits), "min": _num(m.min, digits),
            "max": _num(m.max, digits)}


def cell_params(cell: CellObservation) -> dict[str, Any]:
    """Everything the dashboard's detail view needs about one cell, JSON-ready."""
    c = cell.ccch
    t = c.totals
    return {
        **{name: _value(getattr(cell, name)) for name in PARAMETER_NAMES},
        "ncc": cell.ncc, "bcc": cell.bcc,
        "si_types": list(cell.si_types),
        "si_counts": {s.name: s.count for s in cell.si_seen},
        "channels": dict(sorted(cell.channels.items())),
        "messages": dict(sorted(cell.messages.items())),
        "parse_errors": dict(sorted(cell.parse_errors.items())),
        "blocks_idle": cell.blocks_idle,
        "first_fn": cell.first_fn, "last_fn": cell.last_fn,
        "power": _measurement(cell.power_dbfs, 2), "snr": _measurement(cell.snr_db, 2),
        "freq_offset": _measurement(cell.freq_offset_hz, 1),
        "ccch": {
            "observed_s": round(c.observed_s, 3), "blocks": t.blocks, "paging_blocks": t.paging_blocks,
            "paging_empty": t.paging_empty, "fill": t.fill, "tmsi": t.tmsi, "imsi": t.imsi, "imei": t.imei,
            "imm_ass": t.imm_ass, "imm_ass_tbf": t.imm_ass_tbf, "imm_ass_reject": t.imm_ass_reject,
            "paging_blocks_per_min": _num(c.paging_blocks_per_min, 2), "imm_ass_per_min": _num(c.imm_ass_per_min, 2),
            "imsi_share": _num(c.imsi_share, 4), "idle_share": _num(c.idle_share, 4),
            "causes": dict(sorted(c.causes.items())),
        },
        "changes_total": cell.changes_total,
        "history": [{"time": _time(h.time), "fn": h.fn, "si": h.si, "field": h.field, "old": _value(h.old),
                     "new": _value(h.new)} for h in cell.history[-MAX_HISTORY:]],
        "sources": [str(getattr(s, "label", s)) for s in cell.sources],
    }
