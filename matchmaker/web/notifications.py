"""The bell and the notifications pages: what you were told, how you hear, the group robots.

The bell in every page's header loads its count with htmx when the page loads and asks again
every ``MATCHMAKER_BELL_POLL_SECONDS``; the count is read from PostgreSQL, so it is right whichever
instance the browser reaches. Opening an item marks it read and goes to the page it is about.
Coordinators connect a district's or a community's group robot on ``/notifications/robots``.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from matchmaker.auth import curators, roles
from matchmaker.errors import AppError, NotFound
from matchmaker.models.notifications import (
    MarkRead,
    NotificationSettings,
    WebhookCreate,
    WebhookPatch,
)
from matchmaker.queries import notifications as notification_queries
from matchmaker.queries.communities import districts as districts_of
from matchmaker.services import notifications as service
from matchmaker.services.access import governs
from matchmaker.services.notice_text import local_time
from matchmaker.web.forms import errors_of, parse, read, typed
from matchmaker.web.i18n import Words
from matchmaker.web.page import Req, lang_of, render, see_other, user_of

__all__ = [
    "bell",
    "notifications_page",
    "open_notification",
    "read_all",
    "robot_add",
    "robot_switch",
    "robots_page",
    "settings_page",
    "settings_save",
]

SIGNED_IN = roles("community_staff", "partner", "coordinator", "admin")
CURATORS = curators
Answer = Response[Any] | Template
Conn = NamedDependency[asyncpg.Connection]
Id = Annotated[int, PathParameter(ge=1, le=2**62)]
Cursor = Annotated[str | None, QueryParameter(max_length=500)]
Flag = Annotated[str | None, QueryParameter(max_length=20)]

WORDS: Words = {
    "notifications": ("通知", "Notifications"),
    "bell_label": ("通知（{n} 条未读）", "Notifications ({n} unread)"),
    "intro": (
        "撮合建议、对方的答复、意向、留言和提醒都会出现在这里。",
        "Proposals, the other side's answers, interest, messages and reminders appear here.",
    ),
    "unread_only": ("只看未读", "Unread only"),
    "all_items": ("全部", "All"),
    "mark_all": ("全部标为已读", "Mark all read"),
    "mark_read": ("标为已读", "Mark read"),
    "open": ("查看", "Open"),
    "nothing": ("还没有通知。", "No notifications yet."),
    "nothing_unread": ("没有未读通知。", "Nothing unread."),
    "more": ("更早的通知", "Older notifications"),
    "unread_count": ("{n} 条未读", "{n} unread"),
    "new": ("未读", "New"),
    "how_to_hear": ("通知方式", "How you are told"),
    "settings_intro": (
        "站内通知总会出现在铃铛里。填写邮箱后，还可以通过邮件即时收到，或每天汇总一封。",
        "Notifications always appear under the bell. With an e-mail address you can also get "
        "each one at once, or one summary a day.",
    ),
    "email": ("邮箱", "E-mail"),
    "email_hint": (
        "例如 name@example.cn；留空则不发邮件。",
        "e.g. name@example.cn; leave empty for no e-mail.",
    ),
    "language_field": ("邮件语言", "Language of e-mail"),
    "email_mode": ("邮件提醒", "E-mail"),
    "mode_instant": ("即时发送", "At once"),
    "mode_digest": ("每日汇总", "A daily digest"),
    "mode_off": ("不发邮件", "Off"),
    "save": ("保存", "Save"),
    "saved": ("已保存。", "Saved."),
    "fix_below": ("请修改下面标出的内容。", "Please correct the fields marked below."),
    "robots": ("群机器人", "Group robots"),
    "robots_intro": (
        "把区县或社区的新需求和撮合建议推送到大家已经在用的企业微信群或钉钉群。"
        "在群设置里添加「群机器人」，把它的 Webhook 地址填在这里。",
        "Post a district's or a community's new needs and proposals to the WeCom or DingTalk "
        "group people already read: add a group robot in the group's settings and enter its "
        "webhook address here.",
    ),
    "robot_name": ("名称", "Name"),
    "provider": ("平台", "Platform"),
    "wecom": ("企业微信", "WeCom"),
    "dingtalk": ("钉钉", "DingTalk"),
    "url": ("Webhook 地址", "Webhook address"),
    "secret": ("加签密钥（钉钉，可不填）", "Signing secret (DingTalk, optional)"),
    "area": ("推送范围", "Area"),
    "district": ("区县", "District"),
    "community_id": ("或社区编号", "or community number"),
    "add_robot": ("添加机器人", "Add robot"),
    "no_robots": ("还没有群机器人。", "No group robots yet."),
    "active": ("启用中", "On"),
    "inactive": ("已停用", "Off"),
    "switch_off": ("停用", "Switch off"),
    "switch_on": ("启用", "Switch on"),
    "choose": ("请选择", "Choose"),
}


def _items(page: Any) -> list[dict[str, Any]]:
    return [{**msgspec.structs.asdict(n), "when": local_time(n.created_at)} for n in page.items]


@get("/notifications/bell", name="bell", include_in_schema=False)
async def bell(request: Req, conn: Conn) -> Template:
    """The bell with its unread count (an htmx fragment; empty for a signed-out visitor)."""
    user = user_of(request)
    count = await service.unread(conn, user) if user else 0
    poll = request.app.state.settings.bell_poll_seconds
    return render(request, "_bell.html", words=WORDS, unread=count, poll=poll)


@get("/notifications", name="notifications", include_in_schema=False, guards=[SIGNED_IN])
async def notifications_page(
    request: Req, conn: Conn, cursor: Cursor = None, unread: Flag = None
) -> Template:
    user = user_of(request)
    assert user is not None
    page = await service.page(
        conn, user, lang_of(request), unread_only=unread == "1", limit=30, cursor=cursor
    )
    return render(
        request, "notifications.html", words=WORDS, items=_items(page), unread=page.unread,
        next_cursor=page.next_cursor, unread_only=unread == "1",
    )  # fmt: skip


@get("/notifications/{notification_id:int}/open", name="open_notification",
     include_in_schema=False, guards=[SIGNED_IN])  # fmt: skip
async def open_notification(request: Req, conn: Conn, notification_id: Id) -> Redirect:
    """Mark it read and go to what it is about (someone else's notification: 404)."""
    user = user_of(request)
    assert user is not None
    link = await notification_queries.open_link(conn, user.id, notification_id)
    if link is None:
        raise NotFound("notification", notification_id)
    return Redirect(link, status_code=303)


@post("/notifications/read", name="read_notifications", include_in_schema=False,
      guards=[SIGNED_IN], status_code=200)  # fmt: skip
async def read_all(request: Req, conn: Conn) -> Answer:
    """Mark one (``id``) or every notification read, then show the list again."""
    user = user_of(request)
    assert user is not None
    values = read(await request.form())
    given = typed(values).get("id")
    body = MarkRead(ids=[int(given)]) if given and given.isdigit() else MarkRead(all=True)
    await service.mark_read(conn, user, body)
    return see_other(request, "/notifications")


async def _settings_form(
    request: Req, conn: Conn, *, status: int = 200, values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None, saved: bool = False,
) -> Template:  # fmt: skip
    user = user_of(request)
    assert user is not None
    current = msgspec.structs.asdict(await service.settings(conn, user))
    return render(
        request, "notification_settings.html", words=WORDS, status=status,
        values=values if values is not None else current, errors=errors or {}, saved=saved,
    )  # fmt: skip


@get("/notifications/settings", name="notification_settings", include_in_schema=False,
     guards=[SIGNED_IN])  # fmt: skip
async def settings_page(request: Req, conn: Conn, done: Flag = None) -> Template:
    return await _settings_form(request, conn, saved=done == "1")


@post("/notifications/settings", name="save_notification_settings", include_in_schema=False,
      guards=[SIGNED_IN], status_code=200)  # fmt: skip
async def settings_save(request: Req, conn: Conn) -> Answer:
    user = user_of(request)
    assert user is not None
    values = read(await request.form())
    body, errors = parse(values, NotificationSettings, lang=lang_of(request))
    if body is None:
        return await _settings_form(request, conn, status=422, values=typed(values), errors=errors)
    await service.save_settings(conn, user, body)
    return see_other(request, "/notifications/settings?done=1")


async def _robots(
    request: Req, conn: Conn, *, status: int = 200, values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Template:  # fmt: skip
    user = user_of(request)
    assert user is not None
    return render(
        request, "robots.html", words=WORDS, status=status, robots=await service.webhooks(conn, user),
        districts=[d for d in await districts_of(conn) if governs(user, d.id)],
        values=values or {}, errors=errors or {},
    )  # fmt: skip


@get("/notifications/robots", name="robots", include_in_schema=False, guards=[CURATORS])
async def robots_page(request: Req, conn: Conn) -> Template:
    return await _robots(request, conn)


@post("/notifications/robots", name="add_robot", include_in_schema=False, guards=[CURATORS],
      status_code=200)  # fmt: skip
async def robot_add(request: Req, conn: Conn) -> Answer:
    user = user_of(request)
    assert user is not None
    values = read(await request.form())
    body, errors = parse(values, WebhookCreate, lang=lang_of(request))
    if body is not None:
        try:
            await service.add_webhook(conn, user, body)
        except AppError as exc:
            errors = errors_of(exc, lang_of(request))
    if errors:
        return await _robots(request, conn, status=422, values=typed(values), errors=errors)
    return see_other(request, "/notifications/robots")


@post("/notifications/robots/{webhook_id:int}/switch", name="switch_robot",
      include_in_schema=False, guards=[CURATORS], status_code=200)  # fmt: skip
async def robot_switch(request: Req, conn: Conn, webhook_id: Id) -> Answer:
    """Switch a robot off, or on again."""
    user = user_of(request)
    assert user is not None
    values = typed(read(await request.form()))
    await service.change_webhook(
        conn, user, webhook_id, WebhookPatch(active=values.get("active") == "1")
    )
    return see_other(request, "/notifications/robots")
