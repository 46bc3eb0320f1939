from fastapi.testclient import TestClient


def test_health_answers_ok(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["store"] == "ok" and body["worker"] == "running"
