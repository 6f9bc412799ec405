"""Talent (人才库) and the districts people serve: typed functions over ``sql/queries/talent.sql``."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Conflict
from matchmaker.models.talent import Talent, TalentSort
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, by_relevance, fetch_page

__all__ = [
    "SORTS",
    "TalentFilters",
    "archive",
    "get",
    "insert",
    "list_talent",
    "row_for_update",
    "set_districts",
    "update",
]

Q = sql("talent")

#: The sorts a list may ask for; the user names one, never writes SQL.
SORTS: dict[str, Sort] = {
    "relevance": by_relevance("t.search", 5),
    "newest": Sort("t.id"),
    "oldest": Sort("t.id", descending=False),
    "name": Sort("t.id", descending=False, key_sql="t.display_name", key_type="text"),
    "hours": Sort("t.id", key_sql="t.hours_per_month", key_type="int"),
}


class TalentFilters(msgspec.Struct, kw_only=True):
    """Optional narrowing of a talent list; ``None`` means any."""

    role: str | None = None
    skill: str | None = None
    district_id: int | None = None
    actor_id: int | None = None
    q: str | None = None


def _talent(row: asyncpg.Record) -> Talent:
    values = dict(row)
    values.pop("sort_key", None)
    return msgspec.convert(values, Talent)


async def list_talent(
    conn: asyncpg.Connection,
    filters: TalentFilters,
    *,
    sort: TalentSort,
    limit: int,
    cursor: str | None,
) -> tuple[list[Talent], str | None]:
    """One page of people; ``filters.q`` must already be segmented (see ``segment.query_text``)."""
    spec = SORTS[sort]
    f = filters
    args: list[Any] = [f.role, f.skill, f.district_id, f.actor_id, f.q or None]
    return await fetch_page(conn, Q["list"], sort, spec, args, limit, cursor, _talent)


async def get(conn: asyncpg.Connection, talent_id: int) -> Talent:
    row = await one(conn, Q["get"], talent_id, entity="talent", key=talent_id)
    return _talent(row)


async def row_for_update(conn: asyncpg.Connection, talent_id: int) -> dict[str, Any]:
    """The stored row with its ``district_ids``, locked until the caller's transaction ends."""
    row = await one(conn, Q["row_for_update"], talent_id, entity="talent", key=talent_id)
    return dict(row)


def _args(v: dict[str, Any]) -> tuple[Any, ...]:
    return (
        v["display_name"], v["roles"], v["skills"], v["certificates"], v["actor_id"],
        v["hours_per_month"], v["bio"], v["search_text"],
    )  # fmt: skip


def _taken(values: dict[str, Any]) -> Conflict:
    return Conflict(
        f"display_name: a person named {values['display_name']!r} is already in the library "
        "(archived ones count)",
        field="display_name",
    )


async def insert(conn: asyncpg.Connection, values: dict[str, Any]) -> int:
    """Add a person (not their districts: :func:`set_districts`); a taken name is a Conflict."""
    try:
        return int(await conn.fetchval(Q["insert"], *_args(values)))
    except asyncpg.UniqueViolationError:
        raise _taken(values) from None


async def update(conn: asyncpg.Connection, talent_id: int, values: dict[str, Any]) -> None:
    try:
        await conn.execute(Q["update"], talent_id, *_args(values))
    except asyncpg.UniqueViolationError:
        raise _taken(values) from None


async def set_districts(conn: asyncpg.Connection, talent_id: int, district_ids: list[int]) -> None:
    """Make ``district_ids`` the set of districts the person serves."""
    await conn.execute(Q["drop_districts"], talent_id, district_ids)
    await conn.execute(Q["add_districts"], talent_id, district_ids)


async def archive(conn: asyncpg.Connection, talent_id: int) -> None:
    await conn.execute(Q["archive"], talent_id)
