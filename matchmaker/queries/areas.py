"""Where records lie, for jurisdiction, and the areas coordinators govern: ``sql/queries/areas.sql``."""

from __future__ import annotations

import asyncpg

from matchmaker.errors import NotFound
from matchmaker.queries import sql

__all__ = [
    "actor_districts",
    "actors_in",
    "areas_of",
    "communities_in",
    "community_district",
    "districts",
    "set_areas",
    "talent_districts",
    "town_districts",
    "user_districts",
]

Q = sql("areas")


async def community_district(conn: asyncpg.Connection, community_id: int) -> int:
    """The district a live community lies in; NotFound when there is no such community."""
    district = await conn.fetchval(Q["community_district"], community_id)
    if district is None:
        raise NotFound("community", community_id)
    return int(district)


async def actor_districts(conn: asyncpg.Connection, actor_id: int) -> list[int]:
    """The districts a live organisation serves; NotFound when there is no such organisation."""
    row = await conn.fetchrow(Q["actor_districts"], actor_id)
    if row is None:
        raise NotFound("actor", actor_id)
    return list(row["districts"])


async def talent_districts(conn: asyncpg.Connection, talent_id: int) -> list[int]:
    """The districts a person (or their organisation) serves; [] when unknown."""
    return list(await conn.fetchval(Q["talent_districts"], talent_id) or [])


async def town_districts(conn: asyncpg.Connection, town_ids: list[int]) -> list[int]:
    return list(await conn.fetchval(Q["town_districts"], town_ids) or [])


async def user_districts(conn: asyncpg.Connection, user_id: int) -> list[int]:
    """The ids of the districts a user governs (empty for anyone not a coordinator)."""
    return list(await conn.fetchval(Q["user_districts"], user_id) or [])


async def areas_of(conn: asyncpg.Connection, user_ids: list[int]) -> dict[int, list[str]]:
    """Each user's area as it was given: names of districts, then of whole cities."""
    found: dict[int, list[str]] = {}
    for row in await conn.fetch(Q["areas_of"], user_ids):
        found.setdefault(row["user_id"], []).append(row["name"])
    return found


async def districts(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every district: (id, name, city)."""
    return list(await conn.fetch(Q["districts"]))


async def set_areas(
    conn: asyncpg.Connection, user_id: int, district_ids: list[int], cities: list[str]
) -> None:
    """Replace a user's area (in the caller's transaction)."""
    await conn.execute(Q["clear_areas"], user_id)
    rows = [(user_id, d, None) for d in district_ids] + [(user_id, None, c) for c in cities]
    if rows:
        await conn.executemany(Q["add_area"], rows)


async def communities_in(
    conn: asyncpg.Connection, districts: list[int] | None
) -> list[asyncpg.Record]:
    """(id, name) of live communities of these districts (None: all), at most 500."""
    return list(await conn.fetch(Q["communities_in"], districts))


async def actors_in(conn: asyncpg.Connection, districts: list[int] | None) -> list[asyncpg.Record]:
    """(id, name) of live organisations serving one of these districts (None: all), at most 500."""
    return list(await conn.fetch(Q["actors_in"], districts))
