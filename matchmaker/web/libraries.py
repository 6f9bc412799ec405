"""The resource library pages (六大资源库): tiles with counts, a list per library, a detail page.

One generic list handler and one detail handler serve every library; what differs (the query, the
filters, the attributes shown) lives in :data:`matchmaker.web.library_kinds.KINDS`. Visibility
follows the API exactly: talent only for signed-in users; contacts (an organisation's, a
community's) by the rule of ``services.contacts`` — on lists only for coordinators and admins, on a
detail page also for the row's own people and its confirmed partners. Editing lives in
:mod:`matchmaker.web.library_forms`.

>>> _number(2025.0), _number(1234.5)
('2025', '1,234.5')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, NamedTuple
from urllib.parse import urlencode

import asyncpg
import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from matchmaker.errors import NotFound
from matchmaker.models import CurrentUser
from matchmaker.models.stats import STANDARD_1257N
from matchmaker.queries import actors as actor_q
from matchmaker.queries import communities as community_q
from matchmaker.queries.paging import MAX_LIMIT
from matchmaker.queries.stats import library_counts
from matchmaker.search.query import compile_query
from matchmaker.services import verification
from matchmaker.services.access import curates
from matchmaker.vocab import LABELS
from matchmaker.web.board import chosen_id
from matchmaker.web.i18n import Lang, Words, label, text
from matchmaker.web.library_kinds import KINDS, Kind, Show
from matchmaker.web.library_kinds import WORDS as KIND_WORDS
from matchmaker.web.page import PathId, Req, is_htmx, lang_of, render, user_of

__all__ = [
    "WORDS",
    "Choice",
    "KindName",
    "kind_of",
    "libraries",
    "library_item",
    "library_list",
    "ref_choices",
    "shown",
]

PAGE_SIZE = 12
#: The most rows a reference select offers (a form's organisation or community picker).
MAX_CHOICES = 2000

WORDS: Words = KIND_WORDS | {
    "libraries_intro": (
        "六大资源库：主体、人才、政策、需求、案例、产品，以及各社区的基本情况。",
        "The six resource libraries — organisations, talent, policies, needs, cases, products — "
        "and the communities.",
    ),
    "items": ("条", "entries"),
    "open_library": ("进入", "Open"),
    "sign_in_to_see": ("登录后可查看", "Sign in to see them"),
    "lib_search_placeholder": (
        "输入中文关键词，例如：养老、儿童",
        "Chinese keywords, e.g. 养老, 儿童",
    ),
    "sort": ("排序", "Sort"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "lib_empty": ("还没有符合条件的条目。", "Nothing matches yet."),
    "lib_empty_curator": ("可以新增一条：", "You can add one:"),
    "new_item": ("新增", "Add"),
    "edit": ("编辑", "Edit"),
    "back_to_list": ("返回列表", "Back to the list"),
    "all_libraries": ("全部资源库", "All libraries"),
    "free": ("公益（免费）", "Free (公益)"),
    "yuan": ("元", "CNY"),
    "saved": ("已保存。", "Saved."),
    "archived": ("已归档，它不再出现在列表中。", "Archived: it no longer appears in lists."),
    "standard_1257n": ("“1257N”标准", "The “1257N” standard"),
    "standard_needs": ("至少", "at least"),
    "falls_short": ("未达标", "short"),
    "results_for": ("搜索结果", "Results"),
    "export_xlsx": ("导出 Excel", "Export to Excel"),
    "export_csv": ("导出 CSV", "Export to CSV"),
    "import_sheet": ("从 Excel 导入", "Import from Excel"),
}

OptionalText = Annotated[str | None, QueryParameter(max_length=200)]
Cursor = Annotated[str | None, QueryParameter(max_length=500)]
Query = Annotated[str | None, QueryParameter(name="q", max_length=200)]
#: The library named in the path (``/libraries/{kind}``); an unknown one is a 404 page.
KindName = Annotated[str, PathParameter(max_length=30)]


class Choice(NamedTuple):
    """One option of a select or one checkbox: the value sent and the words shown."""

    value: str
    label: str


class Row(NamedTuple):
    """One attribute as a page shows it: its label and parts (text, link or None)."""

    attr: str
    label: str
    parts: list[tuple[str, str | None]]
    long: bool


def kind_of(name: str) -> Kind:
    """The library called ``name`` in the URL, or NotFound (an HTML 404 page)."""
    found = KINDS.get(name)
    if found is None:
        raise NotFound("library", name)
    return found


def may_view(spec: Kind, user: CurrentUser | None) -> None:
    """Send an anonymous visitor of a signed-in-only library (talent) to the sign-in form."""
    if spec.signed_in_only and user is None:
        raise NotAuthorizedException("sign in first")


def _number(value: float) -> str:
    """A number without a needless ".0" (years, counts) and without float noise."""
    return str(int(value)) if float(value).is_integer() else f"{value:,.6f}".rstrip("0").rstrip(".")


def _parts(show: Show, value: Any, item: Any, lang: Lang, t: Mapping[str, str]) -> list[Any]:
    """The words (and links) of one attribute's value."""
    fmt = show.fmt
    vocabulary = show.vocabulary or ""
    if fmt == "vocab":
        return [(label(lang, vocabulary, value), None)]
    if fmt == "vocabs":
        return [(label(lang, vocabulary, code), None) for code in value]
    if fmt == "names":
        return [(ref.name, None) for ref in value]
    if fmt == "links":
        return [(ref.name, f"/libraries/{show.link_kind}/{ref.id}") for ref in value]
    if fmt == "link":
        ident = getattr(item, show.link_id or "", None)
        return [(str(value), f"/libraries/{show.link_kind}/{ident}" if ident else None)]
    if fmt == "bool":
        return [(t["yes"] if value else t["no"], None)]
    if fmt == "money":
        return [(f"{_number(value)} {t['yuan']}", None)]
    if fmt == "price":
        return [(t["free"] if not value else f"{_number(value)} {t['yuan']}", None)]
    if fmt == "number":
        return [(_number(value), None)]
    if fmt == "lines":
        return [(str(v), None) for v in value]
    if fmt == "url":
        return [(str(value), str(value))]
    if fmt == "when" and isinstance(value, dt.datetime):
        return [(value.astimezone().strftime("%Y-%m-%d %H:%M"), None)]
    return [(str(value), None)]


