"""Proposals: the inbox of pairs awaiting an answer, and accepting or declining one."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody, Parameter

from matchmaker.api.params import Conn, Cursor, Limit, User, required
from matchmaker.auth import roles
from matchmaker.errors import Forbidden
from matchmaker.models import Page
from matchmaker.models.rounds import Decision, Proposal
from matchmaker.queries import partnerships as q
from matchmaker.services import proposals as service
from matchmaker.services.access import area_of, governs_community
from matchmaker.services.partnerships import scope_of
from matchmaker.vocab import ProposalStatus

__all__ = ["ProposalController"]

PARTIES = roles("community_staff", "partner", "coordinator", "admin")
Id = Annotated[int, Parameter(ge=1, le=2**62, description="proposal id")]


class ProposalController(Controller):
    path = "/api/v1/proposals"
    tags = ["proposals"]
    guards = [PARTIES]

    @get("/", operation_id="listProposals")
    async def list_proposals(
        self,
        conn: Conn,
        user: User,
        status: FromQuery[ProposalStatus | None] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[Proposal]:
        """Proposals for your community or organisation (all, for coordinators), newest first."""
        community_id, actor_id = scope_of(required(user))
        items, next_cursor = await q.proposals_for(
            conn,
            community_id=community_id,
            actor_id=actor_id,
            status=status,
            limit=limit,
            cursor=cursor,
            districts=area_of(user),
        )
        return Page(items=items, next_cursor=next_cursor)

    @get("/{proposal_id:int}", operation_id="getProposal")
    async def get_proposal(self, conn: Conn, user: User, proposal_id: Id) -> Proposal:
        """One proposal, to its two sides and coordinators."""
        proposal = await q.get_proposal(conn, proposal_id)
        community_id, actor_id = scope_of(required(user))
        if actor_id is not None and proposal.actor_id != actor_id:
            raise Forbidden("this proposal is for another organisation")
        if community_id is not None and proposal.community_id != community_id:
            raise Forbidden("this proposal is for another community")
        me = required(user)
        outside = me.role == "coordinator" and proposal.community_id is not None
        if outside and not await governs_community(conn, me, proposal.community_id or 0):
            raise Forbidden("this proposal lies outside your area")
        return proposal

    @post("/{proposal_id:int}/accept", operation_id="acceptProposal", status_code=200)
    async def accept(self, conn: Conn, user: User, proposal_id: Id) -> Proposal:
        """Accept for your side; when both sides accept, the partnership is created."""
        return await service.accept(conn, required(user), proposal_id)

    @post("/{proposal_id:int}/decline", operation_id="declineProposal", status_code=200)
    async def decline(
        self, conn: Conn, user: User, proposal_id: Id, data: JSONBody[Decision | None] = None
    ) -> Proposal:
        """Decline for your side; the pair is never proposed again."""
        return await service.decline(conn, required(user), proposal_id, data.reason if data else "")
