"""Demands (需求库): list, read, post, edit, move through statuses, archive; interest in them.

Anonymous callers and partners see every need but drafts; community staff also see their own
community's drafts; coordinators and admins see all.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody, Parameter

from matchmaker.api.params import Conn, Cursor, IdFilter, Limit, Query, User, required, searched
from matchmaker.api.versioned import ETAG, IfMatch, tagged
from matchmaker.auth import roles
from matchmaker.models import Page
from matchmaker.models.demands import (
    Demand,
    DemandCreate,
    DemandPatch,
    DemandSort,
    Interest,
    InterestCreate,
    InterestDecline,
    StatusChange,
)
from matchmaker.models.rounds import Proposal
from matchmaker.queries import demands as q
from matchmaker.services import demands as service
from matchmaker.services import invitations, versions
from matchmaker.services.access import area_of, curates
from matchmaker.vocab import (
    Category,
    CommunityKind,
    DemandStatus,
    ResourceType,
    TargetGroup,
    Urgency,
)

__all__ = ["FILTERS", "DemandController", "demand_filters"]

STAFF = roles("community_staff", "coordinator", "admin")
PARTNER = roles("partner")
Id = Annotated[int, Parameter(ge=1, le=2**62, description="demand id")]
ActorId = Annotated[int, Parameter(ge=1, le=2**62, description="the interested organisation's id")]


def demand_filters(
    district_id: IdFilter = None,
    town_id: IdFilter = None,
    community_id: IdFilter = None,
    category: FromQuery[Category | None] = None,
    resource_type: FromQuery[ResourceType | None] = None,
    target_group: FromQuery[TargetGroup | None] = None,
    urgency: FromQuery[Urgency | None] = None,
    community_kind: FromQuery[CommunityKind | None] = None,
) -> q.DemandFilters:
    """The list filters shared by ``/demands`` and ``/opportunities``."""
    return q.DemandFilters(
        district_id=district_id, town_id=town_id, community_id=community_id, category=category,
        resource_type=resource_type, target_group=target_group, urgency=urgency,
        community_kind=community_kind,
    )  # fmt: skip


FILTERS = {"filters": Provide(demand_filters, sync_to_thread=False)}


class DemandController(Controller):
    path = "/api/v1/demands"
    tags = ["demands"]
    dependencies = FILTERS

    @get("/", operation_id="listDemands")
    async def list_demands(
        self,
        conn: Conn,
        user: User,
        filters: NamedDependency[q.DemandFilters],
        status: FromQuery[DemandStatus | None] = None,
        q_: Query = None,
        sort: FromQuery[DemandSort | None] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[Demand]:
        """Needs, newest first by default; filter, search (``q``) and page with ``cursor``."""
        search = await searched(conn, q_)
        if not search.can_match:
            return Page(items=[])
        filters.status, filters.q = status, search.tsquery
        items, next_cursor = await q.list_demands(
            conn, filters, sees_all_drafts=curates(user), draft_districts=area_of(user),
            own_community_id=user.community_id if user else None,
            sort=sort or ("relevance" if search.tsquery else "newest"), limit=limit, cursor=cursor,
        )  # fmt: skip
        return Page(items=items, next_cursor=next_cursor)

    @get("/{demand_id:int}", operation_id="getDemand", response_headers=ETAG)
    async def get_demand(self, conn: Conn, user: User, demand_id: Id) -> Response[Demand]:
        """One need."""
        return tagged(await service.get_visible(conn, user, demand_id))

    @post("/", operation_id="createDemand", guards=[STAFF])
    async def create_demand(self, conn: Conn, user: User, data: JSONBody[DemandCreate]) -> Demand:
        """Post a need (draft by default; ``"status": "open"`` publishes it at once)."""
        return await service.create(conn, required(user), data)

    @patch("/{demand_id:int}", operation_id="updateDemand", guards=[STAFF], response_headers=ETAG)
    async def update_demand(
        self,
        conn: Conn,
        user: User,
        demand_id: Id,
        data: JSONBody[DemandPatch],
        if_match: IfMatch = None,
    ) -> Response[Demand]:
        """Change some fields of a need of your community."""
        async with versions.expecting(conn, "demands", demand_id, if_match):
            changed = await service.patch(conn, required(user), demand_id, data)
        return tagged(changed)

    @post(
        "/{demand_id:int}/status",
        operation_id="changeDemandStatus",
        guards=[STAFF],
        status_code=200,
    )
    async def change_status(
        self, conn: Conn, user: User, demand_id: Id, data: JSONBody[StatusChange]
    ) -> Demand:
        """Move a need along draft → open → matched → in_progress → fulfilled | cancelled."""
        return await service.change_status(conn, required(user), demand_id, data)

    @delete("/{demand_id:int}", operation_id="archiveDemand", guards=[STAFF])
    async def archive_demand(self, conn: Conn, user: User, demand_id: Id) -> None:
        """Archive a need: it leaves every list (the record and its history stay)."""
        await service.archive(conn, required(user), demand_id)

    @post(
        "/{demand_id:int}/interest",
        operation_id="expressInterest",
        guards=[PARTNER],
        status_code=200,
    )
    async def express_interest(
        self,
        conn: Conn,
        user: User,
        demand_id: Id,
        data: JSONBody[InterestCreate | None] = None,
    ) -> Interest:
        """Express your organisation's interest in an open need (idempotent; updates the note)."""
        note = data.note if data else ""
        return await service.express_interest(conn, required(user), demand_id, note)

    @delete(
        "/{demand_id:int}/interest",
        operation_id="withdrawInterest",
        guards=[PARTNER],
        status_code=200,
    )
    async def withdraw_interest(
        self, conn: Conn, user: User, demand_id: Id
    ) -> Response[dict[str, bool]]:
        """Withdraw your organisation's interest (succeeds when there was none)."""
        withdrawn = await service.withdraw_interest(conn, required(user), demand_id)
        return Response({"withdrawn": withdrawn})

    @get("/{demand_id:int}/interests", operation_id="listDemandInterests", guards=[STAFF])
    async def list_interests(self, conn: Conn, user: User, demand_id: Id) -> list[Interest]:
        """Partners interested in a need of your community."""
        return await service.interests(conn, required(user), demand_id)

    @post(
        "/{demand_id:int}/interests/{actor_id:int}/invite",
        operation_id="inviteInterestedPartner",
        guards=[STAFF],
        status_code=200,
    )
    async def invite(
        self, request: Request[Any, Any, Any], conn: Conn, user: User, demand_id: Id,
        actor_id: ActorId,
    ) -> Proposal:  # fmt: skip
        """Answer a partner's interest by inviting it: a proposal (``origin: invitation``) held
        like a round's — one open slot of the need and one unit of the partner's capacity, checked
        under the same lock, until it expires after the proposal TTL — that the community has
        already accepted (``community_accepted``); the partner accepts or declines it like any
        proposal. The need's community staff, coordinators and admins; 409 when the interest was
        answered already, the need is not open or full, the partner has no capacity left, or the
        pair already has a live proposal or a partnership."""
        ttl = dt.timedelta(hours=request.app.state.settings.proposal_ttl_hours)
        return await invitations.invite(conn, required(user), demand_id, actor_id, ttl)

    @post(
        "/{demand_id:int}/interests/{actor_id:int}/decline",
        operation_id="declineInterest",
        guards=[STAFF],
        status_code=200,
    )
    async def decline(
        self, conn: Conn, user: User, demand_id: Id, actor_id: ActorId,
        data: JSONBody[InterestDecline],
    ) -> Interest:  # fmt: skip
        """Answer a partner's interest by declining it, with the ``reason`` (1–1000 characters,
        not blank) the partner reads. The need's community staff, coordinators and admins; 409
        when the interest was answered already."""
        return await invitations.decline(conn, required(user), demand_id, actor_id, data.reason)
