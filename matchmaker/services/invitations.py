"""Answering a partner's interest: the need's community invites the partner or declines, once.

An invitation is a proposal held exactly like a round's: it is written under the holds lock
(``queries.rounds.lock_holds``) only while the need has an open slot and the partner spare
capacity — the same ``open_slots`` and ``spare_capacity`` a round's write reads — and it holds
both until it expires after the proposal TTL. The community's side has accepted it already
(status ``community_accepted``); the partner accepts or declines it in its inbox like any
proposal, and its acceptance opens the partnership (``services.proposals.accept``). A decline
says why, and the partner reads the reason. Either answer is recorded on the interest (status,
reason, who, when), in the audit log, and told to the partner's staff.

Who may answer: the need's community staff, coordinators and admins (``require_community``); a
need the caller may not see is not found. An interest already answered is a 409.

>>> proposal = await invite(conn, staff, 7, 3, dt.timedelta(hours=168))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from matchmaker.errors import Conflict, Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.demands import Demand, Interest
from matchmaker.models.rounds import Proposal
from matchmaker.queries import audit
from matchmaker.queries import demands as demand_queries
from matchmaker.queries import invitations as q
from matchmaker.queries import partnerships as partnership_queries
from matchmaker.queries import rounds as round_queries
from matchmaker.services import fit as fit_service
from matchmaker.services.access import require_community
from matchmaker.services.demands import get_visible
from matchmaker.services.notice_text import local_time
from matchmaker.services.notify import Notice, tell

__all__ = ["decline", "invite"]


async def _answerable(conn: asyncpg.Connection, user: CurrentUser, demand_id: int) -> Demand:
    """The need, when the user may answer interest in it (NotFound, Forbidden otherwise)."""
    demand = await get_visible(conn, user, demand_id)
    await require_community(conn, user, demand.community_id)
    return demand


def _check_open(interest: dict[str, Any]) -> None:
    if interest["status"] != "open":
        raise Conflict(
            f"this interest was already answered ({interest['status']}, "
            f"{local_time(interest['answered_at'])}); it cannot be answered again"
        )


def _before(interest: dict[str, Any]) -> dict[str, Any]:
    return {"demand_id": interest["demand_id"], "actor_id": interest["actor_id"], "status": "open"}


async def invite(
    conn: asyncpg.Connection,
    user: CurrentUser,
    demand_id: int,
    actor_id: int,
    ttl: dt.timedelta,
) -> Proposal:
    """Invite the interested partner: a proposal, community side accepted, held for ``ttl``."""
    demand = await _answerable(conn, user, demand_id)
    # scored before the lock (scoring reads the libraries): the score a round would give the pair,
    # or none when a round could not propose it (the community may invite it all the same)
    score, components = (await fit_service.fit(conn, actor_id, [demand_id])).get(
        demand_id, (0.0, {})
    )
    async with conn.transaction():
        interest = await q.interest_for_update(conn, demand_id, actor_id)
        _check_open(interest)
        await round_queries.lock_holds(conn)
        taken = await q.pair_taken(conn, demand_id, actor_id)
        if taken is not None:
            kind, taken_id, status = taken
            raise Conflict(
                f"the need and the partner are already paired: {kind} {taken_id} is {status}"
            )
        slots = (await round_queries.open_slots(conn, [demand_id])).get(demand_id)
        if slots is None:
            now = await demand_queries.get(conn, demand_id)
            raise Conflict(f"the need is {now.status}; only an open need takes an invitation")
        if slots <= 0:
            raise Conflict(
                "the need has no open slot left: live proposals and partnerships hold all "
                f"{demand.slots}"
            )
        spare = (await round_queries.spare_capacity(conn, [actor_id])).get(actor_id, 0)
        if spare <= 0:
            raise Conflict(
                "the partner has no capacity left: live proposals and active partnerships hold "
                "all of it"
            )
        expires_at = dt.datetime.now(dt.UTC) + ttl
        proposal_id = await q.insert_invitation(
            conn, demand_id, actor_id, score, components, not interest["verified"], expires_at
        )
        answered = await q.answer_interest(
            conn, demand_id, actor_id, status="invited", reason=None, user_id=user.id,
            proposal_id=proposal_id,
        )  # fmt: skip
        proposal = await partnership_queries.get_proposal(conn, proposal_id)
        await audit.record(conn, user, "interest", demand_id, "invite", _before(interest), answered)
        await audit.record(conn, user, "proposal", proposal_id, "create", None, proposal)
        notice = Notice(
            "interest_invited", "proposal", proposal_id, f"/inbox#proposal-{proposal_id}",
            {"community": demand.community_name, "actor": interest["actor_name"],
             "demand": demand.title, "expires": expires_at},
        )  # fmt: skip
        await tell(conn, notice, actor_id=actor_id, by=user)
    return proposal


async def decline(
    conn: asyncpg.Connection, user: CurrentUser, demand_id: int, actor_id: int, reason: str
) -> Interest:
    """Decline the interest, saying why; the partner's staff are told the reason."""
    demand = await _answerable(conn, user, demand_id)
    reason = reason.strip()
    if not reason:
        raise Invalid("reason: say why (the partner reads it); it cannot be blank", field="reason")
    async with conn.transaction():
        interest = await q.interest_for_update(conn, demand_id, actor_id)
        _check_open(interest)
        answered = await q.answer_interest(
            conn, demand_id, actor_id, status="declined", reason=reason, user_id=user.id,
            proposal_id=None,
        )  # fmt: skip
        await audit.record(
            conn, user, "interest", demand_id, "decline", _before(interest), answered
        )
        notice = Notice(
            "interest_declined", "demand", demand_id, f"/inbox#interest-{demand_id}",
            {"community": demand.community_name, "actor": interest["actor_name"],
             "demand": demand.title, "reason": reason},
        )  # fmt: skip
        await tell(conn, notice, actor_id=actor_id, by=user)
        mine = [
            i for i in await demand_queries.interests_of_demand(conn, demand_id)
            if i.actor_id == actor_id
        ]  # fmt: skip
    return mine[0]
