"""Policies: typed functions over ``sql/queries/policies.sql`` (the shared shape: :class:`Table`)."""

from __future__ import annotations

import asyncpg
import msgspec

from matchmaker.libraries.policies import POLICIES
from matchmaker.models.policies import Policy
from matchmaker.queries.library import Table
from matchmaker.queries.paging import Sort, by_relevance

__all__ = [
    "SORTS",
    "TABLE",
    "PolicyFilters",
    "archive",
    "eligible",
    "get",
    "insert",
    "list_policies",
    "row_for_update",
    "update",
]

#: The sorts a list may ask for; the user names one, never writes SQL.
SORTS: dict[str, Sort] = {
    "relevance": by_relevance("p.search", 6),
    "newest": Sort("p.id"),
    "oldest": Sort("p.id", descending=False),
    # soonest to lapse first; open-ended policies last. 'infinity' (not 9999-12-31): asyncpg sends
    # date.max as infinity, so only infinity survives the round trip through a cursor.
    "expiring": Sort(
        "p.id",
        descending=False,
        key_sql="COALESCE(p.valid_to, 'infinity'::date)",
        key_type="date",
    ),
    # largest subsidy ceiling first; policies without one last
    "subsidy": Sort(
        "p.id", key_sql="COALESCE(p.subsidy_ceiling, 0)::float8", key_type="double precision"
    ),
}


class PolicyFilters(msgspec.Struct, kw_only=True):
    """Optional narrowing of a policy list (the list block's parameters, in order); None: any."""

    level: str | None = None
    category: str | None = None
    community_kind: str | None = None
    actor_kind: str | None = None
    active: bool | None = None
    q: str | None = None


TABLE = Table(
    POLICIES, Policy, PolicyFilters, SORTS,
    unique={"policies_title_key": ("title", "a policy with this title already exists")},
)  # fmt: skip

list_policies = TABLE.page
get = TABLE.get
row_for_update = TABLE.row_for_update
insert = TABLE.insert
update = TABLE.update
archive = TABLE.archive


async def eligible(
    conn: asyncpg.Connection, category: str, community_kind: str, limit: int
) -> list[Policy]:
    """The policies in force for a need of ``category`` in a community of ``community_kind``,
    soonest to lapse first (the list's ``expiring`` order)."""
    rows = await conn.fetch(TABLE.q["eligible"], category, community_kind, limit)
    return [TABLE.row(r) for r in rows]
