"""Store rows -> API models (the store speaks plain dicts; severities are labels on the wire)."""

from __future__ import annotations

from typing import Any

from api.schemas import SEVERITY_LABELS, AlertPublic, CellPublic, JobPublic


def cell_public(row: dict[str, Any]) -> CellPublic:
    return CellPublic(**{k: row[k] for k in CellPublic.model_fields if k in row},
                      rules=[c["rule"] for c in row.get("contributions") or () if c.get("points", 0) > 0])


def alert_public(row: dict[str, Any]) -> AlertPublic:
    sev = int(row["severity"])
    return AlertPublic(**{**{k: row[k] for k in AlertPublic.model_fields if k in row},
                          "severity": SEVERITY_LABELS[min(max(sev, 0), 3)]})


def job_public(row: dict[str, Any]) -> JobPublic:
    cpu = row.get("cpu_s") or 0.0
    return JobPublic(**{k: row[k] for k in JobPublic.model_fields if k in row},
                     x_realtime=round(row["duration_s"] / cpu, 2) if cpu > 0 else None,
                     gaps=(row.get("options") or {}).get("gaps") or [])
