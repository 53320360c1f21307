"""schemathesis against /openapi.json (bounded): no 5xx, every response as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Keys, LiveServer

# Uploads start jobs; /test-boom (added by the tests' app) crashes on purpose.
EXCLUDED_PATHS = r"^/(screen|test-boom)$"


@pytest.fixture
def api_schema(live: LiveServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live.url}/openapi.json")


openapi = schemathesis.pytest.from_fixture("api_schema").exclude(path_regex=EXCLUDED_PATHS)


@openapi.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_openapi_conformance(case: schemathesis.Case, api_keys: Keys) -> None:
    case.call_and_validate(
        headers={"Authorization": f"ApiKey {api_keys.admin}"},
        timeout=30,
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
        excluded_checks=[
            schemathesis.checks.negative_data_rejection,
            schemathesis.checks.positive_data_acceptance,
        ],
    )
