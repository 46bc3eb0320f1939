"""Helpers shared by the store, service, API and end-to-end tests: settings on a temporary folder, demo data."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sdrscan.config import Settings, load_settings

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_settings(tmp: Path, **api: Any) -> Settings:
    """Settings whose store, secrets and uploads all live under ``tmp`` (never the user's data directory)."""
    return load_settings(
        store={"url": f"sqlite:///{tmp / 'store.db'}", "identity_key_file": str(tmp / "identity.key"),
               "flush_interval_s": 0.5},
        api={"token": TOKEN, "upload_dir": str(tmp / "uploads"), "token_file": str(tmp / "api_token"), **api})


def demo_recordings() -> dict[str, Path]:
    """The demo survey (synthesized once into recordings/generated/, like ``make run``), by stem."""
    from sdrscan.demo import prepare

    return {p.name.removesuffix(".sigmf-meta"): p for p in prepare(echo=False)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn on a loopback port in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
