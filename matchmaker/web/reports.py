"""The reports page (``/reports``) for coordinators of an area and admins: pick a place and a
period, read every section as tables, download the same report as an Excel workbook.

The tables are :data:`~matchmaker.services.report_sheets.PLACE_TABLES`, the workbook's own
description, so the page and the file always show the same columns. A bad area or date is said
next to its field in the page's language (400); a place outside a coordinator's area is 403.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Annotated, Any
from urllib.parse import urlencode

import asyncpg
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.auth import curators
from matchmaker.errors import Invalid
from matchmaker.matching.score import COMPONENTS
from matchmaker.models.reports import LEVELS
from matchmaker.models.stats import STANDARD_1257N
from matchmaker.queries import reports as q
from matchmaker.services import reports as service
from matchmaker.services.access import area_of
from matchmaker.services.report_sheets import (
    LEVEL_LABELS,
    PLACE_TABLES,
    XLSX,
    attachment,
    write_xlsx,
)
from matchmaker.services.round_labels import COMPONENT_LABELS
from matchmaker.web.i18n import Lang, Words, say
from matchmaker.web.page import Req, lang_of, render, user_of

__all__ = ["FILTER_WORDS", "WORDS", "filters_of", "problem", "report_page", "report_workbook"]

#: The page lists this many proposals and needs left open (the workbook has them all).
SHOWN = 50
#: At most this many places a table (more only when the first level alone has more): a province's
#: tables down to its 50,000 communities made a 50 MB page.
PLACE_ROWS = 400

#: The words of the area and period filters (``_area_filter.html``), here and on the dashboard.
FILTER_WORDS: Words = {
    "f_area": ("地区", "Area"),
    "f_from": ("起始日期", "From"),
    "f_to": ("截止日期", "To"),
    "show": ("查看", "Show"),
    "download": ("下载 Excel", "Download Excel"),
    "all_mine": ("我可查看的全部地区", "Everywhere I may see"),
    "bad_area": ("没有这个地区，请从列表中选择。", "No such area: pick one from the list."),
    "bad_date": ("请按 年-月-日 填写日期。", "Enter a date as YYYY-MM-DD."),
    "to_before_from": ("截止日期不能早于起始日期。", "The end date cannot be before the start."),
}

WORDS: Words = FILTER_WORDS | {
    "rep_title": ("报表", "Reports"),
    "rep_intro": (
        "选一个地区（市、区县、街道/镇或社区）和时间段：需求、合作、撮合结果、“1257N”达标和五社联动，"
        "逐级汇总——区县是其街道之和，市是其区县之和。",
        "Pick an area (city, district, town or community) and a period: needs, partnerships, "
        "round results, the “1257N” standard and the five social forces, rolled up level by level "
        "— a district is the sum of its towns, a city of its districts.",
    ),
    "period": ("{area} · {since} 至 {until}", "{area} · {since} to {until}"),
    "level": ("层级", "Level"),
    "place": ("地区", "Area"),
    "categories": ("需求类别（本期发布）", "Needs by category (posted in the period)"),
    "category": ("类别", "Category"),
    "places_cut": (
        "表中只列到上一级：{hidden}共 {n} 个，在“地区”中选一个地区看它的下一级，或下载 Excel 看全部。",
        "The tables stop one level up: there are {n} more at the {hidden} level. Pick an area above "
        "to see its next level, or download the workbook for all of them.",
    ),
    "round_proposals": ("撮合推荐明细", "Proposals of the period's rounds"),
    "round": ("轮次", "Round"),
    "need": ("需求", "Need"),
    "community": ("社区", "Community"),
    "partner": ("伙伴", "Partner"),
    "score": ("总分", "Score"),
    "status": ("状态", "Status"),
    "left_open": ("未对接的需求及原因", "Needs left open, and why"),
    "open_slots": ("未满名额", "Open slots"),
    "reason": ("原因", "Reason"),
    "short_list": ("未达“1257N”的社区及差距", "Communities short of “1257N”, and by how much"),
    "gaps": ("差距（现有 / 标准）", "Gaps (has / needs)"),
    "none": ("本期没有。", "None in this period."),
    "count": ("共 {n} 条，点开查看", "{n} in all: open to read them"),
    "all_meet": ("所有社区都已达标。", "Every community meets the standard."),
    "more": (
        "只列出前 {n} 条，共 {total} 条；全部见 Excel。",
        "The first {n} of {total}; the workbook has them all.",
    ),
}

AreaKey = Annotated[str | None, QueryParameter(name="area", max_length=120)]
DateText = Annotated[str | None, QueryParameter(max_length=20)]
FromText = Annotated[str | None, QueryParameter(name="from", max_length=20)]


def problem(error: Invalid, lang: Lang) -> dict[str, str]:
    """The filter at fault and what to say about it, in the page's language."""
    field = error.field or "area"
    if field == "area":
        key = "bad_area"
    else:
        key = "to_before_from" if "before" in error.message else "bad_date"
    return {field: say(lang, WORDS[key])}


