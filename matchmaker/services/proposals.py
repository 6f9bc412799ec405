"""Answering proposals: each side accepts or declines; both accepting confirms a partnership.

The community's staff answer for the need, the partner's staff for the organisation. When the
second side accepts, the proposal is confirmed and the partnership created in the same
transaction (see ``services.partnerships.open_partnership`` for the capacity check). A declined
pair is never proposed again; an expired proposal can no longer be answered.

>>> proposal = await accept(conn, partner_user, 12)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from matchmaker.errors import Conflict, Forbidden
from matchmaker.models import CurrentUser
from matchmaker.models.rounds import Proposal
from matchmaker.queries import audit
from matchmaker.queries import partnerships as q
from matchmaker.services.notify import Notice, tell
from matchmaker.services.partnerships import open_partnership

__all__ = ["accept", "decline", "expire"]

LIVE = ("pending", "community_accepted", "partner_accepted")


def _side(user: CurrentUser, row: dict[str, object]) -> str:
    """Which side of the proposal the user answers for."""
    if user.role == "community_staff" and user.community_id == row["community_id"]:
        return "community"
    if user.role == "partner" and user.actor_id == row["actor_id"]:
        return "partner"
    raise Forbidden(
        "only the need's community staff or the partner's staff may answer this proposal"
    )


def _check_live(row: dict[str, object]) -> None:
    if row["status"] not in LIVE:
        raise Conflict(f"the proposal is {row['status']}; it can no longer be answered")
    if row["expired"]:
        raise Conflict("the proposal has expired; it can no longer be answered")


async def accept(conn: asyncpg.Connection, user: CurrentUser, proposal_id: int) -> Proposal:
    """Accept for your side; idempotent; confirms and opens the partnership when both accepted."""
    async with conn.transaction():
        row = await q.proposal_for_update(conn, proposal_id)
        side = _side(user, row)
        _check_live(row)
        community = side == "community" or row["community_accepted_at"] is not None
        partner = side == "partner" or row["partner_accepted_at"] is not None
        if community and partner:
            await open_partnership(
                conn, user, int(row["demand_id"]), int(row["actor_id"]),
                origin="proposal", proposal_id=proposal_id,
            )  # fmt: skip
            status = "confirmed"
        else:
            status = "community_accepted" if community else "partner_accepted"
        await q.accept_proposal(conn, proposal_id, side, status)
        await audit.record(
            conn,
            user,
            "proposal",
            proposal_id,
            f"accept:{side}",
            {"status": row["status"]},
            {"status": status},
        )
        proposal = await q.get_proposal(conn, proposal_id)
        if status == "confirmed":
            await _tell_answer(conn, user, proposal, side, "")
        elif row[f"{side}_accepted_at"] is None:  # a repeated accept tells no one again
            await _tell_answer(conn, user, proposal, side, "accepted")
        return proposal


def _params(proposal: Proposal) -> dict[str, object]:
    return {
        "demand": proposal.demand_title,
        "actor": proposal.actor_name,
        "community": proposal.community_name,
        "expires": proposal.expires_at,
    }


async def _tell_answer(
    conn: asyncpg.Connection,
    user: CurrentUser,
    proposal: Proposal,
    side: str,
    answer: str,
    reason: str = "",
) -> None:
    """Tell the other side of an answer; both sides (not the one who acted) of a confirmation."""
    if not answer:
        notice = Notice(
            "partnership_confirmed", "proposal", proposal.id, "/inbox#partnerships",
            _params(proposal),
        )  # fmt: skip
        await tell(
            conn, notice, community_id=proposal.community_id, actor_id=proposal.actor_id, by=user
        )
        return
    by = proposal.community_name if side == "community" else proposal.actor_name
    notice = Notice(
        f"proposal_{answer}", "proposal", proposal.id, f"/inbox#proposal-{proposal.id}",
        {**_params(proposal), "by": by, "reason": reason},
    )  # fmt: skip
    await tell(
        conn,
        notice,
        community_id=proposal.community_id if side == "partner" else None,
        actor_id=proposal.actor_id if side == "community" else None,
    )


async def decline(
    conn: asyncpg.Connection, user: CurrentUser, proposal_id: int, reason: str
) -> Proposal:
    """Decline for your side: the pair is released and never proposed again."""
    async with conn.transaction():
        row = await q.proposal_for_update(conn, proposal_id)
        side = _side(user, row)
        _check_live(row)
        await q.decline_proposal(conn, proposal_id, user.id, reason)
        await audit.record(
            conn, user, "proposal", proposal_id, f"decline:{side}",
            {"status": row["status"]}, {"status": "declined", "reason": reason},
        )  # fmt: skip
        proposal = await q.get_proposal(conn, proposal_id)
        await _tell_answer(conn, user, proposal, side, "declined", reason)
        return proposal


async def expire(conn: asyncpg.Connection, now: dt.datetime | None = None) -> list[int]:
    """Mark proposals past their time (``now``, else the database's) as expired — their holds
    already lapsed at ``expires_at`` — and tell both sides."""
    rows = await q.expire_proposals(conn, now)
    expired = [int(r["id"]) for r in rows]
    if expired:
        await audit.record(conn, None, "proposal", None, "expire", None, {"ids": expired})
    for r in rows:
        notice = Notice(
            "proposal_expired", "proposal", r["id"], "/inbox#proposals",
            {"demand": r["demand"], "actor": r["actor"]},
        )  # fmt: skip
        await tell(conn, notice, community_id=r["community_id"], actor_id=r["actor_id"])
    return expired
