"""Users: the current user, sign-in lookups, creation, and the accounts admins manage."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Conflict, NotFound
from matchmaker.models import CurrentUser
from matchmaker.models.users import UserAccount
from matchmaker.queries import sql
from matchmaker.queries.paging import Sort, fetch_page

__all__ = [
    "account",
    "by_username",
    "current",
    "find_actor",
    "find_community",
    "insert",
    "insert_account",
    "list_accounts",
    "lock_account",
    "set_password",
    "touch_login",
    "update_account",
]

Q = sql("users")

#: Users are listed oldest first (by id); the one sort a list may ask for.
BY_ID = Sort("u.id", descending=False)

#: The largest id PostgreSQL's bigint holds; a larger one cannot name a row.
MAX_ID = 2**63 - 1


async def current(
    conn: asyncpg.Connection, user_id: int, version: int, jti: str
) -> CurrentUser | None:
    """The active user with this id while a token of ``version`` named ``jti`` is good, or None."""
    if not (0 < user_id <= MAX_ID and -(2**31) <= version < 2**31):
        return None
    row = await conn.fetchrow(Q["current"], user_id, version, jti)
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


def _account(row: asyncpg.Record) -> UserAccount:
    values = dict(row)
    values.pop("sort_key", None)
    return msgspec.convert(values, UserAccount)


async def list_accounts(
    conn: asyncpg.Connection,
    *,
    role: str | None,
    active: bool | None,
    limit: int,
    cursor: str | None,
    districts: list[int] | None = None,
    name: str | None = None,
) -> tuple[list[UserAccount], str | None]:
    """One page of users, oldest first; ``districts``: only the staff of communities and
    organisations there (a coordinator's); ``name``: part of the login or display name."""
    return await fetch_page(
        conn, Q["list_accounts"], "id", BY_ID, [role, active, districts, name or None], limit,
        cursor, _account,
    )  # fmt: skip


async def account(conn: asyncpg.Connection, user_id: int) -> UserAccount:
    row = await conn.fetchrow(Q["account"], user_id) if 0 < user_id <= MAX_ID else None
    if row is None:
        raise NotFound("user", user_id)
    return _account(row)


async def lock_account(conn: asyncpg.Connection, user_id: int) -> UserAccount:
    """The account, locked until the caller's transaction ends."""
    row = await conn.fetchrow(Q["lock_account"], user_id) if 0 < user_id <= MAX_ID else None
    if row is None:
        raise NotFound("user", user_id)
    return _account(row)


async def insert_account(
    conn: asyncpg.Connection,
    *,
    username: str,
    display_name: str,
    role: str,
    community_id: int | None,
    actor_id: int | None,
    password_hash: str,
) -> int:
    """The new user's id; a taken username (active or not) is a :class:`Conflict` on ``username``."""
    try:
        created = await insert(
            conn,
            username=username,
            display_name=display_name,
            role=role,
            community_id=community_id,
            actor_id=actor_id,
            password_hash=password_hash,
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(
            f"username: {username} is already taken (perhaps by a deactivated user)",
            field="username",
        ) from None
    return created.id


async def update_account(conn: asyncpg.Connection, user_id: int, values: dict[str, Any]) -> None:
    v = values
    await conn.execute(
        Q["update_account"],
        user_id, v["display_name"], v["role"], v["community_id"], v["actor_id"], v["active"],
    )  # fmt: skip


async def set_password(conn: asyncpg.Connection, user_id: int, password_hash: str) -> None:
    await conn.execute(Q["set_password"], user_id, password_hash)


def _id_or_none(ident: int | None) -> int | None:
    return ident if ident is not None and 0 < ident <= MAX_ID else None


async def find_community(
    conn: asyncpg.Connection, community_id: int | None, name: str | None
) -> list[tuple[int, str]]:
    """(id, name) of live communities with this id or this name."""
    rows = await conn.fetch(Q["find_community"], _id_or_none(community_id), name)
    return [(row["id"], row["name"]) for row in rows]


async def find_actor(
    conn: asyncpg.Connection, actor_id: int | None, name: str | None
) -> list[tuple[int, str]]:
    """(id, name) of live partner organisations with this id or this name."""
    rows = await conn.fetch(Q["find_actor"], _id_or_none(actor_id), name)
    return [(row["id"], row["name"]) for row in rows]
