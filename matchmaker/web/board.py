"""The opportunity board page: open needs as cards, search and filters without full reloads.

The same queries as ``GET /api/v1/opportunities``; an htmx request gets only the cards, so search
and filters swap them in place, and "load more" appends the next page below the cards already read
(the reader stays where they were). A signed-in partner also sees its fit with each need (the score
a match round would give the pair) with its breakdown a tap away, sees the best fits first unless it
chooses another order or types a query (ranked then by relevance over every open need, the fit shown
where known), and expresses or withdraws interest from the card itself.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import asyncpg
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.auth import roles
from matchmaker.errors import AppError, Conflict
from matchmaker.matching.score import Weights
from matchmaker.models import CurrentUser
from matchmaker.models.communities import District
from matchmaker.models.demands import Demand, DemandSort
from matchmaker.queries import demands as q
from matchmaker.queries.communities import districts as districts_of
from matchmaker.queries.ranked import Kept
from matchmaker.search.offers import categories_for
from matchmaker.search.query import compile_query
from matchmaker.services import demands as demand_service
from matchmaker.services import fit as fit_service
from matchmaker.services import verification
from matchmaker.vocab import LABELS
from matchmaker.web.card_memo import CardMemo, store_of
from matchmaker.web.highlight import Marker
from matchmaker.web.i18n import Lang, Words, label, text
from matchmaker.web.page import PathId, Req, is_htmx, lang_of, render, see_other, user_of
from matchmaker.web.score_parts import parts

__all__ = ["board", "chosen_id", "express_interest", "withdraw_interest"]

WORDS: Words = {
    "sort": ("排序", "Sort"),
    "sort_newest": ("最新发布", "Newest"),
    "sort_urgency": ("最紧急", "Most urgent"),
    "sort_deadline": ("截止最早", "Deadline soonest"),
    "sort_fit": ("与我最匹配", "Best fit for us"),
    "sort_relevance": ("最相关", "Best match"),
    "offer_related": (
        "没有找到完全符合的需求。这些类别里有相关的需求：",
        "No need matches all of that. These categories hold related needs:",
    ),
    "offer_all": (
        "没有找到符合的需求。看看各类别的需求：",
        "No need matches. Browse the needs by category:",
    ),
    "fit": ("匹配度", "Fit"),
    "fit_hint": (
        "撮合轮次会给贵机构与这条需求打的分数",
        "The score a match round would give your organisation for this need",
    ),
    "fit_why": ("匹配度怎么算", "How the fit adds up"),
    "fit_total": ("匹配度", "Fit"),
    "fit_sum": ("各项之和（权重 × 得分）", "The sum of the parts (weight × score)"),
    "filters_fold": ("筛选与排序：", "Filters and order:"),
    "filters_none": ("全部需求", "Every need"),
    "more_shown": ("已显示 {shown} / {found} 条", "{shown} of {found} shown"),
    "express": ("我有意向", "We're interested"),
    "withdraw": ("撤回意向", "Withdraw interest"),
    "you_are_interested": ("贵机构已表达意向", "Your organisation has expressed interest"),
    "details": ("查看详情", "Details"),
    "not_open": (
        "这条需求已不再征集伙伴，意向没有记录。",
        "This need is no longer open; no interest was recorded.",
    ),
    "found": ("找到 {n} 条需求", "{n} needs found"),
    "found_one": ("找到 1 条需求", "1 need found"),
    "found_many": ("找到超过 {n} 条需求", "More than {n} needs found"),
    "fit_not_candidate": (
        "按匹配度排序只列出撮合轮次可能推荐给贵机构的需求。",
        "Sorted by fit, the board lists only the needs a round could propose to you.",
    ),
}

OptionalText = Annotated[str | None, QueryParameter(max_length=200)]
#: A select's value: "" means "any" (a form sends the empty option too).
OptionalId = Annotated[str | None, QueryParameter(max_length=20)]
SORTS = ("relevance", "newest", "urgency", "deadline", "fit")
PAGE_SIZE = 12
#: The board counts the needs it found up to this many, then says "more than": an exact 94,935
#: tells a reader nothing a thousand does not, and counting them all cost each view of the board
#: a scan of every open need (most of its time under load; see the README's benchmarks).
COUNT_UP_TO = 1000
#: The id of the card list; "load more" asks htmx to append to it (its ``HX-Target``).
CARD_LIST = "card-list"


#: How long a server keeps the district list it offers (seconds). Districts and towns are written
#: only by the seed and synthetic commands, never through the app; the board read them on every view
#: (a query and its JSON of towns, a tenth of a board's work under load).
DISTRICTS_KEPT = 60.0


async def _districts(request: Req, conn: asyncpg.Connection) -> list[District]:
    """The districts for the board's select, read at most once a minute by each app."""
    store = request.app.state.kept  # started with each lifespan (app.py)
    kept = store.get("board_districts")
    now = time.monotonic()
    if kept is None or now - kept[0] > DISTRICTS_KEPT:
        kept = store["board_districts"] = (now, await districts_of(conn))
    return list(kept[1])


