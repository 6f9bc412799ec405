"""Contact details: typed functions over ``sql/queries/contacts.sql``.

These only read; :mod:`matchmaker.services.contacts` decides who sees what they return.
"""

from __future__ import annotations

import asyncpg

from matchmaker.models.contacts import Contact
from matchmaker.queries import sql

__all__ = [
    "actor_contacts",
    "community_contacts",
    "confirmed_communities",
    "confirmed_pair",
    "confirmed_partners",
]

Q = sql("contacts")


async def confirmed_pair(conn: asyncpg.Connection, community_id: int, actor_id: int) -> bool:
    """True when the two have a partnership that is active or completed."""
    return bool(await conn.fetchval(Q["confirmed_pair"], community_id, actor_id))


async def confirmed_partners(conn: asyncpg.Connection, community_id: int) -> set[int]:
    """The organisations the community has an active or completed partnership with."""
    return {r["id"] for r in await conn.fetch(Q["confirmed_partners"], community_id)}


async def confirmed_communities(conn: asyncpg.Connection, actor_id: int) -> set[int]:
    """The communities the organisation has an active or completed partnership with."""
    return {r["id"] for r in await conn.fetch(Q["confirmed_communities"], actor_id)}


def _contacts(rows: list[asyncpg.Record]) -> dict[int, Contact]:
    return {r["id"]: Contact(name=r["name"], phone=r["phone"], email=r["email"]) for r in rows}


async def actor_contacts(conn: asyncpg.Connection, actor_ids: list[int]) -> dict[int, Contact]:
    """The contact person of each organisation named (by id)."""
    if not actor_ids:
        return {}
    return _contacts(await conn.fetch(Q["actor_contacts"], actor_ids))


async def community_contacts(
    conn: asyncpg.Connection, community_ids: list[int]
) -> dict[int, Contact]:
    """The contact person of each community named (by id)."""
    if not community_ids:
        return {}
    return _contacts(await conn.fetch(Q["community_contacts"], community_ids))
