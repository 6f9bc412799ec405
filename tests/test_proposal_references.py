"""A proposal names a need and a partner that exist, and they stay while it does.

Since migration 0027 the two references are kept by triggers serialised on the holds lock rather
than by foreign keys (whose row locks cost a round's COPY about 1.5 s and 100 MB of WAL at
50,000 × 10,000): a statement's new proposals are checked at once, and a need or partner named
by a proposal cannot be deleted. Held here on a real round's proposals, and with two
connections racing a delete against a write in both orders.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
import pytest

from matchmaker import db
from matchmaker.errors import Conflict, Invalid, from_postgres
from matchmaker.queries import rounds as q
from tests.test_rounds import run_round

INVITATION = """
INSERT INTO proposals (round_id, origin, demand_id, actor_id, score, status, expires_at)
VALUES (NULL, 'invitation', $1, $2, 0.5, 'community_accepted', now() + interval '7 days')
"""


async def test_a_proposed_need_or_partner_cannot_be_deleted(
    client: Any, seeded: Any, login: Any
) -> None:
    done = await run_round(client, await login("coordinator"))
    assert done["status"] == "succeeded" and done["stats"]["matched"] > 0
    pair = await seeded.fetchrow(
        "SELECT demand_id, actor_id FROM proposals WHERE round_id = $1 LIMIT 1", done["id"]
    )
    for table, column in (("demands", "demand_id"), ("actors", "actor_id")):
        with pytest.raises(asyncpg.ForeignKeyViolationError) as refused:
            await seeded.execute(f"DELETE FROM {table} WHERE id = $1", pair[column])
        assert refused.value.constraint_name == f"proposals_{column}_fkey"
        assert "is still referenced" in refused.value.detail
        assert isinstance(from_postgres(refused.value), Conflict)
        assert await seeded.fetchval(f"SELECT count(*) FROM {table} WHERE id = $1", pair[column])


async def test_a_proposal_naming_a_need_or_partner_that_does_not_exist_is_refused(
    seeded: Any,
) -> None:
    demand_id = await seeded.fetchval("SELECT min(id) FROM demands")
    actor_id = await seeded.fetchval("SELECT min(id) FROM actors")
    for pair, column in (((10**9, actor_id), "demand_id"), ((demand_id, 10**9), "actor_id")):
        with pytest.raises(asyncpg.ForeignKeyViolationError) as refused:
            await seeded.execute(INVITATION, *pair)
        assert refused.value.constraint_name == f"proposals_{column}_fkey"
        assert isinstance(from_postgres(refused.value), Invalid)
    # a COPY with one bad row among good ones writes none of them
    round_id = await seeded.fetchval(
        "INSERT INTO rounds (scope, algorithm, params) VALUES ('{}', 'optimal', '{}') RETURNING id"
    )
    good = [(d, actor_id, 0.5, {}, False) for d in await ids_of(seeded, "demands", 3)]
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        async with seeded.transaction():
            await q.copy_proposals(
                seeded, round_id, [*good, (demand_id, 10**9, 0.5, {}, False)], expires
            )
    assert await seeded.fetchval("SELECT count(*) FROM proposals") == 0
    # re-pointing a proposal is checked too
    await seeded.execute(INVITATION, demand_id, actor_id)
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await seeded.execute("UPDATE proposals SET actor_id = $1", 10**9)


async def ids_of(conn: Any, table: str, n: int) -> list[int]:
    return [r["id"] for r in await conn.fetch(f"SELECT id FROM {table} ORDER BY id LIMIT {n}")]


async def _new_need(client: Any, staff: dict[str, str]) -> int:
    created = await client.post(
        "/api/v1/demands", json={"title": "楼栋议事会场地改造", "category": "governance"},
        headers=staff,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def _waiting(conn: Any, pid: int, statement: asyncio.Future[Any]) -> None:
    """Until the backend ``pid`` waits for a lock (the holds lock, here), or its statement ended
    without waiting (then the test's next assertion says what went wrong)."""
    while not statement.done() and await conn.fetchval(
        "SELECT wait_event_type IS DISTINCT FROM 'Lock' FROM pg_stat_activity WHERE pid = $1", pid
    ):
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("first", ["write", "delete"])
async def test_a_delete_racing_a_write_of_proposals_never_leaves_one_dangling(
    client: Any, seeded: Any, login: Any, database_dsn: str, first: str
) -> None:
    demand_id = await _new_need(client, await login("staff"))
    actor_id = await seeded.fetchval("SELECT min(id) FROM actors")
    writer, deleter = await db.connect(database_dsn), await db.connect(database_dsn)
    try:
        write_tx, delete_tx = writer.transaction(), deleter.transaction()
        await write_tx.start()
        await delete_tx.start()
        if first == "write":  # a writer of proposals holds the holds lock; the delete waits
            await q.lock_holds(writer)
            await writer.execute(INVITATION, demand_id, actor_id)
            deleting = asyncio.ensure_future(
                deleter.execute("DELETE FROM demands WHERE id = $1", demand_id)
            )
            await _waiting(seeded, deleter.get_server_pid(), deleting)
            await write_tx.commit()
            with pytest.raises(asyncpg.ForeignKeyViolationError):
                await deleting
            await delete_tx.rollback()
            assert await seeded.fetchval("SELECT count(*) FROM proposals") == 1
        else:  # the delete holds the lock; the writer waits, then finds the need gone
            await deleter.execute("DELETE FROM demands WHERE id = $1", demand_id)
            writing = asyncio.ensure_future(writer.execute(INVITATION, demand_id, actor_id))
            await _waiting(seeded, writer.get_server_pid(), writing)
            await delete_tx.commit()
            with pytest.raises(asyncpg.ForeignKeyViolationError):
                await writing
            await write_tx.rollback()
            assert await seeded.fetchval("SELECT count(*) FROM proposals") == 0
        dangling = await seeded.fetchval(
            "SELECT count(*) FROM proposals p WHERE NOT EXISTS "
            "(SELECT 1 FROM demands d WHERE d.id = p.demand_id)"
        )
        assert dangling == 0
    finally:
        await writer.close()
        await deleter.close()
