"""Demands and interests: typed functions over ``sql/queries/demands.sql``."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.models.demands import Demand, DemandSort, Interest, InterestInNeed
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, by_relevance, cursor_args, fetch_page, paginate, render
from matchmaker.queries.ranked import KEPT_ROWS, MADE_ROWS, Kept, Ranking
from matchmaker.vocab import related_pairs

__all__ = [
    "SORTS",
    "DemandFilters",
    "archive",
    "by_ids",
    "count_open",
    "delete_interest",
    "get",
    "insert",
    "interests_in_community",
    "interests_of_actor",
    "interests_of_demand",
    "list_demands",
    "of_community",
    "open_ids",
    "ranking",
    "row_for_update",
    "set_beneficiaries",
    "set_status",
    "update",
    "upsert_interest",
]

Q = sql("demands")

URGENCY_RANK = (
    "(CASE d.urgency WHEN 'urgent' THEN 3 WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END)"
)

#: The sorts a list may ask for; the user names one, never writes SQL.
SORTS: dict[str, Sort] = {
    "relevance": by_relevance("d.search", 10),
    "newest": Sort("d.id"),
    "oldest": Sort("d.id", descending=False),
    "urgency": Sort("d.id", key_sql=URGENCY_RANK, key_type="int"),
    "deadline": Sort(
        "d.id",
        descending=False,
        key_sql="COALESCE(d.window_end, 'infinity'::date)",
        key_type="date",
    ),
    "beneficiaries": Sort("d.id", key_sql="d.beneficiaries", key_type="int"),
}


#: The ranking a server keeps (``ranked``): ``relevance`` over the open-needs filters (q is $9).
RANKED_SORT = by_relevance("d.search", 9)
#: ... and its query, rendered once rather than per search.
RANKED_SQL = render(Q["ranked"], RANKED_SORT, 9)
#: ... and the needs changed since a kept ranking's revision, ranked by the same key.
RANKED_CHANGES_SQL = render(Q["ranked_changes"], RANKED_SORT, 9)
#: How many changed needs a kept ranking is brought up over; past that it is ranked whole again
#: (ranking a need by id costs some microseconds, ranking a common word whole some 150 ms).
MAX_CHANGED = 1000


class DemandFilters(msgspec.Struct, kw_only=True):
    """Optional narrowing of a demand list; ``None`` means any."""

    district_id: int | None = None
    town_id: int | None = None
    community_id: int | None = None
    category: str | None = None
    status: str | None = None
    resource_type: str | None = None
    target_group: str | None = None
    urgency: str | None = None
    community_kind: str | None = None
    q: str | None = None


def _demand(row: asyncpg.Record) -> Demand:
    return msgspec.convert(dict(row), Demand)


async def list_demands(
    conn: asyncpg.Connection,
    filters: DemandFilters,
    *,
    sees_all_drafts: bool,
    own_community_id: int | None,
    sort: DemandSort,
    limit: int,
    cursor: str | None,
    draft_districts: list[int] | None = None,
    kept: Kept | None = None,
) -> tuple[list[Demand], str | None]:
    """One page of demands; ``filters.q`` must already be segmented (see ``segment.query_text``).

    ``sees_all_drafts``: drafts of every community of ``draft_districts`` (None: everywhere).
    ``kept``: the server's kept rankings, which answer open needs best first (``ranking``).
    """
    spec = SORTS[sort]
    f = filters
    kept = _outside_writes(conn, kept)
    if sort == "relevance" and f.q and f.status == "open":  # ranked on ids and keys alone
        page = await _kept_page(conn, f, kept, limit, cursor) if kept is not None else None
        return page if page is not None else await _ranked_page(conn, f, limit, cursor)
    args: list[Any] = [
        f.district_id, f.town_id, f.community_id, f.category, f.status, f.resource_type,
        f.target_group, f.urgency, f.community_kind, f.q or None, sees_all_drafts, own_community_id,
        draft_districts,
    ]  # fmt: skip
    if kept is None or f.q:
        return await fetch_page(conn, Q["list"], sort, spec, args, limit, cursor, _demand)
    return await _unsearched_page(conn, kept, sort, spec, args, limit, cursor)


async def _unsearched_page(
    conn: asyncpg.Connection,
    kept: Kept,
    sort: DemandSort,
    spec: Sort,
    args: list[Any],
    limit: int,
    cursor: str | None,
) -> tuple[list[Demand], str | None]:
    """A page without a search, its ids kept while no need or community is written.

    Which needs a filtered, sorted page holds depends on their rows and their communities' alone,
    so the ids stand while the search revision does; the needs themselves are read by id each
    time (their interest counts move without it). Planning the list's optional filters for their
    values was most of the board's PostgreSQL time (1.0-1.4 ms a view), reading twelve by id a
    fifth of it.
    """
    made: list[Demand] | None = None

    async def page() -> tuple[list[int], str | None]:
        nonlocal made
        made, next_cursor = await fetch_page(
            conn, Q["list"], sort, spec, args, limit, cursor, _demand
        )
        return [d.id for d in made], next_cursor

    key = ("page", sort, limit, cursor, *(tuple(a) if isinstance(a, list) else a for a in args))
    ids, next_cursor = await kept.at_revision(key, await _search_revision(conn), page)
    if made is not None:
        return made, next_cursor
    found = await by_ids(conn, ids)
    return [found[i] for i in ids if i in found], next_cursor


def _outside_writes(conn: asyncpg.Connection, kept: Kept | None) -> Kept | None:
    """The kept rankings, unless ``conn`` is inside a transaction: what it sees there may be its
    own writes, not yet committed and perhaps rolled back, under a revision that another
    transaction would then take."""
    return None if kept is None or conn.is_in_transaction() else kept


def _open_args(f: DemandFilters) -> list[Any]:
    """The open-needs filters' parameters (open_ids, count_open, ranked), q last."""
    return [
        f.district_id, f.town_id, f.community_id, f.category, f.resource_type, f.target_group,
        f.urgency, f.community_kind, f.q or None,
    ]  # fmt: skip


