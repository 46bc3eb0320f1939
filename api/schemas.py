"""What the API sends and accepts, by role (Public / List / Detail / Create), every field documented."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class VerdictName(StrEnum):
    ok = "ok"
    suspicious = "suspicious"
    rogue = "rogue"


class SeverityName(StrEnum):
    info = "info"
    low = "low"
    medium = "medium"
    high = "high"


SEVERITY_LABELS = ("info", "low", "medium", "high")


class EventKind(StrEnum):
    alert = "alert"
    verdict = "verdict"


class CellSort(StrEnum):
    threat = "threat"
    arfcn = "arfcn"
    power = "power"
    last_seen = "last_seen"


class _Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorDetail(_Model):
    """What went wrong."""

    status: int = Field(description="HTTP status code, repeated here.")
    code: str = Field(description="Short machine-readable reason, e.g. 'not_found', 'invalid_request'.")
    message: str = Field(description="One line for a person: what was wrong and how to fix it.")
    details: list[dict[str, Any]] | None = Field(None, description="Per-field problems of a request that failed "
                                                                   "validation.")


class ErrorBody(_Model):
    """Every 4xx/5xx answer has this JSON body."""

    error: ErrorDetail


class Contribution(_Model):
    """One rule's share of a cell's score: its strongest current finding."""

    rule: str = Field(description="Rule id (kebab-case).")
    severity: SeverityName = Field(description="Severity of the rule's strongest finding on this cell.")
    points: float = Field(description="Points added to the score (severity points x rule weight).")
    message: str = Field(description="The finding in one sentence.")


class CellPublic(_Model):
    """A cell (one broadcast carrier) in a listing."""

    id: int = Field(description="Cell id in this store.")
    arfcn: int = Field(description="Absolute radio frequency channel number (TS 45.005 §2).")
    bsic: int = Field(description="Base station identity code, NCC*8+BCC (TS 45.002 §3.3.2).")
    freq_hz: float = Field(description="Nominal downlink frequency of the ARFCN, Hz.")
    mcc: int | None = Field(description="Mobile country code broadcast in SI3/SI4; null until decoded.")
    mnc: str | None = Field(description="Mobile network code, 2 or 3 digits as broadcast.")
    plmn: str | None = Field(description="'MCC-MNC', e.g. '262-01'.")
    lac: int | None = Field(description="Location area code.")
    ci: int | None = Field(description="Cell identity.")
    first_seen: datetime | None = Field(description="First decoded block (UTC).")
    last_seen: datetime | None = Field(description="Last decoded block (UTC).")
    power_dbfs: float | None = Field(description="Mean received power per block, dBFS.")
    snr_db: float | None = Field(description="Mean SNR in 200 kHz, dB.")
    blocks_ok: int = Field(description="Blocks that passed the Fire code.")
    blocks_bad: int = Field(description="Blocks that failed it.")
    score: float = Field(description="Threat score: sum over rules of their contributions.")
    verdict: VerdictName = Field(description="ok, suspicious or rogue (from the score thresholds).")
    rules: list[str] = Field(description="Ids of the rules that add to the score, strongest first.")
    lat_deg: float | None = Field(description="Receiver latitude where the cell was strongest (WGS-84), if known.")
    lon_deg: float | None = Field(description="Receiver longitude where the cell was strongest, if known.")
    updated_at: datetime = Field(description="When the store last updated this cell (UTC).")


class CellList(_Model):
    """One page of cells."""

    items: list[CellPublic] = Field(description="The cells of this page.")
    total: int = Field(description="Cells matching the filter, over all pages.")
    limit: int = Field(description="Page size asked for.")
    offset: int = Field(description="Cells skipped before this page.")


class Observation(_Model):
    """The cell received during one ingest chunk."""

    time: datetime = Field(description="Last block of the chunk (UTC).")
    fn: int | None = Field(description="Its TDMA frame number.")
    blocks: int = Field(description="Good blocks in the chunk.")
    power_dbfs: float | None = Field(description="Mean power over the chunk, dBFS.")
    snr_db: float | None = Field(description="Mean SNR, dB.")
    freq_offset_hz: float | None = Field(description="Mean carrier frequency offset, Hz.")
    lac: int | None = Field(description="LAC broadcast then.")
    ci: int | None = Field(description="CI broadcast then.")
    lat_deg: float | None = Field(description="Receiver latitude, if known.")
    lon_deg: float | None = Field(description="Receiver longitude, if known.")
    run_id: int = Field(description="The run (source) it came from.")


class CcchWindow(_Model):
    """CCCH message counts of the cell in one time window (identities by type only)."""

    window_start: datetime = Field(description="Window start (UTC).")
    duration_s: float = Field(description="Window length, s.")
    observed_s: float = Field(description="Seconds of the window the cell was received.")
    blocks: int = Field(description="CCCH blocks decoded.")
    paging_blocks: int = Field(description="Paging requests naming at least one mobile.")
    idle_blocks: int = Field(description="Fill frames and empty paging.")
    tmsi: int = Field(description="TMSIs paged.")
    imsi: int = Field(description="IMSIs paged (count only; never stored in clear).")
    imei: int = Field(description="IMEIs paged (count only).")
    imm_ass: int = Field(description="Channels granted by Immediate Assignment.")
    imm_ass_reject: int = Field(description="Immediate Assignment Reject messages.")


class Neighbour(_Model):
    """An ARFCN of the cell's BCCH allocation, with the cells received on it."""

    arfcn: int = Field(description="Listed ARFCN.")
    cells: list[dict[str, Any]] = Field(description="Cells received on that ARFCN: id, bsic, plmn, lac, ci, "
                                                    "verdict (empty: none received).")


