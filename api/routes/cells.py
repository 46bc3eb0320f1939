"""``GET /api/v1/cells`` (filtered, paginated, sorted by threat) and ``GET /api/v1/cells/{id}``."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response

from api.deps import StoreDep
from api.errors import ERROR_RESPONSES
from api.routes.convert import alert_public, cell_public
from api.schemas import (
    CcchWindow,
    CellDetail,
    CellList,
    CellSort,
    Contribution,
    ErrorBody,
    Neighbour,
    Observation,
    VerdictName,
)
from sdrscan.store.records import AlertFilter, CellFilter

router = APIRouter(tags=["cells"])

# The cell listing is what dashboards poll: its JSON is kept per query until the next ingest commit of this
# process (Store.generation), and at most CACHE_S, so changes written by another process show up too.
CACHE_S = 1.0
CACHE_SIZE = 256
_cache: dict[tuple, tuple[int, float, bytes]] = {}

MAX_ARFCN = 1023
MAX_OFFSET = 1_000_000_000
CellId = Annotated[int, Path(ge=1, le=2**62, description="Cell id (from GET /cells).")]


def utc(t: datetime | None) -> datetime | None:
    """Query times without an offset are taken as UTC."""
    return None if t is None else (t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC))


@router.get("/cells", response_model=CellList, summary="List cells", responses=ERROR_RESPONSES)
def list_cells(
    store: StoreDep,
    verdict: Annotated[list[VerdictName], Query(description="Only these verdicts (repeat for several).")] = [],  # noqa: B006
    plmn: Annotated[str | None, Query(pattern=r"^\d{3}-\d{2,3}$", description="'MCC-MNC', e.g. 262-01.")] = None,
    mcc: Annotated[int | None, Query(ge=0, le=999, description="Mobile country code.")] = None,
    mnc: Annotated[str | None, Query(pattern=r"^\d{2,3}$", description="Mobile network code, as broadcast.")] = None,
    arfcn_min: Annotated[int | None, Query(ge=0, le=MAX_ARFCN, description="Lowest ARFCN.")] = None,
    arfcn_max: Annotated[int | None, Query(ge=0, le=MAX_ARFCN, description="Highest ARFCN.")] = None,
    seen_after: Annotated[datetime | None, Query(description="Last seen at or after (ISO 8601; UTC if no "
                                                             "offset).")] = None,
    seen_before: Annotated[datetime | None, Query(description="First seen at or before.")] = None,
    sort: Annotated[CellSort, Query(description="threat (verdict, then score: the default), arfcn, power or "
                                                "last_seen.")] = CellSort.threat,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Cells to skip.")] = 0,
) -> CellList:
    """Cells in the store, most threatening first (rogue, then suspicious, by score), paginated."""
    if arfcn_min is not None and arfcn_max is not None and arfcn_min > arfcn_max:
        raise HTTPException(422, f"arfcn_min={arfcn_min} is above arfcn_max={arfcn_max}")
    flt = CellFilter(tuple(v.value for v in verdict), plmn, mcc, mnc, arfcn_min, arfcn_max, utc(seen_after),
                     utc(seen_before), sort.value)
    key = (id(store), flt, limit, offset)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] == store.generation and now - hit[1] < CACHE_S:
        return Response(hit[2], media_type="application/json")  # type: ignore[return-value]
    page = store.list_cells(flt, limit, offset)
    body = CellList(items=[cell_public(r) for r in page.items], total=page.total, limit=limit,
                    offset=offset).model_dump_json().encode()
    if len(_cache) >= CACHE_SIZE:
        _cache.clear()
    _cache[key] = (store.generation, now, body)
    return Response(body, media_type="application/json")  # type: ignore[return-value]


@router.get("/cells/{cell_id}", response_model=CellDetail, summary="One cell in full",
            responses={**ERROR_RESPONSES, 404: {"model": ErrorBody, "description": "No such cell."}})
def get_cell(store: StoreDep, cell_id: CellId) -> CellDetail:
    """A cell's parameters, neighbour relations, history, and the rules that fired with their reasons."""
    row = store.get_cell(cell_id)
    if row is None:
        raise HTTPException(404, f"no cell with id {cell_id}; list them with GET /api/v1/cells")
    params = row["params"] or {}
    listed = params.get("neighbours") or []
    received = store.cells_on_arfcns(listed)
    neighbours = [Neighbour(arfcn=a, cells=[c for c in received if c["arfcn"] == a and c["id"] != cell_id])
                  for a in listed]
    alerts = store.list_events(AlertFilter(kinds=("alert", "verdict"), cell_id=cell_id), limit=200)
    return CellDetail(
        **cell_public(row).model_dump(),
        contributions=[Contribution(**c) for c in row["contributions"] or ()],
        params=params,
        neighbours=neighbours,
        listed_by=[c for c in store.cells_listing(row["arfcn"]) if c["id"] != cell_id],
        alerts=[alert_public(e) for e in alerts.items],
        observations=[Observation(**o) for o in store.cell_observations(cell_id)],
        ccch_windows=[CcchWindow(**w) for w in store.cell_ccch(cell_id)],
    )
