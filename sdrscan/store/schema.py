"""The tables, in SQLAlchemy Core (portable: SQLite now, PostgreSQL later).

Times are UTC (:class:`UtcDateTime` returns aware datetimes on every backend). JSON columns hold what the
API hands out as is (parameters, evidence, rule contributions). Subscriber identities never reach the store:
the RR layer keeps only keyed digests and the cell model only counts by type.

Schema versions (``meta.schema_version``) and their migrations are in :mod:`sdrscan.store.migrate`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

SCHEMA_VERSION = 1

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no offset: we add it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}; the store needs UTC-aware times")
        return value.astimezone(UTC).replace(tzinfo=None) if dialect.name == "sqlite" else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Key/value facts about the database itself (schema_version).
meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per source the service read or will read: a live device, a replayed file, an uploaded recording.
# An upload is a job: status/progress are what GET /jobs/{id} shows.
runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # live | replay | upload
    Column("status", String(16), nullable=False),  # queued | running | done | failed | interrupted
    Column("label", Text, nullable=False),
    Column("path", Text),  # where the service reads it (never a path a client chose)
    Column("datatype", String(16)),
    Column("sample_rate_hz", Float),
    Column("center_freq_hz", Float),
    Column("size_bytes", BigInteger),
    Column("options", JSON, nullable=False, default=dict),  # how to open it (format, rate, centre)
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime),
    Column("ended_at", UtcDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("progress", Float, nullable=False, default=0.0),  # 0..1 of the samples (0 while unknown)
    Column("samples", BigInteger, nullable=False, default=0),
    Column("duration_s", Float, nullable=False, default=0.0),
    Column("frames", Integer, nullable=False, default=0),
    Column("blocks_ok", Integer, nullable=False, default=0),
    Column("blocks_failed", Integer, nullable=False, default=0),
    Column("dropped_samples", BigInteger, nullable=False, default=0),
    Column("cpu_s", Float, nullable=False, default=0.0),
    Column("error", Text),
    Index("ix_runs_status", "status"),
)

# Current state of every cell, keyed like the survey: (arfcn, bsic).
cells = Table(
    "cells", metadata,
    Column("id", Integer, primary_key=True),
    Column("arfcn", Integer, nullable=False),
    Column("bsic", Integer, nullable=False),
    Column("freq_hz", Float, nullable=False),
    Column("mcc", Integer),
    Column("mnc", String(3)),
    Column("plmn", String(8)),  # "262-01"
    Column("lac", Integer),
    Column("ci", Integer),
    Column("first_seen", UtcDateTime),
    Column("last_seen", UtcDateTime),
    Column("last_fn", Integer),
    Column("power_dbfs", Float),
    Column("snr_db", Float),
    Column("blocks_ok", Integer, nullable=False, default=0),
    Column("blocks_bad", Integer, nullable=False, default=0),
    Column("score", Float, nullable=False, default=0.0),
    Column("verdict", String(16), nullable=False, default="ok"),
    Column("verdict_rank", Integer, nullable=False, default=0),  # ok 0, suspicious 1, rogue 2 (sort by threat)
    Column("contributions", JSON, nullable=False, default=list),  # rules that add to the score, and why
    Column("params", JSON, nullable=False, default=dict),  # broadcast parameters, SI types, CCCH totals, history
    Column("lat_deg", Float),
    Column("lon_deg", Float),
    Column("last_run_id", Integer, ForeignKey("runs.id")),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("arfcn", "bsic", name="uq_cells_key"),
    Index("ix_cells_threat", "verdict_rank", "score"),
    Index("ix_cells_last_seen", "last_seen"),
)

# The cell over time: one row per cell per store transaction in which it was received.
observations = Table(
    "observations", metadata,
    Column("id", Integer, primary_key=True),
    Column("cell_id", Integer, ForeignKey("cells.id"), nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("time", UtcDateTime, nullable=False),  # last block of the interval
    Column("fn", Integer),
    Column("blocks", Integer, nullable=False),  # good blocks in the interval
    Column("power_dbfs", Float),
    Column("snr_db", Float),
    Column("freq_offset_hz", Float),
    Column("lac", Integer),
    Column("ci", Integer),
    Column("lat_deg", Float),
    Column("lon_deg", Float),
    UniqueConstraint("cell_id", "run_id", "time", name="uq_observations"),  # a re-ingest adds nothing twice
    Index("ix_observations_cell_time", "cell_id", "time"),
)

# CCCH statistics per cell and time window (TS 44.018 §9.1.18-24 message counts, identities by type only).
ccch_stats = Table(
    "ccch_stats", metadata,
    Column("id", Integer, primary_key=True),
    Column("cell_id", Integer, ForeignKey("cells.id"), nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("window_start", UtcDateTime, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("observed_s", Float, nullable=False),
    Column("blocks", Integer, nullable=False),
    Column("paging_blocks", Integer, nullable=False),
    Column("idle_blocks", Integer, nullable=False),
    Column("tmsi", Integer, nullable=False),
    Column("imsi", Integer, nullable=False),
    Column("imei", Integer, nullable=False),
    Column("imm_ass", Integer, nullable=False),
    Column("imm_ass_reject", Integer, nullable=False),
    UniqueConstraint("cell_id", "run_id", "window_start", name="uq_ccch_window"),
)

# Events (a rule found evidence: kind "alert") and verdict changes (kind "verdict"), append-only except ack.
events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),  # alert | verdict
    Column("cell_id", Integer, ForeignKey("cells.id")),
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("arfcn", Integer, nullable=False),
    Column("bsic", Integer, nullable=False),
    Column("mcc", Integer),
    Column("mnc", String(3)),
    Column("lac", Integer),
    Column("ci", Integer),
    Column("rule", String(64), nullable=False),  # rule id; "verdict" for verdict changes
    Column("rule_version", Integer, nullable=False, default=0),
    Column("severity", Integer, nullable=False),  # Severity 0..3 (a verdict change: 3 to rogue, 2 else)
    Column("message", Text, nullable=False),
    Column("evidence", JSON, nullable=False, default=dict),
    Column("time", UtcDateTime),  # survey time of the evidence
    Column("fn", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    Column("digest", String(64), nullable=False),  # of the event's content: a re-ingest stores nothing twice
    Column("acked_at", UtcDateTime),
    Column("acked_by", String(64)),
    Column("ack_note", Text),
    UniqueConstraint("digest", name="uq_events_digest"),
    Index("ix_events_kind_severity", "kind", "severity"),
    Index("ix_events_cell", "cell_id"),
)

# Power per ARFCN over the band, as last measured by the receiver in each run.
band_power = Table(
    "band_power", metadata,
    Column("run_id", Integer, ForeignKey("runs.id"), primary_key=True),
    Column("arfcn", Integer, primary_key=True),
    Column("power_dbfs", Float, nullable=False),
    Column("time", UtcDateTime, nullable=False),
)

# Known cells (learnt from a trusted survey or imported); the API lists them, detection may compare.
baseline_cells = Table(
    "baseline_cells", metadata,
    Column("id", Integer, primary_key=True),
    Column("mcc", Integer, nullable=False),
    Column("mnc", String(3), nullable=False),
    Column("lac", Integer, nullable=False),
    Column("ci", Integer, nullable=False),
    Column("arfcn", Integer),
    Column("bsic", Integer),
    Column("power_dbfs", Float),
    Column("lat_deg", Float),
    Column("lon_deg", Float),
    Column("source", String(32), nullable=False),  # learn | import | api
    Column("added_at", UtcDateTime, nullable=False),
    UniqueConstraint("mcc", "mnc", "lac", "ci", "arfcn", name="uq_baseline_cell"),
)
