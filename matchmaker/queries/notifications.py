"""Notifications: typed functions over ``sql/queries/notifications.sql``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import asyncpg

from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, fetch_page

__all__ = [
    "NEWEST",
    "digest_due",
    "digest_sent",
    "display_names",
    "expiring_proposals",
    "list_page",
    "mark_read",
    "notify",
    "notify_round",
    "open_link",
    "overdue_partnerships",
    "round_areas",
    "set_settings",
    "settings_of",
    "since",
    "unread",
]

Q = sql("notifications")
NEWEST = Sort("id")


async def notify(
    conn: asyncpg.Connection,
    *,
    community_id: int | None,
    actor_id: int | None,
    users: Sequence[int],
    acting_user: int | None,
    kind: str,
    entity: str,
    entity_id: int | None,
    link: str,
    params: dict[str, Any],
) -> list[asyncpg.Record]:
    """One notification per recipient; (id, user_id, email, language, email_mode) of each."""
    return list(
        await conn.fetch(
            Q["notify"],
            community_id,
            actor_id,
            list(users),
            acting_user,
            kind,
            entity,
            entity_id,
            link,
            params,
        )
    )


async def display_names(conn: asyncpg.Connection, user_ids: Sequence[int]) -> dict[int, str]:
    rows = await conn.fetch(Q["display_names"], list(user_ids))
    return {r["id"]: r["display_name"] for r in rows}


async def notify_round(conn: asyncpg.Connection, round_id: int) -> list[asyncpg.Record]:
    """Tell both sides of each of a round's proposals; per user, a count and the first few."""
    return list(await conn.fetch(Q["notify_round"], round_id))


async def round_areas(conn: asyncpg.Connection, round_id: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["round_areas"], round_id))


async def list_page(
    conn: asyncpg.Connection, user_id: int, *, unread_only: bool, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """The user's notifications, newest first."""
    return await fetch_page(
        conn, Q["list"], "newest", NEWEST, [user_id, unread_only], limit, cursor, dict
    )


async def unread(conn: asyncpg.Connection, user_id: int) -> int:
    return int(await conn.fetchval(Q["unread"], user_id))


async def mark_read(conn: asyncpg.Connection, user_id: int, ids: Sequence[int] | None) -> None:
    await conn.execute(Q["mark_read"], user_id, None if ids is None else list(ids))


async def since(
    conn: asyncpg.Connection, user_id: int, start: dt.datetime, end: dt.datetime
) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["since"], user_id, start, end))


async def digest_due(conn: asyncpg.Connection, day_start: dt.datetime) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["digest_due"], day_start))


async def digest_sent(conn: asyncpg.Connection, user_id: int, at: dt.datetime) -> None:
    await conn.execute(Q["digest_sent"], user_id, at)


async def expiring_proposals(
    conn: asyncpg.Connection, now: dt.datetime, lead: dt.timedelta
) -> list[asyncpg.Record]:
    """Live proposals within ``lead`` of expiring and not yet reminded (marked reminded now)."""
    return list(await conn.fetch(Q["expiring_proposals"], now, lead))


async def overdue_partnerships(
    conn: asyncpg.Connection, today: dt.date, now: dt.datetime
) -> list[asyncpg.Record]:
    """Active partnerships past their need's end date, not yet told (marked told now)."""
    return list(await conn.fetch(Q["overdue_partnerships"], today, now))


async def settings_of(conn: asyncpg.Connection, user_id: int) -> asyncpg.Record:
    return await one(conn, Q["settings_of"], user_id, entity="user", key=user_id)


async def set_settings(
    conn: asyncpg.Connection, user_id: int, email: str | None, language: str, mode: str
) -> asyncpg.Record:
    return await one(
        conn, Q["set_settings"], user_id, email, language, mode, entity="user", key=user_id
    )


async def open_link(conn: asyncpg.Connection, user_id: int, notification_id: int) -> str | None:
    """Mark the user's notification read; its link (None: not theirs, or no such one)."""
    link = await conn.fetchval(Q["open_link"], user_id, notification_id)
    return None if link is None else str(link)