def shown(
    shows: tuple[Show, ...], item: Any, lang: Lang, t: Mapping[str, str] | None = None
) -> list[Row]:
    """The attributes of ``item`` a page shows, leaving out what is empty or hidden (unset)."""
    words = t or text(lang, WORDS)
    rows: list[Row] = []
    for show in shows:
        value = getattr(item, show.attr, None)
        if value is None or value is msgspec.UNSET or value == "" or value == []:
            continue
        label_text = words.get(f"f_{show.attr}", show.attr)
        rows.append(
            Row(show.attr, label_text, _parts(show, value, item, lang, words), show.fmt == "long")
        )
    return rows


async def _all(
    lister: Any, conn: asyncpg.Connection, filters: msgspec.Struct, sort: str
) -> list[Any]:
    """Every row of a list query (up to :data:`MAX_CHOICES`), page by page."""
    rows: list[Any] = []
    cursor = None
    while len(rows) < MAX_CHOICES:
        page, cursor = await lister(conn, filters, sort=sort, limit=MAX_LIMIT, cursor=cursor)
        rows += page
        if cursor is None:
            break
    return rows[:MAX_CHOICES]


async def ref_choices(conn: asyncpg.Connection, source: str) -> list[Choice]:
    """The rows of a reference table as choices: actors, communities, districts or towns."""
    if source == "actors":
        actors = await _all(actor_q.list_actors, conn, actor_q.ActorFilters(), "name")
        return [Choice(str(a.id), a.name) for a in actors]
    if source == "communities":
        found = await _all(
            community_q.list_communities, conn, community_q.CommunityFilters(), "name"
        )
        return [Choice(str(c.id), f"{c.name}（{c.district_name}）") for c in found]
    districts = await community_q.districts(conn)
    if source == "districts":
        return [Choice(str(d.id), d.name) for d in districts]
    return [Choice(str(t.id), f"{d.name} · {t.name}") for d in districts for t in d.towns]


async def choices_of(
    conn: asyncpg.Connection, source: str, lang: Lang, t: Mapping[str, str]
) -> list[Choice]:
    """Choices of a vocabulary, of yes/no, or of a reference table."""
    if source == "bool":
        return [Choice("true", t["yes"]), Choice("false", t["no"])]
    if source in LABELS:
        return [Choice(code, label(lang, source, code)) for code in LABELS[source]]
    return await ref_choices(conn, source)


def _chosen(source: str, raw: str | None) -> Any:
    """A filter's value from the query string, or None for "any" or anything not offered."""
    if not raw:
        return None
    if source == "bool":
        return {"true": True, "false": False}.get(raw)
    if source in LABELS:
        return raw if raw in LABELS[source] else None
    return chosen_id(raw)


