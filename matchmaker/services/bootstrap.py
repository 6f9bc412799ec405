"""Getting a database ready to serve: start the embedded server if needed, migrate, seed.

``matchmaker serve`` calls :func:`prepare_database` before it listens, so a database that cannot
be reached stops the command with one clear line instead of a server that answers 503.

>>> dsn = await prepare_database(Settings())  # doctest: +SKIP
"""

from __future__ import annotations

import structlog

from matchmaker import db
from matchmaker.migrate import migrate
from matchmaker.seed import database_is_empty, load_demo
from matchmaker.settings import Settings

__all__ = ["prepare_database", "resolve_dsn"]

log = structlog.get_logger()


async def resolve_dsn(settings: Settings) -> tuple[str, bool]:
    """The DSN to use and whether it is the embedded server (started here when needed)."""
    if settings.database_url:
        return settings.database_url, False
    folder = settings.ensure_data_dir()
    server = db.start_embedded(folder)
    return await db.ensure_database(server, db.EMBEDDED_DATABASE), True


async def prepare_database(settings: Settings, *, seed_demo: bool | None = None) -> str:
    """Migrate and (by default only for a fresh embedded database) load the demo data; return the DSN.

    ``seed_demo=None`` follows DESIGN.md: the embedded server gets the demo data when it is empty,
    an external server gets nothing unless asked (``seed_demo=True``).
    """
    dsn, embedded = await resolve_dsn(settings)
    conn = await db.connect(dsn)
    try:
        applied = await migrate(conn)
        if applied:
            log.info("migrated", applied=applied, database=db.describe_dsn(dsn))
        wanted = embedded if seed_demo is None else seed_demo
        if wanted and await database_is_empty(conn):
            added = await load_demo(conn)
            log.info("demo data loaded", **added)
    finally:
        await conn.close()
    return dsn
