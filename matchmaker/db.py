"""The database: the embedded PostgreSQL, connecting with a deadline, the pool and its codecs.

With no ``DATABASE_URL`` matchmaker runs its own PostgreSQL (the ``pgserver`` wheel ships the server
binaries) in ``<data dir>/pgdata`` and serves the ``matchmaker`` database on a Unix socket there.

>>> dsn = start_embedded(Path(".matchmaker"))  # doctest: +SKIP
>>> conn = await connect(dsn)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg
import msgspec
import structlog
from litestar import Litestar, Request
from litestar.types import ASGIApp, Receive, Scope, Send

from matchmaker.errors import Invalid, Unavailable
from matchmaker.planning import PlannedConnection

__all__ = [
    "EMBEDDED_DATABASE",
    "POOL_TIMEOUT_SECONDS",
    "acquire_within",
    "close_pool",
    "connect",
    "create_pool",
    "database_name",
    "describe_dsn",
    "ensure_database",
    "give_back",
    "pooled",
    "provide_connection",
    "release_connections",
    "start_embedded",
    "with_database",
]

EMBEDDED_DATABASE = "matchmaker"

#: How long to keep trying a server that refuses or does not answer.
CONNECT_DEADLINE_SECONDS = 5.0
#: How long a request waits for a pooled connection (``MATCHMAKER_POOL_TIMEOUT_SECONDS``).
POOL_TIMEOUT_SECONDS = 5.0


def describe_dsn(dsn: str) -> str:
    """host:port/database of a DSN, never its password (for messages and logs)."""
    parts = urlsplit(dsn)
    host = parts.hostname or parse_qs(parts.query).get("host", ["localhost"])[0]
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}/{database_name(dsn)}"


def database_name(dsn: str) -> str:
    """The database a DSN names."""
    return urlsplit(dsn).path.lstrip("/") or "postgres"


def with_database(dsn: str, database: str) -> str:
    """The same server's DSN for another database."""
    parts = urlsplit(dsn)
    return parts._replace(path=f"/{database}").geturl()


async def _init_connection(conn: asyncpg.Connection) -> None:
    """JSON columns travel as msgspec-encoded bytes, so Structs and dicts go in and come out.

    Binary format (jsonb's is a version byte, then the text), so COPY can write JSON too.
    """
    await conn.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        encoder=lambda value: b"\x01" + msgspec.json.encode(value),
        decoder=lambda data: msgspec.json.decode(data[1:]),
        format="binary",
    )
    await conn.set_type_codec(
        "json",
        schema="pg_catalog",
        encoder=msgspec.json.encode,
        decoder=msgspec.json.decode,
        format="binary",
    )


async def connect(dsn: str, *, deadline: float = CONNECT_DEADLINE_SECONDS) -> asyncpg.Connection:
    """Connect, retrying a refusing or silent server until ``deadline`` seconds have passed.

    Raises :class:`Unavailable` with one line naming the server and the reason.
    """
    stop = time.monotonic() + deadline
    while True:
        remaining = stop - time.monotonic()
        try:
            conn = await asyncpg.connect(dsn, timeout=max(remaining, 0.5))
        except (TimeoutError, OSError, asyncpg.CannotConnectNowError) as exc:
            if time.monotonic() + 0.5 < stop:
                await asyncio.sleep(0.5)
                continue
            reason = str(exc) or type(exc).__name__
            raise Unavailable(
                f"cannot reach the database at {describe_dsn(dsn)} within {deadline:.0f} s: {reason}"
            ) from None
        except asyncpg.PostgresError as exc:
            raise Unavailable(
                f"the database at {describe_dsn(dsn)} refused the connection: {exc}"
            ) from None
        await _init_connection(conn)
        return conn


