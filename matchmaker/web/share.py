"""Sharing a need: its absolute address, a plain-text summary for chat previews, and its QR code.

The need's page carries ``<meta name="description">`` and Open Graph tags built from
:func:`need_summary` and :func:`absolute_url`, so a link pasted into WeChat (or any chat) shows the
need's title and a line about it. ``/needs/{id}/qr.svg`` is a QR code of the same address, drawn
by the app with ``segno``; whoever may not see the need (a draft of another community) gets 404,
as on the page itself.

>>> qr_svg("https://example.cn/needs/1").startswith(b"<?xml")
True
"""

from __future__ import annotations

import io
import re
from typing import Annotated, Any

import asyncpg
import segno
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import PathParameter

from matchmaker.errors import NotFound
from matchmaker.models.demands import Demand
from matchmaker.services import demands as service
from matchmaker.settings import Settings
from matchmaker.web.i18n import Lang, label
from matchmaker.web.page import Req, user_of

__all__ = ["SUMMARY_CHARS", "absolute_url", "need_path", "need_qr", "need_summary", "qr_svg"]

#: A chat preview shows a line or two; longer descriptions are cut with "…".
SUMMARY_CHARS = 120
#: A shared need's QR code may be kept a day; a draft's only by the one browser that may see it.
QR_CACHE = "public, max-age=86400"
QR_CACHE_DRAFT = "private, max-age=3600"
_SPACE = re.compile(r"\s+")


def need_path(demand_id: int) -> str:
    """The need page's path, the one every share link and QR code points to."""
    return f"/needs/{demand_id}"


def absolute_url(request: Req, path: str) -> str:
    """``path`` as an absolute address: on ``MATCHMAKER_PUBLIC_URL`` when it is set, else on the
    address this request came to (its scheme and host, as the server was told them)."""
    settings = getattr(request.app.state, "settings", None)
    if isinstance(settings, Settings) and settings.public_url:
        return settings.link(path)
    return str(request.base_url).rstrip("/") + path


def need_summary(demand: Demand, lang: Lang) -> str:
    """One plain line about the need: where, what kind, then the start of its description."""
    where = " · ".join(
        [demand.community_name, demand.district_name, label(lang, "category", demand.category)]
    )
    description = _SPACE.sub(" ", demand.description).strip()
    if not description:
        return where
    line = f"{where}{'：' if lang == 'zh' else ': '}{description}"
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1].rstrip() + "…"


def qr_svg(url: str) -> bytes:
    """A QR code of ``url`` as a standalone SVG document: black on white, four modules of quiet
    zone, sized by its ``viewBox`` (it fills whatever box shows it)."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(
        out, kind="svg", scale=4, border=4, dark="#000", light="#fff", omitsize=True, title=url
    )
    return out.getvalue()


@get("/needs/{demand_id:int}/qr.svg", include_in_schema=False, name="need_qr")
async def need_qr(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    demand_id: Annotated[int, PathParameter()],
) -> Response[Any]:
    """The QR code of the need's page; 404 for a need the viewer may not see (or no such id)."""
    if not 1 <= demand_id <= 2**62:
        raise NotFound("demand", demand_id)
    demand = await service.get_visible(conn, user_of(request), demand_id)
    return Response(
        qr_svg(absolute_url(request, need_path(demand.id))),
        media_type="image/svg+xml",
        headers={"Cache-Control": QR_CACHE_DRAFT if demand.status == "draft" else QR_CACHE},
    )
