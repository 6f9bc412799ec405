"""Partnerships: opened from a confirmed proposal or directly, closed with an outcome, rated.

Opening one happens under the holds lock (see ``services.rounds``) and checks, at that moment,
that the partner has a unit of capacity for one more active partnership and the demand a slot —
so racing accepts cannot oversubscribe either side: one wins, the others get 409. A direct
partnership also leaves alone the units live proposals hold (a pending proposal's accept must
still succeed); a proposal being confirmed turns its own hold into the partnership. The demand's
status follows: ``matched`` when its slots are taken, ``fulfilled`` when its last partnership is
completed, back to ``open`` when a cancellation frees a slot of a matched need.

Whose word counts: completing — the outcome and the rating of the partner — belongs to the
community side (the need's community staff, or a coordinator or admin); the partner cannot
complete or rate its own work. That rating alone feeds the partner's track record in the next
round. The partner rates the community separately, once, when the partnership has ended
(completed or cancelled): ``review``. Completion can publish the work to the case library.

>>> partnership = await complete(conn, staff, 3, Completion(beneficiaries_served=120, rating=5))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from matchmaker.errors import Conflict, Forbidden
from matchmaker.models import CurrentUser
from matchmaker.models.partnerships import (
    Cancellation,
    CommunityReview,
    Completion,
    DirectPartnership,
    Partnership,
)
from matchmaker.queries import audit
from matchmaker.queries import demands as demand_queries
from matchmaker.queries import partnerships as q
from matchmaker.queries import rounds as round_queries
from matchmaker.segment import search_text
from matchmaker.services.access import (
    can_manage_community,
    curates,
    require_curator,
    require_governs,
)

__all__ = [
    "cancel", "complete", "create_direct", "for_viewer", "open_partnership", "review", "scope_of",
]  # fmt: skip


def scope_of(user: CurrentUser) -> tuple[int | None, int | None]:
    """(community, actor) a user's lists are limited to; (None, None) for curators."""
    if curates(user):
        return None, None
    if user.role == "community_staff":
        return user.community_id, None
    return None, user.actor_id


async def open_partnership(
    conn: asyncpg.Connection,
    user: CurrentUser,
    demand_id: int,
    actor_id: int,
    *,
    origin: str,
    proposal_id: int | None,
) -> Partnership:
    """Create a partnership in the caller's transaction, under the holds lock."""
    await round_queries.lock_holds(conn)
    counts = await q.load_counts(conn, actor_id, demand_id, proposal_id)
    if counts["active"] >= counts["capacity"]:
        raise Conflict(
            f"the partner has no capacity left ({counts['active']} of {counts['capacity']} "
            "partnerships active)"
        )
    if counts["taken"] >= counts["slots"]:
        raise Conflict(
            f"the need has no open slot left ({counts['taken']} of {counts['slots']} taken)"
        )
    if proposal_id is None:
        _respect_holds(counts)
    if counts["demand_status"] not in ("open", "matched", "in_progress"):
        raise Conflict(f"the need is {counts['demand_status']}; it takes no new partner")
    partnership_id = await q.insert(conn, demand_id, actor_id, origin, proposal_id, user.id)
    if counts["demand_status"] == "open" and counts["taken"] + 1 >= counts["slots"]:
        await q.set_demand_status(conn, demand_id, "matched")
    partnership = await q.get(conn, partnership_id)
    await audit.record(conn, user, "partnership", partnership_id, "create", None, partnership)
    return partnership


def _respect_holds(counts: dict[str, int]) -> None:
    """A partnership that no proposal holds for may take only units no live proposal holds."""
    if counts["active"] + counts["actor_held"] >= counts["capacity"]:
        raise Conflict(
            "the partner has no free capacity: "
            f"{counts['active']} active partnerships and {counts['actor_held']} pending "
            f"proposals hold all {counts['capacity']}; a pending proposal keeps its unit until "
            "it is answered or expires"
        )
    if counts["taken"] + counts["demand_held"] >= counts["slots"]:
        raise Conflict(
            "the need has no free slot: "
            f"{counts['taken']} partnerships and {counts['demand_held']} pending proposals hold "
            f"all {counts['slots']}; a pending proposal keeps its slot until it is answered or "
            "expires"
        )


async def create_direct(
    conn: asyncpg.Connection, user: CurrentUser, body: DirectPartnership
) -> Partnership:
    """A coordinator of the need's district pairs a partner with a need it expressed interest in."""
    require_curator(user)
    async with conn.transaction():
        demand = await demand_queries.get(conn, body.demand_id)
        require_governs(user, demand.district_id)
        if not await q.has_interest(conn, body.demand_id, body.actor_id):
            raise Conflict(
                "a direct partnership needs the partner's expressed interest in this need first",
                field="actor_id",
            )
        return await open_partnership(
            conn, user, body.demand_id, body.actor_id, origin="direct", proposal_id=None
        )


