"""Cells and alerts over HTTP: filters, detail, acknowledgement, JSON errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.helpers import AUTH


def test_cells_are_listed_by_threat_and_filtered(ingested: TestClient) -> None:
    body = ingested.get("/api/v1/cells").json()
    assert body["total"] == 5
    first = body["items"][0]
    assert (first["arfcn"], first["verdict"]) == (62, "rogue") and "empty-ba-list" in first["rules"]
    assert [c["arfcn"] for c in ingested.get("/api/v1/cells?verdict=rogue").json()["items"]] == [62]
    assert {c["plmn"] for c in ingested.get("/api/v1/cells?plmn=262-02").json()["items"]} == {"262-02"}
    in_range = ingested.get("/api/v1/cells?arfcn_min=59&arfcn_max=64&sort=arfcn").json()["items"]
    assert [c["arfcn"] for c in in_range] == [60, 62, 64]
    page = ingested.get("/api/v1/cells?limit=2&offset=2&sort=arfcn").json()
    assert page["total"] == 5 and [c["arfcn"] for c in page["items"]] == [62, 64]
    assert ingested.get("/api/v1/cells?seen_after=2100-01-01T00:00:00").json()["total"] == 0


def test_cell_detail_explains_the_rogue(ingested: TestClient) -> None:
    rogue = ingested.get("/api/v1/cells?verdict=rogue").json()["items"][0]
    d = ingested.get(f"/api/v1/cells/{rogue['id']}").json()
    assert d["params"]["t3212"] == 1 and d["params"]["cro"] == 30 and d["params"]["neighbours"] == []
    assert d["neighbours"] == [] and d["listed_by"] == []
    assert {c["rule"] for c in d["contributions"]} >= {"empty-ba-list", "low-t3212", "reselection-boost"}
    assert all(c["message"] for c in d["contributions"])
    assert d["alerts"] and d["observations"] and d["ccch_windows"]
    legit = ingested.get("/api/v1/cells?plmn=262-01&verdict=ok&sort=arfcn").json()["items"][0]  # ARFCN 58
    d = ingested.get(f"/api/v1/cells/{legit['id']}").json()
    seen = {n["arfcn"]: n["cells"] for n in d["neighbours"]}
    assert [c["bsic"] for c in seen[60]] == [43] and seen[10] == []  # received vs outside the capture
    assert {c["arfcn"] for c in d["listed_by"]} == {60, 64}


def test_alerts_filter_and_acknowledge(ingested: TestClient) -> None:
    alerts = ingested.get("/api/v1/alerts").json()
    assert alerts["total"] >= 3 and all(a["kind"] == "alert" for a in alerts["items"])
    ids = [a["id"] for a in alerts["items"]]
    assert ids == sorted(ids, reverse=True)
    both = ingested.get("/api/v1/alerts?kind=alert&kind=verdict").json()
    assert any(a["kind"] == "verdict" and a["evidence"]["new"] == "rogue" for a in both["items"])
    medium = ingested.get("/api/v1/alerts?min_severity=medium").json()["items"]
    assert medium and all(a["severity"] in ("medium", "high") for a in medium)
    target = alerts["items"][0]["id"]
    r = ingested.post(f"/api/v1/alerts/{target}/ack", json={"note": "checked on site"}, headers=AUTH)
    assert r.status_code == 200 and r.json()["ack_note"] == "checked on site" and r.json()["acked_at"]
    assert target not in [a["id"] for a in ingested.get("/api/v1/alerts?acked=false&limit=500").json()["items"]]
    assert ingested.post("/api/v1/alerts/999999/ack", headers=AUTH).status_code == 404


def test_errors_are_json_4xx(ingested: TestClient) -> None:
    for url, status in (("/api/v1/cells?limit=0", 422), ("/api/v1/cells?verdict=evil", 422),
                        ("/api/v1/cells?arfcn_min=9&arfcn_max=3", 422), ("/api/v1/cells?seen_after=yesterday", 422),
                        ("/api/v1/cells/0", 422), ("/api/v1/cells/123456", 404), ("/api/v1/nope", 404),
                        ("/api/v1/alerts?rule=DROP%20TABLE", 422), ("/api/v1/jobs/77", 404)):
        r = ingested.get(url)
        assert r.status_code == status, url
        err = r.json()["error"]
        assert err["status"] == status and err["message"] and "\n" not in err["message"]
    r = ingested.post("/api/v1/alerts/1/ack", json={"note": "x" * 501}, headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


def test_writes_need_the_token_and_no_cors_by_default(ingested: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong-token-000000000"}, {"Authorization": "Basic abc"}):
        r = ingested.post("/api/v1/alerts/1/ack", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert r.headers["www-authenticate"] == "Bearer"
        assert ingested.post("/api/v1/recordings", headers=headers).status_code == 401
    r = ingested.get("/api/v1/cells", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_spectrum_health_and_docs(ingested: TestClient) -> None:
    spec = ingested.get("/api/v1/spectrum").json()
    arfcns = [p["arfcn"] for p in spec["points"]]
    assert arfcns == sorted(arfcns) and 62 in arfcns
    strongest = max(spec["points"], key=lambda p: p["power_dbfs"])
    assert strongest["arfcn"] == 62  # the pseudo base station is the loudest carrier of the capture
    assert ingested.get("/docs").status_code == 200
    page = ingested.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    assert ingested.get("/static/app.js").status_code == 200
