"""The probes and the one error format, through HTTP."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker import db
from matchmaker.app import create_app
from matchmaker.settings import Settings
from tests.conftest import SECRET


async def test_health_answers_while_the_process_runs(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": None}


async def test_ready_answers_when_the_database_does(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}


async def test_ready_is_503_in_our_error_format_when_the_database_is_gone(
    database_factory: Any, server_dsn: str
) -> None:
    dsn = await database_factory()
    app = create_app(Settings(database_url=dsn, secret_key=SECRET), dsn=dsn)
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/ready")).status_code == 200
        admin = await db.connect(server_dsn)
        try:
            await admin.execute(f'DROP DATABASE "{db.database_name(dsn)}" WITH (FORCE)')
        finally:
            await admin.close()
        response = await client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "unavailable"
    assert body["message"].startswith("database unavailable")
    assert "Traceback" not in response.text


async def test_unknown_route_is_json_404(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    page = await client.get("/no/such/page")  # outside the API, a person gets a page
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


async def test_openapi_schema_lists_the_probes(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/health" in paths and "/ready" in paths
