"""Statements marked ``-- plan: once`` keep a generic plan; every other one is planned for its
values, outside a transaction and inside one, whatever the statement before it (``planning.py``).

PostgreSQL counts, per prepared statement of a session, how often it was planned generically
and with its values (``pg_prepared_statements``); these tests read those counts on the pool's
own connection after the app's real queries ran on it.
"""

from __future__ import annotations

import doctest
from collections.abc import AsyncIterator

import asyncpg
import pytest

from matchmaker import db, planning
from matchmaker.queries import demands as demand_q
from matchmaker.queries import sql

PLANS = """
SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1
"""
MODE = "SHOW plan_cache_mode"
#: a read by key (marked) and a list with optional filters (not)
GET = sql("demands")["get"]
LIST_PLANS = """
SELECT generic_plans, custom_plans FROM pg_prepared_statements
WHERE statement LIKE '%Filters are optional%' AND statement LIKE '%FROM demands d%'
  AND statement NOT LIKE '%pg_prepared_statements%'
"""


async def _plans(conn: asyncpg.Connection, statement: str) -> tuple[int, int]:
    rows = await conn.fetch(PLANS, statement)
    return sum(r["generic_plans"] for r in rows), sum(r["custom_plans"] for r in rows)


async def _list_open(conn: asyncpg.Connection) -> None:
    """The board's list: thirteen optional filters, all but the status left out."""
    await demand_q.list_demands(
        conn, demand_q.DemandFilters(status="open"), sees_all_drafts=False, own_community_id=None,
        sort="newest", limit=12, cursor=None,
    )  # fmt: skip


async def _list_plans(conn: asyncpg.Connection) -> tuple[int, int]:
    """The plan counts of the board's list statement (its sort filled in by ``fetch_page``)."""
    row = await conn.fetchrow(LIST_PLANS)
    return row["generic_plans"], row["custom_plans"]


@pytest.fixture
async def pooled(
    seeded: asyncpg.Connection, database_dsn: str
) -> AsyncIterator[asyncpg.Connection]:
    """One connection of a pool as the app makes it, on the demo data."""
    pool = await db.create_pool(database_dsn, min_size=1, max_size=1)
    async with pool.acquire() as conn:
        yield conn
    await pool.close()


async def test_a_read_by_key_is_planned_once_and_kept(pooled: asyncpg.Connection) -> None:
    demand_id = await pooled.fetchval("SELECT min(id) FROM demands")
    for _ in range(8):
        assert await pooled.fetchrow(GET, demand_id) is not None
    generic, custom = await _plans(pooled, GET)
    assert custom <= 5 and generic >= 3  # PostgreSQL's five custom plans, then the kept one


async def test_optional_filters_are_planned_for_their_values_each_call(
    pooled: asyncpg.Connection,
) -> None:
    demand_id = await pooled.fetchval("SELECT min(id) FROM demands")
    for _ in range(8):  # a marked read before each list leaves the session planning once
        await pooled.fetchrow(GET, demand_id)
        assert await pooled.fetchval(MODE) == "auto"
        await _list_open(pooled)
        assert await pooled.fetchval(MODE) == "force_custom_plan"
    assert await _list_plans(pooled) == (0, 8)


async def test_a_transaction_plans_each_call_whatever_the_session_did_before(
    pooled: asyncpg.Connection,
) -> None:
    demand_id = await pooled.fetchval("SELECT min(id) FROM demands")
    for rolled_back in (False, True) * 4:
        await pooled.fetchrow(GET, demand_id)  # the session now plans once
        try:
            async with pooled.transaction():
                assert await pooled.fetchval(MODE) == "force_custom_plan"
                await _list_open(pooled)
                await pooled.fetchrow(GET, demand_id)
                if rolled_back:
                    raise LookupError
        except LookupError:
            pass
        await _list_open(pooled)  # and after it, committed or rolled back
    assert await _list_plans(pooled) == (0, 16)
    assert (await _plans(pooled, GET))[0] >= 3  # outside the transactions, still kept
    assert await pooled.fetchval(MODE) == "force_custom_plan"


def test_the_planning_modules_example_runs() -> None:
    result = doctest.testmod(planning)
    assert result.attempted > 0 and result.failed == 0


async def test_the_pool_compiles_no_query_just_in_time(pooled: asyncpg.Connection) -> None:
    """JIT compiled a province's report query for 0.75 s of its 1.9 and saved nothing measured."""
    assert await pooled.fetchval("SHOW jit") == "off"