class AlertPublic(_Model):
    """An alert (a rule found evidence) or a verdict change."""

    id: int = Field(description="Event id; also the SSE id of the live stream.")
    kind: EventKind = Field(description="'alert' (a rule's event) or 'verdict' (a cell's verdict changed).")
    cell_id: int | None = Field(description="The cell's id.")
    run_id: int | None = Field(description="The run that produced it.")
    arfcn: int = Field(description="Cell ARFCN.")
    bsic: int = Field(description="Cell BSIC.")
    mcc: int | None = Field(description="Cell MCC when raised.")
    mnc: str | None = Field(description="Cell MNC when raised.")
    lac: int | None = Field(description="Cell LAC when raised.")
    ci: int | None = Field(description="Cell CI when raised.")
    rule: str = Field(description="Rule id; 'verdict' for verdict changes.")
    rule_version: int = Field(description="Version of the rule that raised it.")
    severity: SeverityName = Field(description="info, low, medium or high.")
    message: str = Field(description="One sentence for a field officer.")
    evidence: dict[str, Any] = Field(description="Fields, values and thresholds that fired.")
    time: datetime | None = Field(description="Survey time of the evidence (UTC).")
    fn: int | None = Field(description="Cell's last decoded frame number then.")
    created_at: datetime = Field(description="When it was stored (UTC).")
    acked_at: datetime | None = Field(description="When it was acknowledged; null if not yet.")
    acked_by: str | None = Field(description="Who acknowledged it.")
    ack_note: str | None = Field(description="Note given with the acknowledgement.")


class AlertList(_Model):
    """One page of alerts, newest first."""

    items: list[AlertPublic] = Field(description="Alerts of this page, newest first.")
    total: int = Field(description="Alerts matching the filter.")
    limit: int = Field(description="Page size asked for.")
    offset: int = Field(description="Alerts skipped.")


