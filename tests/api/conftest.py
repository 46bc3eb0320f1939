"""An app on a temporary store with the demo survey's capture A already ingested."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from sdrscan.service.auth import ApiToken
from sdrscan.service.service import Service
from tests.service.helpers import TOKEN, demo_recordings, make_settings


@pytest.fixture(scope="session")
def recordings() -> dict[str, Path]:
    return demo_recordings()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    svc = Service(make_settings(tmp_path))
    yield svc
    svc.close()


@pytest.fixture
def client(service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(service, token=ApiToken(TOKEN, "settings"))) as c:
        yield c


@pytest.fixture
def ingested(service: Service, client: TestClient, recordings: dict[str, Path]) -> TestClient:
    service.add_replay(recordings["band_a"])
    assert service.worker.wait_idle(120)
    return client
