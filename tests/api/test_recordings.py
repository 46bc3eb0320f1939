"""Uploads: SigMF and raw IQ become jobs whose cells land in the store; bad uploads get a JSON 4xx."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from sdrscan.service.service import Service
from tests.service.helpers import AUTH


def _wait(client: TestClient, job_id: int, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def test_sigmf_upload_becomes_a_job_and_its_cells_land_in_the_store(client: TestClient, service: Service,
                                                                    recordings: dict[str, Path]) -> None:
    meta = recordings["band_b"]
    data = meta.with_name("band_b.sigmf-data")
    with meta.open("rb") as m, data.open("rb") as d:
        r = client.post("/api/v1/recordings", headers=AUTH,
                        files={"meta": ("../../etc/passwd", m), "data": ("../evil.sigmf-data", d)})
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["location"] == f"/api/v1/jobs/{job['id']}"
    assert job["kind"] == "upload" and job["status"] in ("queued", "running", "done")
    assert job["size_bytes"] > data.stat().st_size
    done = _wait(client, job["id"])
    assert done["status"] == "done" and done["progress"] == 1.0 and done["frames"] > 0
    assert done["sample_rate_hz"] == 2.4e6 and done["x_realtime"] > 0
    cells = client.get("/api/v1/cells?sort=arfcn").json()["items"]
    assert [c["arfcn"] for c in cells] == [22, 24, 28, 30]
    # Saved under the service's names in the job's folder; the client's names were only a label.
    saved = sorted(p.name for p in (service.upload_root / str(job["id"])).iterdir())
    assert saved == ["recording.sigmf-data", "recording.sigmf-meta"]
    assert not (service.upload_root.parent / "evil.sigmf-data").exists()
    assert "/" not in job["label"]  # the client's name is only shown, never used as a path


def test_raw_upload_with_its_rate_and_frequency(client: TestClient, recordings: dict[str, Path]) -> None:
    raw = recordings["band_b"].with_name("band_b.sigmf-data").read_bytes()  # cu8 samples
    r = client.post("/api/v1/recordings", headers=AUTH, files={"data": ("capture.cu8", raw)},
                    data={"datatype": "cu8", "sample_rate_hz": "2.4M", "center_freq_hz": "940.2M",
                          "label": "car roof"})
    assert r.status_code == 202, r.text
    assert r.json()["label"] == "car roof"
    assert _wait(client, r.json()["id"])["status"] == "done"
    assert client.get("/api/v1/cells").json()["total"] == 4


def test_bad_uploads_are_refused_with_json_4xx(tmp_path: Path, client: TestClient, service: Service) -> None:
    samples = np.zeros(20_000, np.uint8).tobytes()
    raw = {"datatype": "cu8", "sample_rate_hz": "2.4M", "center_freq_hz": "947.6M"}
    cases = [
        ({"files": {"data": ("x", samples)}, "data": {**raw, "datatype": "cu9"}}, 422, "unknown sample format"),
        ({"files": {"data": ("x", samples)}, "data": {"datatype": "cu8"}}, 422, "sample_rate_hz"),
        ({"files": {"data": ("x", samples)}, "data": {**raw, "sample_rate_hz": "fast"}}, 422, "fast"),
        ({"files": {"meta": ("m", b"{not json"), "data": ("d", samples)}}, 422, "readable"),
        ({"files": {"meta": ("m", b'{"global": {"core:datatype": "cu8"}}'), "data": ("d", samples)}}, 422, ""),
        ({"files": {"evil": ("x", samples), "data": ("d", samples)}}, 422, "unknown form field"),
        ({"files": {"meta": ("m", b"{}")}}, 422, "no data part"),
        ({"data": raw}, 415, "multipart"),  # a plain form without the samples
        ({"files": {"data": ("x", b"")}, "data": raw}, 422, "no whole cu8 sample"),
        ({"content": b"plain", "headers": {"content-type": "text/plain"}}, 415, "multipart"),
        ({"content": b"--xyz\r\nnot a part", "headers": {"content-type": "multipart/form-data; boundary=xyz"}},
         400, ""),
    ]
    for kwargs, status, text in cases:
        headers = {**AUTH, **kwargs.pop("headers", {})}
        r = client.post("/api/v1/recordings", headers=headers, **kwargs)
        assert r.status_code == status, (kwargs, r.text)
        assert text in r.json()["error"]["message"]
        assert str(service.upload_root) not in r.json()["error"]["message"]
    assert client.get("/api/v1/jobs").json()["total"] == 0  # nothing was queued
    assert not any((service.upload_root / ".incoming").iterdir())  # nothing was left on disk


def test_oversized_uploads_are_cut_off(tmp_path: Path) -> None:
    from api.main import create_app
    from sdrscan.service.auth import ApiToken
    from tests.service.helpers import TOKEN, make_settings

    service = Service(make_settings(tmp_path, max_upload_bytes=64 * 1024))
    with TestClient(create_app(service, token=ApiToken(TOKEN, "settings"))) as client:
        big = b"\x80" * 200_000
        r = client.post("/api/v1/recordings", headers=AUTH, files={"data": ("x", big)},
                        data={"datatype": "cu8", "sample_rate_hz": "1M", "center_freq_hz": "947M"})
        assert r.status_code == 413 and "65536" in r.json()["error"]["message"]

        def chunks():  # no Content-Length: counted while streaming
            yield b"--b\r\nContent-Disposition: form-data; name=\"data\"; filename=\"x\"\r\n\r\n"
            for _ in range(10):
                yield b"\x80" * 10_000

        r = client.post("/api/v1/recordings", headers={**AUTH, "content-type": "multipart/form-data; boundary=b"},
                        content=chunks())
        assert r.status_code == 413
        assert not any((service.upload_root / ".incoming").iterdir())
    service.close()
