"""Policies: typed functions over ``sql/queries/policies.sql``."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Conflict
from matchmaker.models.policies import Policy, PolicySort
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, by_relevance, fetch_page

__all__ = [
    "SORTS",
    "PolicyFilters",
    "archive",
    "get",
    "insert",
    "list_policies",
    "row_for_update",
    "update",
]

Q = sql("policies")

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
    """Optional narrowing of a policy list; ``None`` means any."""

    level: str | None = None
    category: str | None = None
    community_kind: str | None = None
    actor_kind: str | None = None
    active: bool | None = None
    q: str | None = None


def _policy(row: asyncpg.Record) -> Policy:
    return msgspec.convert(dict(row), Policy)


def _conflict(exc: asyncpg.UniqueViolationError) -> Conflict:
    if exc.constraint_name == "policies_title_key":
        return Conflict("title: a policy with this title already exists", field="title")
    return Conflict(f"this value is already taken ({exc.constraint_name})")


async def list_policies(
    conn: asyncpg.Connection,
    filters: PolicyFilters,
    *,
    sort: PolicySort,
    limit: int,
    cursor: str | None,
) -> tuple[list[Policy], str | None]:
    """One page of policies; ``filters.q`` must already be segmented (see ``segment.query_text``)."""
    spec = SORTS[sort]
    f = filters
    args: list[Any] = [
        f.level, f.category, f.community_kind, f.actor_kind, f.active, f.q or None,
    ]  # fmt: skip
    return await fetch_page(conn, Q["list"], sort, spec, args, limit, cursor, _policy)


async def get(conn: asyncpg.Connection, policy_id: int) -> Policy:
    row = await one(conn, Q["get"], policy_id, entity="policy", key=policy_id)
    return _policy(row)


async def row_for_update(conn: asyncpg.Connection, policy_id: int) -> dict[str, Any]:
    """The stored row, locked until the caller's transaction ends."""
    row = await one(conn, Q["row_for_update"], policy_id, entity="policy", key=policy_id)
    return dict(row)


async def insert(conn: asyncpg.Connection, values: dict[str, Any]) -> int:
    """A new policy's id; a title already in use is a Conflict naming ``title``."""
    v = values
    try:
        return int(
            await conn.fetchval(
                Q["insert"],
                v["title"], v["issuer"], v["level"], v["doc_number"], v["categories"],
                v["eligible_community_kinds"], v["eligible_actor_kinds"], v["subsidy_ceiling"],
                v["valid_from"], v["valid_to"], v["summary"], v["search_text"],
            )
        )  # fmt: skip
    except asyncpg.UniqueViolationError as exc:
        raise _conflict(exc) from None


async def update(conn: asyncpg.Connection, policy_id: int, values: dict[str, Any]) -> None:
    """Write every editable column; a title already in use is a Conflict naming ``title``."""
    v = values
    try:
        await conn.execute(
            Q["update"],
            policy_id, v["title"], v["issuer"], v["level"], v["doc_number"], v["categories"],
            v["eligible_community_kinds"], v["eligible_actor_kinds"], v["subsidy_ceiling"],
            v["valid_from"], v["valid_to"], v["summary"], v["search_text"],
        )  # fmt: skip
    except asyncpg.UniqueViolationError as exc:
        raise _conflict(exc) from None


async def archive(conn: asyncpg.Connection, policy_id: int) -> None:
    await conn.execute(Q["archive"], policy_id)
