"""Push notifications: what is sent, rate limit, retries with backoff, never blocking ingest; real HTTP too."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sdrscan.service.metrics import Metrics
from sdrscan.service.notify import Notifier, Push, build_pushes
from sdrscan.service.settings import NotifySettings

EVENT = {"id": 7, "kind": "alert", "severity": 3, "rule": "empty-ba-list", "message": "Leere Liste — ARFCN 62",
         "arfcn": 62, "bsic": 5, "mcc": 262, "mnc": "01", "lac": 4711, "ci": 1234, "cell_id": 3,
         "time": datetime(2026, 1, 1, tzinfo=UTC), "evidence": {"neighbours": []}}


def _labelled(m: Metrics) -> dict:
    out: dict[str, float] = {}
    for k, v in m.snapshot()[2].get("sdrscan_notifications_total", {}).items():
        out[dict(k)["result"]] = out.get(dict(k)["result"], 0) + v
    return out


def test_pushes_carry_the_event() -> None:
    s = NotifySettings(webhook_url="http://127.0.0.1:9/hook", ntfy_url="http://127.0.0.1:9/topic")
    hook, ntfy = build_pushes(EVENT, s, "http://127.0.0.1:8000/")
    doc = json.loads(hook.body)
    assert (doc["rule"], doc["severity"], doc["lac"], doc["url"]) == ("empty-ba-list", "high", 4711,
                                                                      "http://127.0.0.1:8000/#cell=3")
    assert ntfy.body.decode() == EVENT["message"]
    assert ntfy.headers["Priority"] == "urgent" and "262-01 LAC 4711" in ntfy.headers["Title"]
    assert all(v.encode("latin-1") for v in ntfy.headers.values())


def test_only_severe_enough_events_are_queued_and_a_full_queue_never_blocks() -> None:
    m = Metrics()
    n = Notifier(NotifySettings(webhook_url="http://x/", queue_size=2), m)  # not started: nothing drains
    n.submit({**EVENT, "severity": 2})
    assert n._queue.qsize() == 0
    t0 = time.perf_counter()
    for _ in range(50):
        n.submit(EVENT)
    assert time.perf_counter() - t0 < 0.5
    assert n._queue.qsize() == 2 and _labelled(m) == {"dropped": 48}


def test_rate_limit_per_minute_and_retries_with_backoff() -> None:
    now = [0.0]
    sleeps: list[float] = []
    answers = iter([503, 0, 200] + [200] * 10)
    calls: list[Push] = []

    def post(push: Push, timeout_s: float) -> int:
        calls.append(push)
        code = next(answers)
        if code == 0:
            raise OSError("connection refused")
        return code

    m = Metrics()
    n = Notifier(NotifySettings(webhook_url="http://x/", max_per_minute=2, retries=3), m, post=post,
                 sleep=sleeps.append, clock=lambda: now[0])
    [push] = build_pushes(EVENT, n.settings)
    assert n.send(push) == "sent" and len(calls) == 3 and sleeps == [1.0, 2.0]
    assert n.send(push) == "sent"
    assert n.send(push) == "suppressed"  # third in the same minute
    now[0] = 61.0
    assert n.send(push) == "sent"
    assert _labelled(m) == {"sent": 3, "suppressed": 1}


def test_client_errors_are_not_retried_and_failures_are_counted() -> None:
    calls = []
    m = Metrics()
    n = Notifier(NotifySettings(webhook_url="http://x/", retries=3), m,
                 post=lambda p, t: calls.append(p) or 400, sleep=lambda s: None)
    assert n.send(build_pushes(EVENT, n.settings)[0]) == "failed" and len(calls) == 1
    n2 = Notifier(NotifySettings(webhook_url="http://x/", retries=2), m, post=lambda p, t: 500, sleep=lambda s: None)
    assert n2.send(build_pushes(EVENT, n2.settings)[0]) == "failed"
    assert _labelled(m) == {"failed": 2}


def test_real_http_webhook_and_ntfy_on_loopback() -> None:
    got: list[tuple[str, dict, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append((self.path, dict(self.headers), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    m = Metrics()
    n = Notifier(NotifySettings(webhook_url=f"{base}/hook", ntfy_url=f"{base}/sdrscan"), m)
    n.start()
    n.submit(EVENT)
    deadline = time.monotonic() + 10
    while len(got) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    n.stop()
    server.shutdown()
    paths = sorted(g[0] for g in got)
    assert paths == ["/hook", "/sdrscan"]
    hook = next(g for g in got if g[0] == "/hook")
    assert json.loads(hook[2])["message"] == EVENT["message"] and hook[1]["Content-Type"] == "application/json"
    ntfy = next(g for g in got if g[0] == "/sdrscan")
    assert ntfy[2].decode("utf-8") == EVENT["message"] and ntfy[1]["Priority"] == "urgent"
    assert _labelled(m) == {"sent": 2}