async def _reset_connection(conn: asyncpg.Connection) -> None:
    """Return a connection to the pool without asyncpg's RESET ALL round trip per request.

    Requests leave no session state behind: settings (SET LOCAL) and advisory locks are
    transaction-scoped, and the migration runner's session lock uses its own connection. Only a
    transaction somehow left open is rolled back.
    """
    if conn.is_in_transaction() and not conn.is_closed():
        await conn.execute("ROLLBACK")


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections carry the JSON codecs; fails like :func:`connect`."""
    conn = await connect(dsn)  # a clear error before the pool's own retries
    await conn.close()
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_reset_connection,
        command_timeout=60,
        # list queries have optional filters ("$1 IS NULL OR …"): plan each call with its values,
        # but a statement marked "-- plan: once" once (planning.py). No JIT: it compiled a
        # province's report query for 0.75 s of its 1.9 and a partner's board query for 60 ms of
        # 140, and saved nothing measurable in a round or a search
        server_settings={"plan_cache_mode": "force_custom_plan", "jit": "off"},
        connection_class=PlannedConnection,
    )
    assert pool is not None
    return pool


async def close_pool(pool: asyncpg.Pool, deadline: float = 10) -> None:
    """Close the pool, but never hang a shutdown on a connection a request or a cancelled job
    failed to give back (asyncpg's close waits for every one): terminate it after ``deadline``."""
    try:
        await asyncio.wait_for(pool.close(), timeout=deadline)
    except TimeoutError:
        structlog.get_logger().warning(
            "database pool did not close in time; terminating it",
            size=pool.get_size(),
            idle=pool.get_idle_size(),
        )
        pool.terminate()


async def ensure_database(server_dsn: str, database: str) -> str:
    """Create ``database`` on the server if it is missing; return its DSN.

    The name comes from configuration, never a request; it is still checked, because
    ``CREATE DATABASE`` takes no parameters and the name is written into the statement.
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", database):
        raise Invalid(f"database name {database!r} must be letters, digits and _", field="database")
    conn = await connect(server_dsn)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):  # another process won
                await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
    return with_database(server_dsn, database)


def start_embedded(data_dir: Path) -> str:
    """Start (or adopt) the embedded server in ``data_dir/pgdata``, watched; return its DSN.

    It is started again if it dies while this process runs, and stops when the last process
    using it exits (see :mod:`matchmaker.embedded`). A second start on the same folder reuses its data.
    """
    from matchmaker import embedded

    return embedded.start(data_dir)


_SCOPE_KEY = "matchmaker.db_connection"


async def acquire_within(
    pool: asyncpg.Pool, seconds: float, line: asyncio.Semaphore | None = None
) -> asyncpg.Connection:
    """A pooled connection within ``seconds``, else :class:`Unavailable` (503).

    Unbounded, a request would wait as long as the slowest requests holding every connection do.
    The pool connects on demand, so a database that is gone or refusing also fails here. With a
    ``line`` (see :func:`_line`) waiters are served in the order they came; give the connection
    back with :func:`give_back`.
    """
    try:
        async with asyncio.timeout(seconds):
            if line is not None:
                await line.acquire()
            try:
                return await pool.acquire()
            except BaseException:
                if line is not None:
                    line.release()
                raise
    except TimeoutError:
        raise Unavailable(
            f"the database is busy: no connection was free within {seconds:g} s; try again shortly",
            retry_after=max(1, math.ceil(seconds)),
        ) from None
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise Unavailable(
            f"the database is unavailable ({type(exc).__name__}); try again shortly"
        ) from None


async def give_back(
    pool: asyncpg.Pool, conn: asyncpg.Connection, line: asyncio.Semaphore | None = None
) -> None:
    """Return a connection :func:`acquire_within` gave, and its place in the ``line``."""
    try:
        await pool.release(conn)
    finally:
        if line is not None:
            line.release()


def _line(app: Litestar) -> asyncio.Semaphore:
    """The first-come, first-served line requests wait in for one of the pool's connections.

    asyncpg's pool hands a released connection to whichever request asks next, not to the one
    that has waited longest (an ``asyncio.Queue``: a woken waiter that finds the connection taken
    goes to the back). Under load most requests took 100 ms while some waited out the whole pool
    timeout and were refused, the pages' p99 (the README's benchmarks). An asyncio semaphore
    (fair since Python 3.11.1) with a permit per connection keeps the order.
    """
    line = getattr(app.state, "pool_line", None)
    if line is None:
        line = app.state.pool_line = asyncio.Semaphore(app.state.pool.get_max_size())
    return line


def _pool_timeout(app: Litestar) -> float:
    settings = getattr(app.state, "settings", None)
    return float(getattr(settings, "pool_timeout_seconds", POOL_TIMEOUT_SECONDS))


@contextlib.asynccontextmanager
async def pooled(app: Litestar) -> AsyncIterator[asyncpg.Connection]:
    """A connection from the app's pool for a moment (the sign-in check), bounded as requests are."""
    pool, line = app.state.pool, _line(app)
    conn = await acquire_within(pool, _pool_timeout(app), line)
    try:
        yield conn
    finally:
        await give_back(pool, conn, line)


async def provide_connection(request: Request[Any, Any, Any]) -> asyncpg.Connection:
    """Litestar dependency: the request's pooled connection, acquired on first use.

    Not a generator dependency: Litestar resolves a batch of dependencies together, and when one
    of them fails (a bad query parameter) the others' generators are never closed — their
    connection would stay out of the pool until garbage collection. :func:`release_connections`
    gives it back when the request ends, whatever happened.
    """
    state = request.scope.setdefault("state", {})
    conn = state.get(_SCOPE_KEY)
    if conn is None:
        app = request.app
        conn = await acquire_within(app.state.pool, _pool_timeout(app), _line(app))
        state[_SCOPE_KEY] = conn
    return conn


def release_connections(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: return the request's connection to the pool when the request is done."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        finally:
            conn = scope.get("state", {}).pop(_SCOPE_KEY, None)
            if conn is not None:
                # a connection that broke with the database is dropped by the pool, not re-raised
                with contextlib.suppress(
                    OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError
                ):
                    litestar = scope["litestar_app"]
                    await give_back(litestar.state.pool, conn, _line(litestar))

    return middleware
