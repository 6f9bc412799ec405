"""The migration runner on real, empty databases: order, idempotence, races, edits, failures."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from matchmaker import db
from matchmaker.migrate import MIGRATIONS_DIR, MigrationError, migrate, pending
from matchmaker.vocab import VOCABULARIES, codes

SHIPPED = sorted(p.name for p in MIGRATIONS_DIR.glob("*.sql"))


async def _tables(dsn: str) -> set[str]:
    conn = await db.connect(dsn)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r["tablename"] for r in rows}
    finally:
        await conn.close()


async def test_empty_database_gets_every_migration_in_order(database_factory: Any) -> None:
    dsn = await database_factory(migrated=False)
    conn = await db.connect(dsn)
    try:
        assert await pending(conn) == SHIPPED
        assert await migrate(conn) == SHIPPED
        rows = await conn.fetch(
            "SELECT filename FROM schema_migrations ORDER BY applied_at, filename"
        )
        assert [r["filename"] for r in rows] == SHIPPED
    finally:
        await conn.close()
    assert {"communities", "actors", "talent", "policies", "demands", "cases", "products",
            "interests", "rounds", "proposals", "partnerships", "users", "audit_log"} <= await _tables(dsn)  # fmt: skip


async def test_rerun_is_a_no_op(database_factory: Any) -> None:
    dsn = await database_factory()
    conn = await db.connect(dsn)
    try:
        assert await migrate(conn) == []
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") == len(SHIPPED)
    finally:
        await conn.close()


async def test_two_concurrent_runners_apply_each_file_once(database_factory: Any) -> None:
    dsn = await database_factory(migrated=False)
    first, second = await db.connect(dsn), await db.connect(dsn)
    try:
        results = await asyncio.gather(migrate(first), migrate(second))
        assert sorted(results, key=len) == [[], SHIPPED]
        assert await first.fetchval("SELECT count(*) FROM schema_migrations") == len(SHIPPED)
    finally:
        await first.close()
        await second.close()


async def test_a_file_edited_after_it_was_applied_is_refused_by_name(
    database_factory: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    dsn = await database_factory(migrated=False)
    conn = await db.connect(dsn)
    try:
        await migrate(conn, folder)
        edited = folder / SHIPPED[-1]
        edited.write_text(edited.read_text() + "\n-- an innocent-looking edit\n")
        with pytest.raises(MigrationError, match=re.escape(SHIPPED[-1])) as caught:
            await migrate(conn, folder)
        assert "edited after it was applied" in caught.value.message
    finally:
        await conn.close()


async def test_a_failing_file_is_rolled_back_whole_and_named(
    database_factory: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_good.sql").write_text("CREATE TABLE good (id int);")
    (folder / "0002_bad.sql").write_text(
        "CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nSELECT 1 / 0;"
    )
    dsn = await database_factory(migrated=False)
    conn = await db.connect(dsn)
    try:
        with pytest.raises(MigrationError, match=re.escape("0002_bad.sql")) as caught:
            await migrate(conn, folder)
        assert "division by zero" in caught.value.message
        assert await conn.fetchval("SELECT to_regclass('half_done')") is None
        assert await conn.fetchval("SELECT to_regclass('good')") is not None
        applied = await conn.fetch("SELECT filename FROM schema_migrations")
        assert [r["filename"] for r in applied] == ["0001_good.sql"]
    finally:
        await conn.close()


async def test_a_gap_in_the_numbers_is_applied_around_and_filled_later(
    database_factory: Any, tmp_path: Path
) -> None:
    """Files are applied by name, each once: a missing number (another branch's migration not
    merged yet) neither stops the runner nor is skipped when it arrives."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_first.sql").write_text("CREATE TABLE first (id int);")
    (folder / "0003_third.sql").write_text("CREATE TABLE third (id int);")
    dsn = await database_factory(migrated=False)
    conn = await db.connect(dsn)
    try:
        assert await migrate(conn, folder) == ["0001_first.sql", "0003_third.sql"]
        (folder / "0002_second.sql").write_text("CREATE TABLE second (id int);")
        assert await pending(conn, folder) == ["0002_second.sql"]
        assert await migrate(conn, folder) == ["0002_second.sql"]
        assert await migrate(conn, folder) == []
        assert await conn.fetchval("SELECT to_regclass('second')") is not None
    finally:
        await conn.close()