def _community_side(user: CurrentUser, row: dict[str, object]) -> bool:
    """Staff of the need's community, or a curator governing its district."""
    community_id, district_id = row["community_id"], row.get("district_id")
    return (
        isinstance(community_id, int)
        and isinstance(district_id, int)
        and can_manage_community(user, community_id, district_id)
    )


def _require_party(user: CurrentUser, row: dict[str, object]) -> None:
    """The need's community staff, the partner's staff, or a curator."""
    if _community_side(user, row):
        return
    if user.role == "partner" and user.actor_id == row["actor_id"]:
        return
    raise Forbidden("only the two sides of this partnership or a coordinator may do this")


def _require_community_side(user: CurrentUser, row: dict[str, object]) -> None:
    """The need's community staff, or a curator: the side whose word rates the partner."""
    if _community_side(user, row):
        return
    if user.role == "partner" and user.actor_id == row["actor_id"]:
        raise Forbidden(
            "a partner cannot complete or rate its own partnership: the need's community staff "
            "(or a coordinator) complete it and rate the partner; rate the community with "
            "POST /api/v1/partnerships/{id}/review once it has ended"
        )
    raise Forbidden("only the need's community staff or a coordinator may complete this")


async def complete(
    conn: asyncpg.Connection, user: CurrentUser, partnership_id: int, body: Completion
) -> Partnership:
    """The community side closes an active partnership with its outcome and its rating of the
    partner; optionally publish a case."""
    async with conn.transaction():
        row = await q.partnership_for_update(conn, partnership_id)
        _require_community_side(user, row)
        if row["status"] != "active":
            raise Conflict(
                f"the partnership is {row['status']}; only an active one can be completed"
            )
        before = await q.get(conn, partnership_id)
        await q.complete(
            conn, partnership_id, body.beneficiaries_served, body.rating, body.feedback, user.id
        )
        if await q.active_of_demand(conn, row["demand_id"]) == 0 and row["demand_status"] in (
            "open", "matched", "in_progress",
        ):  # fmt: skip
            await q.set_demand_status(conn, row["demand_id"], "fulfilled")
        if body.publish_case:
            title = body.case_title or str(row["title"])
            started = before.started_at
            months = max(0, round((dt.datetime.now(dt.UTC) - started).days / 30))
            values = (
                row["community_id"], title, body.feedback, row["category"], body.model_tags,
                body.beneficiaries_served, months, body.rating, dt.date.today().year,
                partnership_id, search_text(title, body.feedback, " ".join(body.model_tags)),
            )  # fmt: skip
            case_id = await q.publish_case(conn, values, int(row["actor_id"]))
            await audit.record(
                conn,
                user,
                "case",
                case_id,
                "create",
                None,
                {"partnership_id": partnership_id, "title": title},
            )
        after = await q.get(conn, partnership_id)
        await audit.record(conn, user, "partnership", partnership_id, "complete", before, after)
    return after


async def cancel(
    conn: asyncpg.Connection, user: CurrentUser, partnership_id: int, body: Cancellation
) -> Partnership:
    """End an active partnership early; a matched need gets its slot back and reopens."""
    async with conn.transaction():
        row = await q.partnership_for_update(conn, partnership_id)
        _require_party(user, row)
        if row["status"] != "active":
            raise Conflict(
                f"the partnership is {row['status']}; only an active one can be cancelled"
            )
        before = await q.get(conn, partnership_id)
        await q.cancel(conn, partnership_id, body.reason)
        if row["demand_status"] == "matched":
            await q.set_demand_status(conn, row["demand_id"], "open")
        after = await q.get(conn, partnership_id)
        await audit.record(conn, user, "partnership", partnership_id, "cancel", before, after)
    return after


async def review(
    conn: asyncpg.Connection, user: CurrentUser, partnership_id: int, body: CommunityReview
) -> Partnership:
    """The partner rates the community, once, when the partnership has ended."""
    async with conn.transaction():
        row = await q.partnership_for_update(conn, partnership_id)
        if user.role != "partner" or user.actor_id != row["actor_id"]:
            raise Forbidden("only the partner's staff may rate the community of this partnership")
        if row["status"] == "active":
            raise Conflict(
                "the partnership is active; the partner rates the community once it has ended "
                "(completed or cancelled)"
            )
        if row["reviewed_at"] is not None or not await q.review(
            conn, partnership_id, body.rating, body.feedback, user.id
        ):
            raise Conflict("the partner has already rated the community of this partnership")
        after = await q.get(conn, partnership_id)
        await audit.record(
            conn, user, "partnership", partnership_id, "review", None,
            {"rating": body.rating, "feedback": body.feedback},
        )  # fmt: skip
    return after


def for_viewer(user: CurrentUser, items: list[Partnership]) -> list[Partnership]:
    """What each side sees: the partner's review of the community is the partner's and the
    coordinators' to read; the community's staff get the partnerships without it."""
    if user.role != "community_staff":
        return items
    for item in items:
        item.review = msgspec.UNSET
    return items
