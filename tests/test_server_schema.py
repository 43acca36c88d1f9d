"""Schemathesis against the server's own OpenAPI schema: whatever it sends, no 5xx."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from test_server_fixtures import (  # noqa: E402
    ALICE,
    LiveServer,
    api_server_fixture,  # noqa: F401 (a fixture)
)

AUTH = {"Authorization": f"Bearer {ALICE}"}


def test_no_server_errors_for_any_request_the_schema_allows(api_server: LiveServer) -> None:  # noqa: F811
    schema = schemathesis.openapi.from_url(api_server.url + "/openapi.json", headers=AUTH)
    schema.config.base_url = api_server.url
    operations = [r.ok() for r in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
        "POST /v1/audio/speech",
        "GET /v1/audio/voices",
        "POST /v1/audio/voices",
        "DELETE /v1/audio/voices/{name}",
        "GET /v1/models",
        "GET /health",
        "GET /metrics",
    }
    statuses: dict[str, set[int]] = {}
    for op in operations:
        # Positive and negative examples: schemathesis mutates the schema to send invalid input too.
        @given(
            case=op.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
            | op.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
        )
        @settings(
            max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
        )
        def check(case) -> None:
            response = case.call(headers=AUTH, timeout=60)
            statuses.setdefault(f"{case.method.upper()} {case.path}", set()).add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        check()
    assert all(s < 500 for codes in statuses.values() for s in codes), statuses
    assert 200 in statuses["POST /v1/audio/speech"] and 400 in statuses["POST /v1/audio/speech"], statuses
