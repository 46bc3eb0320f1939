"""Create the schema and migrate old databases to :data:`~sdrscan.store.schema.SCHEMA_VERSION`.

``meta.schema_version`` says which version a database has. A new database gets every table at the current
version. An older one runs the steps of :data:`MIGRATIONS` in order, each in its own transaction, so a crash
in the middle leaves a database at a known version. A database newer than this code is refused: guessing
would risk the data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from sqlalchemy import Connection, Engine, inspect, select

from sdrscan.errors import ConfigError
from sdrscan.store import schema

log = logging.getLogger(__name__)

# version v -> the step that turns a database at v - 1 into one at v. Version 1 is the first schema.
Migration = Callable[[Connection], None]
MIGRATIONS: dict[int, Migration] = {}


def read_version(conn: Connection) -> int | None:
    """The database's schema version; None for a database without sdrscan tables."""
    if not inspect(conn).has_table("meta"):
        return None
    row = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).first()
    return int(row[0]) if row is not None else None


def _set_version(conn: Connection, version: int) -> None:
    t = schema.meta
    if conn.execute(select(t.c.key).where(t.c.key == "schema_version")).first() is None:
        conn.execute(t.insert().values(key="schema_version", value=str(version)))
    else:
        conn.execute(t.update().where(t.c.key == "schema_version").values(value=str(version)))


def migrate(engine: Engine, *, target: int = schema.SCHEMA_VERSION,
            migrations: Mapping[int, Migration] | None = None) -> int:
    """Bring the database to ``target``; return the version it had before (0 for a new database).

    Raises
    ------
    ConfigError
        When the database was written by a newer sdrscan, or a migration step is missing.
    """
    steps = MIGRATIONS if migrations is None else migrations
    with engine.begin() as conn:
        current = read_version(conn)
        if current is None:
            if inspect(conn).get_table_names():
                others = ", ".join(sorted(inspect(conn).get_table_names())[:5])
                raise ConfigError(f"database {engine.url!r} has tables ({others}) but no sdrscan schema version; "
                                  f"point --db at a new or an sdrscan database")
            schema.metadata.create_all(conn)
            _set_version(conn, target)
            log.info("created store schema version %d at %s", target, engine.url)
            return 0
    if current > target:
        raise ConfigError(f"database {engine.url!r} has schema version {current}, newer than this sdrscan "
                          f"({target}); upgrade sdrscan or use another --db")
    for version in range(current + 1, target + 1):
        step = steps.get(version)
        if step is None:
            raise ConfigError(f"no migration from schema version {version - 1} to {version}; "
                              f"this sdrscan cannot open the database")
        with engine.begin() as conn:
            step(conn)
            _set_version(conn, version)
        log.info("migrated store schema %d -> %d", version - 1, version)
    return current
