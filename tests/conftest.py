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

#: the fixtures that start real processes (web instances, workers, the reverse proxy)
pytest_plugins = ["tests.processes"]

#: The key the test app signs tokens with.
SECRET = "test-secret-key-for-signing-tokens-0123456789"

#: Tables the migrations fill and no test empties (the migration record; the library's and the
#: search's revision counters, which a text model's cache and a server's kept rankings are keyed
#: on: bumped, never emptied; the search's synonym groups, seeded by their migration: the groups
#: people added are removed, see empty_data).
KEPT_TABLES = ("schema_migrations", "library_revision", "search_synonyms")

#: Every other table of the schema (each test's own) and every sequence but the kept tables' (a
#: catalog query).
EMPTYING = """
SELECT (SELECT array_agg(format('%I', c.relname) ORDER BY c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL ($1)) AS tables,
       (SELECT array_agg(format('%I', s.relname))
        FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
        WHERE n.nspname = 'public' AND s.relkind = 'S'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                          WHERE d.objid = s.oid AND d.deptype IN ('a', 'i')
                            AND t.relname = ANY ($1))) AS sequences
"""


async def empty_data(connection: asyncpg.Connection) -> None:
    """Empty every data table and restart its ids, as TRUNCATE … RESTART IDENTITY would, in a few
    milliseconds rather than ~0.3 s (TRUNCATE makes new files for each of some thirty tables).

    Rows go with DELETE under ``session_replication_role = replica``, so neither foreign keys nor
    triggers (the audit log's append-only guard among them) stand in the way; the library's and
    the search's revisions are bumped by hand, as the triggers skipped here would have bumped them.
    """
    found = await connection.fetchrow(EMPTYING, list(KEPT_TABLES))
    statements = [f"DELETE FROM {table}" for table in found["tables"]]
    statements += [f"SELECT setval('{sequence}', 1, false)" for sequence in found["sequences"]]
    statements.append(
        "UPDATE library_revision SET revision = revision + 1, search_revision = search_revision + 1,"
        " search_changes_from = search_revision + 1"
    )
    # the seeded synonym groups stay (created_by NULL); any a test or the contract run added go
    statements.append("DELETE FROM search_synonyms WHERE created_by IS NOT NULL")
    async with connection.transaction():
        await connection.execute("SET LOCAL session_replication_role = replica")
        await connection.execute("; ".join(statements))


@pytest.fixture(scope="session")
def server_dsn() -> Iterator[str]:
    """Administrative DSN of the PostgreSQL server the tests use."""
    external = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    # under pytest-xdist every worker process attaches to one server for the run (pgserver counts
    # the processes using a folder and stops the server when the last one exits); alone, its own
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run:
        folder = Path(tempfile.gettempdir()) / f"matchmaker-test-{run}"
        folder.mkdir(exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="matchmaker-test-"))
    dsn = db.start_embedded(folder)
    # a throw-away server: a commit need not wait for its WAL to reach the disk (every test's
    # setup commits a few hundred rows; on a slow disk that wait was most of a test's time)
    import asyncio

    async def relax() -> None:
        admin = await db.connect(dsn)
        try:
            await admin.execute("ALTER SYSTEM SET synchronous_commit = off")
            await admin.execute("SELECT pg_reload_conf()")
        finally:
            await admin.close()

    asyncio.run(relax())
    yield dsn


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


@pytest.fixture(autouse=True)
def fresh_text_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no text model kept: the pages' model may lag the library's text
    (``services.text_model.recent``), and one test's library is not the next one's."""
    from matchmaker.services import text_model

    monkeypatch.setattr(text_model, "_latest", {})
    monkeypatch.setattr(text_model, "_started", {})


@pytest.fixture
async def conn(database_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the session database, emptied of all data first."""
    connection = await db.connect(database_dsn)
    # a connection left holding a lock (say, by a round still running) fails the test loudly
    await connection.execute("SET lock_timeout = '30s'")
    await empty_data(connection)
    await connection.execute("RESET lock_timeout")
    try:
        yield connection
    finally:
        await connection.close()


#: The test app, built once per database: building it (some 420 routes, each handler's signature
#: parsed) took ~0.45 s, most of a test's setup. Its state lives in its lifespan, which every test
#: client starts afresh (a new pool, its line, the sign-in checks), so no test sees another's.
_APPS: dict[str, Litestar] = {}


@pytest.fixture
def app(database_dsn: str, conn: asyncpg.Connection) -> Litestar:
    """The web app on the (clean) session database."""
    if database_dsn not in _APPS:
        _APPS[database_dsn] = create_app(
            Settings(database_url=database_dsn, secret_key=SECRET, pool_min=1, pool_max=4),
            dsn=database_dsn,
        )
    return _APPS[database_dsn]


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


async def post_open_need(
    client: AsyncTestClient[Litestar], headers: dict[str, str], title: str, category: str
) -> int:
    """Post an open need through the API as the signed-in ``headers``; its id."""
    made = await client.post(
        "/api/v1/demands", headers=headers,
        json={"title": title, "category": category, "status": "open"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


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
