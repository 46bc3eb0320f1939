"""``GET /api/v1/health``: liveness of the service, its store and its pipeline worker."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.schemas import Health, LiveHealth
from sdrscan import __version__

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Is the service up?")
def health(service: ServiceDep) -> Health:
    """'ok' when the API answers, the store answers a query, the pipeline worker runs and the live source (if
    any) streams or starts; 'degraded' while it reconnects or after it failed."""
    store_ok = service.store.ping()
    worker = "running" if service.worker.alive else ("stopped" if service.started else "none")
    live = LiveHealth(**service.live.status()) if service.live is not None else None
    ok = store_ok and worker != "stopped" and (live is None or live.state in ("starting", "running", "stopping"))
    return Health(status="ok" if ok else "degraded", version=__version__, store="ok" if store_ok else "unreachable",
                  worker=worker, queue=service.worker.queue_length, live=live)
