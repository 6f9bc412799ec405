"""Reports: typed functions over ``sql/queries/reports.sql``.

An area is given as :class:`Where` — districts (None: all), a town, a community — and a period as
two timestamps ``[since, until)``; every query filters the same way.
"""

from __future__ import annotations

import datetime as dt
import gzip
from typing import NamedTuple

import asyncpg

from matchmaker.queries import sql

__all__ = [
    "Where",
    "area_needs",
    "choices",
    "city_districts",
    "communities",
    "community",
    "district",
    "needs_by_category",
    "proposals",
    "rounds",
    "town",
]

Q = sql("reports")


class Where(NamedTuple):
    """The area a query counts: districts (None: every district), a town, a community."""

    districts: list[int] | None
    town: int | None = None
    community: int | None = None


async def community(conn: asyncpg.Connection, community_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(Q["community"], community_id)


async def town(conn: asyncpg.Connection, town_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(Q["town"], town_id)


async def district(conn: asyncpg.Connection, district_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(Q["district"], district_id)


async def city_districts(conn: asyncpg.Connection, city: str) -> list[int]:
    """The districts of a city (empty: no such city)."""
    return list(await conn.fetchval(Q["city"], city))


async def choices(conn: asyncpg.Connection, districts: list[int] | None) -> list[asyncpg.Record]:
    """(depth, key, name) of every place a report may be asked for, coarsest first."""
    return list(await conn.fetch(Q["choices"], districts))


async def communities(
    conn: asyncpg.Connection, where: Where, since: dt.datetime, until: dt.datetime
) -> list[asyncpg.Record]:
    """One row per community of the area with its figures for the period."""
    return list(await conn.fetch(Q["communities"], *where, since, until))


async def needs_by_category(
    conn: asyncpg.Connection, where: Where, since: dt.datetime, until: dt.datetime
) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["needs_by_category"], *where, since, until))


async def rounds(
    conn: asyncpg.Connection, since: dt.datetime, until: dt.datetime
) -> list[tuple[asyncpg.Record, bytes]]:
    """Real rounds started in the period that finished, each with its open needs' reasons (JSON)."""
    rows = await conn.fetch(Q["rounds"], since, until)
    return [(r, gzip.decompress(r["unmatched_gz"]) if r["unmatched_gz"] else b"[]") for r in rows]


async def proposals(
    conn: asyncpg.Connection, where: Where, round_ids: list[int], limit: int
) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q["proposals"], *where, round_ids, limit))


async def area_needs(
    conn: asyncpg.Connection, where: Where, demand_ids: list[int]
) -> dict[int, asyncpg.Record]:
    """The needs among ``demand_ids`` that lie in the area, by id."""
    rows = await conn.fetch(Q["area_needs"], *where, demand_ids)
    return {r["id"]: r for r in rows}
