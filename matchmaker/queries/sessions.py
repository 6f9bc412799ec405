"""Sessions: typed functions over ``sql/queries/sessions.sql``."""

from __future__ import annotations

import datetime as dt

import asyncpg

from matchmaker.queries import sql

__all__ = ["forget_expired", "revoke_all", "revoke_one", "token_version"]

Q = sql("sessions")


async def token_version(conn: asyncpg.Connection, user_id: int) -> int:
    return int(await conn.fetchval(Q["token_version"], user_id))


async def revoke_all(conn: asyncpg.Connection, user_id: int) -> None:
    await conn.execute(Q["revoke_all"], user_id)


async def revoke_one(
    conn: asyncpg.Connection, jti: str, user_id: int, expires_at: dt.datetime
) -> None:
    await conn.execute(Q["revoke_one"], jti, user_id, expires_at)


async def forget_expired(conn: asyncpg.Connection) -> None:
    """Drop revoked tokens past their expiry (housekeeping)."""
    await conn.execute(Q["forget_expired"])
