"""Talent (人才库): people who can help — social workers, planners, experts, craftsmen, lawyers.

Only signed-in users see people (anonymous callers get 401); coordinators and admins add, edit and
archive them.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromQuery, JSONBody, Parameter, QueryParameter

from matchmaker.api.params import Conn, Cursor, Limit, Query, User, required, searched
from matchmaker.api.versioned import ETAG, IfMatch, tagged
from matchmaker.auth import curators, signed_in
from matchmaker.models import Page
from matchmaker.models.talent import Talent, TalentCreate, TalentPatch, TalentSort
from matchmaker.queries import talent as q
from matchmaker.services import talent as service
from matchmaker.services import versions
from matchmaker.vocab import TalentRole

__all__ = ["TalentController"]

CURATORS = curators
Id = Annotated[int, Parameter(ge=1, le=2**62, description="talent id")]
SkillFilter = Annotated[
    str | None, QueryParameter(min_length=1, max_length=100, description="has exactly this skill")
]
DistrictFilter = Annotated[
    int | None, QueryParameter(ge=1, le=2**62, description="serves this district")
]
ActorFilter = Annotated[
    int | None, QueryParameter(ge=1, le=2**62, description="belongs to this organisation")
]


class TalentController(Controller):
    path = "/api/v1/talent"
    tags = ["talent"]
    guards = [signed_in]

    @get("/", operation_id="listTalent")
    async def list_talent(
        self,
        conn: Conn,
        role: FromQuery[TalentRole | None] = None,
        skill: SkillFilter = None,
        district_id: DistrictFilter = None,
        actor_id: ActorFilter = None,
        q_: Query = None,
        sort: FromQuery[TalentSort | None] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[Talent]:
        """People; filter, search (``q``) and page."""
        search = await searched(conn, q_)
        if not search.can_match:
            return Page(items=[])
        filters = q.TalentFilters(
            role=role, skill=skill, district_id=district_id, actor_id=actor_id, q=search.tsquery
        )
        items, next_cursor = await q.list_talent(
            conn,
            filters,
            sort=sort or ("relevance" if search.tsquery else "newest"),
            limit=limit,
            cursor=cursor,
        )
        return Page(items=items, next_cursor=next_cursor)

    @get("/{talent_id:int}", operation_id="getTalent", response_headers=ETAG)
    async def get_talent(self, conn: Conn, talent_id: Id) -> Response[Talent]:
        """One person."""
        return tagged(await q.get(conn, talent_id))

    @post("/", operation_id="createTalent", guards=[CURATORS])
    async def create_talent(self, conn: Conn, user: User, data: JSONBody[TalentCreate]) -> Talent:
        """Add a person; ``actor_id`` is their organisation, ``district_ids`` where they serve."""
        return await service.create(conn, required(user), data)

    @patch(
        "/{talent_id:int}", operation_id="updateTalent", guards=[CURATORS], response_headers=ETAG
    )
    async def update_talent(
        self,
        conn: Conn,
        user: User,
        talent_id: Id,
        data: JSONBody[TalentPatch],
        if_match: IfMatch = None,
    ) -> Response[Talent]:
        """Change some fields of a person."""
        async with versions.expecting(conn, "talent", talent_id, if_match):
            changed = await service.patch(conn, required(user), talent_id, data)
        return tagged(changed)

    @delete("/{talent_id:int}", operation_id="archiveTalent", guards=[CURATORS])
    async def archive_talent(self, conn: Conn, user: User, talent_id: Id) -> None:
        """Archive a person: they leave every list (the record and its history stay)."""
        await service.archive(conn, required(user), talent_id)