@get("/libraries", include_in_schema=False, name="libraries")
async def libraries(request: Req, conn: NamedDependency[asyncpg.Connection]) -> Template:
    """Every library as a tile with its size and what it holds."""
    counts = await library_counts(conn)
    tiles = [
        {"kind": name, "href": f"/libraries/{name}", "count": getattr(counts, name)}
        for name in ("actors", "talent", "policies")
    ]
    tiles.append({"kind": "demands", "href": "/board", "count": counts.demands})
    tiles += [
        {"kind": name, "href": f"/libraries/{name}", "count": getattr(counts, name)}
        for name in ("cases", "products", "communities")
    ]
    return render(request, "libraries.html", words=WORDS, tiles=tiles)


def _list_url(kind: str, query: Mapping[str, Any], cursor: str | None = None) -> str:
    params = {k: v for k, v in query.items() if v not in (None, "")}
    if cursor:
        params["cursor"] = cursor
    return f"/libraries/{kind}" + (f"?{urlencode(params)}" if params else "")


@get("/libraries/{kind:str}", include_in_schema=False, name="library_list")
async def library_list(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    kind: KindName,
    q_: Query = None,
    sort: OptionalText = None,
    cursor: Cursor = None,
) -> Template:
    """One library's list with search, filters and paging; htmx gets only the items."""
    spec = kind_of(kind)
    user = user_of(request)
    may_view(spec, user)
    lang = lang_of(request)
    t = text(lang, WORDS)
    chosen = {f.name: _chosen(f.source, request.query_params.get(f.name)) for f in spec.filters}
    search = await compile_query(conn, q_)
    sort_name = sort if sort in spec.sorts else "relevance" if search.tsquery else spec.sorts[0]
    items: list[Any] = []
    next_cursor = None
    if search.can_match:  # words that can match nothing: an empty list
        filters = spec.filter_type(**chosen, q=search.tsquery)
        items, next_cursor = await spec.list_rows(
            conn, filters, sort=sort_name, limit=PAGE_SIZE, cursor=cursor
        )
    query = {
        "q": q_ or "",
        **{name: _as_param(value) for name, value in chosen.items()},
        "sort": sort_name if sort_name != spec.sorts[0] else "",
    }
    values: dict[str, Any] = {
        "kind": spec.name,
        "items": [_card(spec, spec.view_in_list(user, item), lang, t) for item in items],
        "more_url": _list_url(spec.name, query, next_cursor) if next_cursor else None,
        "query": query,
        "filtered": any(query.values()),
        "can_edit": curates(user),
    }
    if is_htmx(request):
        return render(request, "_library_items.html", words=WORDS, **values)
    filter_views = [
        {
            "name": f.name,
            "label": t.get(f.label_key, f.name),
            "choices": await choices_of(conn, f.source, lang, t),
            "chosen": query[f.name],
        }
        for f in spec.filters
    ]
    sorts = [Choice(s, t[f"sort_{s}"]) for s in spec.sorts]
    return render(
        request, "library_list.html", words=WORDS, filters=filter_views, sorts=sorts,
        sort=sort_name, archived=request.query_params.get("archived") == "1", **values,
    )  # fmt: skip


def _as_param(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _card(spec: Kind, item: Any, lang: Lang, t: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": getattr(item, spec.title_attr),
        "subtitle": shown(spec.subtitle, item, lang, t),
        "rows": shown(spec.card, item, lang, t),
    }


@get("/libraries/{kind:str}/{item_id:int}", include_in_schema=False, name="library_item")
async def library_item(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    kind: KindName,
    item_id: PathId,
    saved: OptionalText = None,
) -> Template:
    """Every attribute of one row the viewer may see, with links to the rows it names."""
    spec = kind_of(kind)
    user = user_of(request)
    may_view(spec, user)
    lang = lang_of(request)
    t = text(lang, WORDS)
    item = await spec.view_one(conn, user, await spec.get_row(conn, item_id))
    standard = (
        [
            {"label": r.label if lang == "zh" else r.label_en, "has": getattr(item, r.indicator),
             "needs": r.needs}
            for r in STANDARD_1257N
        ]
        if spec.name == "communities"
        else []
    )  # fmt: skip
    return render(
        request,
        "library_item.html",
        words=WORDS,
        kind=spec.name,
        item_id=item.id,
        title=getattr(item, spec.title_attr),
        rows=shown(spec.detail, item, lang, t),
        related=[
            {"label": t[r.words_key], "href": f"/libraries/{r.kind}?{r.param}={item.id}"}
            for r in spec.related
            if not (KINDS[r.kind].signed_in_only and user is None)
        ],
        standard=standard,
        can_edit=curates(user) or spec.owns(user, item.id),
        saved=saved == "1",
        badge=(await verification.badges(conn, [item.id])).get(item.id)
        if spec.name == "actors"
        else None,
    )
