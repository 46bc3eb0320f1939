"""``GET /api/v1/health``: liveness of the service, its store and its pipeline worker."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.schemas import Health
from sdrscan import __version__

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Is the service up?")
def health(service: ServiceDep) -> Health:
    """'ok' when the API answers, the store answers a query and the pipeline worker runs."""
    store_ok = service.store.ping()
    worker = "running" if service.worker.alive else ("stopped" if service.started else "none")
    ok = store_ok and worker != "stopped"
    return Health(status="ok" if ok else "degraded", version=__version__, store="ok" if store_ok else "unreachable",
                  worker=worker, queue=service.worker.queue_length)
