"""Cases and their partners: typed functions over ``sql/queries/cases.sql`` (the shared shape:
:class:`Table`; a case's partners, its references and similar cases are its own)."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.libraries.cases import CASES
from matchmaker.models.cases import Case
from matchmaker.queries.library import Table
from matchmaker.queries.paging import Sort, by_relevance

__all__ = [
    "SORTS",
    "TABLE",
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


class CaseFilters(msgspec.Struct, kw_only=True):
    """Optional narrowing of a case list (the list block's parameters, in order); None: any."""

    district_id: int | None = None
    community_id: int | None = None
    category: str | None = None
    model_tag: str | None = None
    actor_id: int | None = None
    q: str | None = None


TABLE = Table(
    CASES, Case, CaseFilters, SORTS,
    unique={
        "cases_community_id_title_key": ("title", "this community already has a case with this title"),
        "cases_partnership_id_key": ("partnership_id", "another case already records this partnership"),
    },
)  # fmt: skip
Q = TABLE.q

list_cases = TABLE.page
get = TABLE.get
#: The stored row with ``actor_ids``, locked until the caller's transaction ends.
row_for_update = TABLE.row_for_update
insert = TABLE.insert
#: Write every editable column (not the partners: see :func:`set_actors`).
update = TABLE.update
archive = TABLE.archive


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
    return [TABLE.row(row) for row in rows]
