"""Entries of the audit log."""

from __future__ import annotations

from typing import Any

import msgspec

from matchmaker.models import Timestamp

__all__ = ["AuditEntry"]


class AuditEntry(msgspec.Struct):
    """One state change: who, when, which entity, and the row before and after."""

    id: int
    at: Timestamp
    entity: str
    action: str
    user_id: int | None = None
    username: str | None = None
    entity_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
