"""Baselines: cells known to be legitimate, from OpenCellID / Mozilla Location Service exports or a trusted
survey, in one SQLite file (so a country's million rows need no memory at run time).

* :meth:`Baseline.import_csv` streams an OpenCellID/MLS CSV (``radio,mcc,net,area,cell,unit,lon,lat,range,
  samples,changeable,created,updated,averageSignal``; plain or ``.gz``), keeps the GSM rows (optionally of
  some MCCs only) and counts every other row by reason.
* :meth:`Baseline.learn` adds the cells of a trusted survey: identity plus what a CSV cannot give -- ARFCN,
  BSIC, received power and broadcast parameters.

Cells are keyed by (MCC, MNC, LAC, CI). OpenCellID stores the MNC as a number (``net``), so ``"01"`` and
``"001"`` cannot be told apart there; lookups compare MNCs as numbers for that reason.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import math
import os
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sdrscan.cells.model import CellObservation
from sdrscan.errors import ConfigError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
OCID_COLUMNS = ("radio", "mcc", "net", "area", "cell", "unit", "lon", "lat", "range", "samples", "changeable",
                "created", "updated", "averageSignal")
BATCH_ROWS = 20_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cells (
    mcc INTEGER NOT NULL, mnc INTEGER NOT NULL, lac INTEGER NOT NULL, ci INTEGER NOT NULL,
    source TEXT NOT NULL,              -- 'opencellid' (CSV import) or 'survey' (learned)
    mnc_digits TEXT,                   -- the MNC as broadcast (survey only)
    lon REAL, lat REAL, range_m INTEGER, samples INTEGER, avg_signal_dbm REAL, updated INTEGER,
    arfcn INTEGER, bsic INTEGER, power_dbfs REAL, power_std_db REAL, params TEXT, learned_from TEXT,
    PRIMARY KEY (mcc, mnc, lac, ci)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cells_by_arfcn ON cells (arfcn) WHERE arfcn IS NOT NULL;
"""

_UPSERT_CSV = """
INSERT INTO cells (mcc, mnc, lac, ci, source, lon, lat, range_m, samples, avg_signal_dbm, updated)
VALUES (?, ?, ?, ?, 'opencellid', ?, ?, ?, ?, ?, ?)
ON CONFLICT (mcc, mnc, lac, ci) DO UPDATE SET
    lon = excluded.lon, lat = excluded.lat, range_m = excluded.range_m, samples = excluded.samples,
    avg_signal_dbm = excluded.avg_signal_dbm, updated = excluded.updated
"""

_UPSERT_SURVEY = """
INSERT INTO cells (mcc, mnc, lac, ci, source, mnc_digits, samples, arfcn, bsic, power_dbfs, power_std_db, params,
                   learned_from)
VALUES (?, ?, ?, ?, 'survey', ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (mcc, mnc, lac, ci) DO UPDATE SET
    mnc_digits = excluded.mnc_digits, arfcn = excluded.arfcn, bsic = excluded.bsic,
    power_dbfs = excluded.power_dbfs, power_std_db = excluded.power_std_db, params = excluded.params,
    learned_from = excluded.learned_from,
    samples = COALESCE(cells.samples, 0) + excluded.samples
"""


@dataclass(frozen=True, slots=True)
class KnownCell:
    """One baseline cell. Survey-only fields (``arfcn`` ...) are None for CSV rows, and the reverse."""

    mcc: int
    mnc: int
    lac: int
    ci: int
    source: str
    mnc_digits: str | None = None
    lon: float | None = None
    lat: float | None = None
    range_m: int | None = None
    samples: int | None = None
    avg_signal_dbm: float | None = None
    arfcn: int | None = None
    bsic: int | None = None
    power_dbfs: float | None = None
    power_std_db: float | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def learned(self) -> bool:
        """True when a trusted survey saw this cell (ARFCN, BSIC and power are known)."""
        return self.arfcn is not None


@dataclass(slots=True)
class ImportStats:
    """Counts of one CSV import; ``skipped`` by reason (``radio_UMTS``, ``mcc_filtered``, ``bad_number`` ...)."""

    rows: int = 0
    imported: int = 0
    new_cells: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "imported": self.imported, "new_cells": self.new_cells,
                "skipped": dict(sorted(self.skipped.items())), "seconds": round(self.seconds, 2)}


