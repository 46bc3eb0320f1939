"""Frozen records that go into the store and the filters that come out of it (no SQL here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")

VERDICT_RANK = {"ok": 0, "suspicious": 1, "rogue": 2}


@dataclass(frozen=True, slots=True)
class CellState:
    """The current state of one cell, as the worker computed it at the end of a chunk."""

    arfcn: int
    bsic: int
    freq_hz: float
    mcc: int | None
    mnc: str | None
    lac: int | None
    ci: int | None
    first_seen: datetime | None
    last_seen: datetime | None
    last_fn: int | None
    power_dbfs: float | None
    snr_db: float | None
    blocks_ok: int
    blocks_bad: int
    score: float
    verdict: str
    contributions: Sequence[Mapping[str, Any]]
    params: Mapping[str, Any]
    lat_deg: float | None = None
    lon_deg: float | None = None

    @property
    def key(self) -> tuple[int, int]:
        return self.arfcn, self.bsic


@dataclass(frozen=True, slots=True)
class ObservationRow:
    """One cell received during one chunk: the interval's mean power, SNR and frequency offset."""

    arfcn: int
    bsic: int
    time: datetime
    fn: int | None
    blocks: int
    power_dbfs: float | None
    snr_db: float | None
    freq_offset_hz: float | None
    lac: int | None = None
    ci: int | None = None
    lat_deg: float | None = None
    lon_deg: float | None = None


@dataclass(frozen=True, slots=True)
class CcchWindowRow:
    """CCCH counts of one cell in one time window (the survey's windows; a later chunk may update it)."""

    arfcn: int
    bsic: int
    window_start: datetime
    duration_s: float
    observed_s: float
    blocks: int
    paging_blocks: int
    idle_blocks: int
    tmsi: int
    imsi: int
    imei: int
    imm_ass: int
    imm_ass_reject: int


@dataclass(frozen=True, slots=True)
class EventRow:
    """An alert (a rule's event) or a verdict change, ready to store; ``digest`` makes storing idempotent."""

    kind: str  # "alert" | "verdict"
    arfcn: int
    bsic: int
    mcc: int | None
    mnc: str | None
    lac: int | None
    ci: int | None
    rule: str
    rule_version: int
    severity: int
    message: str
    evidence: Mapping[str, Any]
    time: datetime | None
    fn: int | None
    digest: str


@dataclass(frozen=True, slots=True)
class BandPower:
    """Power the receiver measured on one ARFCN."""

    arfcn: int
    power_dbfs: float


@dataclass(frozen=True, slots=True)
class RunUpdate:
    """Progress of a run, written in the same transaction as the chunk it describes."""

    progress: float
    samples: int
    duration_s: float
    frames: int
    blocks_ok: int = 0
    blocks_failed: int = 0
    dropped_samples: int = 0
    cpu_s: float = 0.0


@dataclass(frozen=True, slots=True)
class IngestBatch:
    """Everything one chunk of ingest writes, in one transaction."""

    run_id: int
    cells: Sequence[CellState] = ()
    observations: Sequence[ObservationRow] = ()
    ccch: Sequence[CcchWindowRow] = ()
    events: Sequence[EventRow] = ()
    band_power: Sequence[BandPower] = ()
    run: RunUpdate | None = None
    time: datetime | None = None  # survey time of the chunk's end (band power rows)


@dataclass(frozen=True, slots=True)
class CellFilter:
    """``GET /cells`` query: every field optional; ARFCN range and time range are inclusive."""

    verdicts: tuple[str, ...] = ()
    plmn: str | None = None
    mcc: int | None = None
    mnc: str | None = None
    arfcn_min: int | None = None
    arfcn_max: int | None = None
    seen_after: datetime | None = None
    seen_before: datetime | None = None
    sort: str = "threat"  # threat | arfcn | power | last_seen


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """``GET /alerts`` query."""

    kinds: tuple[str, ...] = ("alert",)
    min_severity: int = 0
    severities: tuple[int, ...] = ()
    rule: str | None = None
    cell_id: int | None = None
    arfcn: int | None = None
    acked: bool | None = None
    after_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing plus the total number of matches."""

    items: list[T]
    total: int
    limit: int
    offset: int
    extra: dict[str, Any] = field(default_factory=dict)
