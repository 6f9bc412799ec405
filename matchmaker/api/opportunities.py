"""The opportunity board as JSON: open needs with their community, for everyone."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from matchmaker.api.demands import FILTERS
from matchmaker.api.params import Conn, Cursor, Limit, Query, User, segmented
from matchmaker.models import Page
from matchmaker.models.demands import Demand, DemandSort
from matchmaker.queries import demands as q

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
    sort: FromQuery[DemandSort] = "newest",
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[Demand]:
    """Open needs, filterable like ``/demands``, with their community's name, district, kind and theme."""
    tokens, can_match = segmented(q_)
    if not can_match:
        return Page(items=[])
    filters.status, filters.q = "open", tokens
    items, next_cursor = await q.list_demands(
        conn, filters, sees_all_drafts=False, own_community_id=None,
        sort=sort, limit=limit, cursor=cursor,
    )  # fmt: skip
    return Page(items=items, next_cursor=next_cursor)
