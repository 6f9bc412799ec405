"""Curating the policy library: create, edit and archive policies, each with its audit entry.

Only coordinators and admins change policies; everyone may read them.

>>> policy = await create(conn, coordinator, PolicyCreate(title="春雨计划", issuer="广安市民政局",
...                                                         level="city", valid_from=dt.date(2023, 1, 1)))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.models import CurrentUser
from matchmaker.models.policies import Policy, PolicyCreate, PolicyPatch
from matchmaker.queries import audit
from matchmaker.queries import policies as q
from matchmaker.segment import search_text
from matchmaker.services.access import require_curator

__all__ = ["archive", "create", "patch"]

EDITABLE = (
    "title", "issuer", "level", "doc_number", "categories", "eligible_community_kinds",
    "eligible_actor_kinds", "subsidy_ceiling", "valid_from", "valid_to", "summary",
)  # fmt: skip


def _with_search(values: dict[str, Any]) -> dict[str, Any]:
    values["search_text"] = search_text(values["title"], values["issuer"], values["summary"])
    return values


async def create(conn: asyncpg.Connection, user: CurrentUser, body: PolicyCreate) -> Policy:
    require_curator(user)
    body.check_validity()
    values = _with_search(msgspec.structs.asdict(body))
    async with conn.transaction():
        policy_id = await q.insert(conn, values)
        policy = await q.get(conn, policy_id)
        await audit.record(conn, user, "policy", policy_id, "create", None, policy)
    return policy


async def patch(
    conn: asyncpg.Connection, user: CurrentUser, policy_id: int, body: PolicyPatch
) -> Policy:
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, policy_id)
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        after = {k: before[k] for k in EDITABLE} | changes
        merged = msgspec.convert(after, PolicyPatch)
        merged.check_validity()
        await q.update(conn, policy_id, _with_search(after))
        policy = await q.get(conn, policy_id)
        await audit.record(conn, user, "policy", policy_id, "update", before, policy)
    return policy


async def archive(conn: asyncpg.Connection, user: CurrentUser, policy_id: int) -> None:
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, policy_id)
        await q.archive(conn, policy_id)
        await audit.record(conn, user, "policy", policy_id, "archive", before, None)
