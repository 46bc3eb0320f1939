"""Secrets the service keeps on disk: the API token and the identity-digest key, each in a 0600 file."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from sdrscan.errors import ConfigError


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"secret file {path} is readable by others (mode {mode:o}); run chmod 600 {path}")


def read_or_create_secret(path: Path, make: Callable[[], bytes]) -> tuple[bytes, bool]:
    """The content of the 0600 file ``path``, creating it with ``make()`` (bytes) if absent.

    Returns the secret and whether it was created now. Creation is atomic (``O_EXCL``): two processes
    starting at once end up with the same secret.

    Raises
    ------
    ConfigError
        The file is readable by group/others, empty, or cannot be created.
    """
    path = path.expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _check_private(path)
        data = path.read_bytes().strip()
        if not data:
            raise ConfigError(f"secret file {path} is empty; delete it to have a new one made") from None
        return data, False
    except OSError as exc:
        raise ConfigError(f"cannot create secret file {path} ({exc.strerror}); choose another path") from None
    data = make()
    with os.fdopen(fd, "wb") as f:
        f.write(data + b"\n")
    return data, True


def new_token() -> bytes:
    """A URL-safe random token (256 bits)."""
    return secrets.token_urlsafe(32).encode("ascii")


def new_key() -> bytes:
    """A random 256-bit key, hex encoded (the file stays printable)."""
    return secrets.token_hex(32).encode("ascii")
