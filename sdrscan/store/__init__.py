"""The store: every run, cell, observation, CCCH window, event and baseline cell, in SQL (see ``docs/service.md``).

:class:`~sdrscan.store.store.Store` is the only way in; it is written against SQLAlchemy Core so the embedded
SQLite default (WAL mode) can later be swapped for PostgreSQL by changing the URL.
"""

from sdrscan.store.records import (
    AlertFilter,
    BandPower,
    CcchWindowRow,
    CellFilter,
    CellState,
    EventRow,
    IngestBatch,
    ObservationRow,
    Page,
    RunUpdate,
)
from sdrscan.store.settings import StoreSettings, default_db_url
from sdrscan.store.store import Store, open_store

__all__ = [
    "AlertFilter", "BandPower", "CcchWindowRow", "CellFilter", "CellState", "EventRow", "IngestBatch",
    "ObservationRow", "Page", "RunUpdate", "Store", "StoreSettings", "default_db_url", "open_store",
]