async def filters_of(conn: asyncpg.Connection, user: Any) -> list[dict[str, Any]]:
    """The places the user may pick, coarsest first (the filter's choices)."""
    return [dict(r) for r in await q.choices(conn, area_of(user))]


def _levels(places: list[Any]) -> tuple[set[str], str | None, int]:
    """The levels the page's place tables show — coarsest first, while the rows stay within
    :data:`PLACE_ROWS` — the first level left out, and how many places it holds."""
    counts = Counter(p.level for p in places)
    shown: set[str] = set()
    total = 0
    for level in LEVELS:
        n = counts.get(level, 0)
        if n and shown and total + n > PLACE_ROWS:
            return shown, level, n
        shown.add(level)
        total += n
    return shown, None, 0


def _table(lang: Lang, table: Any, places: list[Any]) -> dict[str, Any]:
    """One place table of the page: its title, headers and rows (level, name, values)."""
    return {
        "id": table.sheet,
        "title": say(lang, (table.zh, table.en)),
        "headers": [say(lang, (c.zh, c.en)) for c in table.columns],
        "rows": [
            {
                "level": p.level,
                "level_name": say(lang, LEVEL_LABELS[p.level]),
                "name": p.name,
                "values": ["—" if v is None else v for v in (c.value(p) for c in table.columns)],
            }
            for p in places
        ],
    }


def _gaps(lang: Lang, report: Any) -> list[dict[str, Any]]:
    names = {r.indicator: say(lang, (r.label, r.label_en)) for r in STANDARD_1257N}
    return [
        {
            "community": c.community_name,
            "district": c.district_name,
            "gaps": [(names[s.indicator], s.has, s.needs) for s in c.shortfalls],
        }
        for c in report.communities_1257n
        if not c.meets
    ]


@get("/reports", name="reports", guards=[curators], include_in_schema=False)
async def report_page(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    area: AreaKey = None,
    from_: FromText = None,
    to: DateText = None,
) -> Template:
    """An area's report for a period, as tables, with the workbook a link away."""
    lang = lang_of(request)
    user = user_of(request)
    typed = {"area": area or "", "from": from_ or "", "to": to or ""}
    choices = await filters_of(conn, user)
    errors: dict[str, str] = {}
    report = None
    try:
        report = await service.build(conn, user, area, from_, to)
    except Invalid as error:
        errors = problem(error, lang)
    values: dict[str, Any] = {}
    if report is not None:
        typed = {
            "area": report.area.key if report.area.level != "all" else "",
            "from": report.since.isoformat(),
            "to": report.until.isoformat(),
        }
        area_name = say(lang, WORDS["all_mine"]) if report.area.level == "all" else report.area.name
        levels, cut, hidden = _levels(report.places)
        shown_places = [p for p in report.places if p.level in levels]
        gaps = _gaps(lang, report)
        values = {
            "report": report,
            "heading": say(lang, WORDS["period"]).format(
                area=area_name, since=typed["from"], until=typed["to"]
            ),
            "tables": [_table(lang, t, shown_places) for t in PLACE_TABLES],
            "cut": None
            if cut is None
            else say(lang, WORDS["places_cut"]).format(
                hidden=say(lang, LEVEL_LABELS[cut]), n=hidden
            ),
            "gaps_total": len(gaps),
            "components": [(c, say(lang, COMPONENT_LABELS[c])) for c in COMPONENTS],
            "proposals": report.proposals[:SHOWN],
            "left_open": report.left_open[:SHOWN],
            "gaps": gaps[:SHOWN],
            "download": "/reports.xlsx?" + urlencode(typed),
        }
    return render(
        request,
        "reports.html",
        words=WORDS,
        status=400 if errors else 200,
        query=typed,
        errors=errors,
        choices=choices,
        shown=SHOWN,
        **values,
    )


@get("/reports.xlsx", name="reports_xlsx", guards=[curators], include_in_schema=False)
async def report_workbook(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    area: AreaKey = None,
    from_: FromText = None,
    to: DateText = None,
) -> Response[bytes]:
    """The report as a workbook (the page's 下载 Excel)."""
    report = await service.build(conn, user_of(request), area, from_, to)
    return Response(
        await asyncio.to_thread(write_xlsx, report),
        media_type=XLSX,
        headers={"Content-Disposition": attachment(report)},
    )
