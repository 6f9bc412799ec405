"""The audit log, for admins: every state change, newest first."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from matchmaker.api.params import Conn, Cursor, Limit
from matchmaker.auth import roles
from matchmaker.models import Page
from matchmaker.models.audit import AuditEntry
from matchmaker.queries import audit as q

__all__ = ["list_audit"]

Entity = Annotated[
    str | None,
    QueryParameter(min_length=1, max_length=50, description="entity kind, e.g. demand, user"),
]
EntityId = Annotated[int | None, QueryParameter(ge=1, le=2**62, description="the entity's id")]
UserId = Annotated[int | None, QueryParameter(ge=1, le=2**62, description="who made the change")]
Action = Annotated[
    str | None,
    QueryParameter(min_length=1, max_length=50, description="the action, e.g. create, verify"),
]
Username = Annotated[
    str | None, QueryParameter(min_length=1, max_length=100, description="who, by username")
]
Since = Annotated[
    dt.datetime | None, QueryParameter(description="entries at or after this moment (ISO 8601)")
]
Until = Annotated[
    dt.datetime | None, QueryParameter(description="entries before this moment (ISO 8601)")
]


@get("/api/v1/audit", operation_id="listAudit", tags=["audit"], guards=[roles("admin")])
async def list_audit(
    conn: Conn,
    entity: Entity = None,
    entity_id: EntityId = None,
    user_id: UserId = None,
    action: Action = None,
    username: Username = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AuditEntry]:
    """Audit entries newest first; filter by entity, entity id, user (id or username), action
    and time (``since`` ≤ at < ``until``); page with ``cursor``."""
    items, next_cursor = await q.list_entries(
        conn, entity=entity, entity_id=entity_id, user_id=user_id, limit=limit, cursor=cursor,
        action=action, username=username, since=since, until=until,
    )  # fmt: skip
    return Page(items=items, next_cursor=next_cursor)
