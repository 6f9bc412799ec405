"""The opportunity board as JSON: open needs with their community, for everyone."""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from matchmaker.api.demands import FILTERS
from matchmaker.api.params import Conn, Cursor, Limit, Query, User, segmented
from matchmaker.errors import Invalid
from matchmaker.models import Page
from matchmaker.models.demands import Demand, OpportunitySort
from matchmaker.queries import demands as q
from matchmaker.queries.paging import Sort, cursor_args, paginate
from matchmaker.services import fit as fit_service

__all__ = ["list_opportunities"]


@get(
    "/api/v1/opportunities",
    operation_id="listOpportunities",
    tags=["opportunities"],
    dependencies=FILTERS,
)
async def list_opportunities(
    conn: Conn,
    user: User,
    filters: NamedDependency[q.DemandFilters],
    q_: Query = None,
    sort: FromQuery[OpportunitySort] = "newest",
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[Demand]:
    """Open needs, filterable like ``/demands``, with their community's name, district, kind and theme.

    A signed-in partner also gets its ``fit`` (the score a match round would give the pair) with
    its components, and may ``sort=fit`` to rank the needs it could be proposed for.
    """
    tokens, can_match = segmented(q_)
    if not can_match:
        return Page(items=[])
    filters.status, filters.q = "open", tokens
    actor_id = user.actor_id if user is not None and user.role == "partner" else None
    if sort == "fit":
        if actor_id is None:
            raise Invalid("sort: fit needs a signed-in partner", field="sort")
        return await _ranked_by_fit(conn, actor_id, filters, limit, cursor)
    items, next_cursor = await q.list_demands(
        conn, filters, sees_all_drafts=False, own_community_id=None,
        sort=sort, limit=limit, cursor=cursor,
    )  # fmt: skip
    if actor_id is not None:
        scores = await fit_service.fit(conn, actor_id, [d.id for d in items])
        items = [_with_fit(d, scores.get(d.id)) for d in items]
    return Page(items=items, next_cursor=next_cursor)


#: Best fit first, ties by id; ranked in memory, so the key is only typed for the cursor.
BY_FIT = Sort("id", descending=False, key_sql="-fit", key_type="double precision")


def _with_fit(demand: Demand, scored: tuple[float, dict[str, float]] | None) -> Demand:
    if scored is None:
        return demand
    return msgspec.structs.replace(demand, fit=scored[0], fit_components=scored[1])


async def _ranked_by_fit(
    conn: Conn, actor_id: int, filters: q.DemandFilters, limit: int, cursor: str | None
) -> Page[Demand]:
    candidates = await fit_service.candidate_demands(
        conn, actor_id, await q.open_ids(conn, filters)
    )
    scores = await fit_service.fit(conn, actor_id, candidates)
    ranked = sorted((-score, demand_id) for demand_id, (score, _) in scores.items())
    key, after = cursor_args("fit", BY_FIT, cursor)
    if after is not None:
        ranked = [r for r in ranked if r > (key, after)]
    window = ranked[: limit + 1]
    demands = await q.by_ids(conn, [demand_id for _, demand_id in window[:limit]])
    items, next_cursor = paginate(
        window, limit, "fit", BY_FIT,
        lambda r: _with_fit(demands[r[1]], scores[r[1]]), lambda r: (r[0], r[1]),
    )  # fmt: skip
    return Page(items=items, next_cursor=next_cursor)
