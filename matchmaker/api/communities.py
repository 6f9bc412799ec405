"""Communities (社区/村) with their "1257N" standing, and the districts with their towns.

Everyone may read them; coordinators and admins add, edit and archive communities, and a
community's own staff edit its contact person. The contact is shown by ``services.contacts``: in
lists to coordinators and admins only, on one record also to the community's own staff and to the
staff of an organisation with an active or completed partnership with it.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromQuery, JSONBody, Parameter, QueryParameter

from matchmaker.api.params import Conn, Cursor, Limit, Query, User, required, searched
from matchmaker.api.versioned import ETAG, IfMatch, tagged
from matchmaker.auth import curators, roles
from matchmaker.models import Page
from matchmaker.models.communities import (
    Community,
    CommunityCreate,
    CommunityPatch,
    CommunitySort,
    District,
)
from matchmaker.queries import communities as q
from matchmaker.services import communities as service
from matchmaker.services import contacts, versions
from matchmaker.vocab import CommunityKind

__all__ = ["CommunityController", "list_districts"]

CURATORS = curators
#: Curators edit every field; a community's own staff its contact (``services.communities``).
EDITORS = roles("community_staff", "coordinator", "admin")
Id = Annotated[int, Parameter(ge=1, le=2**62, description="community id")]
DistrictFilter = Annotated[
    int | None, QueryParameter(ge=1, le=2**62, description="only communities of this district")
]
TownFilter = Annotated[
    int | None, QueryParameter(ge=1, le=2**62, description="only communities of this town")
]
ThemeFilter = Annotated[
    str | None, QueryParameter(max_length=50, description="exact theme, e.g. 居民自治型社区")
]


class CommunityController(Controller):
    path = "/api/v1/communities"
    tags = ["communities"]

    @get("/", operation_id="listCommunities")
    async def list_communities(
        self,
        conn: Conn,
        user: User,
        district_id: DistrictFilter = None,
        town_id: TownFilter = None,
        kind: FromQuery[CommunityKind | None] = None,
        theme: ThemeFilter = None,
        q_: Query = None,
        sort: FromQuery[CommunitySort | None] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[Community]:
        """Communities with their "1257N" indicators; filter, search (``q``) and page. Contacts
        for coordinators only."""
        search = await searched(conn, q_)
        if not search.can_match:
            return Page(items=[])
        filters = q.CommunityFilters(
            district_id=district_id, town_id=town_id, kind=kind, theme=theme, q=search.tsquery
        )
        items, next_cursor = await q.list_communities(
            conn,
            filters,
            sort=sort or ("relevance" if search.tsquery else "newest"),
            limit=limit,
            cursor=cursor,
        )
        return Page(
            items=[contacts.community_in_list(user, c) for c in items], next_cursor=next_cursor
        )

    @get("/{community_id:int}", operation_id="getCommunity", response_headers=ETAG)
    async def get_community(self, conn: Conn, user: User, community_id: Id) -> Response[Community]:
        """One community; its contact to curators, its staff and confirmed partners."""
        return tagged(await contacts.community(conn, user, await q.get(conn, community_id)))

    @post("/", operation_id="createCommunity", guards=[CURATORS])
    async def create_community(
        self, conn: Conn, user: User, data: JSONBody[CommunityCreate]
    ) -> Community:
        """Add a community; its town must lie in its district."""
        return await service.create(conn, required(user), data)

    @patch(
        "/{community_id:int}",
        operation_id="updateCommunity",
        guards=[EDITORS],
        response_headers=ETAG,
    )
    async def update_community(
        self,
        conn: Conn,
        user: User,
        community_id: Id,
        data: JSONBody[CommunityPatch],
        if_match: IfMatch = None,
    ) -> Response[Community]:
        """Change some fields of a community (its own staff: only its contact person)."""
        async with versions.expecting(conn, "communities", community_id, if_match):
            changed = await service.patch(conn, required(user), community_id, data)
        return tagged(changed)

    @delete("/{community_id:int}", operation_id="archiveCommunity", guards=[CURATORS])
    async def archive_community(self, conn: Conn, user: User, community_id: Id) -> None:
        """Archive a community: it leaves every list (the record and its history stay)."""
        await service.archive(conn, required(user), community_id)


@get("/api/v1/districts", operation_id="listDistricts", tags=["communities"])
async def list_districts(conn: Conn) -> list[District]:
    """Every district (区县) with its towns (镇街)."""
    return await q.districts(conn)
