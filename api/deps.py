"""Dependencies, as ``Annotated`` aliases so route signatures read like prose."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sdrscan.config import Settings
from sdrscan.service.auth import ApiToken
from sdrscan.service.service import Service
from sdrscan.store.store import Store

_bearer = HTTPBearer(auto_error=False, description="The service's API token (SDRSCAN_API_TOKEN, or the file "
                                                   "printed on first start). Needed by every write endpoint.")


def get_service(request: Request) -> Service:
    return request.app.state.service


def get_store(request: Request) -> Store:
    return request.app.state.service.store


def get_settings(request: Request) -> Settings:
    return request.app.state.service.settings


def require_token(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str:
    """Check the bearer token of a write request; 401 without one or with a wrong one."""
    token: ApiToken = request.app.state.token
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "this endpoint needs 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    if not token.matches(credentials.credentials):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong API token", headers={"WWW-Authenticate": "Bearer"})
    return "token"


ServiceDep = Annotated[Service, Depends(get_service)]
StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
WriterDep = Annotated[str, Depends(require_token)]
