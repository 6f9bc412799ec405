"""Actors (主体库) and the districts they serve: typed functions over ``sql/queries/actors.sql``."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Conflict
from matchmaker.models.actors import Actor, ActorSort
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, by_relevance, fetch_page

__all__ = [
    "SORTS",
    "ActorFilters",
    "archive",
    "exists",
    "get",
    "insert",
    "list_actors",
    "row_for_update",
    "set_districts",
    "update",
]

Q = sql("actors")

#: The sorts a list may ask for; the user names one, never writes SQL.
SORTS: dict[str, Sort] = {
    "relevance": by_relevance("a.search", 6),
    "newest": Sort("a.id"),
    "oldest": Sort("a.id", descending=False),
    "name": Sort("a.id", descending=False, key_sql="a.name", key_type="text"),
    "capacity": Sort("a.id", key_sql="a.capacity", key_type="int"),
}


class ActorFilters(msgspec.Struct, kw_only=True):
    """Optional narrowing of an actor list; ``None`` means any."""

    kind: str | None = None
    category: str | None = None
    resource_type: str | None = None
    verified: bool | None = None
    district_id: int | None = None
    q: str | None = None


def _actor(row: asyncpg.Record) -> Actor:
    values = dict(row)
    values.pop("sort_key", None)
    return msgspec.convert(values, Actor)


async def list_actors(
    conn: asyncpg.Connection,
    filters: ActorFilters,
    *,
    sort: ActorSort,
    limit: int,
    cursor: str | None,
) -> tuple[list[Actor], str | None]:
    """One page of actors with their contacts; ``filters.q`` must already be segmented."""
    spec = SORTS[sort]
    f = filters
    args: list[Any] = [f.kind, f.category, f.resource_type, f.verified, f.district_id, f.q or None]
    return await fetch_page(conn, Q["list"], sort, spec, args, limit, cursor, _actor)


async def get(conn: asyncpg.Connection, actor_id: int) -> Actor:
    """The actor with its contact (callers hide it from the public with ``Actor.public``)."""
    row = await one(conn, Q["get"], actor_id, entity="actor", key=actor_id)
    return _actor(row)


async def exists(conn: asyncpg.Connection, actor_id: int) -> bool:
    """True when the actor exists and is not archived."""
    return bool(await conn.fetchval(Q["exists"], actor_id))


async def row_for_update(conn: asyncpg.Connection, actor_id: int) -> dict[str, Any]:
    """The stored row with its ``district_ids``, locked until the caller's transaction ends."""
    row = await one(conn, Q["row_for_update"], actor_id, entity="actor", key=actor_id)
    return dict(row)


def _args(v: dict[str, Any]) -> tuple[Any, ...]:
    return (
        v["name"], v["kind"], v["grade"], v["verified"], v["categories"], v["resource_types"],
        v["remote_resource_types"], v["capacity"], v["lat"], v["lon"], v["description"],
        v["website"], v["contact_name"], v["contact_phone"], v["contact_email"], v["search_text"],
        v["service_radius_km"],
    )  # fmt: skip


def _taken(values: dict[str, Any]) -> Conflict:
    return Conflict(
        f"name: an actor named {values['name']!r} is already in the library (archived ones count)",
        field="name",
    )


async def insert(conn: asyncpg.Connection, values: dict[str, Any]) -> int:
    """Add an actor (not its districts: :func:`set_districts`); a taken name is a Conflict."""
    try:
        return int(await conn.fetchval(Q["insert"], *_args(values)))
    except asyncpg.UniqueViolationError:
        raise _taken(values) from None


async def update(conn: asyncpg.Connection, actor_id: int, values: dict[str, Any]) -> None:
    try:
        await conn.execute(Q["update"], actor_id, *_args(values))
    except asyncpg.UniqueViolationError:
        raise _taken(values) from None


async def set_districts(conn: asyncpg.Connection, actor_id: int, district_ids: list[int]) -> None:
    """Make ``district_ids`` the set of districts the actor serves."""
    await conn.execute(Q["drop_districts"], actor_id, district_ids)
    await conn.execute(Q["add_districts"], actor_id, district_ids)


async def archive(conn: asyncpg.Connection, actor_id: int) -> None:
    await conn.execute(Q["archive"], actor_id)