def chosen_id(value: str | None) -> int | None:
    """The id a select chose, or None for "any" (or for anything that is not an id)."""
    return int(value) if value and value.isdigit() and 0 < int(value) < 2**62 else None


def _partner_of(user: CurrentUser | None) -> int | None:
    return user.actor_id if user is not None and user.role == "partner" else None


async def _interested(conn: asyncpg.Connection, actor_id: int | None) -> set[int]:
    """The needs the partner has already expressed interest in."""
    if actor_id is None:
        return set()
    return {i.demand_id for i in await q.interests_of_actor(conn, actor_id)}


async def _cards(
    conn: asyncpg.Connection,
    actor_id: int | None,
    filters: q.DemandFilters,
    sort: str,
    cursor: str | None,
    kept: Kept | None,
) -> tuple[list[Demand], str | None, int]:
    """One page of cards, the cursor to the next and how many the search finds in all (a ranked
    search's page and count both from the server's kept ranking)."""
    if sort == "fit" and actor_id is not None:  # by fit, only the needs a round could propose
        return await fit_service.ranked_counted(conn, actor_id, filters, PAGE_SIZE, cursor)
    by: DemandSort = (
        "urgency" if sort == "urgency" else "deadline" if sort == "deadline"
        else "relevance" if sort == "relevance" and filters.q else "newest"
    )  # fmt: skip
    items, next_cursor = await q.list_demands(
        conn, filters, sees_all_drafts=False, own_community_id=None,
        sort=by, limit=PAGE_SIZE, cursor=cursor, kept=kept,
    )  # fmt: skip
    if actor_id is not None:
        items = await fit_service.with_fit(conn, actor_id, items)
    # every need the search and filters find, whichever page this is (one SQL count, bounded)
    return items, next_cursor, await q.count_open(conn, filters, up_to=COUNT_UP_TO + 1, kept=kept)


@get(["/", "/board"], operation_id="boardPage", include_in_schema=False, name="board")
async def board(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    q_: Annotated[str | None, QueryParameter(name="q", max_length=200)] = None,
    district_id: OptionalId = None,
    category: OptionalText = None,
    sort: OptionalText = None,
    sort_auto: OptionalText = None,
    cursor: Annotated[str | None, QueryParameter(max_length=500)] = None,
    shown: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
) -> Template:
    """The board; with the ``HX-Request`` header, only the cards (only the next ones, to append,
    when htmx targets the card list).

    ``sort_auto`` is the order the form showed without anyone choosing it: a ``sort`` equal to it
    was not picked, so the default applies again to what is asked now — a partner's best fits
    first, but a typed query ranked by relevance over every open need it finds.
    """
    actor_id = _partner_of(user_of(request))
    district = chosen_id(district_id)
    if category not in LABELS["category"]:
        category = None
    search = await compile_query(conn, q_)
    # a partner sees its best fits first unless it chooses another order or searches; a query is
    # ranked by relevance (最相关, the select's first choice), else newest first
    default = "fit" if actor_id is not None and not search.words else "relevance"
    asked = sort
    chosen = sort in SORTS and sort != sort_auto and (sort != "fit" or actor_id is not None)
    sort = sort if chosen and sort is not None else default
    districts = await _districts(request, conn)
    items: list[Demand] = []
    next_cursor = None
    found = 0
    found_more = False
    if search.can_match:  # words that can match nothing: no cards
        filters = q.DemandFilters(
            district_id=district, category=category, status="open", q=search.tsquery
        )
        items, next_cursor, found = await _cards(
            conn, actor_id, filters, sort, cursor, request.app.state.rankings
        )
        found_more = found > COUNT_UP_TO
        found = min(found, COUNT_UP_TO)
    offers = await categories_for(conn, search) if q_ and q_.strip() and not found else None
    appending = is_htmx(request) and request.headers.get("hx-target") == CARD_LIST
    lang = lang_of(request)
    mark = Marker(search.words)
    partners = await verification.partners(conn, [d.id for d in items])
    # a partner's cards hold its fit and buttons; everyone else's are the same, drawn once
    cards = CardMemo(
        store_of(request.app.state.kept), lang=lang, marked=mark.key, partners=partners,
        active=actor_id is None,
    )  # fmt: skip
    return render(
        request,
        "_more_cards.html" if appending else "_cards.html" if is_htmx(request) else "board.html",
        words=WORDS,
        items=items,
        next_cursor=next_cursor,
        found=found,
        found_more=found_more,
        shown=(shown if cursor else 0) + len(items),
        active=_active(lang, district, category, sort, {d.id: d.name for d in districts}),
        fit_parts=_fit_parts(lang),
        interested=await _interested(conn, actor_id),
        partners=partners,
        cards=cards,
        is_partner=actor_id is not None,
        sorts=[s for s in SORTS if s != "fit" or actor_id is not None],
        mark=mark,
        offers=offers,
        query={
            "q": q_ or "",
            "district_id": district or "",
            "category": category or "",
            "sort": sort,
            "sort_auto": "" if chosen else sort,
        },
        sort_moved=asked != sort,
        districts=districts,
        categories=list(LABELS["category"]),
    )


