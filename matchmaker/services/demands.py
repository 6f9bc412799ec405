"""Posting and changing needs: ownership, the status machine, interest, and the audit trail.

Every change runs in one transaction with its audit entry, so either both happen or neither.

>>> demand = await create(conn, staff, DemandCreate(title="四点半课堂", category="education"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Conflict, Forbidden, Invalid, NotFound
from matchmaker.models import CurrentUser
from matchmaker.models.demands import (
    DEMAND_TRANSITIONS,
    Demand,
    DemandCreate,
    DemandPatch,
    Interest,
    StatusChange,
)
from matchmaker.queries import actors as actor_queries
from matchmaker.queries import audit
from matchmaker.queries import demands as q
from matchmaker.search import index as search_index
from matchmaker.segment import search_text
from matchmaker.services.access import governs, governs_community, require_actor, require_community
from matchmaker.services.notice_text import sentence
from matchmaker.services.notify import Notice, tell, tell_groups

__all__ = [
    "archive",
    "change_status",
    "create",
    "express_interest",
    "get_visible",
    "interest_of",
    "interests",
    "patch",
    "withdraw_interest",
]

EDITABLE = (
    "title", "description", "category", "resource_types", "skills", "target_groups",
    "beneficiaries", "budget", "slots", "urgency", "window_start", "window_end", "intake_channel",
    "delivery", "beneficiary_actor_ids",
)  # fmt: skip


def _with_search(values: dict[str, Any]) -> dict[str, Any]:
    values["search_text"] = search_text(
        values["title"], values["description"], " ".join(values["skills"])
    )
    return values


async def _set_beneficiaries(
    conn: asyncpg.Connection, demand_id: int, actor_ids: list[int]
) -> None:
    """The organisations the need is for; each must be in the actor library."""
    actor_ids = sorted(set(actor_ids))
    for actor_id in actor_ids:
        if not await actor_queries.exists(conn, actor_id):
            raise Invalid(
                f"beneficiary_actor_ids: no organisation {actor_id} in the library",
                field="beneficiary_actor_ids",
            )
    await q.set_beneficiaries(conn, demand_id, actor_ids)


def _visible(user: CurrentUser | None, demand: Demand) -> bool:
    """Drafts are seen only by their community's staff and the curators governing its district."""
    if demand.status != "draft" or governs(user, demand.district_id):
        return True
    return user is not None and user.community_id == demand.community_id


async def get_visible(conn: asyncpg.Connection, user: CurrentUser | None, demand_id: int) -> Demand:
    """The demand, or NotFound when it does not exist or is a draft the user may not see."""
    demand = await q.get(conn, demand_id)
    if not _visible(user, demand):
        raise NotFound("demand", demand_id)
    return demand


async def _lock_managed(
    conn: asyncpg.Connection, user: CurrentUser, demand_id: int
) -> dict[str, Any]:
    """The stored row, locked, for a user who manages its community; another community's draft
    is NotFound, as it is to a read (a 403 would tell that it exists), anything else Forbidden."""
    before = await q.row_for_update(conn, demand_id)
    if before["status"] == "draft" and not await _manages(conn, user, before["community_id"]):
        raise NotFound("demand", demand_id)
    await require_community(conn, user, before["community_id"])
    return before


async def _manages(conn: asyncpg.Connection, user: CurrentUser, community_id: int) -> bool:
    """Staff of the community, or a coordinator (admin) governing its district."""
    if user.role == "community_staff":
        return user.community_id == community_id
    return await governs_community(conn, user, community_id)


async def create(conn: asyncpg.Connection, user: CurrentUser, body: DemandCreate) -> Demand:
    body.check_window()
    community_id = body.community_id
    if community_id is None:
        if user.community_id is None:
            raise Invalid(
                "community_id: required (you are not bound to a community)", field="community_id"
            )
        community_id = user.community_id
    await require_community(conn, user, community_id)
    values = _with_search(msgspec.structs.asdict(body) | {"community_id": community_id})
    async with conn.transaction():
        demand_id = await q.insert(conn, values, user.id)
        await search_index.refresh(conn, "demands", [demand_id])
        await _set_beneficiaries(conn, demand_id, values["beneficiary_actor_ids"])
        demand = await q.get(conn, demand_id)
        await audit.record(conn, user, "demand", demand_id, "create", None, demand)
        if demand.status == "open":
            await _announce(conn, demand)
    return demand


