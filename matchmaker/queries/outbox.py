"""The outbox and the group robots: typed functions over ``sql/queries/outbox.sql``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

import asyncpg

from matchmaker.queries import one, sql

__all__ = [
    "Message",
    "claim",
    "counts",
    "due",
    "give_up",
    "insert_webhook",
    "list_webhooks",
    "put",
    "retry",
    "sent",
    "update_webhook",
    "webhook",
    "webhooks_by_id",
    "webhooks_of",
]

Q = sql("outbox")


class Message(NamedTuple):
    """One message to queue: by e-mail to a user, or to a group robot."""

    channel: str
    dedupe_key: str
    user_id: int | None
    webhook_id: int | None
    recipient: str
    subject: str
    body: str


async def put(conn: asyncpg.Connection, messages: Sequence[Message]) -> int:
    """Queue messages in the caller's transaction; those already queued under their key are kept."""
    if not messages:
        return 0
    columns = list(zip(*messages, strict=True))
    return int(await conn.fetchval(Q["put"], *[list(c) for c in columns]))


async def claim(
    conn: asyncpg.Connection, now: dt.datetime, limit: int, lease_seconds: float
) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["claim"], now, limit, lease_seconds))


async def sent(conn: asyncpg.Connection, ids: Sequence[int], at: dt.datetime) -> None:
    await conn.execute(Q["sent"], list(ids), at)


async def retry(
    conn: asyncpg.Connection, failures: Sequence[tuple[int, dt.datetime, str]], attempts: int
) -> None:
    """Record (id, next attempt, error) of each failed message; ``attempts`` is the last one."""
    if failures:
        ids, ats, errors = zip(*failures, strict=True)
        await conn.execute(Q["retry"], list(ids), list(ats), [e[:1000] for e in errors], attempts)


async def give_up(conn: asyncpg.Connection, failures: Sequence[tuple[int, str]]) -> None:
    if failures:
        ids, errors = zip(*failures, strict=True)
        await conn.execute(Q["give_up"], list(ids), [e[:1000] for e in errors])


async def due(conn: asyncpg.Connection, now: dt.datetime) -> bool:
    return bool(await conn.fetchval(Q["due"], now))


async def counts(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["delivery_counts"]))


async def webhook(conn: asyncpg.Connection, webhook_id: int) -> asyncpg.Record:
    return await one(conn, Q["webhook"], webhook_id, entity="webhook", key=webhook_id)


async def webhooks_by_id(conn: asyncpg.Connection, ids: Sequence[int]) -> dict[int, asyncpg.Record]:
    return {r["id"]: r for r in await conn.fetch(Q["webhooks_by_id"], list(ids))}


async def webhooks_of(
    conn: asyncpg.Connection, community_ids: Sequence[int], district_ids: Sequence[int]
) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["webhooks_of"], list(community_ids), list(district_ids)))


async def list_webhooks(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["list_webhooks"]))


async def insert_webhook(conn: asyncpg.Connection, *values: object) -> int:
    return int(await conn.fetchval(Q["insert_webhook"], *values))


async def update_webhook(conn: asyncpg.Connection, webhook_id: int, *values: object) -> int:
    row = await one(
        conn, Q["update_webhook"], webhook_id, *values, entity="webhook", key=webhook_id
    )
    return int(row["id"])
