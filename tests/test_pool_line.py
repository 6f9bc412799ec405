"""Requests wait for a pooled connection in one first-come, first-served line (``db._line``).

asyncpg's pool alone hands a released connection to whichever coroutine asks next; under load
that starved some page requests until the pool timeout refused them (the README's benchmarks).
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from matchmaker import db
from matchmaker.errors import Unavailable


async def _churn(dsn: str, line: asyncio.Semaphore | None) -> tuple[list[int], list[int]]:
    """Twelve clients take and give back a one-connection pool four times each; every request
    draws a ticket when it asks. Returns (tickets in the order served, tickets in asked order)."""
    pool = await db.create_pool(dsn, min_size=1, max_size=1)
    tickets = itertools.count()
    asked: list[int] = []
    served: list[int] = []

    async def client() -> None:
        for _ in range(4):
            ticket = next(tickets)
            asked.append(ticket)
            conn = await db.acquire_within(pool, 30, line)
            served.append(ticket)
            await conn.fetchval("SELECT 1")
            await db.give_back(pool, conn, line)

    try:
        await asyncio.gather(*(client() for _ in range(12)))
    finally:
        await pool.close()
    return served, asked


async def test_waiting_requests_are_served_in_the_order_they_asked(database_dsn: str) -> None:
    served, asked = await _churn(database_dsn, asyncio.Semaphore(1))
    assert len(served) == 48
    assert served == asked  # nobody overtaken


async def _newcomer_first(dsn: str, line: asyncio.Semaphore | None) -> list[bool]:
    """For each moment a newcomer can ask while a connection is being given back to a waiter
    (0–7 turns of the event loop after the release began): did the newcomer get it first?"""
    pool = await db.create_pool(dsn, min_size=1, max_size=1)
    firsts = []
    try:
        for turns in range(8):
            served: list[str] = []

            async def take(name: str, served: list[str] = served) -> None:
                conn = await db.acquire_within(pool, 30, line)
                served.append(name)
                await db.give_back(pool, conn, line)

            held = await db.acquire_within(pool, 30, line)
            waiter = asyncio.create_task(take("waiter"))
            waiting = line._waiters if line is not None else pool._queue._getters  # type: ignore[attr-defined]
            while not waiting:
                await asyncio.sleep(0)  # a turn of the loop, until the waiter waits
                waiting = line._waiters if line is not None else pool._queue._getters  # type: ignore[attr-defined]
            release = asyncio.create_task(db.give_back(pool, held, line))
            for _ in range(turns):
                await asyncio.sleep(0)
            await asyncio.gather(waiter, release, take("newcomer"))
            firsts.append(served[0] == "newcomer")
    finally:
        await pool.close()
    return firsts


async def test_a_newcomer_never_overtakes_a_waiting_request(database_dsn: str) -> None:
    assert not any(await _newcomer_first(database_dsn, asyncio.Semaphore(1)))


async def test_the_bare_pool_lets_a_newcomer_overtake_a_waiter(database_dsn: str) -> None:
    """The reason for the line: asyncpg's pool alone hands the connection to the newcomer."""
    assert any(await _newcomer_first(database_dsn, None))


async def test_a_request_that_gives_up_leaves_its_place(database_dsn: str) -> None:
    pool = await db.create_pool(database_dsn, min_size=1, max_size=1)
    line = asyncio.Semaphore(1)
    try:
        held = await db.acquire_within(pool, 5, line)
        with pytest.raises(Unavailable, match=r"within 0\.05 s"):
            await db.acquire_within(pool, 0.05, line)
        await db.give_back(pool, held, line)
        again = await db.acquire_within(pool, 5, line)  # neither the place nor the connection lost
        assert await again.fetchval("SELECT 1") == 1
        await db.give_back(pool, again, line)
        assert not line.locked()
    finally:
        await pool.close()
