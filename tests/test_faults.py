"""Faults of the database as clients see them: 503 with ``Retry-After``, never a 500 or a hang.

One world: an app whose pool has a single connection, on a database of its own that the test
first holds busy and then makes unreachable (its connections terminated, new ones refused).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker import db
from matchmaker.app import create_app
from matchmaker.errors import Invalid
from matchmaker.seed import load_demo
from matchmaker.settings import Settings
from tests.conftest import SECRET

#: The test's (small) bound on waiting for a pooled connection.
POOL_TIMEOUT = 0.5
API_READ = "/api/v1/opportunities?limit=1"


@pytest.fixture
async def world(
    database_factory: Any, server_dsn: str
) -> AsyncIterator[tuple[Litestar, AsyncTestClient[Litestar], asyncpg.Connection, str]]:
    """(app, client, an administrative connection, the app's database name)."""
    dsn = await database_factory()
    seeding = await db.connect(dsn)
    try:
        await load_demo(seeding)
    finally:
        await seeding.close()
    settings = Settings(
        database_url=dsn, secret_key=SECRET, pool_min=1, pool_max=1, worker="none",
        pool_timeout_seconds=POOL_TIMEOUT,
    )  # fmt: skip
    app = create_app(settings, dsn=dsn)
    admin = await db.connect(server_dsn)
    name = db.database_name(dsn)
    try:
        async with AsyncTestClient(app=app) as client:
            yield app, client, admin, name
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


def _assert_unavailable_json(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert body["error"] == "unavailable" and body["status"] == 503
    assert "try again" in body["message"]
    assert "Traceback" not in response.text


def _assert_unavailable_page(response: Any) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["content-type"].startswith("text/html")
    assert "服务暂时不可用" in response.text


async def test_a_busy_or_gone_database_answers_503_with_retry_after(world: Any) -> None:
    app, client, admin, name = world
    login = await client.post(
        "/api/v1/auth/login", json={"username": "staff", "password": "matchmaker-demo"}
    )
    assert login.status_code == 200, login.text
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await client.get(API_READ)).status_code == 200
    assert (await client.get("/board")).status_code == 200

    # pool exhausted: the test holds the only connection; requests give up at the bound
    held = await app.state.pool.acquire()
    try:
        busy = await client.get(API_READ)
        _assert_unavailable_json(busy)
        assert f"within {POOL_TIMEOUT:g} s" in busy.json()["message"]
        assert busy.headers["retry-after"] == "1"  # the bound, rounded up to whole seconds
        _assert_unavailable_json(await client.get("/api/v1/auth/me", headers=bearer))
        _assert_unavailable_page(await client.get("/board"))
    finally:
        await app.state.pool.release(held)
    assert (await client.get(API_READ)).status_code == 200

    # database gone: its connections are terminated and new ones refused
    await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    terminated = await admin.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1", name
    )
    assert terminated >= 1  # the pool's connection
    for _ in range(2):  # the broken connection, then the refused reconnection
        _assert_unavailable_json(await client.get(API_READ))
    _assert_unavailable_json(await client.get("/api/v1/auth/me", headers=bearer))
    _assert_unavailable_json(
        await client.post(
            "/api/v1/auth/login", json={"username": "staff", "password": "matchmaker-demo"}
        )
    )
    _assert_unavailable_page(await client.get("/board"))
    english = await client.get("/board?lang=en")
    assert english.status_code == 503 and "briefly unavailable" in english.text
    ready = await client.get("/ready")
    assert ready.status_code == 503 and int(ready.headers["retry-after"]) >= 1

    # back: the same app answers again without a restart
    await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert (await client.get(API_READ)).status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=bearer)).status_code == 200
    assert (await client.get("/ready")).status_code == 200


def test_the_pool_timeout_is_a_setting() -> None:
    assert Settings.from_env({}).pool_timeout_seconds == db.POOL_TIMEOUT_SECONDS
    assert Settings.from_env({"MATCHMAKER_POOL_TIMEOUT_SECONDS": "2.5"}).pool_timeout_seconds == 2.5
    for bad in ("soon", "0", "nan", "1000"):
        with pytest.raises(Invalid, match="MATCHMAKER_POOL_TIMEOUT_SECONDS"):
            Settings.from_env({"MATCHMAKER_POOL_TIMEOUT_SECONDS": bad})


async def test_a_query_after_the_server_closed_the_requests_connection_is_unavailable(
    database_dsn: str, conn: asyncpg.Connection
) -> None:
    """A server that dies mid-request closes the request's pooled connection; the pool takes it
    back at once, so the request's next query is refused as 'released back to the pool' — a
    database out of reach (503), not our error (500)."""
    from matchmaker.errors import unavailable_from

    pool = await db.create_pool(database_dsn, min_size=1, max_size=1)
    try:
        held = await pool.acquire()
        backend = await held.fetchval("SELECT pg_backend_pid()")
        # with a timeout, PostgreSQL answers once the backend is gone (not when it is signalled)
        assert await conn.fetchval("SELECT pg_terminate_backend($1, 10000)", backend)
        with pytest.raises(Exception) as first:  # the query that meets the closed connection
            await held.fetchval("SELECT 1")
        assert unavailable_from(first.value) is not None, repr(first.value)
        with pytest.raises(asyncpg.InterfaceError) as second:  # the request's next query
            await held.fetchval("SELECT 1")
        assert "released back to the pool" in str(second.value)
        gone = unavailable_from(second.value)
        assert gone is not None and gone.status == 503
        await pool.release(held)
    finally:
        pool.terminate()  # close() would wait for a connection a failed assertion left out
