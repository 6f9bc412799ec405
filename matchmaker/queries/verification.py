"""Evidence and verification: typed functions over ``sql/queries/verification.sql``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from matchmaker.queries import one, sql

__all__ = [
    "actor",
    "badges",
    "decide",
    "file",
    "insert_request",
    "lapse",
    "lock_request",
    "partners_of",
    "pending",
    "requests_of",
    "verify_actor",
]

Q = sql("verification")


async def actor(conn: asyncpg.Connection, actor_id: int) -> asyncpg.Record:
    """The organisation's standing verification and the districts it serves; NotFound if none."""
    return await one(conn, Q["actor"], actor_id, entity="actor", key=actor_id)


async def insert_request(
    conn: asyncpg.Connection,
    actor_id: int,
    number: str,
    grade: str | None,
    file_name: str,
    file_type: str,
    data: bytes,
    by: int,
    at: dt.datetime,
) -> int:
    return int(
        await conn.fetchval(
            Q["insert_request"], actor_id, number, grade, file_name, file_type, data, by, at
        )
    )


async def requests_of(conn: asyncpg.Connection, actor_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["requests_of"], actor_id))


async def pending(conn: asyncpg.Connection, districts: list[int] | None) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["pending"], districts))


async def lock_request(conn: asyncpg.Connection, request_id: int) -> asyncpg.Record:
    return await one(
        conn, Q["lock_request"], request_id, entity="verification request", key=request_id
    )


async def file(conn: asyncpg.Connection, request_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(Q["file"], request_id)


async def decide(
    conn: asyncpg.Connection,
    request_id: int,
    *,
    status: str,
    by: int,
    at: dt.datetime,
    note: str,
    until: dt.datetime | None,
) -> None:
    await conn.execute(Q["decide"], request_id, status, by, at, note, until)


async def verify_actor(
    conn: asyncpg.Connection,
    actor_id: int,
    *,
    by: int,
    at: dt.datetime,
    until: dt.datetime,
    grade: str | None,
) -> None:
    await conn.execute(Q["verify_actor"], actor_id, by, at, until, grade)


async def lapse(conn: asyncpg.Connection, now: dt.datetime) -> list[asyncpg.Record]:
    """Turn off every verification whose term ended by ``now``; the organisations it touched."""
    return list(await conn.fetch(Q["lapse"], now))


async def badges(
    conn: asyncpg.Connection, actor_ids: Sequence[int]
) -> dict[int, tuple[bool, dt.datetime | None]]:
    """{actor id: (verified now, until when)} for the badge on pages."""
    if not actor_ids:
        return {}
    rows = await conn.fetch(Q["badges"], list(set(actor_ids)))
    return {r["id"]: (r["verified"], r["verified_until"]) for r in rows}


async def partners_of(
    conn: asyncpg.Connection, demand_ids: Sequence[int]
) -> dict[int, list[asyncpg.Record]]:
    """{need id: its partners (active or completed partnerships) with their verification}."""
    if not demand_ids:
        return {}
    found: dict[int, list[asyncpg.Record]] = {}
    for row in await conn.fetch(Q["partners_of"], list(demand_ids)):
        found.setdefault(row["demand_id"], []).append(row)
    return found
