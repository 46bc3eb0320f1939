"""The store's one interface: runs/jobs, the ingest write path, and the reads the API needs.

Written against SQLAlchemy Core only; the two dialect-specific bits (upsert, SQLite pragmas) are chosen by
the URL, so ``postgresql://...`` can replace the embedded SQLite once the fleet needs it.

Write path: :meth:`Store.write_batch` stores one chunk of ingest (cells, observations, CCCH windows, events,
band power, run progress) in **one transaction**: after a crash the database holds whole chunks only, and
every insert is idempotent (unique keys + "on conflict do nothing"), so re-reading a recording after a
restart adds nothing twice.

SQLite runs in WAL mode with ``synchronous=NORMAL``: a committed transaction survives the process being
killed (``kill -9``); only a power cut may lose the last commits (``FULL`` would fsync every commit).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    and_,
    case,
    create_engine,
    event,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from sdrscan.errors import ConfigError, SdrscanError
from sdrscan.store import schema as s
from sdrscan.store.migrate import migrate
from sdrscan.store.records import (
    VERDICT_RANK,
    AlertFilter,
    CellFilter,
    IngestBatch,
    Page,
)

log = logging.getLogger(__name__)

RUN_STATUSES = ("receiving", "queued", "running", "done", "failed", "interrupted")


class StoreError(SdrscanError):
    """The database cannot be opened, read or written."""

    exit_code = 3


def _now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(busy_timeout_ms: int):  # type: ignore[no-untyped-def]
    def on_connect(dbapi_conn: Any, record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (the sqlite3 module's implicit transactions get in the way).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()

    return on_connect


def make_engine(url: str, busy_timeout_ms: int = 10_000) -> Engine:
    """A SQLAlchemy engine for ``url``; for SQLite, the folder is created and WAL mode switched on.

    Raises
    ------
    ConfigError
        For a URL SQLAlchemy cannot parse or a driver that is not installed.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"database URL {url!r} is not valid; expected e.g. sqlite:///path/to/sdrscan.db") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            folder = Path(db).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"cannot create the database folder {folder} ({exc.strerror}); "
                                  f"choose another --db") from None
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": busy_timeout_ms / 1000.0}
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise ConfigError(f"database URL {url!r}: {exc}; install its driver or use sqlite:///...") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    return engine