async def _search_revision(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(Q["search_revision"]))


async def ranking(conn: asyncpg.Connection, filters: DemandFilters, kept: Kept) -> Ranking:
    """The first :data:`KEPT_ROWS` or more open needs ``filters`` find (``q`` compiled), best
    first: kept while the search revision stands still; when it moved, brought up to it by the
    needs changed since; else ranked whole by the SQL (once, however many ask at the same time)."""
    args = _open_args(filters)
    revision = await _search_revision(conn)

    async def make() -> Ranking:
        # exact at this revision or a later one: a later change is ranked again when brought up
        rows = await conn.fetch(RANKED_SQL, *args, None, None, MADE_ROWS)
        return Ranking.of(((r["sort_key"], r["id"]) for r in rows), revision)

    async def bring_up(old: Ranking) -> Ranking | None:
        rows = await conn.fetch(RANKED_CHANGES_SQL, *args, old.revision, MAX_CHANGED)
        head = next(r for r in rows if r["id"] is None)
        if not head["logged"] or head["changed"] > MAX_CHANGED:
            return None
        changed = {r["id"] for r in rows if r["id"] is not None}
        found = [(r["sort_key"], r["id"]) for r in rows if r["sort_key"] is not None]
        return old.merged(changed, found, head["revision"])

    return await kept.get_or_make(tuple(args), revision, make, bring_up)


