"""``GET /api/v1/health``: liveness of the service."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from sdrscan import __version__

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Liveness answer."""

    status: str = Field(description="'ok' when the service answers requests.")
    version: str = Field(description="sdrscan version.")


@router.get("/health", response_model=Health, summary="Is the service up?")
def health() -> Health:
    return Health(status="ok", version=__version__)
