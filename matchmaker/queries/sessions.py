"""Sessions: typed functions over ``sql/queries/sessions.sql``."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from matchmaker.models import CurrentUser
from matchmaker.queries import sql

__all__ = ["forget_expired", "revoke_all", "revoke_one", "signed_in", "token_version"]

Q = sql("sessions")

#: The largest id PostgreSQL's bigint holds; a larger one cannot name a row.
MAX_ID = 2**63 - 1


async def signed_in(
    conn: asyncpg.Connection, user_id: int, version: int, jti: str
) -> CurrentUser | None:
    """The active user a token names while its version is theirs and it was not signed out."""
    if not (0 < user_id <= MAX_ID and -(2**31) <= version < 2**31):
        return None
    row = await conn.fetchrow(Q["signed_in"], user_id, version, jti)
    return msgspec.convert(dict(row), CurrentUser) if row else None


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
