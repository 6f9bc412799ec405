"""Apply ``sql/migrations/*.sql`` in order, each once, each in its own transaction; then install
or upgrade the job queue's tables (PgQueuer's, at the installed library's version).

Two processes starting at once both call :func:`migrate`; a session advisory lock makes the second
wait and then find nothing to do. Every applied file is recorded with its SHA-256, and a file edited
after it was applied stops the runner with a message naming it (migrations are forward-only: write a
new file instead).

>>> applied = await migrate(conn)  # doctest: +SKIP
>>> applied
['0001_vocabularies.sql', '0002_tables.sql']
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import asyncpg

from matchmaker.errors import AppError
from matchmaker.queries import jobs
from matchmaker.search import index as search_index

__all__ = ["MIGRATIONS_DIR", "MigrationError", "migrate", "pending"]

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "sql" / "migrations"

#: Arbitrary constant naming matchmaker's migration lock among advisory locks.
_LOCK_KEY = 0x6D61_7463_686D_6B72 & 0x7FFF_FFFF_FFFF_FFFF

#: Migrations that change how rows are indexed for search: applying one re-indexes every row in
#: the same transaction (a migration cannot run jieba), so an upgraded database searches like a
#: fresh one.
REINDEX_AFTER = frozenset({"0021_search.sql"})

_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    filename   text PRIMARY KEY,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class MigrationError(AppError):
    """A migration could not be applied, or an applied one no longer matches its file."""


def _files(directory: Path) -> list[tuple[str, str, str]]:
    """(name, checksum, sql) of each migration file, in name order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        found.append((path.name, hashlib.sha256(text.encode()).hexdigest(), text))
    return found


async def _applied(conn: asyncpg.Connection) -> dict[str, str]:
    rows = await conn.fetch("SELECT filename, checksum FROM schema_migrations")
    return {row["filename"]: row["checksum"] for row in rows}


def _check_unchanged(files: list[tuple[str, str, str]], applied: dict[str, str]) -> None:
    for name, checksum, _ in files:
        if name in applied and applied[name] != checksum:
            raise MigrationError(
                f"migration {name} was edited after it was applied (checksum differs); "
                "restore the file and put the change in a new migration"
            )


async def pending(conn: asyncpg.Connection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Names of the migration files not yet applied (the ledger is created if missing)."""
    await conn.execute(_LEDGER)
    files = _files(directory)
    applied = await _applied(conn)
    _check_unchanged(files, applied)
    return [name for name, _, _ in files if name not in applied]


async def migrate(conn: asyncpg.Connection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations under the advisory lock; return the names applied.

    A file that fails rolls back whole (its transaction), earlier files stay applied, and the
    error names the file and PostgreSQL's reason.
    """
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(_LEDGER)
        files = _files(directory)
        applied = await _applied(conn)
        _check_unchanged(files, applied)
        done: list[str] = []
        for name, checksum, sql in files:
            if name in applied:
                continue
            try:
                async with conn.transaction():
                    await conn.execute(sql)
                    if name in REINDEX_AFTER:
                        await search_index.reindex(conn)
                    await conn.execute(
                        "INSERT INTO schema_migrations (filename, checksum) VALUES ($1, $2)",
                        name,
                        checksum,
                    )
            except asyncpg.PostgresError as exc:
                raise MigrationError(f"migration {name} failed and was rolled back: {exc}") from exc
            done.append(name)
        # the job queue's own tables come with the library that reads them, at its version
        await jobs.install(conn)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
