"""The synthetic data generator on a real PostgreSQL: counts, validity, determinism, refusals."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
import pytest

from matchmaker import db
from matchmaker.errors import Conflict, Invalid
from matchmaker.segment import query_text
from matchmaker.synthetic import generate, rows
from matchmaker.vocab import (
    ActorKind,
    Category,
    CommunityKind,
    IntakeChannel,
    ResourceType,
    TargetGroup,
    Urgency,
    codes,
)

#: The tables the generator writes, emptied between two runs of the determinism test.
WRITTEN = "districts, towns, communities, actors, actor_districts, demands"
TODAY = dt.date(2025, 3, 1)


async def _counts(conn: asyncpg.Connection) -> dict[str, int]:
    counts = {}
    for table in WRITTEN.split(", "):
        counts[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    return counts


async def _snapshot(conn: asyncpg.Connection) -> list[tuple[Any, ...]]:
    rows = await conn.fetch(
        """
        SELECT d.title, d.category, d.slots, c.name, d.resource_types, d.budget, d.window_end
        FROM demands d JOIN communities c ON c.id = d.community_id
        ORDER BY d.id
        """
    )
    return [tuple(row) for row in rows]


async def _all_in(conn: asyncpg.Connection, query: str, allowed: tuple[str, ...]) -> None:
    """Every value ``query`` returns (one text column) is one of ``allowed``."""
    found = {row[0] for row in await conn.fetch(query)}
    assert found, query
    assert found <= set(allowed), found - set(allowed)


async def test_a_small_run_writes_the_requested_counts(conn: asyncpg.Connection) -> None:
    lines: list[str] = []
    report = await generate(
        conn, demands=500, communities=40, partners=60, seed=11, progress=lines.append, today=TODAY
    )

    counts = await _counts(conn)
    assert counts["demands"] == report.rows["demands"] == 500
    assert counts["communities"] == 40
    assert counts["actors"] == 60
    assert counts["districts"] == 2  # max(2, 40 // 100)
    assert 2 * 3 <= counts["towns"] <= 2 * 6
    assert 60 <= counts["actor_districts"] <= 3 * 60
    assert report.total_rows == sum(counts.values())
    assert [line.split(":")[0] for line in lines] == list(report.rows)
    assert "rows/s" in report.summary() and "500" in report.summary()
    # the planner knows what was written at once (it does not wait for autovacuum)
    planned = await conn.fetchval("SELECT reltuples FROM pg_class WHERE relname = 'demands'")
    assert planned == 500


async def test_the_defaults_follow_the_demands(conn: asyncpg.Connection) -> None:
    report = await generate(conn, demands=120, seed=12)
    assert report.rows["communities"] == 2  # 120 // 50
    assert report.rows["actors"] == 12  # 120 // 10


async def test_every_row_is_valid_and_connected(conn: asyncpg.Connection) -> None:
    await generate(conn, demands=500, communities=30, partners=50, seed=13, today=TODAY)

    orphans = await conn.fetchval(
        "SELECT count(*) FROM demands d WHERE NOT EXISTS "
        "(SELECT 1 FROM communities c WHERE c.id = d.community_id)"
    )
    assert orphans == 0
    await _all_in(conn, "SELECT DISTINCT category FROM demands", codes(Category))
    await _all_in(conn, "SELECT DISTINCT unnest(resource_types) FROM demands", codes(ResourceType))
    await _all_in(conn, "SELECT DISTINCT unnest(target_groups) FROM demands", codes(TargetGroup))
    await _all_in(conn, "SELECT DISTINCT urgency FROM demands", codes(Urgency))
    await _all_in(conn, "SELECT DISTINCT intake_channel FROM demands", codes(IntakeChannel))
    await _all_in(conn, "SELECT DISTINCT status FROM demands", ("open", "draft"))
    await _all_in(conn, "SELECT DISTINCT kind FROM communities", codes(CommunityKind))
    await _all_in(conn, "SELECT DISTINCT kind FROM actors", codes(ActorKind))
    await _all_in(conn, "SELECT DISTINCT unnest(categories) FROM actors", codes(Category))

    shape = await conn.fetchrow(
        """
        SELECT avg((status = 'open')::int) AS open_share,
               min(slots) AS min_slots, max(slots) AS max_slots,
               min(cardinality(resource_types)) AS min_types,
               max(cardinality(resource_types)) AS max_types,
               bool_and(window_end >= window_start) AS windows,
               bool_and(cardinality(skills) >= 1 AND cardinality(target_groups) >= 1) AS filled
        FROM demands
        """
    )
    assert shape["open_share"] >= 0.9
    assert (shape["min_slots"], shape["max_slots"]) == (1, 3)
    assert (shape["min_types"], shape["max_types"]) == (1, 3)
    assert shape["windows"] and shape["filled"]

    actors = await conn.fetchrow(
        """
        SELECT min(cardinality(categories)) AS min_cats, max(cardinality(categories)) AS max_cats,
               min(capacity) AS min_cap, max(capacity) AS max_cap,
               bool_and(EXISTS (SELECT 1 FROM actor_districts ad WHERE ad.actor_id = a.id))
                   AS all_serve
        FROM actors a
        """
    )
    assert (actors["min_cats"], actors["max_cats"]) == (2, 4)
    assert (actors["min_cap"], actors["max_cap"]) == (1, 8)
    assert actors["all_serve"]


async def test_the_1257n_indicators_are_met_by_some_communities_only(
    conn: asyncpg.Connection,
) -> None:
    await generate(conn, demands=500, communities=200, partners=10, seed=14)
    met = await conn.fetchval(
        """
        SELECT avg((social_work_rooms >= 1 AND social_workers >= 2 AND community_orgs >= 5
                    AND volunteer_teams >= 7 AND charity_resources >= 1)::int)
        FROM communities
        """
    )
    assert 0.05 < met < 0.8


async def test_the_titles_are_searchable(conn: asyncpg.Connection) -> None:
    await generate(conn, demands=500, communities=20, partners=20, seed=15)
    title = await conn.fetchval("SELECT title FROM demands WHERE category = 'elderly_care' LIMIT 1")
    assert "养老服务" in title
    found = await conn.fetchval(
        "SELECT count(*) FROM demands WHERE search @@ plainto_tsquery('simple', '养老')"
    )
    elderly = await conn.fetchval("SELECT count(*) FROM demands WHERE category = 'elderly_care'")
    assert found >= elderly > 0
    # the title line holds the title's words (not only the community's nickname): each elderly
    # care need matches 养老 in its title tier, as the app's needs do
    untitled = await conn.fetchval(
        "SELECT count(*) FROM demands WHERE category = 'elderly_care'"
        " AND NOT search @@ to_tsquery('simple', '养老:A')"
    )
    assert untitled == 0
    community = await conn.fetchval(
        "SELECT count(*) FROM communities WHERE search @@ plainto_tsquery('simple', '合成 社区')"
    )
    assert community == 20
    by_name = await conn.fetchval(
        "SELECT name FROM actors WHERE search @@ plainto_tsquery('simple', $1)",
        query_text("合成伙伴S15-000007"),
    )
    assert by_name == "合成伙伴S15-000007"


async def test_the_same_seed_writes_the_same_rows(
    conn: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rows, "CHUNK", 70)  # several batches of demands, as at scale
    await generate(conn, demands=300, communities=20, partners=30, seed=3, today=TODAY)
    first = await _snapshot(conn)
    await conn.execute(f"TRUNCATE {WRITTEN} RESTART IDENTITY CASCADE")

    await generate(conn, demands=300, communities=20, partners=30, seed=3, today=TODAY)
    assert await _snapshot(conn) == first
    await conn.execute(f"TRUNCATE {WRITTEN} RESTART IDENTITY CASCADE")

    await generate(conn, demands=300, communities=20, partners=30, seed=4, today=TODAY)
    assert await _snapshot(conn) != first


async def test_two_seeds_live_side_by_side(conn: asyncpg.Connection) -> None:
    await generate(conn, demands=100, seed=5)
    await generate(conn, demands=100, seed=6)
    assert await conn.fetchval("SELECT count(*) FROM demands") == 200


async def test_loading_a_seed_twice_is_a_conflict_that_writes_nothing(
    conn: asyncpg.Connection,
) -> None:
    await generate(conn, demands=200, seed=8)
    before = await _counts(conn)
    with pytest.raises(Conflict, match=r"seed 8 is already loaded.*another --seed"):
        await generate(conn, demands=50, seed=8)
    assert await _counts(conn) == before


async def test_two_runs_of_one_seed_at_once_load_it_once(
    conn: asyncpg.Connection, database_dsn: str
) -> None:
    other = await db.connect(database_dsn)
    try:
        results = await asyncio.gather(
            generate(conn, demands=300, seed=21),
            generate(other, demands=300, seed=21),
            return_exceptions=True,
        )
    finally:
        await other.close()
    assert sorted(type(result).__name__ for result in results) == ["Conflict", "SyntheticReport"]
    assert await conn.fetchval("SELECT count(*) FROM demands") == 300


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"demands": 0}, "demands"),
        ({"demands": 10, "communities": 0}, "communities"),
        ({"demands": 10, "partners": -1}, "partners"),
        ({"demands": 10, "seed": -1}, "seed"),
    ],
)
async def test_invalid_arguments_are_refused_before_writing(
    conn: asyncpg.Connection, arguments: dict[str, int], field: str
) -> None:
    with pytest.raises(Invalid) as caught:
        await generate(conn, **arguments)
    assert caught.value.field == field
    assert await conn.fetchval("SELECT count(*) FROM districts") == 0


async def test_a_failure_half_way_leaves_nothing_behind(conn: asyncpg.Connection) -> None:
    def fail_after_communities(line: str) -> None:
        if line.startswith("communities"):
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        await generate(conn, demands=200, seed=9, progress=fail_after_communities)
    assert set((await _counts(conn)).values()) == {0}
    await generate(conn, demands=200, seed=9)  # and the seed is still free


async def test_a_failure_during_the_demands_copy_leaves_nothing_behind(
    conn: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = rows._demands
    batches: list[int] = []

    def fail_on_the_third_batch(*args: Any) -> Any:
        batches.append(1)
        if len(batches) == 3:
            raise RuntimeError("interrupted")
        return drawn(*args)

    monkeypatch.setattr(rows, "CHUNK", 50)
    monkeypatch.setattr(rows, "_demands", fail_on_the_third_batch)
    with pytest.raises(RuntimeError, match="interrupted"):
        await generate(conn, demands=200, seed=10)
    assert set((await _counts(conn)).values()) == {0}
    assert await conn.fetchval("SELECT 1") == 1  # the connection is still usable
