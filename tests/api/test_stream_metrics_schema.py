"""The live stream over a real loopback server, Prometheus metrics, and the OpenAPI document."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.main import create_app
from sdrscan.service.auth import ApiToken
from sdrscan.service.service import Service
from sdrscan.store.records import AlertFilter
from tests.service.helpers import TOKEN, live_server, make_settings


def _read_events(url: str, n: list[int], out: list, headers: dict | None = None,
                 ready: threading.Event | None = None, timeout_s: float = 60) -> None:
    """Collect SSE messages until ``n[0]`` arrived (``n`` may be set later; keepalives wake the check)."""
    with httpx.stream("GET", url, headers=headers or {}, timeout=timeout_s) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        if ready is not None:
            ready.set()
        event: dict = {}
        for line in r.iter_lines():
            if len(out) >= n[0]:
                return
            if line.startswith("id: "):
                event["id"] = int(line[4:])
            elif line.startswith("event: "):
                event["event"] = line[7:]
            elif line.startswith("data: "):
                event["data"] = json.loads(line[6:])
            elif line == "" and "data" in event:
                out.append(event)
                event = {}
                if len(out) >= n[0]:
                    return


def test_every_sse_client_gets_every_event_in_order_and_can_resume(tmp_path: Path,
                                                                   recordings: dict[str, Path]) -> None:
    service = Service(make_settings(tmp_path, sse_keepalive_s=0.2))
    app = create_app(service, token=ApiToken(TOKEN, "settings"))
    want = [10**9]  # known once the ingest is over: then each client stops when it has them all
    with live_server(app) as base:
        clients, results, readies = [], [], []
        for _ in range(5):
            out: list = []
            ready = threading.Event()
            t = threading.Thread(target=_read_events, args=(f"{base}/api/v1/alerts/stream", want, out),
                                 kwargs={"ready": ready, "timeout_s": 15}, daemon=True)
            t.start()
            clients.append(t)
            results.append(out)
            readies.append(ready)
        assert all(r.wait(10) for r in readies)
        service.add_replay(recordings["band_a"])
        assert service.worker.wait_idle(120)
        stored = service.store.list_events(AlertFilter(kinds=("alert", "verdict")), limit=500,
                                           newest_first=False).items
        assert len(stored) >= 5
        want[0] = len(stored)
        for t in clients:
            t.join(20)
            assert not t.is_alive()
        for out in results:
            assert [e["id"] for e in out] == [e["id"] for e in stored]
            assert [e["event"] for e in out] == [e["kind"] for e in stored]
        # Reconnecting with Last-Event-ID resends exactly what came after it.
        mid = stored[len(stored) // 2]["id"]
        resumed: list = []
        _read_events(f"{base}/api/v1/alerts/stream", [len(stored) - len(stored) // 2 - 1], resumed,
                     headers={"Last-Event-ID": str(mid)})
        assert [e["id"] for e in resumed] == [e["id"] for e in stored if e["id"] > mid]
        assert resumed[0]["data"]["message"]
        bad = httpx.get(f"{base}/api/v1/alerts/stream", headers={"Last-Event-ID": "abc"})
        assert bad.status_code == 422 and bad.json()["error"]["status"] == 422
    service.close()


def test_metrics_parse_as_prometheus_text(client: TestClient, service: Service, recordings: dict[str, Path]) -> None:
    service.add_replay(recordings["band_a"])
    assert service.worker.wait_idle(120)
    r = client.get("/api/v1/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(r.text)}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}
    assert samples[("sdrscan_samples_processed_total", ())] == 7_200_000
    assert samples[("sdrscan_signal_seconds_total", ())] == 3.0
    assert samples[("sdrscan_x_realtime", ())] > 1.0
    assert samples[("sdrscan_blocks_total", (("result", "ok"),))] > 500
    assert ("sdrscan_blocks_total", (("result", "failed"),)) in samples
    assert samples[("sdrscan_cells", (("verdict", "rogue"),))] == 1
    assert samples[("sdrscan_cells", (("verdict", "ok"),))] == 4
    assert sum(v for (n, _), v in samples.items() if n == "sdrscan_alerts") == service.store.list_events().total
    assert samples[("sdrscan_dropped_samples_total", ())] == 0
    assert samples[("sdrscan_job_queue_length", ())] == 0
    assert samples[("sdrscan_jobs", (("status", "done"),))] == 1


def test_every_model_field_and_route_is_documented(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    undocumented = []
    for name, schema in doc["components"]["schemas"].items():
        if name in ("HTTPValidationError", "ValidationError"):
            continue
        if not schema.get("description") and schema.get("type") == "object":
            undocumented.append(name)
        for prop, spec in schema.get("properties", {}).items():
            if not spec.get("description") and not spec.get("$ref") and not spec.get("allOf"):
                undocumented.append(f"{name}.{prop}")
    assert undocumented == []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), f"{method} {path}"
            for p in op.get("parameters", []):
                assert p.get("description") or p["in"] == "path" and p["schema"].get("description"), \
                    f"{method} {path} {p['name']}"
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
