"""Notifications, how a user wants to hear, and the group robots coordinators set up."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from matchmaker.models import Timestamp

__all__ = [
    "EmailMode",
    "MarkRead",
    "Notification",
    "NotificationPage",
    "NotificationSettings",
    "Unread",
    "Webhook",
    "WebhookCreate",
    "WebhookPatch",
]

EmailMode = Literal["instant", "digest", "off"]
Provider = Literal["wecom", "dingtalk"]
Email = Annotated[
    str,
    msgspec.Meta(
        max_length=200,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="an e-mail address, e.g. name@example.org",
    ),
]
RobotUrl = Annotated[
    str,
    msgspec.Meta(
        max_length=500,
        pattern=r"^https?://[^\s]+$",
        description="the robot's webhook address, as the group's robot settings show it",
    ),
]


class Notification(msgspec.Struct):
    """One thing you were told: ``text`` in your language, ``link`` to the page it is about."""

    id: int
    kind: str
    text: str
    link: str
    entity: str
    entity_id: int | None
    params: dict[str, Any]
    created_at: Timestamp
    read_at: Timestamp | None


class NotificationPage(msgspec.Struct):
    """Newest first; ``unread`` counts all your unread ones, not only this page's."""

    items: list[Notification]
    unread: int
    next_cursor: str | None = None


class MarkRead(msgspec.Struct, forbid_unknown_fields=True):
    """Mark ``ids`` read, or every one with ``"all": true`` (send one of the two)."""

    ids: Annotated[
        list[Annotated[int, msgspec.Meta(ge=1, le=2**62)]], msgspec.Meta(max_length=500)
    ] = []
    all: bool = False


class Unread(msgspec.Struct):
    unread: int


class NotificationSettings(msgspec.Struct, forbid_unknown_fields=True):
    """Where and how you hear beyond the app: e-mail at once, in a daily digest, or not at all."""

    email: Email | None = None
    language: Literal["zh", "en"] = "zh"
    email_mode: EmailMode = "instant"


class Webhook(msgspec.Struct):
    """A group robot: what a district's or a community's group is sent (new needs, proposals)."""

    id: int
    name: str
    provider: Provider
    url: str
    signed: bool
    district_id: int | None
    district_name: str | None
    community_id: int | None
    community_name: str | None
    active: bool
    created_at: Timestamp
    updated_at: Timestamp


class WebhookCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A robot for one district or one community (exactly one of the two)."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    provider: Provider
    url: RobotUrl
    secret: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    district_id: Annotated[int, msgspec.Meta(ge=1, le=2**62)] | None = None
    community_id: Annotated[int, msgspec.Meta(ge=1, le=2**62)] | None = None


class WebhookPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | msgspec.UnsetType = (
        msgspec.UNSET
    )
    provider: Provider | msgspec.UnsetType = msgspec.UNSET
    url: RobotUrl | msgspec.UnsetType = msgspec.UNSET
    secret: (
        Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | msgspec.UnsetType | None
    ) = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
