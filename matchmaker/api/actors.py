"""Actors (主体库): the partner organisations.

Everyone may browse them; an organisation's contact is shown by ``services.contacts``: in lists
to coordinators and admins only, on one record also to its own staff and to the staff of a
community it has an active or completed partnership with. Coordinators and admins add, edit and archive any actor; an organisation's own staff (``partner``)
may edit its profile, except ``verified``, ``grade`` and ``kind``.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromQuery, JSONBody, Parameter, QueryParameter

from matchmaker.api.params import Conn, Cursor, Limit, Query, User, required, searched
from matchmaker.api.versioned import ETAG, IfMatch, tagged
from matchmaker.auth import curators, roles
from matchmaker.models import Page
from matchmaker.models.actors import Actor, ActorCreate, ActorPatch, ActorSort
from matchmaker.queries import actors as q
from matchmaker.services import actors as service
from matchmaker.services import contacts, versions
from matchmaker.vocab import ActorKind, Category, ResourceType

__all__ = ["ActorController"]

CURATORS = curators
EDITORS = roles("partner", "coordinator", "admin")
Id = Annotated[int, Parameter(ge=1, le=2**62, description="actor id")]
DistrictFilter = Annotated[
    int | None,
    QueryParameter(ge=1, le=2**62, description="serves this district (or works remotely)"),
]


class ActorController(Controller):
    path = "/api/v1/actors"
    tags = ["actors"]

    @get("/", operation_id="listActors")
    async def list_actors(
        self,
        conn: Conn,
        user: User,
        kind: FromQuery[ActorKind | None] = None,
        category: FromQuery[Category | None] = None,
        resource_type: FromQuery[ResourceType | None] = None,
        district_id: DistrictFilter = None,
        verified: FromQuery[bool | None] = None,
        q_: Query = None,
        sort: FromQuery[ActorSort | None] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[Actor]:
        """Organisations; filter, search (``q``) and page. Contacts for coordinators only."""
        search = await searched(conn, q_)
        if not search.can_match:
            return Page(items=[])
        filters = q.ActorFilters(
            kind=kind, category=category, resource_type=resource_type, verified=verified,
            district_id=district_id, q=search.tsquery,
        )  # fmt: skip
        items, next_cursor = await q.list_actors(
            conn,
            filters,
            sort=sort or ("relevance" if search.tsquery else "newest"),
            limit=limit,
            cursor=cursor,
        )
        return Page(items=[contacts.actor_in_list(user, a) for a in items], next_cursor=next_cursor)

    @get("/{actor_id:int}", operation_id="getActor", response_headers=ETAG)
    async def get_actor(self, conn: Conn, user: User, actor_id: Id) -> Response[Actor]:
        """One organisation; its contact to curators, its staff and confirmed partners."""
        return tagged(await contacts.actor(conn, user, await q.get(conn, actor_id)))

    @post("/", operation_id="createActor", guards=[CURATORS])
    async def create_actor(self, conn: Conn, user: User, data: JSONBody[ActorCreate]) -> Actor:
        """Add an organisation; ``district_ids`` are the districts it serves."""
        return await service.create(conn, required(user), data)

    @patch("/{actor_id:int}", operation_id="updateActor", guards=[EDITORS], response_headers=ETAG)
    async def update_actor(
        self,
        conn: Conn,
        user: User,
        actor_id: Id,
        data: JSONBody[ActorPatch],
        if_match: IfMatch = None,
    ) -> Response[Actor]:
        """Change some fields of an organisation (a partner: only its own, not its standing)."""
        async with versions.expecting(conn, "actors", actor_id, if_match):
            changed = await service.patch(conn, required(user), actor_id, data)
        return tagged(changed)

    @delete("/{actor_id:int}", operation_id="archiveActor", guards=[CURATORS])
    async def archive_actor(self, conn: Conn, user: User, actor_id: Id) -> None:
        """Archive an organisation: it leaves every list (the record and its history stay)."""
        await service.archive(conn, required(user), actor_id)
