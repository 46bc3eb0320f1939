"""``GET /api/v1/alerts``, ``GET /alerts/stream`` (SSE), ``GET /alerts/{id}``, ``POST /alerts/{id}/ack``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Header, HTTPException, Path, Query
from fastapi.responses import StreamingResponse

from api.deps import ServiceDep, StoreDep, WriterDep
from api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from api.routes.cells import utc
from api.routes.convert import alert_public
from api.schemas import SEVERITY_LABELS, AckCreate, AlertList, AlertPublic, ErrorBody, EventKind, SeverityName
from sdrscan.store.records import AlertFilter

router = APIRouter(tags=["alerts"])

AlertId = Annotated[int, Path(ge=1, le=2**62, description="Alert id.")]
_NOT_FOUND = {404: {"model": ErrorBody, "description": "No such alert."}}


def _sev(s: SeverityName) -> int:
    return SEVERITY_LABELS.index(s.value)


@router.get("/alerts", response_model=AlertList, summary="List alerts", responses=ERROR_RESPONSES)
def list_alerts(
    store: StoreDep,
    kind: Annotated[list[EventKind], Query(description="alert (default) and/or verdict.")] = [EventKind.alert],  # noqa: B006
    severity: Annotated[list[SeverityName], Query(description="Only these severities.")] = [],  # noqa: B006
    min_severity: Annotated[SeverityName, Query(description="At least this severity.")] = SeverityName.info,
    rule: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z][a-z0-9-]*$", description="Rule id.")] = None,
    cell_id: Annotated[int | None, Query(ge=1, le=2**62, description="Only this cell's.")] = None,
    arfcn: Annotated[int | None, Query(ge=0, le=1023, description="Only cells on this ARFCN.")] = None,
    acked: Annotated[bool | None, Query(description="true: acknowledged only; false: open only.")] = None,
    since: Annotated[datetime | None, Query(description="Evidence at or after (ISO 8601; UTC if no offset).")] = None,
    until: Annotated[datetime | None, Query(description="Evidence at or before.")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Alerts to skip.")] = 0,
) -> AlertList:
    """Alerts (and, with ``kind=verdict``, verdict changes), newest first."""
    flt = AlertFilter(kinds=tuple(k.value for k in kind), min_severity=_sev(min_severity),
                      severities=tuple(_sev(s) for s in severity), rule=rule, cell_id=cell_id, arfcn=arfcn,
                      acked=acked, since=utc(since), until=utc(until))
    page = store.list_events(flt, limit, offset)
    return AlertList(items=[alert_public(r) for r in page.items], total=page.total, limit=limit, offset=offset)


def _sse(row: dict | None) -> str:
    if row is None:
        return ": keepalive\n\n"
    alert = alert_public(row)
    return f"id: {alert.id}\nevent: {alert.kind.value}\ndata: {json.dumps(alert.model_dump(mode='json'))}\n\n"


@router.get("/alerts/stream", summary="Live alerts and verdict changes (Server-Sent Events)",
            response_class=StreamingResponse, responses={
                **ERROR_RESPONSES,
                200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                      "description": "An endless text/event-stream. Each message has 'id' (the alert id), "
                                     "'event' ('alert' or 'verdict') and 'data' (an AlertPublic as JSON); "
                                     "': keepalive' comments keep idle connections open."}})
async def stream_alerts(
    service: ServiceDep,
    after: Annotated[int | None, Query(ge=0, le=2**62, description="Send stored events with a larger id first "
                                                                   "(default: only new ones).")] = None,
    last_event_id: Annotated[str | None, Header(max_length=24, description="Set by EventSource on reconnect; "
                                                                           "same as 'after'.")] = None,
) -> StreamingResponse:
    """New alerts and verdict changes as they are stored, in order; reconnect with Last-Event-ID to miss none."""
    start = after
    if last_event_id is not None and last_event_id.strip():
        if not last_event_id.strip().isdigit():
            raise HTTPException(422, f"Last-Event-ID {last_event_id!r}: expected an alert id")
        start = int(last_event_id)
    hub = service.hub
    keepalive = service.settings.api.sse_keepalive_s

    async def body() -> AsyncIterator[str]:
        yield "retry: 2000\n\n"
        async for row in hub.events(start, keepalive):
            yield _sse(row)

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/alerts/{alert_id}", response_model=AlertPublic, summary="One alert",
            responses={**ERROR_RESPONSES, **_NOT_FOUND})
def get_alert(store: StoreDep, alert_id: AlertId) -> AlertPublic:
    row = store.get_event(alert_id)
    if row is None:
        raise HTTPException(404, f"no alert with id {alert_id}")
    return alert_public(row)


@router.post("/alerts/{alert_id}/ack", response_model=AlertPublic, summary="Acknowledge an alert",
             responses={**WRITE_RESPONSES, **_NOT_FOUND})
def ack_alert(store: StoreDep, _auth: WriterDep, alert_id: AlertId,
              body: Annotated[AckCreate | None, Body(description="Optional note.")] = None) -> AlertPublic:
    """Mark an alert as seen by a person. Idempotent: acknowledging twice keeps the first time and note."""
    row = store.ack_event(alert_id, "api", body.note if body is not None else None)
    if row is None:
        raise HTTPException(404, f"no alert with id {alert_id}")
    return alert_public(row)