@dataclass(slots=True)
class LearnStats:
    """Counts of one :meth:`Baseline.learn`: cells stored and cells skipped by reason."""

    learned: int = 0
    new_cells: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {"learned": self.learned, "new_cells": self.new_cells, "skipped": dict(sorted(self.skipped.items()))}


def _mnc_number(mnc: int | str) -> int:
    return int(mnc)


class _CountingReader(io.RawIOBase):
    """Counts bytes read from the file underneath (the compressed bytes for ``.gz``), for progress."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._raw.readinto(b)  # type: ignore[attr-defined]
        self.count += n or 0
        return n or 0


def _to_int(v: str) -> int:
    return int(v) if v.lstrip("-").isdigit() else int(float(v))


def _to_float(v: str) -> float | None:
    if not v:
        return None
    x = float(v)
    return x if math.isfinite(x) else None


class Baseline:
    """A baseline database (see the module docstring). Use :meth:`open` or :meth:`memory`."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self.path = path
        conn.executescript(_SCHEMA)
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            conn.commit()
        elif int(row[0]) != SCHEMA_VERSION:
            raise ConfigError(f"baseline {path}: schema version {row[0]}; this sdrscan reads version "
                              f"{SCHEMA_VERSION}; re-import it with `sdrscan baseline import`")
        self._plmn_counts: dict[tuple[int, int], int] = {}
        self._temporary = False

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> Baseline:
        """Open the database at ``path`` (``create``: make it when missing).

        Raises
        ------
        ConfigError
            Missing file (without ``create``), or not an sdrscan baseline.
        """
        p = Path(path)
        if not p.exists() and not create:
            raise ConfigError(f"baseline {p} not found; build it with `sdrscan baseline import FILE.csv --db {p}` "
                              "or `sdrscan baseline learn RECORDING --db ...`")
        if p.exists() and p.suffix.lower() in (".csv", ".gz"):
            raise ConfigError(f"baseline {p} is a CSV file; import it first: sdrscan baseline import {p} --db FILE.db")
        try:
            conn = sqlite3.connect(p)
            return cls(conn, p)
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"baseline {p} is not an sdrscan baseline database ({exc}); "
                              "give a file made by `sdrscan baseline import`") from None

    @classmethod
    def memory(cls) -> Baseline:
        """An empty in-memory baseline (tests)."""
        return cls(sqlite3.connect(":memory:"), None)

    @classmethod
    def load(cls, path: str | Path, progress: Callable[[int, int], None] | None = None) -> Baseline:
        """A baseline database, or a CSV export imported into a temporary database (deleted on :meth:`close`).

        Raises
        ------
        ConfigError
            As :meth:`open` and :meth:`import_csv`.
        """
        p = Path(path)
        if not p.name.lower().endswith((".csv", ".csv.gz")):
            return cls.open(p)
        fd, tmp = tempfile.mkstemp(prefix="sdrscan-baseline-", suffix=".db")
        os.close(fd)
        base = cls(sqlite3.connect(tmp), Path(tmp))
        base._temporary = True
        try:
            base.import_csv(p, progress=progress)
        except BaseException:
            base.close()
            raise
        return base

    def close(self) -> None:
        self._conn.close()
        if self._temporary and self.path is not None:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> Baseline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- queries ----------------------------------------------------------------------------------------
    def lookup(self, mcc: int, mnc: int | str, lac: int, ci: int) -> KnownCell | None:
        """The known cell with this global identity, or None."""
        row = self._conn.execute("SELECT * FROM cells WHERE mcc = ? AND mnc = ? AND lac = ? AND ci = ?",
                                 (mcc, _mnc_number(mnc), lac, ci)).fetchone()
        return None if row is None else self._known(row)

    def count(self, mcc: int | None = None, mnc: int | str | None = None) -> int:
        """Known cells in total, of one country, or of one network (cached per network)."""
        if mcc is None:
            return int(self._conn.execute("SELECT count(*) FROM cells").fetchone()[0])
        if mnc is None:
            return int(self._conn.execute("SELECT count(*) FROM cells WHERE mcc = ?", (mcc,)).fetchone()[0])
        key = (mcc, _mnc_number(mnc))
        if key not in self._plmn_counts:
            self._plmn_counts[key] = int(self._conn.execute(
                "SELECT count(*) FROM cells WHERE mcc = ? AND mnc = ?", key).fetchone()[0])
        return self._plmn_counts[key]

    def on_arfcn(self, arfcn: int) -> list[KnownCell]:
        """Learned cells seen on ``arfcn`` by a trusted survey."""
        rows = self._conn.execute("SELECT * FROM cells WHERE arfcn = ? ORDER BY mcc, mnc, lac, ci", (arfcn,))
        return [self._known(r) for r in rows]

    def learned_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM cells WHERE arfcn IS NOT NULL").fetchone()[0])

    def plmns(self) -> list[tuple[int, int, int]]:
        """(mcc, mnc, cells) per network, most cells first."""
        rows = self._conn.execute("SELECT mcc, mnc, count(*) FROM cells GROUP BY mcc, mnc ORDER BY 3 DESC, 1, 2")
        return [(int(a), int(b), int(c)) for a, b, c in rows]

    def describe(self) -> dict[str, Any]:
        """What the baseline holds (for report headers and ``sdrscan baseline show``)."""
        return {"path": str(self.path) if self.path is not None else None, "cells": self.count(),
                "learned": self.learned_count(),
                "networks": [{"mcc": a, "mnc": b, "cells": c} for a, b, c in self.plmns()[:20]]}

    def _known(self, row: tuple[Any, ...]) -> KnownCell:
        (mcc, mnc, lac, ci, source, digits, lon, lat, range_m, samples, avg, _updated, arfcn, bsic, power, power_std,
         params, _learned_from) = row
        return KnownCell(mcc, mnc, lac, ci, source, digits, lon, lat, range_m, samples, avg, arfcn, bsic, power,
                         power_std, json.loads(params) if params else {})

    # --- import -----------------------------------------------------------------------------------------
    def import_csv(self, path: str | Path, *, mccs: Iterable[int] | None = None, radios: Iterable[str] = ("GSM",),
                   progress: Callable[[int, int], None] | None = None) -> ImportStats:
        """Stream an OpenCellID / MLS CSV into the baseline (see the module docstring).

        Parameters
        ----------
        path : path
            ``.csv`` or ``.csv.gz``; with or without the header line.
        mccs : iterable of int, optional
            Keep only these countries (e.g. ``[460]``).
        radios : iterable of str
            Radio types to keep (``GSM``; MLS/OCID also hold ``UMTS``, ``LTE``, ``CDMA``, ``NR``).
        progress : callable, optional
            Called with (bytes read, total bytes of the file) every batch.

        Raises
        ------
        ConfigError
            Missing or unreadable file, or a file that is not this CSV format (checked on the first row).
        """
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"CSV file {p} not found; download an OpenCellID or MLS export and give its path")
        keep_mcc = None if mccs is None else frozenset(int(m) for m in mccs)
        keep_radio = frozenset(r.upper() for r in radios)
        stats = ImportStats()
        total = p.stat().st_size
        t0 = time.perf_counter()
        before = self.count()
        with p.open("rb") as raw:
            counter = _CountingReader(raw)
            buffered = io.BufferedReader(counter, 1 << 20)
            binary: IO[bytes] = gzip.GzipFile(fileobj=buffered) if p.name.lower().endswith(".gz") else buffered
            text = io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="")
            try:
                for batch in self._batches(csv.reader(text), stats, keep_mcc, keep_radio, p):
                    self._conn.executemany(_UPSERT_CSV, batch)
                    if progress is not None:
                        progress(counter.count, total)
            except (OSError, EOFError, csv.Error) as exc:
                self._conn.rollback()
                raise ConfigError(f"CSV file {p}: read failed after {stats.rows} rows ({exc}); "
                                  "check that the file is complete") from None
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('last_import', ?)",
                           (json.dumps({"file": p.name, **stats.to_json()}),))
        self._conn.commit()
        self._plmn_counts.clear()
        stats.new_cells = self.count() - before
        stats.seconds = time.perf_counter() - t0
        if progress is not None:
            progress(total, total)
        return stats

    def _batches(self, reader: Iterator[list[str]], stats: ImportStats, keep_mcc: frozenset[int] | None,
                 keep_radio: frozenset[str], p: Path) -> Iterator[list[tuple[Any, ...]]]:
        batch: list[tuple[Any, ...]] = []
        first = True
        for row in reader:
            if first:
                first = False
                if row and row[0].strip().lower() == "radio":
                    if [c.strip() for c in row[:len(OCID_COLUMNS)]] != list(OCID_COLUMNS):
                        raise ConfigError(f"CSV file {p}: header {','.join(row)!r}; expected "
                                          f"{','.join(OCID_COLUMNS)} (OpenCellID / MLS export)")
                    continue
                if len(row) != len(OCID_COLUMNS):
                    raise ConfigError(f"CSV file {p}: first row has {len(row)} columns; expected the "
                                      f"{len(OCID_COLUMNS)} columns {','.join(OCID_COLUMNS)}")
            stats.rows += 1
            if len(row) != len(OCID_COLUMNS):
                stats.skipped["bad_columns"] += 1
                continue
            radio = row[0]
            if radio not in keep_radio and radio.upper() not in keep_radio:
                stats.skipped[f"radio_{radio or 'empty'}"] += 1
                continue
            try:
                mcc, mnc, lac, ci = _to_int(row[1]), _to_int(row[2]), _to_int(row[3]), _to_int(row[4])
                lon, lat = _to_float(row[6]), _to_float(row[7])
                range_m = _to_int(row[8]) if row[8] else None
                samples = _to_int(row[9]) if row[9] else None
                updated = _to_int(row[12]) if row[12] else None
                avg = _to_float(row[13])
            except ValueError:
                stats.skipped["bad_number"] += 1
                continue
            # TS 23.003 §4.3 (MCC 3 digits, MNC 2-3), TS 24.008 §10.5.1.3 (LAC 16 bits), CI 16 bits on GSM
            if not (0 <= mcc <= 999 and 0 <= mnc <= 999 and 0 <= lac <= 0xFFFF and 0 <= ci <= 0xFFFF):
                stats.skipped["out_of_range"] += 1
                continue
            if keep_mcc is not None and mcc not in keep_mcc:
                stats.skipped["mcc_filtered"] += 1
                continue
            batch.append((mcc, mnc, lac, ci, lon, lat, range_m, samples, avg, updated))
            stats.imported += 1
            if len(batch) >= BATCH_ROWS:
                yield batch
                batch = []
        if batch:
            yield batch

    # --- learning ---------------------------------------------------------------------------------------
    def learn(self, cells: Iterable[CellObservation], label: str = "survey", *,
              min_blocks: int = 4) -> LearnStats:
        """Store the cells of a trusted survey as known (identity, ARFCN, BSIC, power, parameters).

        Cells without a complete identity (no SI3 decoded) or with fewer than ``min_blocks`` good blocks are
        skipped and counted.
        """
        stats = LearnStats()
        before = self.count()
        rows = []
        for c in cells:
            if None in (c.mcc, c.mnc, c.lac, c.ci):
                stats.skipped["no_identity"] += 1
                continue
            if c.blocks_ok < min_blocks:
                stats.skipped["too_few_blocks"] += 1
                continue
            params = {k: list(v) if isinstance(v, tuple) else v for k, v in c.parameters().items() if v is not None}
            power = c.power_dbfs.mean if c.power_dbfs.n else None
            std = c.power_dbfs.std if c.power_dbfs.n > 1 else None
            rows.append((c.mcc, int(c.mnc), c.lac, c.ci, c.mnc, c.blocks_ok, c.arfcn, c.bsic,
                         power if power is not None and math.isfinite(power) else None,
                         std if std is not None and math.isfinite(std) else None,
                         json.dumps(params, sort_keys=True), label))
        self._conn.executemany(_UPSERT_SURVEY, rows)
        self._conn.commit()
        self._plmn_counts.clear()
        stats.learned = len(rows)
        stats.new_cells = self.count() - before
        return stats
