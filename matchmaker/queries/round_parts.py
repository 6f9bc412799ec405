"""The parts of a round split by region: typed functions over ``sql/queries/round_parts.sql``."""

from __future__ import annotations

import gzip
import uuid
from typing import Any

import asyncpg

from matchmaker.queries import sql

__all__ = [
    "claim",
    "fail",
    "fail_abandoned",
    "fail_round",
    "finish",
    "graphs",
    "insert",
    "insert_repair",
    "lock_round",
    "progress",
    "release_round",
    "renew_lease",
    "results",
    "scope_districts",
    "tally",
]

Q = sql("round_parts")


async def scope_districts(conn: asyncpg.Connection, scope: dict[str, Any]) -> list[int]:
    rows = await conn.fetch(
        Q["scope_districts"], scope["districts"], scope["towns"], scope["categories"]
    )
    return [int(r["district_id"]) for r in rows]


async def release_round(
    conn: asyncpg.Connection, round_id: int, worker: uuid.UUID, progress: dict[str, Any]
) -> bool:
    return await conn.fetchval(Q["release_round"], round_id, worker, progress) is not None


async def insert(conn: asyncpg.Connection, round_id: int, districts: list[int]) -> None:
    """One part per district, numbered from 0 in the order given."""
    await conn.execute(Q["insert_parts"], round_id, districts)


async def insert_repair(
    conn: asyncpg.Connection, round_id: int, part: int, stats: dict[str, Any], graph_gz: bytes
) -> None:
    """Record a split round's repair as part ``part``, with its frozen graph."""
    await conn.execute(Q["insert_repair"], round_id, part, stats, graph_gz)


async def claim(
    conn: asyncpg.Connection, round_id: int, part: int, worker: uuid.UUID, lease_seconds: float
) -> list[int] | None:
    """Take a queued part of a running round; its districts, or None when it is not to be had."""
    found = await conn.fetchval(Q["claim_part"], round_id, part, worker, lease_seconds)
    return None if found is None else [int(d) for d in found]


async def renew_lease(
    conn: asyncpg.Connection, round_id: int, part: int, worker: uuid.UUID, lease_seconds: float
) -> bool:
    found = await conn.fetchval(Q["renew_part_lease"], round_id, part, worker, lease_seconds)
    return found is not None


async def finish(
    conn: asyncpg.Connection,
    round_id: int,
    part: int,
    worker: uuid.UUID,
    stats: dict[str, Any],
    result_gz: bytes,
    graph_gz: bytes,
) -> bool:
    found = await conn.fetchval(
        Q["finish_part"], round_id, part, worker, stats, result_gz, graph_gz
    )
    return found is not None


async def graphs(conn: asyncpg.Connection, round_id: int, part: int | None) -> list[bytes]:
    """Each part's frozen graph document (only ``part``'s when given), decompressed, in order."""
    rows = await conn.fetch(Q["part_graphs"], round_id, part)
    return [gzip.decompress(r["graph_gz"]) for r in rows if r["graph_gz"] is not None]


async def fail(
    conn: asyncpg.Connection, round_id: int, part: int, worker: uuid.UUID | None, error: str
) -> bool:
    return await conn.fetchval(Q["fail_part"], round_id, part, worker, error) is not None


async def lock_round(conn: asyncpg.Connection, round_id: int) -> str | None:
    """Lock the round's row for the rest of the transaction; its status."""
    status = await conn.fetchval(Q["lock_round"], round_id)
    return None if status is None else str(status)


async def tally(conn: asyncpg.Connection, round_id: int) -> tuple[int, int, int]:
    """(parts succeeded, parts failed, parts in all)."""
    row = await conn.fetchrow(Q["tally"], round_id)
    assert row is not None
    return int(row["done"]), int(row["failed"]), int(row["total"])


async def results(conn: asyncpg.Connection, round_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["results"], round_id))


async def progress(conn: asyncpg.Connection, round_id: int, value: dict[str, Any]) -> None:
    await conn.execute(Q["parts_progress"], round_id, value)


async def fail_round(conn: asyncpg.Connection, round_id: int, error: str) -> bool:
    return await conn.fetchval(Q["fail_split_round"], round_id, error) is not None


async def fail_abandoned(conn: asyncpg.Connection) -> list[tuple[int, int]]:
    """Fail running parts whose lease lapsed; their (round id, part)."""
    return [(r["round_id"], r["part"]) for r in await conn.fetch(Q["fail_abandoned_parts"])]