async def test_vocabulary_domains_match_the_python_literals(conn: Any) -> None:
    rows = await conn.fetch(
        """SELECT t.typname, pg_get_constraintdef(c.oid) AS def
           FROM pg_type t JOIN pg_constraint c ON c.contypid = t.oid
           WHERE t.typtype = 'd' AND t.typname LIKE '%\\_code'"""
    )
    in_sql = {
        r["typname"].removesuffix("_code"): set(re.findall(r"'([^']+)'", r["def"])) for r in rows
    }
    in_python = {name: set(codes(literal)) for name, literal in VOCABULARIES.items()}
    assert in_sql == in_python


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        ("INSERT INTO districts (name, city, lat, lon) VALUES ('x', 'y', 91, 0)", "latitude"),
        ("INSERT INTO districts (name, city, lat, lon) VALUES ('x', 'y', 0, 181)", "longitude"),
        (
            "INSERT INTO actors (name, kind, lat, lon, capacity) VALUES ('a', 'enterprise', 0, 0, -1)",
            "capacity",
        ),
        (
            "INSERT INTO actors (name, kind, lat, lon, categories) "
            "VALUES ('a', 'enterprise', 0, 0, '{no_such_category}')",
            "category_code",
        ),
        (
            "INSERT INTO actors (name, kind, grade, lat, lon) VALUES ('a', 'enterprise', '5A', 0, 0)",
            "grade",
        ),
    ],
)
async def test_constraints_refuse_bad_values(conn: Any, statement: str, rule: str) -> None:
    import asyncpg

    with pytest.raises(asyncpg.IntegrityConstraintViolationError, match=rule):
        await conn.execute(statement)


async def test_audit_log_is_append_only(conn: Any) -> None:
    import asyncpg

    await conn.execute("INSERT INTO audit_log (entity, action) VALUES ('test', 'create')")
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await conn.execute("UPDATE audit_log SET action = 'changed'")
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await conn.execute("DELETE FROM audit_log")


async def test_0016_takes_partners_self_ratings_out_of_the_track_record(
    database_factory: Any, tmp_path: Path
) -> None:
    """A partnership its partner completed (and so rated itself) keeps its outcome but loses
    the rating; one the community completed keeps it; who completed each is filled in."""
    from matchmaker.seed import load_demo

    folder = tmp_path / "migrations"
    folder.mkdir()
    # every other migration first (the demo loader writes today's schema), 0016 last: the runner
    # fills a gap in the numbers when it arrives, as on a database upgraded across branches
    for name in SHIPPED:
        if name != "0016_ratings.sql":
            shutil.copy(MIGRATIONS_DIR / name, folder / name)
    dsn = await database_factory(migrated=False)
    conn = await db.connect(dsn)
    try:
        await migrate(conn, folder)
        await load_demo(conn)
        made = {}
        for username in ("partner", "staff"):
            user = await conn.fetchrow(
                "SELECT id, actor_id, community_id FROM users WHERE username = $1", username
            )
            need = await conn.fetchval(
                "SELECT id FROM demands WHERE status = 'open' ORDER BY id OFFSET $1 LIMIT 1",
                len(made),
            )
            actor = user["actor_id"] or await conn.fetchval("SELECT min(id) FROM actors")
            made[username] = await conn.fetchval(
                """INSERT INTO partnerships (demand_id, actor_id, origin, status, ended_at,
                                             beneficiaries_served, rating)
                   VALUES ($1, $2, 'direct', 'completed', now(), 10, 5) RETURNING id""",
                need,
                actor,
            )
            await conn.execute(
                """INSERT INTO audit_log (user_id, username, entity, entity_id, action)
                   VALUES ($1, $2, 'partnership', $3, 'complete')""",
                user["id"], username, made[username],
            )  # fmt: skip
        shutil.copy(MIGRATIONS_DIR / "0016_ratings.sql", folder / "0016_ratings.sql")
        assert await migrate(conn, folder) == ["0016_ratings.sql"]
        rows = {
            r["id"]: (r["rating"], r["beneficiaries_served"], r["username"])
            for r in await conn.fetch(
                """SELECT s.id, s.rating, s.beneficiaries_served, u.username
                   FROM partnerships s JOIN users u ON u.id = s.completed_by"""
            )
        }
        assert rows == {made["partner"]: (None, 10, "partner"), made["staff"]: (5, 10, "staff")}
    finally:
        await conn.close()