def _active(
    lang: Lang, district: int | None, category: str | None, sort: str, names: dict[int, str]
) -> str:
    """The folded filters' one line: the district, category and order in force."""
    said = text(lang, WORDS)
    chosen = [names.get(district, "") if district else "", label(lang, "category", category or "")]
    chosen = [c for c in chosen if c] or [said["filters_none"]]
    return " · ".join([*chosen, said[f"sort_{sort}"]])


def _fit_parts(lang: Lang) -> Any:
    """The breakdown of a fit (the board's fit uses the default weights, as a round does)."""
    weights = Weights()
    return lambda components: parts(components or {}, weights, lang)


async def _card(
    request: Req, conn: asyncpg.Connection, demand_id: int, message: str | None = None
) -> Template:
    """One card, re-drawn after its interest button was pressed."""
    user = user_of(request)
    actor_id = _partner_of(user)
    demand = await demand_service.get_visible(conn, user, demand_id)
    if actor_id is not None:
        demand = (await fit_service.with_fit(conn, actor_id, [demand]))[0]
    return render(
        request,
        "_card.html",
        words=WORDS,
        d=demand,
        interested=await _interested(conn, actor_id),
        partners=await verification.partners(conn, [demand.id]),
        is_partner=actor_id is not None,
        message=message,
        fit_parts=_fit_parts(lang_of(request)),
    )


@post(
    "/board/{demand_id:int}/interest", include_in_schema=False, name="board_interest",
    guards=[roles("partner")], status_code=200,
)  # fmt: skip
async def express_interest(
    request: Req, conn: NamedDependency[asyncpg.Connection], demand_id: PathId
) -> Any:
    """Express the partner's interest in a need; answers the re-drawn card (or the board)."""
    return await _interest_changed(request, conn, demand_id, withdraw=False)


@post(
    "/board/{demand_id:int}/interest/withdraw", include_in_schema=False,
    name="board_interest_withdraw", guards=[roles("partner")], status_code=200,
)  # fmt: skip
async def withdraw_interest(
    request: Req, conn: NamedDependency[asyncpg.Connection], demand_id: PathId
) -> Any:
    """Withdraw the partner's interest in a need."""
    return await _interest_changed(request, conn, demand_id, withdraw=True)


async def _interest_changed(
    request: Req, conn: asyncpg.Connection, demand_id: int, *, withdraw: bool
) -> Any:
    user = user_of(request)
    assert user is not None  # the guard let only partners in
    message = None
    try:
        if withdraw:
            await demand_service.withdraw_interest(conn, user, demand_id)
        else:
            await demand_service.express_interest(conn, user, demand_id, "")
    except AppError as exc:
        if not is_htmx(request):
            raise
        said = text(lang_of(request), WORDS)
        message = said["not_open"] if isinstance(exc, Conflict) else exc.message
    if is_htmx(request):
        return await _card(request, conn, demand_id, message)
    return see_other(request, f"/board#need-{demand_id}")
