"""The matching fair's needs: typed functions over ``sql/queries/fair.sql``."""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from matchmaker.vocab import Category, ResourceType

__all__ = ["FairNeed", "fair_needs"]

from matchmaker.queries import sql

Q = sql("fair")


class FairNeed(msgspec.Struct):
    """An open need as the handbook prints it."""

    id: int
    title: str
    description: str
    category: Category
    resource_types: list[ResourceType]
    window_start: dt.date | None
    window_end: dt.date | None
    slots: int
    beneficiaries: int
    community_name: str
    town_name: str


async def fair_needs(
    conn: asyncpg.Connection, district_id: int, on: dt.date, limit: int
) -> list[FairNeed]:
    """The district's open needs still running on ``on``, by category then community."""
    rows = await conn.fetch(Q["fair_needs"], district_id, on, limit)
    return [msgspec.convert(dict(row), FairNeed) for row in rows]
