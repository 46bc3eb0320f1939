"""The ``[store]`` settings section: where the database lives and how often ingest writes to it."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


def data_dir() -> Path:
    """The user's data directory for sdrscan: ``$XDG_DATA_HOME/sdrscan`` (``~/.local/share/sdrscan``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sdrscan"


def default_db_url() -> str:
    """The embedded default: ``sqlite:///<data dir>/sdrscan.db``."""
    return f"sqlite:///{data_dir() / 'sdrscan.db'}"


class StoreSettings(BaseModel):
    """``[store]``: the database URL and the ingest write cadence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = Field(None, description="SQLAlchemy URL (default: SQLite file sdrscan.db in the user's "
                                               "data directory); e.g. sqlite:////var/lib/sdrscan/sdrscan.db")
    flush_interval_s: float = Field(2.0, gt=0.0, le=600.0,
                                    description="signal seconds between two store transactions during ingest "
                                                "(each writes the cells, observations, CCCH windows and events "
                                                "of that chunk)")
    busy_timeout_ms: int = Field(10_000, ge=0, le=600_000,
                                 description="how long a writer waits for a lock before giving up (SQLite)")
    identity_key_file: Path | None = Field(None, description="key of the identity digests (HMAC; mode 0600, "
                                                             "created on first use); default: identity.key in "
                                                             "the user's data directory. Never from a client.")

    def resolved_url(self) -> str:
        return self.url or default_db_url()
