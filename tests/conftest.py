"""Test fixtures: a real PostgreSQL, a fresh database per test session, a clean state per test.

The server is ``TEST_DATABASE_URL`` or ``DATABASE_URL`` when set (any database on it: a new one is
created beside it), else an embedded server in a temporary folder. The session's database is built
by the migration runner, so every run tests the migrations too.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker import db
from matchmaker.app import create_app
from matchmaker.migrate import migrate
from matchmaker.settings import Settings

#: The key the test app signs tokens with.
SECRET = "test-secret-key-for-signing-tokens-0123456789"

#: The tables a test may fill; emptied before each test that asks for a database.
DATA_TABLES = (
    "audit_log, messages, round_reports, partnerships, proposals, rounds, interests, users, products, case_actors, cases, "
    "demands, policies, talent_districts, talent, actor_districts, actors, communities, towns, "
    "districts, round_parts, housekeeping_runs, login_attempts, notifications, outbox, group_webhooks, pgqueuer, pgqueuer_log, pgqueuer_schedules, pgqueuer_statistics"
)


@pytest.fixture(scope="session")
def server_dsn() -> Iterator[str]:
    """Administrative DSN of the PostgreSQL server the tests use."""
    external = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    folder = Path(tempfile.mkdtemp(prefix="matchmaker-test-"))
    yield db.start_embedded(folder)


@pytest.fixture(scope="session")
async def database_factory(server_dsn: str) -> AsyncIterator[object]:
    """Creates throw-away databases on the test server; drops them all at the end."""
    created: list[str] = []

    async def make(*, migrated: bool = True) -> str:
        name = f"mm_test_{os.getpid()}_{secrets.token_hex(4)}"
        admin = await db.connect(server_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        created.append(name)
        dsn = db.with_database(server_dsn, name)
        if migrated:
            conn = await db.connect(dsn)
            try:
                await migrate(conn)
            finally:
                await conn.close()
        return dsn

    yield make
    admin = await db.connect(server_dsn)
    try:
        for name in created:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def database_dsn(database_factory: object) -> str:
    """The session's migrated database."""
    return await database_factory()  # type: ignore[operator, no-any-return]


@pytest.fixture
async def conn(database_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the session database, emptied of all data first."""
    connection = await db.connect(database_dsn)
    # a connection left holding a lock (say, by a round still running) fails the test loudly
    await connection.execute("SET lock_timeout = '30s'")
    await connection.execute(f"TRUNCATE {DATA_TABLES} RESTART IDENTITY CASCADE")
    await connection.execute("RESET lock_timeout")
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
def app(database_dsn: str, conn: asyncpg.Connection) -> Litestar:
    """The web app on the (clean) session database."""
    return create_app(
        Settings(database_url=database_dsn, secret_key=SECRET, pool_min=1, pool_max=4),
        dsn=database_dsn,
    )


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
async def seeded(conn: asyncpg.Connection) -> asyncpg.Connection:
    """The clean database with the demo data loaded."""
    from matchmaker.seed import load_demo

    await load_demo(conn)
    return conn


@pytest.fixture
def login(client: AsyncTestClient[Litestar]) -> object:
    """``await login("staff")`` → headers that sign requests in as that demo user."""

    async def sign_in(username: str, password: str = "matchmaker-demo") -> dict[str, str]:
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return sign_in


CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms carry (every form posts it back as ``_csrf_token``)."""
    found = CSRF_FIELD.search(page)
    assert found, "the page has no CSRF token"
    return found[1]


@pytest.fixture
def page_login(client: AsyncTestClient[Litestar]) -> object:
    """``token = await page_login("staff")``: sign the client in through the login form.

    The client then carries the session cookie; the returned CSRF token goes in every form post
    (``data={"_csrf_token": token, ...}``) or htmx post (header ``x-csrftoken``).
    """

    async def sign_in(username: str, password: str = "matchmaker-demo") -> str:
        token = csrf_of((await client.get("/login")).text)
        response = await client.post(
            "/login",
            data={"username": username, "password": password, "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return token

    return sign_in


async def ids(conn: asyncpg.Connection, query: str, *args: object) -> list[int]:
    """The ``id`` column of a query's rows (for picking test subjects from the demo data)."""
    return [row["id"] for row in await conn.fetch(query, *args)]


async def all_pages(
    client: AsyncTestClient[Litestar],
    url: str,
    headers: dict[str, str] | None = None,
    **params: object,
) -> list[dict[str, object]]:
    """Every item of a keyset-paged list, following ``next_cursor`` to the end."""
    items: list[dict[str, object]] = []
    cursor = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = await client.get(url, params=query, headers=headers or {})
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items
