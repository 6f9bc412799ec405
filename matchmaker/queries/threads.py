"""Threads and their messages: typed functions over ``sql/queries/threads.sql``."""

from __future__ import annotations

import asyncpg
import msgspec

from matchmaker.models.threads import Message, Thread
from matchmaker.queries import sql
from matchmaker.queries.paging import Sort, fetch_page

__all__ = ["curators_in_thread", "get_message", "insert_message", "messages", "thread"]

Q = sql("threads")
#: Newest first in the database; pages are turned over to read newest last.
NEWEST = Sort("m.id")


async def thread(conn: asyncpg.Connection, demand_id: int, actor_id: int) -> Thread | None:
    """The pair's thread, or None when there is no such pair or it has no proposal or
    partnership."""
    row = await conn.fetchrow(Q["thread"], demand_id, actor_id)
    if row is None or (row["proposal_id"] is None and row["partnership_id"] is None):
        return None
    return msgspec.convert(dict(row), Thread)


async def messages(
    conn: asyncpg.Connection, demand_id: int, actor_id: int, limit: int, cursor: str | None
) -> tuple[list[Message], str | None]:
    """The latest ``limit`` messages (before ``cursor``), newest first, and the cursor to the
    earlier ones."""
    return await fetch_page(
        conn, Q["messages"], "newest", NEWEST, [demand_id, actor_id], limit, cursor,
        lambda r: msgspec.convert(dict(r), Message),
    )  # fmt: skip


async def insert_message(
    conn: asyncpg.Connection, demand_id: int, actor_id: int, author_id: int, side: str, body: str
) -> int:
    return int(await conn.fetchval(Q["insert_message"], demand_id, actor_id, author_id, side, body))


async def get_message(conn: asyncpg.Connection, message_id: int) -> Message:
    row = await conn.fetchrow(Q["get_message"], message_id)
    assert row is not None, "the message was just written"
    return msgspec.convert(dict(row), Message)


async def curators_in_thread(conn: asyncpg.Connection, demand_id: int, actor_id: int) -> list[int]:
    """Active coordinators and admins who wrote in the thread."""
    return list(await conn.fetchval(Q["curators_in_thread"], demand_id, actor_id))
