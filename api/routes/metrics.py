"""``GET /api/v1/metrics``: Prometheus text exposition of the service's counters and the store's counts."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from api.deps import ServiceDep
from sdrscan.service.metrics import render

router = APIRouter(tags=["metrics"])


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics",
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "Prometheus text format 0.0.4: samples processed, x-real-time, "
                                            "blocks ok/failed, cells by verdict, alerts by severity, dropped "
                                            "samples, job queue, store and notification counters."}})
def metrics(service: ServiceDep) -> PlainTextResponse:
    body = render(service.metrics, service.store.counts(), service.worker.queue_length, service.hub.clients)
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
