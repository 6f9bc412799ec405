"""A round's proposals on paper: one printable sheet per community (for the fair's tables).

``/rounds/{id}/sheet`` lists every proposal of a finished round — a dry run's from its report,
a real round's from the table — grouped by community, each with its need, the partner, the score
and the answer so far. The page is styled for print (``@media print`` in ``site.css``: no header
or buttons, each community starting a new page), so the browser's "print" or "save as PDF" makes
the sheets.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

import asyncpg
import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from matchmaker.auth import curators
from matchmaker.models.rounds import Proposal, Round
from matchmaker.queries import rounds as q
from matchmaker.services import rounds as service
from matchmaker.web.i18n import Words
from matchmaker.web.page import PathId, Req, render, user_of
from matchmaker.web.round_words import WORDS as ROUND_WORDS

__all__ = ["round_sheet"]

#: A sheet prints this many proposals at most (the API pages through the rest).
MOST = 5000
PAGE = 500

WORDS: Words = ROUND_WORDS | {
    "sheet_title": ("对接方案（按社区）", "Proposals by community"),
    "sheet_intro": (
        "每个社区一页，可直接打印（浏览器“打印”或“另存为 PDF”）。",
        "One page per community; print it from the browser (or save it as PDF).",
    ),
    "need": ("需求", "Need"),
    "score": ("匹配分", "Score"),
    "answer": ("答复", "Answer"),
    "print": ("打印", "Print"),
    "not_finished": ("这一轮还没有完成，没有可打印的方案。", "The round has not finished yet."),
    "signature": ("社区确认（签字）", "The community's signature"),
    "capped": ("只打印了前 {n} 条方案。", "Only the first {n} proposals are printed."),
}


async def all_proposals(conn: asyncpg.Connection, round_: Round) -> list[Proposal]:
    """Every proposal of a finished round (at most ``MOST``), with names."""
    if round_.dry_run:
        report = await q.report(conn, round_.id) or {}
        dry = msgspec.json.decode(report.get("dry_proposals") or b"[]", type=list[Proposal])
        dry = dry[:MOST]
        names = await q.pair_names(conn, [(p.demand_id, p.actor_id) for p in dry])
        for p in dry:
            p.demand_title, p.community_name, p.actor_name = names.get(
                (p.demand_id, p.actor_id), ("", "", "")
            )
        return dry
    found: list[Proposal] = []
    cursor: str | None = None
    while len(found) < MOST:
        items, cursor = await q.list_proposals(conn, round_.id, PAGE, cursor)
        found += items
        if cursor is None:
            break
    return found[:MOST]


@get("/rounds/{round_id:int}/sheet", name="round_sheet", guards=[curators], include_in_schema=False)
async def round_sheet(
    request: Req, conn: NamedDependency[asyncpg.Connection], round_id: PathId
) -> Template:
    """The round's proposals grouped by community, for printing."""
    round_ = await service.visible(conn, user_of(request), round_id)
    proposals = await all_proposals(conn, round_) if round_.status == "succeeded" else []
    ordered = sorted(proposals, key=lambda p: (p.community_name or "", -p.score))
    groups: list[tuple[str, list[Proposal]]] = [
        (community, list(items))
        for community, items in groupby(ordered, key=lambda p: p.community_name or "")
    ]
    values: dict[str, Any] = {
        "round": round_,
        "groups": groups,
        "finished": round_.status == "succeeded",
        "capped": len(proposals) >= MOST,
        "most": MOST,
    }
    return render(request, "round_sheet.html", words=WORDS, **values)
