"""The audit log: :func:`record` beside every change, in the change's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import msgspec

from matchmaker.models import CurrentUser
from matchmaker.models.audit import AuditEntry
from matchmaker.queries import sql
from matchmaker.queries.paging import Sort, fetch_page

__all__ = ["list_entries", "record"]

Q = sql("audit")
NEWEST = Sort("id")


def _plain(value: Any) -> Any:
    """A row or Struct as JSON-ready builtins (dates as ISO text)."""
    if value is None:
        return None
    if isinstance(value, asyncpg.Record):
        value = dict(value)
    return msgspec.to_builtins(value)


async def record(
    conn: asyncpg.Connection,
    user: CurrentUser | None,
    entity: str,
    entity_id: int | None,
    action: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one entry; call it inside the transaction that makes the change."""
    await conn.execute(
        Q["record"],
        user.id if user else None,
        user.username if user else None,
        entity,
        entity_id,
        action,
        _plain(before),
        _plain(after),
    )


async def list_entries(
    conn: asyncpg.Connection,
    *,
    entity: str | None,
    entity_id: int | None,
    user_id: int | None,
    limit: int,
    cursor: str | None,
    action: str | None = None,
    username: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> tuple[list[AuditEntry], str | None]:
    """Newest first; ``since`` inclusive, ``until`` exclusive."""
    filters = [entity, entity_id, user_id, action, username, since, until]
    return await fetch_page(
        conn, Q["list"], "newest", NEWEST, filters, limit, cursor,
        lambda r: msgspec.convert(dict(r), AuditEntry),
    )  # fmt: skip
