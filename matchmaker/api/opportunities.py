"""The opportunity board as JSON: open needs with their community, for everyone."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from matchmaker.api.demands import FILTERS
from matchmaker.api.params import Conn, Cursor, Limit, Query, User, searched
from matchmaker.errors import Invalid
from matchmaker.models import Page
from matchmaker.models.demands import Demand, OpportunitySort
from matchmaker.queries import demands as q
from matchmaker.services import fit as fit_service

__all__ = ["list_opportunities"]


@get(
    "/api/v1/opportunities",
    operation_id="listOpportunities",
    tags=["opportunities"],
    dependencies=FILTERS,
)
async def list_opportunities(
    request: Request[Any, Any, Any],
    conn: Conn,
    user: User,
    filters: NamedDependency[q.DemandFilters],
    q_: Query = None,
    sort: FromQuery[OpportunitySort | None] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[Demand]:
    """Open needs, filterable like ``/demands``, with their community's name, district, kind and theme.

    A signed-in partner also gets its ``fit`` (the score a match round would give the pair) with
    its components, and may ``sort=fit`` to rank the needs it could be proposed for.
    """
    search = await searched(conn, q_)
    if not search.can_match:
        return Page(items=[])
    filters.status, filters.q = "open", search.tsquery
    actor_id = user.actor_id if user is not None and user.role == "partner" else None
    if sort == "fit":
        if actor_id is None:
            raise Invalid("sort: fit needs a signed-in partner", field="sort")
        items, next_cursor = await fit_service.ranked(conn, actor_id, filters, limit, cursor)
        return Page(items=items, next_cursor=next_cursor)
    items, next_cursor = await q.list_demands(
        conn, filters, sees_all_drafts=False, own_community_id=None,
        sort=sort or ("relevance" if search.tsquery else "newest"), limit=limit, cursor=cursor,
        kept=request.app.state.rankings,
    )  # fmt: skip
    if actor_id is not None:
        items = await fit_service.with_fit(conn, actor_id, items)
    return Page(items=items, next_cursor=next_cursor)
