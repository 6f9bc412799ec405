"""A thread's page: the messages between a need's community and a partner, and a form to write.

``/threads/{demand_id}/{actor_id}`` shows the latest messages newest last, with a link back to
earlier ones (keyset-paged like the API), and a form to write one. Who may read and write, and
which pairs have a thread at all, is :mod:`matchmaker.services.threads`' rule — the JSON API's
too: a stranger to the thread gets the 403 page, a pair without a proposal or partnership 404.
A message is escaped like everything a page shows (plain text, newlines kept by CSS). Without
JavaScript, writing answers 303 back to the new message; htmx gets the thread swapped in place.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.auth import signed_in
from matchmaker.errors import Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.threads import MESSAGE_MAX, MessageCreate
from matchmaker.services import threads as service
from matchmaker.web.forms import errors_of, parse, read, typed
from matchmaker.web.i18n import Words
from matchmaker.web.inbox import LIVE, when
from matchmaker.web.page import PathId, Req, is_htmx, lang_of, render, see_other, user_of

__all__ = ["PAGE_SIZE", "WORDS", "thread_page", "write_message"]

#: Messages a page shows at once.
PAGE_SIZE = 30

WORDS: Words = {
    "thread_title": ("对话", "Messages"),
    "back_inbox": ("← 返回我的对接", "← Back to the inbox"),
    "about": ("关于需求", "About the need"),
    "between": ("{community} 与 {actor}", "{community} and {actor}"),
    "intro": (
        "需求所在社区和合作方之间的留言，双方和统筹协调员可见。",
        "Messages between the need's community and the partner; both sides and coordinators "
        "read them.",
    ),
    "proposal": ("推荐", "Proposal"),
    "partnership": ("合作", "Partnership"),
    "see_in_inbox": ("在我的对接中查看", "See it in the inbox"),
    "messages": ("消息", "Messages"),
    "earlier": ("查看更早的消息", "Show earlier messages"),
    "latest": ("回到最新消息", "Back to the latest messages"),
    "none_yet": ("还没有消息。写下第一条吧。", "No messages yet. Write the first."),
    "side_community": ("社区", "Community"),
    "side_partner": ("合作方", "Partner"),
    "side_coordinator": ("统筹协调员", "Coordinator"),
    "you": ("我", "You"),
    "write": ("写消息", "Write a message"),
    "write_hint": (
        "纯文本，最多 {n} 字，可以换行；对方会收到通知。",
        "Plain text, at most {n} characters, line breaks allowed; the other side is notified.",
    ),
    "send": ("发送", "Send"),
    "sent": ("已发送。", "Sent."),
    "body_required": ("请写下消息内容", "Please write a message"),
}

Cursor = Annotated[str | None, QueryParameter(max_length=500)]


def _status_link(thread: Any, side: str) -> tuple[str, str] | None:
    """Where the pair stands, as (label key, inbox anchor) for the two sides (None otherwise)."""
    if side == "coordinator":
        return None
    if thread.partnership_status in ("active", "completed"):
        return "partnership", f"/inbox#partnership-{thread.partnership_id}"
    if thread.proposal_status in LIVE:
        return "proposal", f"/inbox#proposal-{thread.proposal_id}"
    return None


async def thread_page(
    request: Req,
    conn: asyncpg.Connection,
    user: CurrentUser,
    demand_id: int,
    actor_id: int,
    *,
    cursor: str | None = None,
    status: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    sent: bool = False,
) -> Template:
    """The thread (its latest page, or the page before ``cursor``) with the writing form."""
    page = await service.read(conn, user, demand_id, actor_id, limit=PAGE_SIZE, cursor=cursor)
    side = service.side_of(user, page.thread)
    return render(
        request,
        "thread.html",
        words=WORDS,
        status=status,
        thread=page.thread,
        messages=page.items,
        earlier=page.next_cursor,
        paged=cursor is not None,
        side=side,
        status_link=_status_link(page.thread, side),
        values=values or {},
        errors=errors or {},
        sent=sent,
        when=when,
        max_length=MESSAGE_MAX,
        base=service.thread_path(demand_id, actor_id),
    )


@get(
    "/threads/{demand_id:int}/{actor_id:int}",
    name="thread",
    include_in_schema=False,
    guards=[signed_in],
)
async def thread(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    demand_id: PathId,
    actor_id: PathId,
    cursor: Cursor = None,
) -> Template:
    """A need and a partner's thread, newest last; ``?cursor=`` pages back to earlier ones."""
    user = user_of(request)
    assert user is not None  # the guard let only signed-in users through
    return await thread_page(request, conn, user, demand_id, actor_id, cursor=cursor)


@post(
    "/threads/{demand_id:int}/{actor_id:int}/messages",
    name="thread_write",
    include_in_schema=False,
    guards=[signed_in],
    status_code=200,
)
async def write_message(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    demand_id: PathId,
    actor_id: PathId,
) -> Response[Any] | Template:
    """Write a message; a refused one is shown again with the reason next to the field."""
    user = user_of(request)
    assert user is not None  # the guard let only signed-in users through
    lang = lang_of(request)
    values = read(await request.form())
    # a browser sends a textarea's line breaks as CRLF; its maxlength counted each as one
    values["body"] = [v.replace("\r\n", "\n") for v in values.get("body", [])]
    body, errors = parse(values, MessageCreate, lang=lang)
    if "body" in errors and not typed(values).get("body", "").strip():
        errors["body"] = WORDS["body_required"][0 if lang == "zh" else 1]
    if body is not None:
        try:
            message = await service.write(conn, user, demand_id, actor_id, body.body)
        except Invalid as exc:
            errors = errors_of(exc, lang)
        else:
            if is_htmx(request):
                return await thread_page(request, conn, user, demand_id, actor_id, sent=True)
            return see_other(
                request, f"{service.thread_path(demand_id, actor_id)}#message-{message.id}"
            )
    return await thread_page(
        request, conn, user, demand_id, actor_id, status=422,
        values=typed(values), errors=errors,
    )  # fmt: skip
