"""Demands for spreadsheets: typed functions over ``sql/queries/demand_sheets.sql``.

Inserting imported rows goes through :func:`matchmaker.queries.demands.insert`; these are only the
reads a spreadsheet needs that a page of the demand list does not give.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.models.demands import SheetDemand
from matchmaker.queries import sql
from matchmaker.queries.demands import DemandFilters

__all__ = ["CommunityName", "communities_named", "export"]

Q = sql("demand_sheets")


class CommunityName(msgspec.Struct, frozen=True):
    id: int
    name: str
    town_name: str
    district_id: int


async def export(
    conn: asyncpg.Connection, filters: DemandFilters, districts: list[int] | None = None
) -> list[SheetDemand]:
    """Every non-archived demand the filters match, oldest first (``filters.q`` segmented), in
    ``districts`` only (None: everywhere)."""
    f = filters
    args: list[Any] = [
        f.district_id, f.town_id, f.community_id, f.category, f.status, f.resource_type,
        f.target_group, f.urgency, f.community_kind, f.q or None, districts,
    ]  # fmt: skip
    rows = await conn.fetch(Q["export"], *args)
    return [msgspec.convert(dict(r), SheetDemand) for r in rows]


async def communities_named(conn: asyncpg.Connection, names: list[str]) -> list[CommunityName]:
    """The non-archived communities bearing any of ``names`` (several may share one name)."""
    rows = await conn.fetch(Q["communities_named"], names)
    return [msgspec.convert(dict(r), CommunityName) for r in rows]
