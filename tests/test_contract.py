"""The OpenAPI description is a contract the server keeps: a bounded Schemathesis run.

Every operation of ``/schema/openapi.json`` gets generated requests — valid ones and ones that
break the schema — each sent as one of the roles, drawn like the rest of the input (anonymous,
community staff, partner, coordinator, admin), to the app in-process on the demo data. Each answer must not be a server error, and
its status, content type, headers and body must be the ones the description documents. The run is
seeded (Hypothesis derandomised) and bounded (``EXAMPLES`` per operation), so it finds the same
things every time and takes a minute or two; it has its own marker, ``contract`` (CI runs it once).
"""

from __future__ import annotations

from typing import Any

import asyncpg
import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from matchmaker.app import create_app
from matchmaker.settings import Settings
from tests.conftest import SECRET

pytestmark = pytest.mark.contract

#: Generated requests per operation (over all roles, valid and invalid together), and fewer for
#: sign-in, where each request verifies a password (argon2, slow by design): enough to pass the
#: address limit (20 a minute) and meet its 429.
EXAMPLES = 50
FEWER = {"login": 25}
#: The demo user of each role; None is the anonymous caller.
ROLES = {
    "anonymous": None,
    "community_staff": "staff",
    "partner": "partner",
    "coordinator": "coordinator",
    "admin": "admin",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _tokens(schema: Any) -> dict[str, dict[str, str]]:
    """Each role's ``Authorization`` header, signed in through the API itself."""
    login = schema["/api/v1/auth/login"]["POST"]
    headers: dict[str, dict[str, str]] = {}
    for role, username in ROLES.items():
        if username is None:
            headers[role] = {}
            continue
        answer = login.Case(body={"username": username, "password": "matchmaker-demo"}).call()
        assert answer.status_code == 200, answer.text
        headers[role] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    return headers


def _exercise(operation: Any, headers: dict[str, dict[str, str]]) -> str | None:
    """Run the bounded, seeded generation for one operation; the first failure, or None."""
    cases = st.one_of(
        operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
    )
    name = operation.definition.raw.get("operationId")
    seen: list[str] = []

    @hypothesis.settings(
        max_examples=FEWER.get(name, EXAMPLES),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=cases, role=st.sampled_from(sorted(headers)))
    def run(case: Any, role: str) -> None:
        try:
            response = case.call(headers=headers[role])
            case.validate_response(response, checks=CHECKS, headers=headers[role])
        except BaseException as exc:  # Schemathesis' failures (one per broken check), or a crash
            seen.append(f"{role}: {type(exc).__name__}: {exc}\n{case.as_curl_command()}")
            raise

    try:
        run()
    except Exception as exc:
        return seen[0] if seen else str(exc)
    return None


@pytest.mark.timeout(600)  # a minute or two on a busy machine: past the suite's 300 s per test
async def test_every_operation_keeps_its_contract_for_every_role(
    seeded: asyncpg.Connection, database_dsn: str
) -> None:
    app = create_app(
        # the round worker stays out: a queued round is what the API answers with
        Settings(database_url=database_dsn, secret_key=SECRET, pool_min=1, pool_max=4,
                 worker="none"),
        dsn=database_dsn,
    )  # fmt: skip
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    try:
        headers = _tokens(schema)
        failures: list[str] = []
        operations = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            failure = _exercise(operation, headers)
            if failure is not None:
                failures.append(f"{operation.label}: {failure}")
        assert operations >= 60
        assert failures == [], "\n\n".join(failures)
    finally:
        asgi.shutdown_lifespans()
