"""Sign-in attempt counters: typed functions over ``sql/queries/login_attempts.sql``."""

from __future__ import annotations

import asyncpg

from matchmaker.queries import sql

__all__ = ["count", "forget", "forget_old", "so_far"]

Q = sql("login_attempts")


async def count(conn: asyncpg.Connection, key: str, window_seconds: int) -> tuple[int, int]:
    """Count one more attempt under ``key``; (attempts in the window, seconds it has left)."""
    row = await conn.fetchrow(Q["count_login_attempt"], key, window_seconds)
    assert row is not None
    return int(row["attempts"]), max(int(row["retry_after"]), 1)


async def so_far(conn: asyncpg.Connection, key: str, window_seconds: int) -> tuple[int, int]:
    """(attempts under ``key`` in its current window, seconds it has left); (0, 0) when none."""
    row = await conn.fetchrow(Q["login_attempts"], key, window_seconds)
    if row is None:
        return 0, 0
    return int(row["attempts"]), max(int(row["retry_after"]), 1)


async def forget(conn: asyncpg.Connection, key: str) -> None:
    await conn.execute(Q["forget_login_attempts"], key)


async def forget_old(conn: asyncpg.Connection) -> None:
    """Drop counters whose window ended long ago (housekeeping)."""
    await conn.execute(Q["forget_old_login_attempts"])
