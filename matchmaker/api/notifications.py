"""Notifications: what you were told, marking it read, how you hear; coordinators' group robots."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post, put
from litestar.params import FromQuery, JSONBody, Parameter, QueryParameter

from matchmaker.api.params import Conn, Cursor, Limit, User, required
from matchmaker.auth import curators, roles
from matchmaker.models.notifications import (
    MarkRead,
    NotificationPage,
    NotificationSettings,
    Unread,
    Webhook,
    WebhookCreate,
    WebhookPatch,
)
from matchmaker.services import notifications as service

__all__ = ["NotificationController", "WebhookController"]

SIGNED_IN = roles("community_staff", "partner", "coordinator", "admin")
WebhookId = Annotated[int, Parameter(ge=1, le=2**62, description="group robot id")]
Lang = Annotated[
    str | None,
    QueryParameter(
        name="lang", pattern="^(zh|en)$", description="language of `text`; default: your setting"
    ),
]


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    guards = [SIGNED_IN]

    @get("/", operation_id="listNotifications")
    async def list_notifications(
        self,
        conn: Conn,
        user: User,
        unread: FromQuery[bool] = False,
        lang: Lang = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> NotificationPage:
        """Your notifications, newest first (``unread=true``: only unread), with the unread count."""
        me = required(user)
        language = lang or (await service.settings(conn, me)).language
        return await service.page(
            conn, me, language, unread_only=unread, limit=limit, cursor=cursor
        )

    @post("/read", operation_id="markNotificationsRead", status_code=200)
    async def mark_read(self, conn: Conn, user: User, data: JSONBody[MarkRead]) -> Unread:
        """Mark ``ids`` (or ``all``) read; answers the unread count left."""
        return Unread(unread=await service.mark_read(conn, required(user), data))

    @get("/settings", operation_id="getNotificationSettings")
    async def get_settings(self, conn: Conn, user: User) -> NotificationSettings:
        """Your e-mail address, language and whether you get e-mail at once, daily, or never."""
        return await service.settings(conn, required(user))

    @put("/settings", operation_id="putNotificationSettings", status_code=200)
    async def put_settings(
        self, conn: Conn, user: User, data: JSONBody[NotificationSettings]
    ) -> NotificationSettings:
        """Replace your settings (without an e-mail address, e-mail is off)."""
        return await service.save_settings(conn, required(user), data)


class WebhookController(Controller):
    path = "/api/v1/webhooks"
    tags = ["notifications"]
    guards = [curators]

    @get("/", operation_id="listWebhooks")
    async def list_webhooks(self, conn: Conn, user: User) -> list[Webhook]:
        """The group robots (企业微信 / 钉钉) districts and communities are told through."""
        return await service.webhooks(conn, required(user))

    @post("/", operation_id="createWebhook")
    async def create_webhook(
        self, conn: Conn, user: User, data: JSONBody[WebhookCreate]
    ) -> Webhook:
        """Connect a group robot to a district or a community."""
        return await service.add_webhook(conn, required(user), data)

    @patch("/{webhook_id:int}", operation_id="patchWebhook")
    async def patch_webhook(
        self, conn: Conn, user: User, webhook_id: WebhookId, data: JSONBody[WebhookPatch]
    ) -> Webhook:
        """Rename, re-point, re-key, or switch a robot off (``"active": false``)."""
        return await service.change_webhook(conn, required(user), webhook_id, data)
