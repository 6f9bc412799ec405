"""Users: the current user, sign-in lookups, creation."""

from __future__ import annotations

import asyncpg
import msgspec

from matchmaker.models import CurrentUser
from matchmaker.queries import sql

__all__ = ["by_username", "current", "insert", "touch_login"]

Q = sql("users")


async def current(conn: asyncpg.Connection, user_id: int) -> CurrentUser | None:
    """The active user with this id, or None."""
    row = await conn.fetchrow(Q["current"], user_id)
    return msgspec.convert(dict(row), CurrentUser) if row else None


async def by_username(conn: asyncpg.Connection, username: str) -> tuple[CurrentUser, str] | None:
    """The active user with this name and their password hash, or None."""
    row = await conn.fetchrow(Q["by_username"], username)
    if row is None:
        return None
    values = dict(row)
    password_hash = values.pop("password_hash")
    return msgspec.convert(values, CurrentUser), password_hash


async def touch_login(conn: asyncpg.Connection, user_id: int) -> None:
    await conn.execute(Q["touch_login"], user_id)


async def insert(
    conn: asyncpg.Connection,
    *,
    username: str,
    display_name: str,
    role: str,
    community_id: int | None,
    actor_id: int | None,
    password_hash: str,
) -> CurrentUser:
    row = await conn.fetchrow(
        Q["insert"], username, display_name, role, community_id, actor_id, password_hash
    )
    return msgspec.convert(dict(row), CurrentUser)
