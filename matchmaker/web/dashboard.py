"""The coordinators' dashboard: needs over time, by district and category, the "1257N" standard,
and which partners are most active — as charts, each with its numbers in a table beside it.

The figures are the same as ``GET /api/v1/stats`` (one snapshot read by ``queries.stats.read``),
plus needs by month and partner activity. The page takes the reports' area and period filters
(``?area=town:5&from=…&to=…``, checked by :func:`matchmaker.services.reports.narrowing`): a need
counts when posted in the period, a partnership when started in it; the months chart ends with the
period's last month. The charts are drawn in the browser by ECharts from JSON
the template renders with ``|tojson``; the tables make every number readable without them.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.auth import curators
from matchmaker.errors import Invalid
from matchmaker.models.stats import STANDARD_1257N, Stats
from matchmaker.queries import stats as q
from matchmaker.services import reports
from matchmaker.web.i18n import Lang, Words, text
from matchmaker.web.page import Req, lang_of, render, user_of
from matchmaker.web.reports import FILTER_WORDS, filters_of, problem

__all__ = ["dashboard"]

#: How many months the "needs over time" chart covers, and how many partners it ranks.
MONTHS = 12
TOP_PARTNERS = 10

WORDS: Words = FILTER_WORDS | {
    "dash_title": ("数据看板", "Dashboard"),
    "dash_intro": (
        "需求、对接和社区“1257N”达标情况一览。每张图下都有对应的数据表。",
        "Needs, partnerships and the communities' “1257N” standard at a glance. Each chart has its numbers below it.",
    ),
    "k_open": ("开放中的需求", "Open needs"),
    "k_fulfilled": ("已满足的需求", "Needs fulfilled"),
    "k_active": ("合作中", "Partnerships active"),
    "k_completed": ("已完成合作", "Partnerships completed"),
    "k_meeting": ("“1257N”达标社区", "Communities meeting “1257N”"),
    "over_time": ("每月新开与已满足的需求", "Needs opened and fulfilled per month"),
    "over_time_label": (
        "柱状图：最近 {n} 个月每月新开和已满足的需求数，数据见下表。",
        "Bar chart: needs opened and fulfilled in each of the last {n} months; data below.",
    ),
    "month": ("月份", "Month"),
    "opened": ("新开", "Opened"),
    "fulfilled": ("已满足", "Fulfilled"),
    "open": ("开放中", "Open"),
    "by_district": ("各区县的需求", "Needs by district"),
    "by_district_label": (
        "条形图：各区县开放中和已满足的需求数，数据见下表。",
        "Bar chart: open and fulfilled needs per district; data below.",
    ),
    "district": ("区县", "District"),
    "by_category": ("各类别的需求", "Needs by category"),
    "by_category_label": (
        "条形图：各类别开放中和已满足的需求数，数据见下表。",
        "Bar chart: open and fulfilled needs per category; data below.",
    ),
    "category": ("类别", "Category"),
    "standard": ("社区“1257N”达标情况", "Communities against the “1257N” standard"),
    "standard_hint": (
        "每个社区至少 1 个社工室、2 名社工、5 个社区社会组织、7 支志愿服务队和 N（≥1）项慈善资源。",
        "Each community needs at least 1 social-work room, 2 social workers, 5 community organisations, 7 volunteer teams and N (≥ 1) charity resources.",
    ),
    "standard_label": (
        "环形图：达标 {meeting} 个社区，未达标 {short} 个，占比 {ratio}。未达标的社区见下表。",
        "Donut chart: {meeting} communities meet the standard, {short} fall short ({ratio} meet it). Those falling short are listed below.",
    ),
    "meets": ("达标", "Meet it"),
    "falls_short": ("未达标", "Fall short"),
    "short_list": ("未达标的社区及差距", "Communities falling short, and by how much"),
    "all_meet": ("所有社区都已达标。", "Every community meets the standard."),
    "community": ("社区", "Community"),
    "gaps": ("差距（现有 / 标准）", "Gaps (has / needs)"),
    "gaps_more": (
        "只列出前 {n} 个，共 {total} 个；全部见报表。",
        "The first {n} of {total}; the reports have them all.",
    ),
    "partners": ("最活跃的合作伙伴", "Most active partners"),
    "partners_label": (
        "条形图：前 {n} 个合作伙伴表达意向、收到推荐、接受推荐和完成合作的次数，数据见下表。",
        "Bar chart: interests, proposals received, proposals accepted and partnerships completed of the top {n} partners; data below.",
    ),
    "partner": ("伙伴", "Partner"),
    "interests": ("表达意向", "Interests"),
    "proposals": ("收到推荐", "Proposals"),
    "accepted": ("接受推荐", "Accepted"),
    "completed": ("完成合作", "Completed"),
    "no_partner_activity": (
        "还没有伙伴表达意向或收到推荐。可以在“撮合轮次”里发起一轮。",
        "No partner has expressed interest or received a proposal yet. Start a match round.",
    ),
    "chart_data": ("数据表", "Data table"),
}


def _words(lang: Lang) -> dict[str, str]:
    return text(lang, WORDS)


def _bars(
    categories: list[str], series: list[tuple[str, list[int]]], *, horizontal: bool = False
) -> dict[str, Any]:
    """The JSON a "bars" chart draws (see static/charts.js)."""
    return {
        "categories": categories,
        "series": [{"name": name, "data": data} for name, data in series],
        "horizontal": horizontal,
        "stacked": False,
    }


_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _month_labels(months: list[str], lang: Lang) -> list[str]:
    """ "2026-03" → "3月" (or "Mar"), the year under the first month and every January: short
    enough for twelve to sit side by side on a phone."""
    labels = []
    for i, month in enumerate(months):
        year, number = month.split("-")
        name = f"{int(number)}月" if lang == "zh" else _MONTHS_EN[int(number) - 1]
        labels.append(f"{name}\n{year}" if i == 0 or number == "01" else name)
    return labels


def _bar_height(rows: int, series: int) -> int:
    """Pixels for a horizontal bar chart: each row tall enough for its bars and its label."""
    return max(220, 48 + rows * (12 + 10 * series))


#: Communities falling short listed on the dashboard (all of them are in the reports' workbook).
GAPS_SHOWN = 50


def _gaps(lang: Lang, stats: Stats) -> list[dict[str, Any]]:
    """Communities falling short of "1257N", each with what it has against what it needs."""
    names = {r.indicator: (r.label if lang == "zh" else r.label_en) for r in STANDARD_1257N}
    return [
        {
            "community": c.community_name,
            "district": c.district_name,
            "gaps": [(names[s.indicator], s.has, s.needs) for s in c.shortfalls],
        }
        for c in stats.standard_1257n.communities
        if not c.meets
    ]


def _figures(lang: Lang, stats: Stats, months: list[Any], partners: list[Any]) -> dict[str, Any]:
    """Every chart's data and the headline numbers, in the page's language."""
    w = _words(lang)
    by_status = {s.status: s.count for s in stats.demands_by_status}
    partnerships = {s.status: s.count for s in stats.partnerships_by_status}
    standard = stats.standard_1257n
    total = standard.meeting + standard.falling_short
    districts = stats.needs_by_district
    categories = stats.needs_by_category
    category_names = [c.label if lang == "zh" else c.label_en for c in categories]
    return {
        "headline": [
            ("k_open", by_status.get("open", 0)),
            ("k_fulfilled", by_status.get("fulfilled", 0)),
            ("k_active", partnerships.get("active", 0)),
            ("k_completed", partnerships.get("completed", 0)),
            ("k_meeting", f"{standard.meeting} / {total}"),
        ],
        "months": months,
        "months_chart": _bars(
            _month_labels([m["month"] for m in months], lang),
            [
                (w["opened"], [m["opened"] for m in months]),
                (w["fulfilled"], [m["fulfilled"] for m in months]),
            ],
        ),
        "districts": districts,
        "districts_chart": _bars(
            [d.district_name for d in districts],
            [
                (w["open"], [d.open for d in districts]),
                (w["fulfilled"], [d.fulfilled for d in districts]),
            ],
            horizontal=True,
        ),
        "districts_height": _bar_height(len(districts), 2),
        "categories": list(zip(category_names, categories, strict=True)),
        "categories_chart": _bars(
            category_names,
            [
                (w["open"], [c.open for c in categories]),
                (w["fulfilled"], [c.fulfilled for c in categories]),
            ],
            horizontal=True,
        ),
        "categories_height": _bar_height(len(categories), 2),
        "standard": standard,
        "standard_ratio": f"{standard.meeting / total:.0%}" if total else "—",
        "standard_chart": {
            "items": [
                {"name": w["meets"], "value": standard.meeting},
                {"name": w["falls_short"], "value": standard.falling_short},
            ],
            "colors": ["#27ae60", "#c0392b"],
        },
        # a province has tens of thousands falling short: the first few, the rest in the reports
        "gaps": (gaps := _gaps(lang, stats))[:GAPS_SHOWN],
        "gaps_total": len(gaps),
        "partners": partners,
        "partners_chart": _bars(
            [p["actor_name"] for p in partners],
            [
                (w[key], [p[key] for p in partners])
                for key in ("interests", "proposals", "accepted", "completed")
            ],
            horizontal=True,
        ),
        "partners_height": _bar_height(len(partners), 4),
    }


@get(
    "/dashboard",
    name="dashboard",
    guards=[curators],
    include_in_schema=False,
)
async def dashboard(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    area: Annotated[str | None, QueryParameter(name="area", max_length=120)] = None,
    from_: Annotated[str | None, QueryParameter(name="from", max_length=20)] = None,
    to: Annotated[str | None, QueryParameter(max_length=20)] = None,
) -> Template:
    """Charts of needs, partnerships, the "1257N" standard and partner activity (a
    coordinator's: of their area only), for an area and a period when asked."""
    user, lang = user_of(request), lang_of(request)
    query = {"area": area or "", "from": from_ or "", "to": to or ""}
    errors: dict[str, str] = {}
    try:
        _, districts, within, _ = await reports.narrowing(conn, user, area, from_, to)
    except Invalid as error:  # said by the field; the figures are the whole area's meanwhile
        errors = problem(error, lang)
        _, districts, within, _ = await reports.narrowing(conn, user, None, None, None)
    stats = await q.read(conn, districts, within)
    months = [dict(r) for r in await q.needs_by_month(conn, MONTHS, districts, within)]
    partners = [dict(r) for r in await q.partner_activity(conn, TOP_PARTNERS, districts, within)]
    return render(
        request,
        "dashboard.html",
        words=WORDS,
        status=400 if errors else 200,
        month_count=MONTHS,
        top_partners=TOP_PARTNERS,
        query=query,
        errors=errors,
        choices=await filters_of(conn, user),
        download=None,
        **_figures(lang, stats, months, partners),
    )
