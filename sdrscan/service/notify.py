"""Push notifications of high-severity events: a webhook (JSON) and an ntfy-style topic (text), off the ingest path.

The worker hands events to :meth:`Notifier.submit`, which only puts them on a bounded queue (never blocks:
a full queue drops and counts). One background thread sends them: per target at most
``max_per_minute`` in any 60 s (the rest are counted as suppressed, not queued for later: a burst of alerts
about one rogue cell should not page someone forty times), each POST retried ``retries`` times with
exponential backoff (1, 2, 4 ... s) on a network error or a 5xx/429 answer.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sdrscan.service.metrics import Metrics
from sdrscan.service.settings import NotifySettings

log = logging.getLogger(__name__)

_NTFY_PRIORITY = {3: "urgent", 2: "high", 1: "default", 0: "low"}


@dataclass(frozen=True, slots=True)
class Push:
    """One HTTP POST to send."""

    target: str  # "webhook" | "ntfy"
    url: str
    body: bytes
    headers: Mapping[str, str]


def _post(push: Push, timeout_s: float) -> int:
    req = urllib.request.Request(push.url, data=push.body, headers=dict(push.headers), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310 - URL from settings only
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def build_pushes(event: Mapping[str, Any], settings: NotifySettings, base_url: str | None = None) -> list[Push]:
    """The POSTs for one stored event (a row of the ``events`` table as the API shows it)."""
    out: list[Push] = []
    sev = int(event["severity"])
    label = {0: "info", 1: "low", 2: "medium", 3: "high"}.get(sev, str(sev))
    where = f"ARFCN {event['arfcn']} BSIC {event['bsic']}"
    ident = event.get("mcc"), event.get("mnc"), event.get("lac"), event.get("ci")
    if None not in ident:
        where += f" ({ident[0]:03d}-{ident[1]} LAC {ident[2]} CI {ident[3]})"
    if settings.webhook_url:
        doc = {"source": "sdrscan", "id": event["id"], "kind": event["kind"], "severity": label,
               "rule": event["rule"], "message": event["message"], "arfcn": event["arfcn"], "bsic": event["bsic"],
               "mcc": ident[0], "mnc": ident[1], "lac": ident[2], "ci": ident[3],
               "time": event["time"].isoformat() if event.get("time") is not None else None,
               "evidence": event.get("evidence", {})}
        if base_url:
            doc["url"] = f"{base_url.rstrip('/')}/#cell={event.get('cell_id')}"
        out.append(Push("webhook", settings.webhook_url, json.dumps(doc, default=str).encode("utf-8"),
                        {"Content-Type": "application/json", "User-Agent": "sdrscan"}))
    if settings.ntfy_url:
        headers = {"Title": f"sdrscan {label}: {event['rule']} on {where}"[:250],
                   "Priority": _NTFY_PRIORITY.get(sev, "default"), "Tags": "rotating_light",
                   "Content-Type": "text/plain; charset=utf-8", "User-Agent": "sdrscan"}
        if settings.ntfy_token is not None:
            headers["Authorization"] = f"Bearer {settings.ntfy_token.get_secret_value()}"
        if base_url:
            headers["Click"] = f"{base_url.rstrip('/')}/#cell={event.get('cell_id')}"
        # HTTP header values must be latin-1; the message goes in the UTF-8 body.
        headers = {k: v.encode("latin-1", "replace").decode("latin-1") for k, v in headers.items()}
        out.append(Push("ntfy", settings.ntfy_url, str(event["message"]).encode("utf-8"), headers))
    return out


class Notifier:
    """Sends pushes from a bounded queue on its own thread (see the module docstring).

    Parameters
    ----------
    settings : NotifySettings
    metrics : Metrics
        Counts ``sdrscan_notifications_total{target, result}``.
    post : callable, optional
        ``post(push, timeout_s) -> HTTP status``; tests replace it. Default: urllib.
    sleep, clock : callable, optional
        Injected for tests (backoff and the rate-limit window).
    """

    def __init__(self, settings: NotifySettings, metrics: Metrics, *, base_url: str | None = None,
                 post: Callable[[Push, float], int] = _post, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.metrics = metrics
        self.base_url = base_url
        self._post, self._sleep, self._clock = post, sleep, clock
        self._queue: queue.Queue[Push | None] = queue.Queue(maxsize=settings.queue_size)
        self._sent: dict[str, deque[float]] = {}
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.settings.webhook_url or self.settings.ntfy_url)

    def start(self) -> None:
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sdrscan-notify", daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        if self._thread is not None:
            try:
                self._queue.put_nowait(None)
            except queue.Full:
                pass
            self._thread.join(timeout_s)
            self._thread = None

    def _count(self, target: str, result: str) -> None:
        self.metrics.inc_labelled("sdrscan_notifications_total", {"target": target, "result": result})

    def submit(self, event: Mapping[str, Any]) -> None:
        """Queue the pushes for one stored event if it is severe enough; never blocks."""
        if not self.enabled or int(event["severity"]) < int(self.settings.min_severity):
            return
        for push in build_pushes(event, self.settings, self.base_url):
            try:
                self._queue.put_nowait(push)
            except queue.Full:
                self._count(push.target, "dropped")
                log.warning("notification queue full; %s push for event %s dropped", push.target, event.get("id"))

    def _allowed(self, target: str) -> bool:
        now = self._clock()
        sent = self._sent.setdefault(target, deque())
        while sent and now - sent[0] >= 60.0:
            sent.popleft()
        if len(sent) >= self.settings.max_per_minute:
            return False
        sent.append(now)
        return True

    def send(self, push: Push) -> str:
        """Rate-limit, then POST with retries; returns the result counted (sent, failed, suppressed)."""
        if not self._allowed(push.target):
            self._count(push.target, "suppressed")
            return "suppressed"
        delay = 1.0
        for attempt in range(self.settings.retries + 1):
            try:
                status = self._post(push, self.settings.timeout_s)
            except (OSError, ValueError) as exc:  # URLError is an OSError; ValueError: malformed URL
                status, why = 0, str(exc)
            else:
                why = f"HTTP {status}"
            if 200 <= status < 300:
                self._count(push.target, "sent")
                return "sent"
            if 400 <= status < 500 and status not in (408, 429):
                break  # the request itself is wrong: retrying will not help
            if attempt < self.settings.retries:
                self._sleep(delay)
                delay *= 2
        log.warning("%s notification to %s failed (%s)", push.target, push.url, why)
        self._count(push.target, "failed")
        return "failed"

    def _run(self) -> None:
        while True:
            push = self._queue.get()
            if push is None:
                return
            try:
                self.send(push)
            except Exception:  # a bug here must not kill notifications for the rest of the run
                log.exception("notification failed")
                self._count(push.target, "failed")