async def _kept_page(
    conn: asyncpg.Connection, f: DemandFilters, kept: Kept, limit: int, cursor: str | None
) -> tuple[list[Demand], str | None] | None:
    """One best-first page cut from the kept ranking; None past its rows (the SQL reads those)."""
    ranked = await ranking(conn, f, kept)
    key, ident = cursor_args("relevance", SORTS["relevance"], cursor)
    start = 0 if ident is None else ranked.after(float(key), int(ident))
    end = start + limit + 1
    if end > len(ranked) and not ranked.complete:
        return None
    ids = ranked.ids[start:end]
    return await _page_of(conn, list(zip(ranked.keys[start:end], ids, strict=True)), limit)


async def _ranked_page(
    conn: asyncpg.Connection, f: DemandFilters, limit: int, cursor: str | None
) -> tuple[list[Demand], str | None]:
    """One best-first page ranked by the SQL on ids and keys, its rows read after: the ranking
    then carries no joins, no sub-selects and no wide columns for every match, only the page's."""
    key, ident = cursor_args("relevance", SORTS["relevance"], cursor)
    rows = await conn.fetch(RANKED_SQL, *_open_args(f), key, ident, limit + 1)
    return await _page_of(conn, [(r["sort_key"], r["id"]) for r in rows], limit)


async def _page_of(
    conn: asyncpg.Connection, ranked: list[tuple[float, int]], limit: int
) -> tuple[list[Demand], str | None]:
    """The page of ``limit + 1`` ranked ``(key, id)`` pairs: the needs in that order, the cursor."""
    found = await by_ids(conn, [ident for _, ident in ranked])
    rows = [(key, found[ident]) for key, ident in ranked if ident in found]
    return paginate(
        rows, limit, "relevance", SORTS["relevance"], lambda r: r[1], lambda r: (r[0], r[1].id)
    )


async def get(conn: asyncpg.Connection, demand_id: int) -> Demand:
    row = await one(conn, Q["get"], demand_id, entity="demand", key=demand_id)
    return _demand(row)


async def row_for_update(conn: asyncpg.Connection, demand_id: int) -> dict[str, Any]:
    """The stored row, locked until the caller's transaction ends."""
    row = await one(conn, Q["row_for_update"], demand_id, entity="demand", key=demand_id)
    return dict(row)


async def insert(conn: asyncpg.Connection, values: dict[str, Any], created_by: int | None) -> int:
    v = values
    return int(
        await conn.fetchval(
            Q["insert"],
            v["community_id"], v["title"], v["description"], v["category"], v["resource_types"],
            v["skills"], v["target_groups"], v["beneficiaries"], v["budget"], v["slots"],
            v["urgency"], v["window_start"], v["window_end"], v["intake_channel"], v["status"],
            created_by, v["search_text"], v.get("delivery"),
        )
    )  # fmt: skip


async def update(conn: asyncpg.Connection, demand_id: int, values: dict[str, Any]) -> None:
    v = values
    await conn.execute(
        Q["update"],
        demand_id, v["title"], v["description"], v["category"], v["resource_types"], v["skills"],
        v["target_groups"], v["beneficiaries"], v["budget"], v["slots"], v["urgency"],
        v["window_start"], v["window_end"], v["intake_channel"], v["search_text"], v.get("delivery"),
    )  # fmt: skip


async def set_beneficiaries(conn: asyncpg.Connection, demand_id: int, actor_ids: list[int]) -> None:
    """Make ``actor_ids`` the set of organisations the need is for (受益方)."""
    await conn.execute(Q["drop_beneficiaries"], demand_id, actor_ids)
    await conn.execute(Q["add_beneficiaries"], demand_id, actor_ids)


async def set_status(conn: asyncpg.Connection, demand_id: int, status: str) -> None:
    await conn.execute(Q["set_status"], demand_id, status)


async def archive(conn: asyncpg.Connection, demand_id: int) -> None:
    await conn.execute(Q["archive"], demand_id)


async def upsert_interest(
    conn: asyncpg.Connection, demand_id: int, actor_id: int, note: str, user_id: int
) -> bool:
    """Record interest; True when it is new, False when an existing one's note was updated."""
    return bool(await conn.fetchval(Q["upsert_interest"], demand_id, actor_id, note, user_id))


