"""Cases and their partners: typed functions over ``sql/queries/cases.sql``."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Conflict
from matchmaker.models.cases import Case, CaseSort
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, by_relevance, fetch_page

__all__ = [
    "SORTS",
    "CaseFilters",
    "archive",
    "community_exists",
    "get",
    "insert",
    "list_cases",
    "missing_actors",
    "partnership",
    "row_for_update",
    "set_actors",
    "similar",
    "update",
]

Q = sql("cases")

#: The sorts a list may ask for; the user names one, never writes SQL.
SORTS: dict[str, Sort] = {
    "relevance": by_relevance("c.search", 6),
    "newest": Sort("c.id"),
    "oldest": Sort("c.id", descending=False),
    # best rated first; unrated last
    "rating": Sort("c.id", key_sql="COALESCE(c.rating, 0)::int", key_type="int"),
    # most recent year first; undated last
    "year": Sort("c.id", key_sql="COALESCE(c.year, 0)::int", key_type="int"),
    "beneficiaries": Sort("c.id", key_sql="COALESCE(c.beneficiaries, 0)", key_type="int"),
}

#: Unique constraints of ``cases`` and the input field each is about.
_UNIQUE_FIELDS = {
    "cases_community_id_title_key": ("title", "this community already has a case with this title"),
    "cases_partnership_id_key": ("partnership_id", "another case already records this partnership"),
}


class CaseFilters(msgspec.Struct, kw_only=True):
    """Optional narrowing of a case list; ``None`` means any."""

    district_id: int | None = None
    community_id: int | None = None
    category: str | None = None
    model_tag: str | None = None
    actor_id: int | None = None
    q: str | None = None


def _case(row: asyncpg.Record) -> Case:
    return msgspec.convert(dict(row), Case)


def _conflict(exc: asyncpg.UniqueViolationError) -> Conflict:
    field, message = _UNIQUE_FIELDS.get(
        exc.constraint_name or "", (None, f"this value is already taken ({exc.constraint_name})")
    )
    return Conflict(f"{field}: {message}" if field else message, field=field)


async def list_cases(
    conn: asyncpg.Connection,
    filters: CaseFilters,
    *,
    sort: CaseSort,
    limit: int,
    cursor: str | None,
) -> tuple[list[Case], str | None]:
    """One page of cases; ``filters.q`` must already be segmented (see ``segment.query_text``)."""
    spec = SORTS[sort]
    f = filters
    args: list[Any] = [
        f.district_id, f.community_id, f.category, f.model_tag, f.actor_id, f.q or None,
    ]  # fmt: skip
    return await fetch_page(conn, Q["list"], sort, spec, args, limit, cursor, _case)


async def get(conn: asyncpg.Connection, case_id: int) -> Case:
    row = await one(conn, Q["get"], case_id, entity="case", key=case_id)
    return _case(row)


async def row_for_update(conn: asyncpg.Connection, case_id: int) -> dict[str, Any]:
    """The stored row with ``actor_ids``, locked until the caller's transaction ends."""
    row = await one(conn, Q["row_for_update"], case_id, entity="case", key=case_id)
    return dict(row)


async def community_exists(conn: asyncpg.Connection, community_id: int) -> bool:
    """Whether a live (not archived) community has this id."""
    return bool(await conn.fetchval(Q["community_exists"], community_id))


async def missing_actors(conn: asyncpg.Connection, actor_ids: list[int]) -> list[int]:
    """The ids among ``actor_ids`` that name no live actor, ascending."""
    return list(await conn.fetchval(Q["missing_actors"], actor_ids))


async def partnership(conn: asyncpg.Connection, partnership_id: int) -> dict[str, Any] | None:
    """``id``, ``status`` and the ``community_id`` of its need; None when there is no such one."""
    row = await conn.fetchrow(Q["partnership"], partnership_id)
    return dict(row) if row else None


async def insert(conn: asyncpg.Connection, values: dict[str, Any]) -> int:
    """A new case's id; a title its community already uses is a Conflict naming ``title``."""
    v = values
    try:
        return int(
            await conn.fetchval(
                Q["insert"],
                v["community_id"], v["title"], v["summary"], v["category"], v["model_tags"],
                v["beneficiaries"], v["duration_months"], v["rating"], v["year"],
                v["partnership_id"], v["search_text"],
            )
        )  # fmt: skip
    except asyncpg.UniqueViolationError as exc:
        raise _conflict(exc) from None


async def update(conn: asyncpg.Connection, case_id: int, values: dict[str, Any]) -> None:
    """Write every editable column (not the partners: see :func:`set_actors`)."""
    v = values
    try:
        await conn.execute(
            Q["update"],
            case_id, v["community_id"], v["title"], v["summary"], v["category"], v["model_tags"],
            v["beneficiaries"], v["duration_months"], v["rating"], v["year"], v["partnership_id"],
            v["search_text"],
        )  # fmt: skip
    except asyncpg.UniqueViolationError as exc:
        raise _conflict(exc) from None


async def set_actors(conn: asyncpg.Connection, case_id: int, actor_ids: list[int]) -> None:
    """Replace the case's partners with ``actor_ids``."""
    await conn.execute(Q["clear_actors"], case_id)
    await conn.execute(Q["add_actors"], case_id, actor_ids)


async def similar(
    conn: asyncpg.Connection, category: str, words: list[str], *, limit: int
) -> list[Case]:
    """Cases like a need: its category and its words (already segmented), best first.

    A need's page shows them as examples to copy; a case sharing neither is left out.
    """
    rows = await conn.fetch(Q["similar"], category, words, limit)
    return [_case(row) for row in rows]


async def archive(conn: asyncpg.Connection, case_id: int) -> None:
    await conn.execute(Q["archive"], case_id)
