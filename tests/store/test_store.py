"""The store: schema versions, WAL, the idempotent write path, filters against a plain-Python reference."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from sdrscan.errors import ConfigError
from sdrscan.store import (
    AlertFilter,
    BandPower,
    CcchWindowRow,
    CellFilter,
    CellState,
    EventRow,
    IngestBatch,
    ObservationRow,
    RunUpdate,
    open_store,
)
from sdrscan.store.migrate import migrate, read_version
from sdrscan.store.schema import SCHEMA_VERSION
from sdrscan.store.store import StoreError, make_engine

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def cell(arfcn: int, bsic: int = 1, *, verdict: str = "ok", score: float = 0.0, mcc: int | None = 262,
         mnc: str | None = "01", t: datetime = T0, power: float | None = -30.0, lat: float | None = None,
         first: datetime | None = None) -> CellState:
    return CellState(arfcn, bsic, 935e6 + 2e5 * arfcn, mcc, mnc, 100, arfcn, first or t, t, 1000, power, 20.0, 10,
                     0, score, verdict, [{"rule": "r", "severity": "low", "points": score, "message": "m"}],
                     {"neighbours": [arfcn + 2]}, lat, 13.4 if lat is not None else None)


def event(arfcn: int, digest: str, severity: int = 3, kind: str = "alert", t: datetime = T0) -> EventRow:
    return EventRow(kind, arfcn, 1, 262, "01", 100, arfcn, "low-t3212", 1, severity, f"message {digest}",
                    {"t3212": 1}, t, 1000, digest)


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(f"sqlite:///{tmp_path / 'db' / 'x.db'}")
    yield s
    s.close()


def test_new_database_gets_the_schema_in_wal_mode(tmp_path: Path, store) -> None:
    with store.engine.connect() as conn:
        assert read_version(conn) == SCHEMA_VERSION
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    # Reopening is a no-op and keeps the data.
    run = store.create_run("replay", "x")
    store.close()
    again = open_store(store.url)
    assert again.get_run(run)["label"] == "x"
    again.close()


def test_newer_schema_and_foreign_databases_are_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    open_store(url).close()
    con = sqlite3.connect(tmp_path / "a.db")
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    with pytest.raises(ConfigError, match="newer than this sdrscan"):
        open_store(url)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE users (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(ConfigError, match="no sdrscan schema version"):
        open_store(f"sqlite:///{other}")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        open_store(f"sqlite:///{junk}")
    with pytest.raises(ConfigError, match="not valid"):
        open_store("::not a url::")


def test_migrations_run_in_order_each_in_its_own_transaction(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    assert migrate(engine) == 0
    calls = []

    def step2(conn) -> None:
        calls.append(2)
        conn.execute(text("ALTER TABLE cells ADD COLUMN note TEXT"))

    def step3(conn) -> None:
        calls.append(3)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(engine, target=3, migrations={2: step2, 3: step3})
    with engine.connect() as conn:
        assert read_version(conn) == 2  # step 2 committed, step 3 rolled back
    with pytest.raises(ConfigError, match="no migration from schema version 2 to 3"):
        migrate(engine, target=3, migrations={})
    assert calls == [2, 3]
    engine.dispose()


def test_write_batch_is_one_idempotent_transaction(store) -> None:
    run = store.create_run("replay", "r")
    batch = IngestBatch(run, cells=[cell(60, verdict="rogue", score=9)],
                        observations=[ObservationRow(60, 1, T0, 1000, 5, -30.0, 20.0, 100.0)],
                        ccch=[CcchWindowRow(60, 1, T0, 60.0, 10.0, 5, 2, 1, 1, 1, 0, 1, 0)],
                        events=[event(60, "a"), event(60, "b", 2)], band_power=[BandPower(60, -30.0)],
                        run=RunUpdate(0.5, 100, 1.0, 5))
    first = store.write_batch(batch)
    assert len(first) == 2
    assert store.write_batch(batch) == []  # a restart re-reading the same recording adds nothing twice
    cid = store.cell_by_key(60, 1)["id"]
    assert len(store.cell_observations(cid)) == 1
    assert store.list_events().total == 2
    assert store.get_run(run)["progress"] == 0.5
    # A CCCH window seen again with more counts is updated, not duplicated.
    store.write_batch(IngestBatch(run, ccch=[CcchWindowRow(60, 1, T0, 60.0, 20.0, 9, 3, 1, 1, 2, 0, 1, 0)]))
    windows = store.cell_ccch(cid)
    assert [(w["blocks"], w["imsi"]) for w in windows] == [(9, 2)]


def test_a_failed_transaction_leaves_nothing(store) -> None:
    run = store.create_run("replay", "r")
    bad = IngestBatch(run, cells=[cell(61)], events=[event(61, "x", t=datetime(2026, 1, 1))])  # naive time
    with pytest.raises(Exception, match="naive"):
        store.write_batch(bad)
    assert store.cell_by_key(61, 1) is None
    assert store.list_events().total == 0
    store.write_batch(IngestBatch(run, cells=[cell(61)]))  # the id cache was reset: the cell is written again
    assert store.cell_by_key(61, 1) is not None


def test_upsert_keeps_the_earliest_first_seen_and_the_last_known_position(store) -> None:
    run = store.create_run("replay", "r")
    store.write_batch(IngestBatch(run, cells=[cell(62, t=T0, lat=52.5)]))
    later = T0 + timedelta(hours=1)
    store.write_batch(IngestBatch(run, cells=[cell(62, t=later, first=later, verdict="suspicious", score=4)]))
    row = store.cell_by_key(62, 1)
    assert row["first_seen"] == T0 and row["last_seen"] == later
    assert row["lat_deg"] == 52.5 and row["verdict"] == "suspicious" and row["verdict_rank"] == 1
    assert row["first_seen"].tzinfo is not None


def test_ack_is_idempotent_and_filters_see_it(store) -> None:
    run = store.create_run("replay", "r")
    [a, b] = store.write_batch(IngestBatch(run, cells=[cell(63)], events=[event(63, "a", 3), event(63, "b", 1)]))
    first = store.ack_event(a, "alice", "known")
    second = store.ack_event(a, "bob", "other")
    assert second["acked_by"] == "alice" and second["acked_at"] == first["acked_at"]
    assert store.ack_event(999, "x") is None
    assert [e["id"] for e in store.list_events(AlertFilter(acked=False)).items] == [b]
    assert [e["id"] for e in store.list_events(AlertFilter(min_severity=2)).items] == [a]
    assert store.counts()["alerts_unacked"] == {"1": 1}


def test_band_power_is_the_latest_per_arfcn(store) -> None:
    r1, r2 = store.create_run("replay", "a"), store.create_run("replay", "b")
    store.write_batch(IngestBatch(r1, band_power=[BandPower(60, -30.0), BandPower(61, -40.0)], time=T0))
    store.write_batch(IngestBatch(r2, band_power=[BandPower(60, -20.0)], time=T0 + timedelta(seconds=5)))
    assert [(p["arfcn"], p["power_dbfs"]) for p in store.band_power()] == [(60, -20.0), (61, -40.0)]


def test_baseline_learns_ok_cells_with_an_identity(store) -> None:
    run = store.create_run("replay", "r")
    store.write_batch(IngestBatch(run, cells=[cell(64), cell(65, verdict="rogue", score=9), cell(66, mcc=None)]))
    assert store.learn_baseline() == 1
    assert store.learn_baseline() == 0
    assert [r["ci"] for r in store.list_baseline().items] == [64]


# --- filters against a plain-Python reference --------------------------------------------------------------
VERDICTS = ("ok", "suspicious", "rogue")
_cells = st.lists(st.tuples(st.integers(0, 30), st.sampled_from(VERDICTS), st.floats(0, 12), st.sampled_from(
    [(262, "01"), (262, "02"), (310, "260")]), st.integers(0, 48)), min_size=0, max_size=25,
    unique_by=lambda x: x[0])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_cells, verdicts=st.sets(st.sampled_from(VERDICTS)), plmn=st.sampled_from([None, "262-01", "310-260"]),
       lo=st.none() | st.integers(0, 30), hi=st.none() | st.integers(0, 30), after_h=st.none() | st.integers(0, 48),
       limit=st.integers(1, 10), offset=st.integers(0, 12))
def test_cell_filters_match_a_plain_python_reference(tmp_path_factory, rows, verdicts, plmn, lo, hi, after_h, limit,
                                                     offset) -> None:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('h') / 'h.db'}")
    run = store.create_run("replay", "r")
    states = [cell(a, verdict=v, score=round(s, 2), mcc=p[0], mnc=p[1], t=T0 + timedelta(hours=h), power=-a)
              for a, v, s, p, h in rows]
    store.write_batch(IngestBatch(run, cells=states))
    after = None if after_h is None else T0 + timedelta(hours=after_h)
    flt = CellFilter(tuple(sorted(verdicts)), plmn, None, None, lo, hi, after, None, "threat")
    page = store.list_cells(flt, limit, offset)
    rank = {"ok": 0, "suspicious": 1, "rogue": 2}
    want = [c for c in states
            if (not verdicts or c.verdict in verdicts) and (plmn is None or f"{c.mcc:03d}-{c.mnc}" == plmn)
            and (lo is None or c.arfcn >= lo) and (hi is None or c.arfcn <= hi)
            and (after is None or c.last_seen >= after)]
    want.sort(key=lambda c: (-rank[c.verdict], -c.score, -c.power_dbfs))
    assert page.total == len(want)
    assert [r["arfcn"] for r in page.items] == [c.arfcn for c in want[offset:offset + limit]]
    store.close()
