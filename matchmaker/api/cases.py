"""Cases (案例库): list, read, create, edit, archive.

Everyone, anonymous included, may read cases; coordinators and admins curate them.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromQuery, JSONBody, Parameter, QueryParameter

from matchmaker.api.params import Conn, Cursor, IdFilter, Limit, Query, User, required, searched
from matchmaker.api.versioned import ETAG, IfMatch, tagged
from matchmaker.auth import curators
from matchmaker.models import Page
from matchmaker.models.cases import Case, CaseCreate, CasePatch, CaseSort
from matchmaker.queries import cases as q
from matchmaker.services import cases as service
from matchmaker.services import versions
from matchmaker.vocab import Category

__all__ = ["CaseController"]

CURATORS = curators
Id = Annotated[int, Parameter(ge=1, le=2**62, description="case id")]
ModelTag = Annotated[
    str | None, QueryParameter(max_length=100, description="a model tag, e.g. 社企校居联动")
]


class CaseController(Controller):
    path = "/api/v1/cases"
    tags = ["cases"]

    @get("/", operation_id="listCases")
    async def list_cases(
        self,
        conn: Conn,
        district_id: IdFilter = None,
        community_id: IdFilter = None,
        category: FromQuery[Category | None] = None,
        model_tag: ModelTag = None,
        actor_id: IdFilter = None,
        q_: Query = None,
        sort: FromQuery[CaseSort | None] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[Case]:
        """Cases, newest first by default; filter by place, category, model or partner, search, page."""
        search = await searched(conn, q_)
        if not search.can_match:
            return Page(items=[])
        filters = q.CaseFilters(
            district_id=district_id, community_id=community_id, category=category,
            model_tag=model_tag, actor_id=actor_id, q=search.tsquery,
        )  # fmt: skip
        items, next_cursor = await q.list_cases(
            conn,
            filters,
            sort=sort or ("relevance" if search.tsquery else "newest"),
            limit=limit,
            cursor=cursor,
        )
        return Page(items=items, next_cursor=next_cursor)

    @get("/{case_id:int}", operation_id="getCase", response_headers=ETAG)
    async def get_case(self, conn: Conn, case_id: Id) -> Response[Case]:
        """One case, with its community and partners."""
        return tagged(await q.get(conn, case_id))

    @post("/", operation_id="createCase", guards=[CURATORS])
    async def create_case(self, conn: Conn, user: User, data: JSONBody[CaseCreate]) -> Case:
        """Add a case to the library, with the partners that took part (``actor_ids``)."""
        return await service.create(conn, required(user), data)

    @patch("/{case_id:int}", operation_id="updateCase", guards=[CURATORS], response_headers=ETAG)
    async def update_case(
        self,
        conn: Conn,
        user: User,
        case_id: Id,
        data: JSONBody[CasePatch],
        if_match: IfMatch = None,
    ) -> Response[Case]:
        """Change some fields of a case; ``actor_ids``, when sent, replaces its partners."""
        async with versions.expecting(conn, "cases", case_id, if_match):
            changed = await service.patch(conn, required(user), case_id, data)
        return tagged(changed)

    @delete("/{case_id:int}", operation_id="archiveCase", guards=[CURATORS])
    async def archive_case(self, conn: Conn, user: User, case_id: Id) -> None:
        """Archive a case: it leaves every list (the record and its history stay)."""
        await service.archive(conn, required(user), case_id)