def _insert(engine: Engine, table: Any) -> Any:
    """The dialect's INSERT (with ``on_conflict_do_*``)."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _row(r: Any) -> dict[str, Any]:
    return dict(r._mapping)


class Store:
    """Runs, cells, observations, CCCH windows, events and baseline cells in one SQL database.

    Thread-safe: each method takes its own connection from the engine's pool. Use :func:`open_store`.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cell_ids: dict[tuple[int, int], int] = {}
        # Bumped after every ingest commit of this process: readers may cache what they built from the cells.
        self.generation = 0

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # --- runs and jobs ------------------------------------------------------------------------------------
    def create_run(self, kind: str, label: str, *, path: str | None = None, options: Mapping[str, Any] | None = None,
                   datatype: str | None = None, sample_rate_hz: float | None = None,
                   center_freq_hz: float | None = None, size_bytes: int | None = None,
                   status: str = "queued") -> int:
        """Register a source (a job for uploads); returns its id."""
        with self.engine.begin() as conn:
            res = conn.execute(s.runs.insert().values(
                kind=kind, status=status, label=label, path=path, options=dict(options or {}), datatype=datatype,
                sample_rate_hz=sample_rate_hz, center_freq_hz=center_freq_hz, size_bytes=size_bytes,
                created_at=_now(), attempts=0, progress=0.0, samples=0, duration_s=0.0, frames=0, blocks_ok=0,
                blocks_failed=0, dropped_samples=0, cpu_s=0.0))
            return int(res.inserted_primary_key[0])

    def start_run(self, run_id: int, *, datatype: str | None = None, sample_rate_hz: float | None = None,
                  center_freq_hz: float | None = None) -> None:
        values: dict[str, Any] = {"status": "running", "started_at": _now(), "ended_at": None, "error": None,
                                  "attempts": s.runs.c.attempts + 1}
        for k, v in (("datatype", datatype), ("sample_rate_hz", sample_rate_hz), ("center_freq_hz", center_freq_hz)):
            if v is not None:
                values[k] = v
        with self.engine.begin() as conn:
            conn.execute(update(s.runs).where(s.runs.c.id == run_id).values(**values))

    def finish_run(self, run_id: int, status: str, error: str | None = None) -> None:
        if status not in RUN_STATUSES:
            raise ValueError(f"run status {status!r}; expected one of {RUN_STATUSES}")
        values: dict[str, Any] = {"status": status, "ended_at": _now(), "error": error}
        if status == "done":
            values["progress"] = 1.0
        with self.engine.begin() as conn:
            conn.execute(update(s.runs).where(s.runs.c.id == run_id).values(**values))

    def set_run_path(self, run_id: int, path: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(s.runs).where(s.runs.c.id == run_id).values(path=path))

    def add_run_gap(self, run_id: int, gap: Mapping[str, Any], *, keep: int = 100) -> None:
        """Record an outage of a live run's device (``start``, ``end``, ``reason``, ``attempts``, ``duration_s``)
        in the run's ``options``: ``gaps`` (the last ``keep``), ``gaps_total`` and ``gap_s_total``."""
        with self.engine.begin() as conn:
            row = conn.execute(select(s.runs.c.options).where(s.runs.c.id == run_id)).first()
            if row is None:
                return
            options = dict(row[0] or {})
            options["gaps"] = [*(options.get("gaps") or []), dict(gap)][-keep:]
            options["gaps_total"] = int(options.get("gaps_total") or 0) + 1
            options["gap_s_total"] = round(float(options.get("gap_s_total") or 0.0)
                                           + float(gap.get("duration_s") or 0.0), 3)
            conn.execute(update(s.runs).where(s.runs.c.id == run_id).values(options=options))

    def requeue_run(self, run_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(s.runs).where(s.runs.c.id == run_id).values(status="queued"))

    def get_run(self, run_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(s.runs).where(s.runs.c.id == run_id)).first()
        return None if r is None else _row(r)

    def list_runs(self, statuses: Sequence[str] = (), kinds: Sequence[str] = (), limit: int = 100,
                  offset: int = 0) -> Page[dict[str, Any]]:
        conds = []
        if statuses:
            conds.append(s.runs.c.status.in_(list(statuses)))
        if kinds:
            conds.append(s.runs.c.kind.in_(list(kinds)))
        where = and_(true(), *conds)
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(s.runs).where(where)).scalar_one()
            rows = conn.execute(select(s.runs).where(where).order_by(s.runs.c.id).limit(limit).offset(offset)).all()
        return Page([_row(r) for r in rows], int(total), limit, offset)

    def interrupt_running(self) -> list[int]:
        """Mark runs left ``running`` by a crash as ``interrupted``; return their ids (start-up recovery)."""
        with self.engine.begin() as conn:
            ids = [r[0] for r in conn.execute(select(s.runs.c.id).where(s.runs.c.status == "running")).all()]
            if ids:
                conn.execute(update(s.runs).where(s.runs.c.id.in_(ids)).values(status="interrupted"))
        return ids

    # --- the ingest write path ------------------------------------------------------------------------------
    def _cell_id_map(self, conn: Any, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
        missing = [k for k in set(keys) if k not in self._cell_ids]
        if missing:
            arfcns = sorted({k[0] for k in missing})
            rows = conn.execute(select(s.cells.c.id, s.cells.c.arfcn, s.cells.c.bsic)
                                .where(s.cells.c.arfcn.in_(arfcns))).all()
            for cid, arfcn, bsic in rows:
                self._cell_ids[(arfcn, bsic)] = cid
        return self._cell_ids

    def write_batch(self, batch: IngestBatch) -> list[int]:
        """Store one chunk of ingest in one transaction; return the ids of the events that were new.

        Raises
        ------
        StoreError
            When the database cannot be written (disk full, locked for longer than ``busy_timeout_ms``).
        """
        now = _now()
        try:
            with self.engine.begin() as conn:
                if batch.run is not None:  # a write first, so SQLite takes the write lock at the start
                    r = batch.run
                    conn.execute(update(s.runs).where(s.runs.c.id == batch.run_id).values(
                        progress=r.progress, samples=r.samples, duration_s=r.duration_s, frames=r.frames,
                        blocks_ok=r.blocks_ok, blocks_failed=r.blocks_failed, dropped_samples=r.dropped_samples,
                        cpu_s=r.cpu_s))
                if batch.cells:
                    self._upsert_cells(conn, batch, now)
                keys = ([(o.arfcn, o.bsic) for o in batch.observations] + [(c.arfcn, c.bsic) for c in batch.ccch]
                        + [(e.arfcn, e.bsic) for e in batch.events])
                ids = self._cell_id_map(conn, keys)
                if batch.observations:
                    conn.execute(_insert(self.engine, s.observations).on_conflict_do_nothing(), [
                        {"cell_id": ids[(o.arfcn, o.bsic)], "run_id": batch.run_id, "time": o.time, "fn": o.fn,
                         "blocks": o.blocks, "power_dbfs": o.power_dbfs, "snr_db": o.snr_db,
                         "freq_offset_hz": o.freq_offset_hz, "lac": o.lac, "ci": o.ci, "lat_deg": o.lat_deg,
                         "lon_deg": o.lon_deg} for o in batch.observations if (o.arfcn, o.bsic) in ids])
                if batch.ccch:
                    ins = _insert(self.engine, s.ccch_stats)
                    cols = ("duration_s", "observed_s", "blocks", "paging_blocks", "idle_blocks", "tmsi", "imsi",
                            "imei", "imm_ass", "imm_ass_reject")
                    conn.execute(ins.on_conflict_do_update(
                        index_elements=["cell_id", "run_id", "window_start"],
                        set_={c: getattr(ins.excluded, c) for c in cols}), [
                        {"cell_id": ids[(w.arfcn, w.bsic)], "run_id": batch.run_id, "window_start": w.window_start,
                         **{c: getattr(w, c) for c in cols}} for w in batch.ccch if (w.arfcn, w.bsic) in ids])
                new_ids: list[int] = []
                for e in batch.events:
                    res = conn.execute(_insert(self.engine, s.events).on_conflict_do_nothing(), {
                        "kind": e.kind, "cell_id": ids.get((e.arfcn, e.bsic)), "run_id": batch.run_id,
                        "arfcn": e.arfcn, "bsic": e.bsic, "mcc": e.mcc, "mnc": e.mnc, "lac": e.lac, "ci": e.ci,
                        "rule": e.rule, "rule_version": e.rule_version, "severity": e.severity,
                        "message": e.message, "evidence": dict(e.evidence), "time": e.time, "fn": e.fn,
                        "created_at": now, "digest": e.digest})
                    if res.rowcount:
                        new_ids.append(int(res.inserted_primary_key[0]))
                if batch.band_power:
                    ins = _insert(self.engine, s.band_power)
                    t = batch.time or now
                    conn.execute(ins.on_conflict_do_update(
                        index_elements=["run_id", "arfcn"],
                        set_={"power_dbfs": ins.excluded.power_dbfs, "time": ins.excluded.time}), [
                        {"run_id": batch.run_id, "arfcn": b.arfcn, "power_dbfs": b.power_dbfs, "time": t}
                        for b in batch.band_power])
        except OperationalError as exc:
            self._cell_ids.clear()  # the transaction rolled back: new cells' ids are not in the database
            raise StoreError(f"cannot write to the store {self.url} ({exc.orig}); check disk space and that "
                             f"no other process holds the database") from None
        except SQLAlchemyError:
            self._cell_ids.clear()
            raise
        self.generation += 1
        return new_ids

    def _upsert_cells(self, conn: Any, batch: IngestBatch, now: datetime) -> None:
        ins = _insert(self.engine, s.cells)
        rows = []
        for c in batch.cells:
            rows.append({
                "arfcn": c.arfcn, "bsic": c.bsic, "freq_hz": c.freq_hz, "mcc": c.mcc, "mnc": c.mnc,
                "plmn": None if c.mcc is None or c.mnc is None else f"{c.mcc:03d}-{c.mnc}", "lac": c.lac,
                "ci": c.ci, "first_seen": c.first_seen, "last_seen": c.last_seen, "last_fn": c.last_fn,
                "power_dbfs": c.power_dbfs, "snr_db": c.snr_db, "blocks_ok": c.blocks_ok,
                "blocks_bad": c.blocks_bad, "score": c.score, "verdict": c.verdict,
                "verdict_rank": VERDICT_RANK.get(c.verdict, 0), "contributions": list(c.contributions),
                "params": dict(c.params), "lat_deg": c.lat_deg, "lon_deg": c.lon_deg, "last_run_id": batch.run_id,
                "updated_at": now})
        ex = ins.excluded
        keep_pos = {  # a chunk without a position keeps the cell's last known one
            "lat_deg": func.coalesce(ex.lat_deg, s.cells.c.lat_deg),
            "lon_deg": func.coalesce(ex.lon_deg, s.cells.c.lon_deg),
            # the earliest first_seen wins (a replayed older recording moves it back)
            "first_seen": case((s.cells.c.first_seen.is_(None), ex.first_seen),
                               (ex.first_seen < s.cells.c.first_seen, ex.first_seen),
                               else_=s.cells.c.first_seen),
        }
        same = ("freq_hz", "mcc", "mnc", "plmn", "lac", "ci", "last_seen", "last_fn", "power_dbfs", "snr_db",
                "blocks_ok", "blocks_bad", "score", "verdict", "verdict_rank", "contributions", "params",
                "last_run_id", "updated_at")
        conn.execute(ins.on_conflict_do_update(index_elements=["arfcn", "bsic"],
                                               set_={**{k: getattr(ex, k) for k in same}, **keep_pos}), rows)

    # --- cells ---------------------------------------------------------------------------------------------
    def list_cells(self, flt: CellFilter | None = None, limit: int = 100, offset: int = 0, *,
                   with_params: bool = False) -> Page[dict[str, Any]]:
        flt = flt if flt is not None else CellFilter()
        c = s.cells.c
        conds: list[Any] = []
        if flt.verdicts:
            conds.append(c.verdict.in_(list(flt.verdicts)))
        if flt.plmn is not None:
            conds.append(c.plmn == flt.plmn)
        if flt.mcc is not None:
            conds.append(c.mcc == flt.mcc)
        if flt.mnc is not None:
            conds.append(c.mnc == flt.mnc)
        if flt.arfcn_min is not None:
            conds.append(c.arfcn >= flt.arfcn_min)
        if flt.arfcn_max is not None:
            conds.append(c.arfcn <= flt.arfcn_max)
        if flt.seen_after is not None:
            conds.append(c.last_seen >= flt.seen_after)
        if flt.seen_before is not None:
            conds.append(c.first_seen <= flt.seen_before)
        order = {
            "threat": (c.verdict_rank.desc(), c.score.desc(), c.power_dbfs.desc(), c.id),
            "arfcn": (c.arfcn, c.bsic),
            "power": (c.power_dbfs.desc(), c.id),
            "last_seen": (c.last_seen.desc(), c.id),
        }.get(flt.sort)
        if order is None:
            raise ValueError(f"sort {flt.sort!r}; expected threat, arfcn, power or last_seen")
        where = and_(true(), *conds)
        # A listing does not need the (large) parameter documents: decoding them was most of its cost.
        cols = [col for col in s.cells.c if col.name != "params"] if not with_params else [s.cells]
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(s.cells).where(where)).scalar_one()
            rows = conn.execute(select(*cols).where(where).order_by(*order).limit(limit).offset(offset)).all()
        return Page([_row(r) for r in rows], int(total), limit, offset)

    def get_cell(self, cell_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(s.cells).where(s.cells.c.id == cell_id)).first()
        return None if r is None else _row(r)

    def cell_by_key(self, arfcn: int, bsic: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(s.cells).where(s.cells.c.arfcn == arfcn, s.cells.c.bsic == bsic)).first()
        return None if r is None else _row(r)

    def cell_observations(self, cell_id: int, limit: int = 500) -> list[dict[str, Any]]:
        """The cell's most recent observations, oldest first."""
        o = s.observations.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.observations).where(o.cell_id == cell_id)
                                .order_by(o.time.desc(), o.id.desc()).limit(limit)).all()
        return [_row(r) for r in reversed(rows)]

    def cell_ccch(self, cell_id: int, limit: int = 120) -> list[dict[str, Any]]:
        w = s.ccch_stats.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.ccch_stats).where(w.cell_id == cell_id)
                                .order_by(w.window_start.desc(), w.id.desc()).limit(limit)).all()
        return [_row(r) for r in reversed(rows)]

    def cells_on_arfcns(self, arfcns: Iterable[int]) -> list[dict[str, Any]]:
        """Cells received on any of these ARFCNs (to tell which neighbours of a cell were seen)."""
        want = sorted(set(arfcns))
        if not want:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.cells.c.id, s.cells.c.arfcn, s.cells.c.bsic, s.cells.c.plmn,
                                       s.cells.c.lac, s.cells.c.ci, s.cells.c.verdict)
                                .where(s.cells.c.arfcn.in_(want)).order_by(s.cells.c.arfcn)).all()
        return [_row(r) for r in rows]

    def cells_listing(self, arfcn: int) -> list[dict[str, Any]]:
        """Cells whose BCCH allocation lists ``arfcn`` (scans the stored neighbour lists)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.cells.c.id, s.cells.c.arfcn, s.cells.c.bsic, s.cells.c.plmn,
                                       s.cells.c.params)).all()
        return [{"id": r.id, "arfcn": r.arfcn, "bsic": r.bsic, "plmn": r.plmn} for r in rows
                if arfcn in ((r.params or {}).get("neighbours") or ())]

    # --- events and alerts ----------------------------------------------------------------------------------
    def list_events(self, flt: AlertFilter | None = None, limit: int = 100, offset: int = 0,
                    newest_first: bool = True) -> Page[dict[str, Any]]:
        flt = flt if flt is not None else AlertFilter()
        e = s.events.c
        conds: list[Any] = []
        if flt.kinds:
            conds.append(e.kind.in_(list(flt.kinds)))
        if flt.min_severity:
            conds.append(e.severity >= flt.min_severity)
        if flt.severities:
            conds.append(e.severity.in_(list(flt.severities)))
        if flt.rule is not None:
            conds.append(e.rule == flt.rule)
        if flt.cell_id is not None:
            conds.append(e.cell_id == flt.cell_id)
        if flt.arfcn is not None:
            conds.append(e.arfcn == flt.arfcn)
        if flt.acked is True:
            conds.append(e.acked_at.is_not(None))
        elif flt.acked is False:
            conds.append(e.acked_at.is_(None))
        if flt.after_id is not None:
            conds.append(e.id > flt.after_id)
        if flt.since is not None:
            conds.append(or_(e.time >= flt.since, and_(e.time.is_(None), e.created_at >= flt.since)))
        if flt.until is not None:
            conds.append(or_(e.time <= flt.until, and_(e.time.is_(None), e.created_at <= flt.until)))
        where = and_(true(), *conds)
        order = e.id.desc() if newest_first else e.id
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(s.events).where(where)).scalar_one()
            rows = conn.execute(select(s.events).where(where).order_by(order).limit(limit).offset(offset)).all()
        return Page([_row(r) for r in rows], int(total), limit, offset)

    def get_event(self, event_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(s.events).where(s.events.c.id == event_id)).first()
        return None if r is None else _row(r)

    def events_after(self, last_id: int, limit: int = 500) -> list[dict[str, Any]]:
        """Events with an id above ``last_id``, oldest first (what the live stream sends next)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.events).where(s.events.c.id > last_id).order_by(s.events.c.id)
                                .limit(limit)).all()
        return [_row(r) for r in rows]

    def max_event_id(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(s.events.c.id), 0))).scalar_one())

    def ack_event(self, event_id: int, by: str, note: str | None = None) -> dict[str, Any] | None:
        """Acknowledge an event (idempotent: a second ack keeps the first time and author); None if absent."""
        with self.engine.begin() as conn:
            conn.execute(update(s.events).where(s.events.c.id == event_id, s.events.c.acked_at.is_(None))
                         .values(acked_at=_now(), acked_by=by, ack_note=note))
            r = conn.execute(select(s.events).where(s.events.c.id == event_id)).first()
        return None if r is None else _row(r)

    # --- band, metrics, baseline ----------------------------------------------------------------------------
    def band_power(self) -> list[dict[str, Any]]:
        """Per ARFCN the most recent power measured by any run, sorted by ARFCN."""
        b = s.band_power.c
        latest = (select(b.arfcn, func.max(b.time).label("t")).group_by(b.arfcn)).subquery()
        q = (select(b.arfcn, b.power_dbfs, b.time, b.run_id)
             .join(latest, and_(b.arfcn == latest.c.arfcn, b.time == latest.c.t)).order_by(b.arfcn, b.run_id.desc()))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        out: dict[int, dict[str, Any]] = {}
        for r in rows:
            out.setdefault(r.arfcn, _row(r))
        return list(out.values())

    def counts(self) -> dict[str, dict[str, int]]:
        """Cells by verdict, alerts by severity (and unacknowledged), runs by status: for ``/metrics``."""
        with self.engine.connect() as conn:
            cells = dict(conn.execute(select(s.cells.c.verdict, func.count()).group_by(s.cells.c.verdict)).all())
            alerts = dict(conn.execute(select(s.events.c.severity, func.count()).where(s.events.c.kind == "alert")
                                       .group_by(s.events.c.severity)).all())
            unacked = dict(conn.execute(select(s.events.c.severity, func.count())
                                        .where(s.events.c.kind == "alert", s.events.c.acked_at.is_(None))
                                        .group_by(s.events.c.severity)).all())
            runs = dict(conn.execute(select(s.runs.c.status, func.count()).group_by(s.runs.c.status)).all())
        return {"cells": {str(k): int(v) for k, v in cells.items()},
                "alerts": {str(k): int(v) for k, v in alerts.items()},
                "alerts_unacked": {str(k): int(v) for k, v in unacked.items()},
                "runs": {str(k): int(v) for k, v in runs.items()}}

    def add_baseline(self, rows: Iterable[Mapping[str, Any]], source: str) -> int:
        """Add known cells (``mcc mnc lac ci`` required; ``arfcn bsic power_dbfs lat_deg lon_deg`` optional)."""
        now = _now()
        data = [{"mcc": int(r["mcc"]), "mnc": str(r["mnc"]), "lac": int(r["lac"]), "ci": int(r["ci"]),
                 "arfcn": r.get("arfcn"), "bsic": r.get("bsic"), "power_dbfs": r.get("power_dbfs"),
                 "lat_deg": r.get("lat_deg"), "lon_deg": r.get("lon_deg"), "source": source, "added_at": now}
                for r in rows]
        if not data:
            return 0
        with self.engine.begin() as conn:
            res = conn.execute(_insert(self.engine, s.baseline_cells).on_conflict_do_nothing(), data)
        return max(int(res.rowcount), 0)

    def learn_baseline(self) -> int:
        """Take every stored cell with a known identity and verdict ``ok`` as known; returns cells added."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.cells).where(s.cells.c.verdict == "ok", s.cells.c.mcc.is_not(None),
                                                      s.cells.c.mnc.is_not(None), s.cells.c.lac.is_not(None),
                                                      s.cells.c.ci.is_not(None))).all()
        return self.add_baseline(({**_row(r)} for r in rows), "learn")

    def list_baseline(self, limit: int = 100, offset: int = 0) -> Page[dict[str, Any]]:
        b = s.baseline_cells
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(b)).scalar_one()
            rows = conn.execute(select(b).order_by(b.c.id).limit(limit).offset(offset)).all()
        return Page([_row(r) for r in rows], int(total), limit, offset)

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False


def open_store(url: str, *, busy_timeout_ms: int = 10_000) -> Store:
    """Open (creating or migrating the schema as needed) the store at ``url``.

    Raises
    ------
    ConfigError
        Bad URL, missing driver, or a schema this sdrscan cannot use.
    StoreError
        The database cannot be opened (not a database file, permissions).
    """
    engine = make_engine(url, busy_timeout_ms)
    try:
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"cannot open the store {url!r} ({exc.orig}); check the path and its permissions") from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot open the store {url!r} ({type(exc).__name__}: {exc}); "
                         f"is it an sdrscan database?") from None
    return Store(engine)
