"""Reading what you were told, and choosing how you hear; the group robots coordinators keep
(each coordinator those of their area).

Every call acts on the signed-in user's own notifications only: ids of someone else's are
ignored, never an error that would say they exist.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Forbidden, Invalid, NotFound
from matchmaker.models import CurrentUser
from matchmaker.models.notifications import (
    MarkRead,
    Notification,
    NotificationPage,
    NotificationSettings,
    Webhook,
    WebhookCreate,
    WebhookPatch,
)
from matchmaker.queries import areas, audit, communities, outbox
from matchmaker.queries import notifications as q
from matchmaker.services.access import governs, require_curator
from matchmaker.services.notice_text import sentence

__all__ = [
    "add_webhook",
    "change_webhook",
    "mark_read",
    "page",
    "save_settings",
    "settings",
    "unread",
    "webhooks",
]


def _item(lang: str, row: dict[str, Any]) -> Notification:
    return Notification(
        id=row["id"], kind=row["kind"], text=sentence(lang, row["kind"], row["params"]),
        link=row["link"], entity=row["entity"], entity_id=row["entity_id"],
        params=row["params"], created_at=row["created_at"], read_at=row["read_at"],
    )  # fmt: skip


async def page(
    conn: asyncpg.Connection,
    user: CurrentUser,
    lang: str,
    *,
    unread_only: bool = False,
    limit: int = 20,
    cursor: str | None = None,
) -> NotificationPage:
    """A page of the user's notifications, newest first, in ``lang``."""
    rows, next_cursor = await q.list_page(
        conn, user.id, unread_only=unread_only, limit=limit, cursor=cursor
    )
    return NotificationPage(
        items=[_item(lang, r) for r in rows],
        unread=await q.unread(conn, user.id),
        next_cursor=next_cursor,
    )


async def unread(conn: asyncpg.Connection, user: CurrentUser) -> int:
    return await q.unread(conn, user.id)


async def mark_read(conn: asyncpg.Connection, user: CurrentUser, body: MarkRead) -> int:
    """Mark some (or all) read; the unread count left."""
    if not body.all and not body.ids:
        raise Invalid("send ids (the notifications to mark read) or all: true", field="ids")
    await q.mark_read(conn, user.id, None if body.all else body.ids)
    return await q.unread(conn, user.id)


async def settings(conn: asyncpg.Connection, user: CurrentUser) -> NotificationSettings:
    return msgspec.convert(dict(await q.settings_of(conn, user.id)), NotificationSettings)


async def save_settings(
    conn: asyncpg.Connection, user: CurrentUser, body: NotificationSettings
) -> NotificationSettings:
    """Change how the user hears; e-mail at once or as a digest needs an address."""
    if body.email is None and body.email_mode != "off":
        body = NotificationSettings(email=None, language=body.language, email_mode="off")
    async with conn.transaction():
        before = await q.settings_of(conn, user.id)
        row = await q.set_settings(conn, user.id, body.email, body.language, body.email_mode)
        await audit.record(conn, user, "user", user.id, "notification_settings", before, row)
    return msgspec.convert(dict(row), NotificationSettings)


async def webhooks(conn: asyncpg.Connection, user: CurrentUser) -> list[Webhook]:
    """The robots of the user's area (a district's, or a community's there); all for admins."""
    require_curator(user)
    return [
        msgspec.convert(dict(r), Webhook)
        for r in await outbox.list_webhooks(conn)
        if governs(user, r["place_district_id"])
    ]


async def _one(conn: asyncpg.Connection, webhook_id: int, user: CurrentUser) -> Webhook:
    """The robot, or NotFound when there is none in the user's area (others' stay unseen)."""
    found = [w for w in await outbox.list_webhooks(conn) if w["id"] == webhook_id]
    if not found or not governs(user, found[0]["place_district_id"]):
        raise NotFound("webhook", webhook_id)
    return msgspec.convert(dict(found[0]), Webhook)


async def _require_place(conn: asyncpg.Connection, user: CurrentUser, body: WebhookCreate) -> None:
    """A coordinator connects robots only for a district of their area or a community in it."""
    district = body.district_id
    if district is None and body.community_id is not None:
        try:
            district = await areas.community_district(conn, body.community_id)
        except NotFound:
            raise Invalid("community_id: no such community", field="community_id") from None
    if district is not None and not await communities.district_exists(conn, district):
        raise Invalid("district_id: no such district", field="district_id")
    if not governs(user, district):
        raise Forbidden(
            "only a coordinator of this district (or an admin) may connect its group robots"
        )


async def add_webhook(conn: asyncpg.Connection, user: CurrentUser, body: WebhookCreate) -> Webhook:
    """A coordinator connects a district's or a community's group robot."""
    require_curator(user)
    if (body.district_id is None) == (body.community_id is None):
        raise Invalid("send district_id or community_id (exactly one)", field="district_id")
    await _require_place(conn, user, body)
    async with conn.transaction():
        try:
            webhook_id = await outbox.insert_webhook(
                conn, body.name, body.provider, body.url, body.secret, body.district_id,
                body.community_id, user.id,
            )  # fmt: skip
        except asyncpg.ForeignKeyViolationError:
            field = "district_id" if body.district_id is not None else "community_id"
            raise Invalid(f"{field}: no such {field.removesuffix('_id')}", field=field) from None
        made = await _one(conn, webhook_id, user)
        await audit.record(conn, user, "webhook", webhook_id, "create", None, made)
    return made


async def change_webhook(
    conn: asyncpg.Connection, user: CurrentUser, webhook_id: int, body: WebhookPatch
) -> Webhook:
    require_curator(user)
    async with conn.transaction():
        await _one(conn, webhook_id, user)
        before = await outbox.webhook(conn, webhook_id)
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        after = {**dict(before), **changes}
        await outbox.update_webhook(
            conn, webhook_id, after["name"], after["provider"], after["url"], after["secret"],
            after["active"],
        )  # fmt: skip
        made = await _one(conn, webhook_id, user)
        await audit.record(conn, user, "webhook", webhook_id, "update", None, made)
    return made
