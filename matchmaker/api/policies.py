"""Policies (政策库): list, read, create, edit, archive.

Everyone, anonymous included, may read policies; coordinators and admins curate them.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromQuery, JSONBody, Parameter

from matchmaker.api.params import Conn, Cursor, Limit, Query, User, required, searched
from matchmaker.api.versioned import ETAG, IfMatch, tagged
from matchmaker.auth import curators
from matchmaker.models import Page
from matchmaker.models.policies import Policy, PolicyCreate, PolicyPatch, PolicySort
from matchmaker.queries import policies as q
from matchmaker.services import policies as service
from matchmaker.services import versions
from matchmaker.vocab import ActorKind, Category, CommunityKind, PolicyLevel

__all__ = ["PolicyController"]

CURATORS = curators
Id = Annotated[int, Parameter(ge=1, le=2**62, description="policy id")]


class PolicyController(Controller):
    path = "/api/v1/policies"
    tags = ["policies"]

    @get("/", operation_id="listPolicies")
    async def list_policies(
        self,
        conn: Conn,
        level: FromQuery[PolicyLevel | None] = None,
        category: FromQuery[Category | None] = None,
        community_kind: FromQuery[CommunityKind | None] = None,
        actor_kind: FromQuery[ActorKind | None] = None,
        active: FromQuery[bool | None] = None,
        q_: Query = None,
        sort: FromQuery[PolicySort | None] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[Policy]:
        """Policies, newest first by default; filter by eligibility or validity, search (``q``), page."""
        search = await searched(conn, q_)
        if not search.can_match:
            return Page(items=[])
        filters = q.PolicyFilters(
            level=level, category=category, community_kind=community_kind,
            actor_kind=actor_kind, active=active, q=search.tsquery,
        )  # fmt: skip
        items, next_cursor = await q.list_policies(
            conn,
            filters,
            sort=sort or ("relevance" if search.tsquery else "newest"),
            limit=limit,
            cursor=cursor,
        )
        return Page(items=items, next_cursor=next_cursor)

    @get("/{policy_id:int}", operation_id="getPolicy", response_headers=ETAG)
    async def get_policy(self, conn: Conn, policy_id: Id) -> Response[Policy]:
        """One policy, with whether it is active today."""
        return tagged(await q.get(conn, policy_id))

    @post("/", operation_id="createPolicy", guards=[CURATORS])
    async def create_policy(self, conn: Conn, user: User, data: JSONBody[PolicyCreate]) -> Policy:
        """Add a policy to the library."""
        return await service.create(conn, required(user), data)

    @patch(
        "/{policy_id:int}", operation_id="updatePolicy", guards=[CURATORS], response_headers=ETAG
    )
    async def update_policy(
        self,
        conn: Conn,
        user: User,
        policy_id: Id,
        data: JSONBody[PolicyPatch],
        if_match: IfMatch = None,
    ) -> Response[Policy]:
        """Change some fields of a policy."""
        async with versions.expecting(conn, "policies", policy_id, if_match):
            changed = await service.patch(conn, required(user), policy_id, data)
        return tagged(changed)

    @delete("/{policy_id:int}", operation_id="archivePolicy", guards=[CURATORS])
    async def archive_policy(self, conn: Conn, user: User, policy_id: Id) -> None:
        """Archive a policy: it leaves every list (the record and its history stay)."""
        await service.archive(conn, required(user), policy_id)
