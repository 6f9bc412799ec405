"""My needs (``/needs/mine``): every need of the staff member's community on one page.

Grouped by status along the status machine — drafts first, then open, matched, in progress,
fulfilled and cancelled — each need with the actions its status allows, through the need pages'
own routes: view it, edit it (:mod:`matchmaker.web.need_forms`), move its status or cancel it
(:func:`matchmaker.web.needs.need_status`, which comes back here). What is allowed is the status
machine's (``DEMAND_TRANSITIONS``) and the services' rule, as on the need's own page.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import get
from litestar.di import NamedDependency
from litestar.response import Template

from matchmaker.auth import roles
from matchmaker.models.demands import DEMAND_TRANSITIONS
from matchmaker.queries import communities as communities_q
from matchmaker.queries import demands as q
from matchmaker.web.i18n import Words
from matchmaker.web.needs import NOTICES, Notice, moves
from matchmaker.web.needs import WORDS as NEED_WORDS
from matchmaker.web.page import Req, render, user_of

__all__ = ["STATUS_ORDER", "WORDS", "my_needs"]

#: The order of the groups: what still needs work first, what is over last.
STATUS_ORDER = ("draft", "open", "matched", "in_progress", "fulfilled", "cancelled")

WORDS: Words = NEED_WORDS | {
    "mine_title": ("我的需求", "My needs"),
    "mine_intro": (
        "{community}的全部需求，按状态分组：草稿在最前面。",
        "Every need of {community}, grouped by status, drafts first.",
    ),
    "by_status": ("按状态", "By status"),
    "none_yet": ("本社区还没有需求。", "Your community has no needs yet."),
    "view": ("查看", "View"),
    "edit_short": ("修改", "Edit"),
    "cancel_short": ("取消需求…", "Cancel…"),
    "interested_n": ("{n} 家伙伴有意向", "{n} partner(s) interested"),
    "posted_on": ("发布于 {date}", "Posted {date}"),
    "meta_urgency": ("紧急程度：{v}", "Urgency: {v}"),
    "meta_window": ("时间：{v}", "Window: {v}"),
}


def entry(user: Any, demand: Any) -> dict[str, Any]:
    """A need with what may be done to it now."""
    allowed = DEMAND_TRANSITIONS[demand.status]
    return {
        "d": demand,
        "moves": moves(user, demand),
        # the services refuse to edit a final need (fulfilled, cancelled): it has no moves left
        "editable": bool(allowed),
        "can_cancel": "cancelled" in allowed,
    }


@get("/needs/mine", include_in_schema=False, guards=[roles("community_staff")], name="needs_mine")
async def my_needs(
    request: Req, conn: NamedDependency[asyncpg.Connection], notice: Notice = None
) -> Template:
    """The staff member's community's needs, by status."""
    user = user_of(request)
    assert user is not None and user.community_id is not None  # staff are bound to a community
    community = await communities_q.get(conn, user.community_id)
    needs = await q.of_community(conn, user.community_id)
    groups = [
        {"status": status, "entries": [entry(user, d) for d in needs if d.status == status]}
        for status in STATUS_ORDER
    ]
    return render(
        request,
        "my_needs.html",
        words=WORDS,
        community=community,
        groups=[g for g in groups if g["entries"]],
        total=len(needs),
        notice=notice if notice in NOTICES else None,
    )
