"""FastAPI application factory: routers per resource under ``/api/v1``, the dashboard at ``/``.

The lifespan starts the service (pipeline worker, notifier, live event hub) and stops it on shutdown, so
Ctrl-C flushes the chunk being decoded. ``create_app(service)`` uses a service built by the caller
(``sdrscan serve``, tests); without one the app builds it from the settings at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api import errors
from api.routes import alerts, cells, dashboard, health, metrics, recordings, spectrum
from api.routes.dashboard import STATIC_DIR
from sdrscan import __version__
from sdrscan.config import Settings, get_settings
from sdrscan.service.auth import ApiToken, resolve_token

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"


def create_app(service: object | None = None, *, settings: Settings | None = None,
               token: ApiToken | None = None) -> FastAPI:
    """The API app.

    Parameters
    ----------
    service : sdrscan.service.service.Service, optional
        The service to expose; default: built from ``settings`` when the app starts (and closed when it stops).
    settings : Settings, optional
        Default: the service's, else :func:`~sdrscan.config.get_settings`.
    token : ApiToken, optional
        The write token; default: :func:`~sdrscan.service.auth.resolve_token` at start-up.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from sdrscan.service.service import Service

        owned = service is None
        svc = Service(settings) if service is None else service
        assert isinstance(svc, Service)
        app.state.service = svc
        app.state.token = token if token is not None else resolve_token(svc.settings.api)
        if owned:
            svc.recover()
        await svc.hub.start()
        svc.start()
        try:
            yield
        finally:
            svc.stop()
            await svc.hub.stop()
            if owned:
                svc.close()

    app = FastAPI(
        title="sdrscan",
        version=__version__,
        description="Passive detection of pseudo GSM base stations (IMSI catchers): cells, alerts, live events, "
                    "recording uploads. Write endpoints need `Authorization: Bearer <token>`.",
        docs_url="/docs",
        lifespan=lifespan,
    )
    errors.install(app)
    origins = (settings or (getattr(service, "settings", None)) or get_settings()).api.cors_origins
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type", "Last-Event-ID"])
    for module in (health, cells, alerts, recordings, metrics, spectrum):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(dashboard.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def __getattr__(name: str) -> FastAPI:
    # ``uvicorn api.main:app``: built on first use, so importing this module reads no settings.
    if name == "app":
        return create_app()
    raise AttributeError(name)
