"""Communities, districts and towns: typed functions over ``sql/queries/communities.sql``."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Conflict
from matchmaker.models.communities import Community, CommunitySort, District, shortfalls
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, by_relevance, fetch_page

__all__ = [
    "SORTS",
    "CommunityFilters",
    "archive",
    "district_at",
    "district_exists",
    "districts",
    "get",
    "insert",
    "list_communities",
    "missing_districts",
    "place",
    "places",
    "row_for_update",
    "town_district",
    "update",
]

Q = sql("communities")

#: The sorts a list may ask for; the user names one, never writes SQL.
SORTS: dict[str, Sort] = {
    "relevance": by_relevance("c.search", 5),
    "newest": Sort("c.id"),
    "oldest": Sort("c.id", descending=False),
    "name": Sort("c.id", descending=False, key_sql="c.name", key_type="text"),
    "population": Sort("c.id", key_sql="c.population", key_type="int"),
}


class CommunityFilters(msgspec.Struct, kw_only=True):
    """Optional narrowing of a community list; ``None`` means any."""

    district_id: int | None = None
    town_id: int | None = None
    kind: str | None = None
    theme: str | None = None
    q: str | None = None


def _community(row: asyncpg.Record) -> Community:
    values = dict(row)
    values.pop("sort_key", None)
    missing = shortfalls(values)
    return msgspec.convert(values | {"meets_1257n": not missing, "shortfalls": missing}, Community)


async def list_communities(
    conn: asyncpg.Connection,
    filters: CommunityFilters,
    *,
    sort: CommunitySort,
    limit: int,
    cursor: str | None,
) -> tuple[list[Community], str | None]:
    """One page of communities with their contacts (``services.contacts`` decides who sees them);
    ``filters.q`` must already be segmented (``segment.query_text``)."""
    spec = SORTS[sort]
    f = filters
    args: list[Any] = [f.district_id, f.town_id, f.kind, f.theme, f.q or None]
    return await fetch_page(conn, Q["list"], sort, spec, args, limit, cursor, _community)


async def get(conn: asyncpg.Connection, community_id: int) -> Community:
    """The community with its contact (callers hide it with ``services.contacts``)."""
    row = await one(conn, Q["get"], community_id, entity="community", key=community_id)
    return _community(row)


async def row_for_update(conn: asyncpg.Connection, community_id: int) -> dict[str, Any]:
    """The stored row, locked until the caller's transaction ends."""
    row = await one(conn, Q["row_for_update"], community_id, entity="community", key=community_id)
    return dict(row)


async def town_district(conn: asyncpg.Connection, town_id: int) -> int | None:
    """The district the town lies in; None when there is no such town."""
    value = await conn.fetchval(Q["town_district"], town_id)
    return None if value is None else int(value)


async def district_exists(conn: asyncpg.Connection, district_id: int) -> bool:
    return bool(await conn.fetchval(Q["district_exists"], district_id))


async def missing_districts(conn: asyncpg.Connection, district_ids: list[int]) -> list[int]:
    """The ids among ``district_ids`` that name no district (empty: all exist)."""
    if not district_ids:
        return []
    return list(await conn.fetchval(Q["missing_districts"], district_ids) or [])


def _args(v: dict[str, Any]) -> tuple[Any, ...]:
    return (
        v["name"], v["district_id"], v["town_id"], v["kind"], v["theme"], v["population"],
        v["lat"], v["lon"], v["social_work_rooms"], v["social_workers"], v["community_orgs"],
        v["volunteer_teams"], v["charity_resources"], v["description"], v["search_text"],
        v["contact_name"], v["contact_phone"], v["contact_email"],
    )  # fmt: skip


def _taken(values: dict[str, Any]) -> Conflict:
    return Conflict(
        f"name: town {values['town_id']} already has a community named {values['name']!r} "
        "(archived ones count)",
        field="name",
    )


async def insert(conn: asyncpg.Connection, values: dict[str, Any]) -> int:
    """Add a community; Conflict naming ``name`` when its town already has one so named."""
    try:
        return int(await conn.fetchval(Q["insert"], *_args(values)))
    except asyncpg.UniqueViolationError:
        raise _taken(values) from None


async def update(conn: asyncpg.Connection, community_id: int, values: dict[str, Any]) -> None:
    try:
        await conn.execute(Q["update"], community_id, *_args(values))
    except asyncpg.UniqueViolationError:
        raise _taken(values) from None


async def archive(conn: asyncpg.Connection, community_id: int) -> None:
    await conn.execute(Q["archive"], community_id)


async def districts(conn: asyncpg.Connection) -> list[District]:
    """Every district with its towns."""
    rows = await conn.fetch(Q["districts"])
    return [msgspec.convert(dict(r), District) for r in rows]


class Place(msgspec.Struct, frozen=True):
    """A place a partner may pick as its location: a district's centre or a community."""

    key: str
    district: str
    name: str
    lat: float
    lon: float


async def places(conn: asyncpg.Connection, district_ids: list[int]) -> list[Place]:
    """Every district centre, and the communities of ``district_ids``, with their coordinates, by
    district then name."""
    return [Place(**dict(r)) for r in await conn.fetch(Q["places"], district_ids)]


async def district_at(conn: asyncpg.Connection, lat: float, lon: float) -> int | None:
    """The district of a community at (lat, lon), to five decimals; None when none lies there."""
    found = await conn.fetchval(Q["district_at"], lat, lon)
    return None if found is None else int(found)


async def place(conn: asyncpg.Connection, key: str) -> Place | None:
    """The place of ``key`` (``d12``: a district's centre; ``c345``: a community), or None."""
    kind, ident = key[:1], key[1:]
    if kind not in ("c", "d") or not ident.isascii() or not ident.isdigit() or len(ident) > 18:
        return None
    row = await conn.fetchrow(Q["place"], kind, int(ident))
    return None if row is None else Place(**dict(row))