class AckCreate(BaseModel):
    """Body of an acknowledgement (optional)."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=500, description="Why it is acknowledged (e.g. 'known test cell').")


class CellDetail(CellPublic):
    """Everything about one cell: parameters, neighbours, history, rules and why."""

    contributions: list[Contribution] = Field(description="Rules adding to the score, with points and reason.")
    params: dict[str, Any] = Field(description="Broadcast parameters (TS 44.018 §10.5.2 field codes, names as in "
                                               "'sdrscan replay --json'), SI types and counts, CCCH totals, "
                                               "parameter change history.")
    neighbours: list[Neighbour] = Field(description="The cell's BA list (SI2/2bis/2ter) and what was received "
                                                    "on each ARFCN.")
    listed_by: list[dict[str, Any]] = Field(description="Cells whose BA list includes this cell's ARFCN.")
    alerts: list[AlertPublic] = Field(description="The cell's alerts and verdict changes, newest first (up to 200).")
    observations: list[Observation] = Field(description="Recent observations, oldest first (up to 500).")
    ccch_windows: list[CcchWindow] = Field(description="Recent CCCH windows, oldest first.")


class JobStatus(StrEnum):
    receiving = "receiving"
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    interrupted = "interrupted"


class DeviceGapPublic(_Model):
    """A time without signal from a live device (unplugged, server gone, stalled stream)."""

    start: datetime = Field(description="When the device was lost (UTC).")
    end: datetime = Field(description="When it streamed again, or when the service stopped waiting (UTC).")
    reason: str = Field(description="What the device reported, in one line.")
    attempts: int | None = Field(description="Connection attempts until it was back (null: never back).")
    duration_s: float = Field(description="Seconds without signal.")
    resumed: bool = Field(description="False when the service stopped while the device was still away.")


class JobPublic(_Model):
    """An ingest job (an upload) or a run of a replayed/live source."""

    id: int = Field(description="Job id.")
    kind: str = Field(description="upload, replay or live.")
    status: JobStatus = Field(description="queued, running, done, failed or interrupted (by a stop; resumed on "
                                          "restart).")
    label: str = Field(description="Name shown for the recording.")
    datatype: str | None = Field(description="Sample format (SigMF datatype).")
    sample_rate_hz: float | None = Field(description="Sample rate, Hz.")
    center_freq_hz: float | None = Field(description="Centre frequency, Hz.")
    size_bytes: int | None = Field(description="Upload size, bytes.")
    created_at: datetime = Field(description="When it was queued (UTC).")
    started_at: datetime | None = Field(description="When decoding last started.")
    ended_at: datetime | None = Field(description="When it last ended.")
    attempts: int = Field(description="How often decoding started (more than 1 after a restart).")
    progress: float = Field(description="Share of the samples decoded, 0..1.")
    samples: int = Field(description="Samples decoded.")
    duration_s: float = Field(description="Seconds of signal decoded.")
    frames: int = Field(description="L2 blocks decoded.")
    blocks_failed: int = Field(description="Blocks that failed the Fire code.")
    dropped_samples: int = Field(description="Samples lost before the receiver (live sources).")
    cpu_s: float = Field(description="CPU seconds spent decoding.")
    x_realtime: float | None = Field(description="Signal seconds per CPU second.")
    error: str | None = Field(description="Why it failed, in one line.")
    gaps: list[DeviceGapPublic] = Field(default_factory=list, description="Live runs: the device's outages "
                                                                          "(the last 100), oldest first.")


class JobList(_Model):
    """One page of jobs."""

    items: list[JobPublic] = Field(description="Jobs, oldest first.")
    total: int = Field(description="Jobs matching the filter.")
    limit: int = Field(description="Page size.")
    offset: int = Field(description="Jobs skipped.")


class BandPowerPoint(_Model):
    """Power the receiver measured on one ARFCN."""

    arfcn: int = Field(description="ARFCN.")
    power_dbfs: float = Field(description="Power in the ARFCN's 200 kHz, dBFS.")
    time: datetime = Field(description="When it was measured (UTC).")
    run_id: int = Field(description="Run that measured it.")


class Spectrum(_Model):
    """The band as last measured: power per ARFCN, and which ARFCNs carry a decoded cell."""

    points: list[BandPowerPoint] = Field(description="Power per ARFCN, sorted by ARFCN.")
    cells: list[dict[str, Any]] = Field(description="Decoded cells: id, arfcn, bsic, verdict, power_dbfs.")


class LiveHealth(_Model):
    """The live source (``sdrscan serve --device``)."""

    device: str = Field(description="The --device value, e.g. rtltcp://127.0.0.1:1234.")
    band: str = Field(description="The swept band (--band).")
    tuner: str = Field(description="The dongle's tuner.")
    run_id: int = Field(description="Its run (GET /jobs/{id}: progress and device gaps).")
    state: str = Field(description="starting, running, reconnecting (device lost; retried with backoff), "
                                   "stopping, stopped or failed.")
    started_at: datetime | None = Field(description="When the sweep started (UTC).")
    signal_s: float = Field(description="Seconds of signal received.")
    samples: int = Field(description="Samples received.")
    dropped_samples: int = Field(description="Samples lost before the receiver.")
    x_realtime: float | None = Field(description="Signal seconds per CPU second of the live thread.")
    sweeps: int = Field(description="Complete sweeps of the band.")
    hops: int = Field(description="Hops (tunings) done.")
    frames: int = Field(description="L2 blocks decoded.")
    gaps: int = Field(description="Device outages.")
    gap_s: float = Field(description="Seconds without signal because of them.")
    crystal_ppm: float | None = Field(description="The dongle's crystal error as measured on the way.")
    error: str | None = Field(description="Why it failed (state 'failed'), in one line.")


class Health(_Model):
    """Liveness and readiness."""

    status: str = Field(description="'ok' when the service answers, its store and worker work and the live "
                                    "source (if any) streams; 'degraded' otherwise.")
    version: str = Field(description="sdrscan version.")
    store: str = Field(description="'ok' or 'unreachable'.")
    worker: str = Field(description="'running', 'stopped' or 'none'.")
    queue: int = Field(description="Jobs waiting.")
    live: LiveHealth | None = Field(None, description="The live source; null without --device.")
