"""Property-based run over the OpenAPI schema (schemathesis): no 5xx, every answer as documented.

The endless ``/alerts/stream`` is left out (tested over a real server in test_stream_metrics_schema.py).
Requests carry the token, so write endpoints are exercised past authentication.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from sdrscan.service.auth import ApiToken
from sdrscan.service.service import Service
from tests.service.helpers import AUTH, TOKEN, make_settings

_tmp = Path(tempfile.mkdtemp(prefix="sdrscan-schemathesis-"))
_service = Service(make_settings(_tmp, max_upload_bytes=1024 * 1024))
_app = create_app(_service, token=ApiToken(TOKEN, "settings"))
# The app's state without its lifespan (schemathesis calls the ASGI app directly): no worker thread runs, so
# accepted uploads just stay queued; the event hub is started for the metrics' client count only.
_app.state.service = _service
_app.state.token = ApiToken(TOKEN, "settings")

schema = schemathesis.openapi.from_asgi("/openapi.json", _app)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.exclude(path="/api/v1/alerts/stream").parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case) -> None:
    case.call_and_validate(headers=AUTH, checks=CHECKS)


def teardown_module() -> None:
    asyncio.run(_service.hub.stop())
    _service.close()
