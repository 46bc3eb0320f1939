"""Run the API app with uvicorn in the foreground until Ctrl-C / SIGTERM (``serve`` and the demo share it)."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any


def run_server(app: Any, host: str, port: int, *, on_ready: Callable[[], None] | None = None) -> None:
    """Serve ``app`` until SIGINT/SIGTERM; ``on_ready`` runs on a helper thread once the socket listens.

    The app's lifespan stops the pipeline worker (which flushes its chunk) before this returns. The first
    signal asks for a graceful stop, a second one forces it. Unlike plain uvicorn, the signal is not raised
    again afterwards: Ctrl-C is the normal way to stop the service and ends with status 0.
    """
    import uvicorn

    class _Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on",
                            timeout_graceful_shutdown=5)
    server = _Server(config)
    if on_ready is not None:
        def wait_ready() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started:
                on_ready()

        threading.Thread(target=wait_ready, name="sdrscan-ready", daemon=True).start()
    server.run()
