"""Applications for an account: typed functions over ``sql/queries/registrations.sql``."""

from __future__ import annotations

from typing import Any

import asyncpg

from matchmaker.queries import one, sql

__all__ = [
    "choices",
    "coordinators_of",
    "decide",
    "district",
    "get",
    "insert",
    "is_live",
    "lock",
    "name_taken",
    "named",
    "pending",
]

Q = sql("registrations")


async def name_taken(
    conn: asyncpg.Connection, *, username: str | None = None, org_name: str | None = None
) -> bool:
    """True when a user or a pending application has the username, or an organisation the name."""
    if username is not None:
        return bool(await conn.fetchval(Q["username_taken"], username))
    return bool(await conn.fetchval(Q["org_name_taken"], org_name))


async def is_live(conn: asyncpg.Connection, table: str, row_id: int) -> bool:
    """True when the actor or community exists and is not archived."""
    return bool(
        await conn.fetchval(Q["actor_live" if table == "actor" else "community_live"], row_id)
    )


async def district(conn: asyncpg.Connection, district_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(Q["district"], district_id)


async def insert(conn: asyncpg.Connection, values: dict[str, Any]) -> int:
    return int(
        await conn.fetchval(
            Q["insert"],
            values["kind"],
            values["username"],
            values["display_name"],
            values["password_hash"],
            values["phone"],
            values["email"],
            values["message"],
            values["community_id"],
            values["actor_id"],
            values["org_name"],
            values["org_kind"],
            values["district_id"],
            values["token_hash"],
        )
    )


async def get(
    conn: asyncpg.Connection, *, registration_id: int | None = None, token_hash: str | None = None
) -> asyncpg.Record:
    """One application, by id or by its status token's hash; NotFound otherwise."""
    key = registration_id if registration_id is not None else "by this link"
    return await one(conn, Q["one"], registration_id, token_hash, entity="application", key=key)


async def lock(conn: asyncpg.Connection, registration_id: int) -> asyncpg.Record:
    return await one(conn, Q["lock"], registration_id, entity="application", key=registration_id)


async def pending(conn: asyncpg.Connection, districts: list[int] | None) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["pending"], districts))


async def decide(
    conn: asyncpg.Connection,
    registration_id: int,
    *,
    status: str,
    reason: str | None,
    by: int,
    user_id: int | None = None,
    actor_id: int | None = None,
) -> None:
    await conn.execute(Q["decide"], registration_id, status, reason, by, user_id, actor_id)


async def named(
    conn: asyncpg.Connection, name: str, *, district_id: int | None = None
) -> int | None:
    """The organisation of this name, or (with ``district_id``) the community there; else None."""
    if district_id is None:
        found = await conn.fetchval(Q["actor_named"], name)
    else:
        found = await conn.fetchval(Q["community_named"], district_id, name)
    return int(found) if found is not None else None


async def choices(conn: asyncpg.Connection) -> dict[str, list[asyncpg.Record]]:
    """{"district" | "community" | "actor": rows of id and name} for the form."""
    found: dict[str, list[asyncpg.Record]] = {"district": [], "community": [], "actor": []}
    for row in await conn.fetch(Q["choices"]):
        found[row["kind"]].append(row)
    return found


async def coordinators_of(conn: asyncpg.Connection, districts: list[int]) -> list[int]:
    """The active coordinators governing any of ``districts``."""
    return [r["user_id"] for r in await conn.fetch(Q["coordinators_of"], districts)]
