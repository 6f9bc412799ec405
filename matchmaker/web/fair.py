"""The matching fair (社社对接会 / 双选会): its printed needs handbook, as a PDF.

For a fair — a district and a date — the handbook lists the district's open needs still running
that day, grouped by category, each with its community, what it asks, and a QR code of the
need's page (``?interest=1``: the page opens at the interest form, so a partner at the fair
scans and taps once). The PDF is typeset by Typst with a Chinese font embedded
(:mod:`matchmaker.printing`); without such a font the answer is 503 saying what to install,
never a PDF of empty boxes. Coordinators print the fairs of their area; admins any.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Annotated, Any
from urllib.parse import quote

import asyncpg
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.auth import curators
from matchmaker.errors import Forbidden, Invalid
from matchmaker.printing import NoCjkFont, compile_pdf
from matchmaker.queries import fair as q
from matchmaker.queries.communities import districts as districts_of
from matchmaker.services.access import area_of, governs
from matchmaker.settings import Settings
from matchmaker.web.i18n import Lang, Words, label, say
from matchmaker.web.page import Req, lang_of, render, user_of
from matchmaker.web.share import absolute_url, need_path, qr_svg

__all__ = ["fair_page", "handbook_pdf", "shorten"]

#: A handbook lists this many needs at most (a district's fair is dozens; a few hundred is a book).
MAX_NEEDS = 400
#: A need's description is shortened to about this many characters (the QR code leads to the rest).
DESCRIPTION_CHARS = 150
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[。！？；.!?;]")

WORDS: Words = {
    "heading": ("对接会需求手册", "The fair's needs handbook"),
    "intro": (
        "为社社对接会（双选会）打印一本需求手册：选区县和日期，手册按类别列出这个区县当天仍在征集的需求，"
        "每条附二维码，合作伙伴用手机一扫即可打开需求、表达意向。",
        "Print a needs handbook for a matching fair: pick the district and the date; the handbook "
        "lists the district's needs still open that day by category, each with a QR code a "
        "partner scans to open the need and express interest.",
    ),
    "district": ("区县", "District"),
    "date": ("对接会日期", "Date of the fair"),
    "fair_title": ("手册标题", "Title"),
    "default_title": ("社社对接会需求手册", "Matching fair: needs handbook"),
    "download": ("下载手册（PDF）", "Download the handbook (PDF)"),
    "templates_link": ("维护需求模板", "Maintain the need templates"),
    "no_font": (
        "服务器上没有可用的中文字体，无法生成手册。请安装 fonts-noto-cjk（Debian/Ubuntu：apt-get install "
        "fonts-noto-cjk），或把 MATCHMAKER_FONT_DIR 设为存放 NotoSansCJK-*.ttc 的文件夹。",
        "The server has no Chinese font to print with. Install fonts-noto-cjk (Debian/Ubuntu: "
        "apt-get install fonts-noto-cjk), or set MATCHMAKER_FONT_DIR to a folder holding "
        "NotoSansCJK-*.ttc.",
    ),
    "unknown_district": ("没有这个区县：{name}", "No such district: {name}"),
    "not_yours": ("这个区县不在您的管辖范围内。", "This district is not in your area."),
    # the handbook's own words
    "needs": ("条需求", "needs"),
    "communities": ("个社区", "communities"),
    "categories": ("个类别", "categories"),
    "slots": ("可对接伙伴", "partners wanted"),
    "how": (
        "每条需求右侧的二维码打开它在平台上的页面：合作伙伴登录后点“我有意向”，社区工作人员即收到通知。",
        "The QR code beside each need opens its page: a partner signs in and taps “We're "
        "interested”, and the community's staff are told.",
    ),
    "contents": ("目录", "Contents"),
    "needs_unit": ("条", "needs"),
    "empty": ("这个区县当天没有仍在征集的需求。", "No open needs in this district on that day."),
    "scan": ("扫码表达意向", "Scan to express interest"),
    "colon": ("：", ": "),
    "resources": ("需要", "Needs"),
    "window": ("时间", "When"),
    "open_ended": ("长期", "ongoing"),
    "beneficiaries": ("受益人数", "Beneficiaries"),
    "link": ("链接", "Link"),
}


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``text`` on one line, cut to about ``limit`` characters: at the last sentence's end when
    that keeps at least half, else mid-sentence with "…".

    >>> shorten("第一句。第二句很长很长。", 8)
    '第一句。…'
    >>> shorten("短")
    '短'
    """
    line = _SPACE.sub(" ", text).strip()
    if len(line) <= limit:
        return line
    head = line[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= limit // 2:
        return head[: ends[-1]] + "…"
    return head[: limit - 1].rstrip() + "…"


def _window(need: q.FairNeed, lang: Lang) -> str:
    start = need.window_start.isoformat() if need.window_start else ""
    end = need.window_end.isoformat() if need.window_end else say(lang, WORDS["open_ended"])
    return f"{start} – {end}" if start else end


def _need(request: Req, need: q.FairNeed, lang: Lang) -> dict[str, Any]:
    """One need as the template prints it: plain strings and the QR code's SVG."""
    link = absolute_url(request, need_path(need.id) + "?interest=1#interest")
    sep = "、" if lang == "zh" else ", "
    facts = [
        [say(lang, WORDS["resources"]),
         sep.join(label(lang, "resource_type", r) for r in need.resource_types) or "—"],
        [say(lang, WORDS["window"]), _window(need, lang)],
        [say(lang, WORDS["slots"]), str(need.slots)],
    ]  # fmt: skip
    if need.beneficiaries:
        facts.append([say(lang, WORDS["beneficiaries"]), str(need.beneficiaries)])
    facts.append([say(lang, WORDS["link"]), absolute_url(request, need_path(need.id))])
    return {
        "id": need.id,
        "title": need.title,
        "community": f"{need.community_name}（{need.town_name}）"
        if lang == "zh"
        else f"{need.community_name} ({need.town_name})",
        "description": shorten(need.description),
        "facts": facts,
        "url": link,
        "qr": qr_svg(link).decode(),
    }


def handbook_data(
    request: Req, needs: list[q.FairNeed], district: str, day: dt.date, title: str, lang: Lang
) -> dict[str, Any]:
    """What ``typst/handbook.typ`` reads: the cover's counts and the needs by category."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for need in needs:
        groups.setdefault(label(lang, "category", need.category), []).append(
            _need(request, need, lang)
        )
    words = {k: say(lang, WORDS[k]) for k in ("how", "contents", "needs_unit", "empty", "scan",
                                              "colon")}  # fmt: skip
    counts = [
        (len(needs), "needs"),
        (len({n.community_name for n in needs}), "communities"),
        (len(groups), "categories"),
    ]
    return {
        "lang": lang,
        "title": title,
        "district": district,
        "date": f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat(),
        "counts": [{"value": n, "label": say(lang, WORDS[key])} for n, key in counts],
        "groups": [{"category": c, "needs": items} for c, items in groups.items()],
        "words": words,
    }


async def _area_districts(conn: asyncpg.Connection, request: Req) -> list[tuple[int, str]]:
    area = area_of(user_of(request))
    return [(d.id, d.name) for d in await districts_of(conn) if area is None or d.id in area]


def _font_dir(request: Req) -> str:
    settings = getattr(request.app.state, "settings", None)
    return settings.font_dir if isinstance(settings, Settings) else ""


@get("/fair", include_in_schema=False, guards=[curators], name="fair_page")
async def fair_page(request: Req, conn: NamedDependency[asyncpg.Connection]) -> Template:
    """The form a coordinator prints a handbook from: a district of their area, a date, a title."""
    lang = lang_of(request)
    return render(
        request, "fair.html", words=WORDS, districts=[n for _, n in await
                                                      _area_districts(conn, request)],
        today=dt.date.today().isoformat(), default_title=say(lang, WORDS["default_title"]),
        error=None,
    )  # fmt: skip


@get("/fair/handbook.pdf", include_in_schema=False, guards=[curators], name="fair_handbook")
async def handbook_pdf(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    district: Annotated[str, QueryParameter(min_length=1, max_length=100)],
    date: Annotated[dt.date, QueryParameter()],
    title: Annotated[str, QueryParameter(max_length=100)] = "",
) -> Response[Any] | Template:
    """The handbook of ``district``'s fair on ``date`` as a PDF (a download)."""
    lang = lang_of(request)
    every = {d.name: d.id for d in await districts_of(conn)}
    if district.strip() not in every:
        message = say(lang, WORDS["unknown_district"]).format(name=district)
        raise Invalid(message, field="district")
    district_id = every[district.strip()]
    if not governs(user_of(request), district_id):
        raise Forbidden(say(lang, WORDS["not_yours"]))
    needs = await q.fair_needs(conn, district_id, date, MAX_NEEDS)
    heading = title.strip() or say(lang, WORDS["default_title"])
    data = handbook_data(request, needs, district.strip(), date, heading, lang)
    try:
        pdf = await asyncio.to_thread(compile_pdf, "handbook", data, _font_dir(request))
    except NoCjkFont:
        return render(
            request, "fair.html", words=WORDS, status=503, districts=[district], today=date,
            default_title=heading, error=say(lang, WORDS["no_font"]),
        )  # fmt: skip
    name = f"{district.strip()}-{date.isoformat()}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="handbook-{date.isoformat()}.pdf"; '
            f"filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
        },
    )
