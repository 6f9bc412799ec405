"""The opportunity board page: open needs as cards, search and filters without full reloads.

The same query as ``GET /api/v1/opportunities``; an HTMX request gets only the cards, so search,
filters and "load more" swap them in place.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.queries import demands as q
from matchmaker.queries.communities import districts as districts_of
from matchmaker.segment import query_text
from matchmaker.vocab import LABELS
from matchmaker.web.page import Req, is_htmx, render

__all__ = ["board"]

OptionalText = Annotated[str | None, QueryParameter(max_length=200)]
#: A select's value: "" means "any" (a form sends the empty option too).
OptionalId = Annotated[str | None, QueryParameter(max_length=20)]


def chosen_id(value: str | None) -> int | None:
    """The id a select chose, or None for "any" (or for anything that is not an id)."""
    return int(value) if value and value.isdigit() and 0 < int(value) < 2**62 else None


@get(["/", "/board"], operation_id="boardPage", include_in_schema=False, name="board")
async def board(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    q_: Annotated[str | None, QueryParameter(name="q", max_length=200)] = None,
    district_id: OptionalId = None,
    category: OptionalText = None,
    cursor: Annotated[str | None, QueryParameter(max_length=500)] = None,
    lang: Annotated[str | None, QueryParameter(max_length=2)] = None,
) -> Template:
    """The board; with the ``HX-Request`` header, only the cards."""
    district = chosen_id(district_id)
    if category not in LABELS["category"]:
        category = None
    tokens = query_text(q_) if q_ and q_.strip() else None
    items: list[Any] = []
    next_cursor = None
    if not (q_ and q_.strip() and not tokens):
        filters = q.DemandFilters(district_id=district, category=category, status="open", q=tokens)
        items, next_cursor = await q.list_demands(
            conn, filters, sees_all_drafts=False, own_community_id=None,
            sort="newest", limit=12, cursor=cursor,
        )  # fmt: skip
    return render(
        request,
        "_cards.html" if is_htmx(request) else "board.html",
        items=items,
        next_cursor=next_cursor,
        query={"q": q_ or "", "district_id": district or "", "category": category or ""},
        districts=await districts_of(conn),
        categories=list(LABELS["category"]),
    )