async def delete_interest(
    conn: asyncpg.Connection, demand_id: int, actor_id: int
) -> dict[str, Any] | None:
    row = await conn.fetchrow(Q["delete_interest"], demand_id, actor_id)
    return dict(row) if row else None


async def interests_of_demand(conn: asyncpg.Connection, demand_id: int) -> list[Interest]:
    rows = await conn.fetch(Q["interests_of_demand"], demand_id)
    return [msgspec.convert(dict(r), Interest) for r in rows]


async def interests_of_actor(conn: asyncpg.Connection, actor_id: int) -> list[Interest]:
    rows = await conn.fetch(Q["interests_of_actor"], actor_id)
    return [msgspec.convert(dict(r), Interest) for r in rows]


async def interests_in_community(
    conn: asyncpg.Connection, community_id: int, limit: int = 100
) -> list[InterestInNeed]:
    """Interest in the live needs of one community, newest first, with each need's title."""
    rows = await conn.fetch(Q["interests_in_community"], community_id, limit)
    return [msgspec.convert(dict(r), InterestInNeed) for r in rows]


async def open_ids(conn: asyncpg.Connection, filters: DemandFilters, actor_id: int) -> list[int]:
    """Ids of the open demands matching ``filters`` (``q`` already segmented) that partner
    ``actor_id`` might be proposed for (a superset of a round's candidates: see the SQL)."""
    f = filters
    ids = await conn.fetchval(
        Q["open_ids"], f.district_id, f.town_id, f.community_id, f.category, f.resource_type,
        f.target_group, f.urgency, f.community_kind, f.q or None, actor_id, *related_pairs(),
    )  # fmt: skip
    return list(ids)


async def count_open(
    conn: asyncpg.Connection, filters: DemandFilters, *, up_to: int, kept: Kept | None = None
) -> int:
    """How many open demands match ``filters`` (``q`` already segmented), counting at most
    ``up_to``: the board's count, which says "more than" past it rather than scan every need.

    A search the server has already ranked (its page was just read) is counted from the kept
    ranking, which holds every match up to :data:`KEPT_ROWS` (brought up first, when a write came
    between the page and the count); nothing is ranked only to count.
    """
    f = filters
    kept = _outside_writes(conn, kept)
    if kept is not None and f.q and up_to <= KEPT_ROWS and tuple(_open_args(f)) in kept:
        return min(len(await ranking(conn, f, kept)), up_to)
    about_community = (f.district_id, f.town_id, f.community_kind) != (None, None, None)
    args = (
        f.district_id, f.town_id, f.community_id, f.category,
        f.resource_type, f.target_group, f.urgency, f.community_kind, f.q or None, up_to,
    )  # fmt: skip

    async def counted() -> int:
        query = Q["count_open" if about_community else "count_open_anywhere"]
        return int(await conn.fetchval(query, *args))

    if kept is None or f.q:  # a search not ranked yet is counted by the SQL, not kept
        return await counted()
    # an unsearched count (every view of the board, 1.7-1.9 ms of PostgreSQL counting to 1,001)
    # stands while no need or community is written
    return await kept.at_revision(("count", *args), await _search_revision(conn), counted)


async def of_community(conn: asyncpg.Connection, community_id: int) -> list[Demand]:
    """Every live demand of one community, drafts first, then open, matched, in progress,
    fulfilled and cancelled; newest first within a status."""
    ids = [r["id"] for r in await conn.fetch(Q["of_community"], community_id)]
    found = await by_ids(conn, ids)
    return [found[i] for i in ids]


async def by_ids(conn: asyncpg.Connection, demand_ids: list[int]) -> dict[int, Demand]:
    """The demands with these ids, by id."""
    rows = await conn.fetch(Q["by_ids"], demand_ids)
    return {r["id"]: _demand(r) for r in rows}
