"""The API token and the binding rules: loopback by default, a token for every write, none without one.

Where the token comes from, first match wins: ``SDRSCAN_API_TOKEN``; ``[api] token`` (TOML or
``SDRSCAN_API__TOKEN``); the token file (``[api] token_file``, default ``api_token`` in the data directory),
generated on first start with mode 0600 and shown once.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from sdrscan.errors import ConfigError
from sdrscan.service.secrets import new_token, read_or_create_secret
from sdrscan.service.settings import ApiSettings
from sdrscan.store.settings import data_dir

TOKEN_ENV = "SDRSCAN_API_TOKEN"
MIN_TOKEN_CHARS = 16


@dataclass(frozen=True, slots=True)
class ApiToken:
    """The bearer token and where it came from (``env``, ``settings``, ``file``); ``created`` = new file."""

    value: str
    source: str
    path: Path | None = None
    created: bool = False

    def matches(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode("utf-8"), self.value.encode("utf-8"))


def token_path(settings: ApiSettings) -> Path:
    return settings.token_file if settings.token_file is not None else data_dir() / "api_token"


def _checked(value: str, where: str) -> str:
    value = value.strip()
    if len(value) < MIN_TOKEN_CHARS:
        raise ConfigError(f"API token from {where} has {len(value)} characters; use at least {MIN_TOKEN_CHARS} "
                          f"(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return value


def resolve_token(settings: ApiSettings, *, create: bool = True) -> ApiToken | None:
    """The service's token (see the module docstring); None only when ``create`` is False and none exists."""
    env = os.environ.get(TOKEN_ENV)
    if env:
        return ApiToken(_checked(env, TOKEN_ENV), "env")
    if settings.token is not None:
        return ApiToken(_checked(settings.token.get_secret_value(), "[api] token"), "settings")
    path = token_path(settings)
    if not create and not path.exists():
        return None
    data, created = read_or_create_secret(path, new_token)
    return ApiToken(_checked(data.decode("utf-8", "replace"), str(path)), "file", path, created)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and names that resolve only to them (``localhost``)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback for i in infos)


def check_bind(host: str, token: ApiToken | None) -> None:
    """Refuse a non-loopback address unless an explicit token was configured (env or settings).

    A generated token file does not count: exposing the service must be a deliberate choice.

    Raises
    ------
    ConfigError
    """
    if is_loopback(host):
        return
    if token is None or token.source == "file":
        raise ConfigError(f"refusing to bind {host}, a non-loopback address, without an API token; set "
                          f"{TOKEN_ENV} (or [api] token) first, or bind 127.0.0.1")
