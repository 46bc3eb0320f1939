"""FastAPI application factory. Routers per resource live in ``api.routes``."""

from __future__ import annotations

from fastapi import FastAPI

from api.routes import health
from sdrscan import __version__


def create_app() -> FastAPI:
    app = FastAPI(
        title="sdrscan",
        version=__version__,
        description="Passive detection of pseudo GSM base stations.",
        docs_url="/docs",
    )
    app.include_router(health.router, prefix="/api/v1")
    return app


app = create_app()
