"""The ``[api]`` settings section: where the service listens, its token, uploads and push notifications.

``SDRSCAN_API_TOKEN`` (the documented name) is read as well as ``SDRSCAN_API__TOKEN`` (the nested form);
see :mod:`sdrscan.service.auth`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from sdrscan.detection.event import Severity
from sdrscan.detection.rule import SeveritySetting


class NotifySettings(BaseModel):
    """``[api.notify]``: push high-severity events to a webhook and/or an ntfy-style topic URL."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    webhook_url: str | None = Field(None, description="POST each event as JSON to this URL")
    ntfy_url: str | None = Field(None, description="POST each event as a text message to this ntfy topic URL "
                                                   "(e.g. https://ntfy.example.org/sdrscan)")
    ntfy_token: SecretStr | None = Field(None, description="bearer token for the ntfy server, if it needs one")
    min_severity: SeveritySetting = Field(Severity.HIGH, description="events from this severity up are pushed")
    max_per_minute: int = Field(6, ge=1, le=600, description="at most this many pushes per minute per target; "
                                                             "the rest are counted as suppressed")
    retries: int = Field(3, ge=0, le=10, description="retries per push after the first attempt (backoff 1, 2, 4 s)")
    timeout_s: float = Field(5.0, gt=0.0, le=60.0)
    queue_size: int = Field(100, ge=1, le=10_000, description="pending pushes; beyond this they are dropped "
                                                              "and counted (ingest never waits)")


class ApiSettings(BaseModel):
    """``[api]``: binding, authentication, uploads, CORS, live stream and notifications."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", description="address to bind; a non-loopback address needs a token")
    port: int = Field(8000, ge=0, le=65535)
    token: SecretStr | None = Field(None, description="bearer token for write endpoints (also SDRSCAN_API_TOKEN); "
                                                      "default: generated into token_file on first start")
    token_file: Path | None = Field(None, description="where the generated token is kept (mode 0600); "
                                                      "default: api_token in the user's data directory")
    upload_dir: Path | None = Field(None, description="where uploaded recordings are written; "
                                                      "default: uploads/ in the user's data directory")
    max_upload_bytes: int = Field(2 * 1024**3, ge=1024, description="largest accepted upload (all parts)")
    cors_origins: tuple[str, ...] = Field((), description="origins allowed by CORS; none by default")
    sse_keepalive_s: float = Field(15.0, gt=0.0, le=300.0, description="comment line sent on an idle stream")
    notify: NotifySettings = Field(default_factory=NotifySettings)