async def patch(
    conn: asyncpg.Connection, user: CurrentUser, demand_id: int, body: DemandPatch
) -> Demand:
    async with conn.transaction():
        before = await _lock_managed(conn, user, demand_id)
        if before["status"] in ("fulfilled", "cancelled"):
            raise Conflict(f"a {before['status']} need can no longer be edited")
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        after = {k: before[k] for k in EDITABLE} | changes
        merged = msgspec.convert(after, DemandPatch)
        merged.check_window()
        await q.update(conn, demand_id, _with_search(after))
        await search_index.refresh(conn, "demands", [demand_id])
        if "beneficiary_actor_ids" in changes:
            await _set_beneficiaries(conn, demand_id, changes["beneficiary_actor_ids"])
        demand = await q.get(conn, demand_id)
        await audit.record(conn, user, "demand", demand_id, "update", before, demand)
    return demand


async def change_status(
    conn: asyncpg.Connection, user: CurrentUser, demand_id: int, body: StatusChange
) -> Demand:
    """Move a need along draft → open → matched → in_progress → fulfilled | cancelled."""
    async with conn.transaction():
        before = await _lock_managed(conn, user, demand_id)
        allowed = DEMAND_TRANSITIONS[before["status"]]
        if body.status not in allowed:
            moves = ", ".join(allowed) if allowed else "none (it is final)"
            raise Conflict(
                f"status: a need that is {before['status']} cannot become {body.status}; "
                f"allowed: {moves}",
                field="status",
            )
        await q.set_status(conn, demand_id, body.status)
        demand = await q.get(conn, demand_id)
        if body.status == "open":
            await _announce(conn, demand)
        await audit.record(
            conn, user, "demand", demand_id, f"status:{body.status}",
            {"status": before["status"]}, {"status": body.status, "reason": body.reason},
        )  # fmt: skip
    return demand


async def archive(conn: asyncpg.Connection, user: CurrentUser, demand_id: int) -> None:
    async with conn.transaction():
        before = await _lock_managed(conn, user, demand_id)
        await q.archive(conn, demand_id)
        await audit.record(conn, user, "demand", demand_id, "archive", before, None)


async def express_interest(
    conn: asyncpg.Connection, user: CurrentUser, demand_id: int, note: str
) -> Interest:
    """Idempotent: a second call keeps one interest and updates its note."""
    if user.actor_id is None:
        raise Forbidden("only a partner organisation's staff can express interest")
    await require_actor(conn, user, user.actor_id)
    async with conn.transaction():
        demand = await get_visible(conn, user, demand_id)
        if demand.status != "open":
            raise Conflict(
                f"interest can only be expressed in an open need (this one is {demand.status})"
            )
        created = await q.upsert_interest(conn, demand_id, user.actor_id, note, user.id)
        await audit.record(
            conn, user, "interest", demand_id, "create" if created else "update", None,
            {"demand_id": demand_id, "actor_id": user.actor_id, "note": note},
        )  # fmt: skip
        mine = [
            i for i in await q.interests_of_demand(conn, demand_id) if i.actor_id == user.actor_id
        ]
        if created:
            notice = Notice(
                "interest_received", "demand", demand_id, "/inbox#interests",
                {"demand": demand.title, "actor": mine[0].actor_name, "note": note},
            )  # fmt: skip
            await tell(conn, notice, community_id=demand.community_id)
    return mine[0]


async def _announce(conn: asyncpg.Connection, demand: Demand) -> None:
    """A need just opened reaches the group robots of its community and district."""
    line = sentence(
        "zh", "need_opened", {"community": demand.community_name, "demand": demand.title}
    )
    await tell_groups(
        conn, f"need:{demand.id}", [(demand.community_id, demand.district_id,
                                     [(line, f"/needs/{demand.id}")])],
        {demand.community_id: line},
    )  # fmt: skip


async def withdraw_interest(conn: asyncpg.Connection, user: CurrentUser, demand_id: int) -> bool:
    """True when an interest was withdrawn, False when there was none (still a success)."""
    if user.actor_id is None:
        raise Forbidden("only a partner organisation's staff can withdraw interest")
    async with conn.transaction():
        await get_visible(conn, user, demand_id)
        removed = await q.delete_interest(conn, demand_id, user.actor_id)
        if removed:
            await audit.record(conn, user, "interest", demand_id, "delete", removed, None)
    return removed is not None


async def interest_of(
    conn: asyncpg.Connection, user: CurrentUser | None, demand_id: int
) -> Interest | None:
    """The signed-in partner's own interest in a need (None for anyone else, or when none)."""
    if user is None or user.role != "partner" or user.actor_id is None:
        return None
    mine = [i for i in await q.interests_of_demand(conn, demand_id) if i.actor_id == user.actor_id]
    return mine[0] if mine else None


async def interests(conn: asyncpg.Connection, user: CurrentUser, demand_id: int) -> list[Interest]:
    """Interest in a need, for its community's staff and curators."""
    demand = await get_visible(conn, user, demand_id)
    await require_community(conn, user, demand.community_id)
    return await q.interests_of_demand(conn, demand_id)
