"""Partnerships (合作关系): list yours, open one directly, complete it with an outcome, or cancel;
the partner rates the community once it has ended (``review``).

The community side (its staff, or a coordinator or admin) completes a partnership and rates the
partner; the partner cannot complete or rate its own work (403). The partner's rating of the
community (``review``) is shown to the partner and to coordinators, not to the community's staff.
Every answer carries ``contacts``: the other side's contact person, from confirmation on (the rule
of ``services.contacts``), and both sides' for coordinators and admins.
"""

from __future__ import annotations

from typing import Annotated

import asyncpg
from litestar import Controller, get, post
from litestar.params import FromQuery, JSONBody, Parameter

from matchmaker.api.params import Conn, Cursor, IdFilter, Limit, User, required
from matchmaker.auth import curators, roles
from matchmaker.errors import Forbidden
from matchmaker.models import CurrentUser, Page
from matchmaker.models.partnerships import (
    Cancellation,
    CommunityReview,
    Completion,
    DirectPartnership,
    Partnership,
)
from matchmaker.queries import partnerships as q
from matchmaker.services import contacts
from matchmaker.services import partnerships as service
from matchmaker.services.access import area_of, governs_community
from matchmaker.vocab import PartnershipStatus

__all__ = ["PartnershipController"]

PARTIES = roles("community_staff", "partner", "coordinator", "admin")
CURATORS = curators
Id = Annotated[int, Parameter(ge=1, le=2**62, description="partnership id")]


class PartnershipController(Controller):
    path = "/api/v1/partnerships"
    tags = ["partnerships"]
    guards = [PARTIES]

    @get("/", operation_id="listPartnerships")
    async def list_partnerships(
        self,
        conn: Conn,
        user: User,
        status: FromQuery[PartnershipStatus | None] = None,
        demand_id: IdFilter = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[Partnership]:
        """Partnerships of your community or organisation (all, for coordinators), newest first;
        each with the other side's ``contacts`` once confirmed."""
        me = required(user)
        community_id, actor_id = service.scope_of(me)
        items, next_cursor = await q.list_partnerships(
            conn, community_id=community_id, actor_id=actor_id, status=status, demand_id=demand_id,
            limit=limit, cursor=cursor, districts=area_of(me),
        )  # fmt: skip
        shown = service.for_viewer(me, await contacts.partnerships(conn, me, items))
        return Page(items=shown, next_cursor=next_cursor)

    @get("/{partnership_id:int}", operation_id="getPartnership")
    async def get_partnership(self, conn: Conn, user: User, partnership_id: Id) -> Partnership:
        """One partnership, to its two sides and coordinators, with the other side's contacts."""
        me = required(user)
        partnership = await q.get(conn, partnership_id)
        community_id, actor_id = service.scope_of(me)
        if (community_id is not None and partnership.community_id != community_id) or (
            actor_id is not None and partnership.actor_id != actor_id
        ):
            raise Forbidden("this partnership belongs to others")
        if me.role == "coordinator" and not await governs_community(
            conn, me, partnership.community_id
        ):
            raise Forbidden("this partnership lies outside your area")
        return await _with_contacts(conn, me, partnership)

    @post("/", operation_id="createPartnership", guards=[CURATORS])
    async def create_direct(
        self, conn: Conn, user: User, data: JSONBody[DirectPartnership]
    ) -> Partnership:
        """Pair a partner directly with a need it expressed interest in (no round)."""
        me = required(user)
        return await _with_contacts(conn, me, await service.create_direct(conn, me, data))

    @post("/{partnership_id:int}/complete", operation_id="completePartnership", status_code=200)
    async def complete(
        self, conn: Conn, user: User, partnership_id: Id, data: JSONBody[Completion]
    ) -> Partnership:
        """The community side closes it with the outcome (beneficiaries, its rating 1–5 of the
        partner, feedback); optionally publish a case. The partner may not (403)."""
        me = required(user)
        done = await service.complete(conn, me, partnership_id, data)
        return await _with_contacts(conn, me, done)

    @post("/{partnership_id:int}/review", operation_id="reviewPartnership", status_code=200)
    async def review(
        self, conn: Conn, user: User, partnership_id: Id, data: JSONBody[CommunityReview]
    ) -> Partnership:
        """The partner rates the community (1–5, feedback) once the partnership has ended;
        once only (409 on a second)."""
        me = required(user)
        done = await service.review(conn, me, partnership_id, data)
        return await _with_contacts(conn, me, done)

    @post("/{partnership_id:int}/cancel", operation_id="cancelPartnership", status_code=200)
    async def cancel(
        self, conn: Conn, user: User, partnership_id: Id, data: JSONBody[Cancellation]
    ) -> Partnership:
        """End an active partnership early, with the reason."""
        me = required(user)
        return await _with_contacts(conn, me, await service.cancel(conn, me, partnership_id, data))


async def _with_contacts(
    conn: asyncpg.Connection,
    user: CurrentUser,
    partnership: Partnership,
) -> Partnership:
    """The partnership with the ``contacts`` (and ``review``) its caller may see."""
    return service.for_viewer(user, await contacts.partnerships(conn, user, [partnership]))[0]
