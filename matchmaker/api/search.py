"""The search's synonym groups: everyone may read them; coordinators and admins add and remove.

``GET /api/v1/search/synonyms`` lists the groups; ``POST`` adds one (``{"words": [...], "note":
""}``); ``DELETE /{id}`` removes one. A group changes what searches find at once.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import JSONBody, Parameter

from matchmaker.api.params import Conn, User, required
from matchmaker.auth import curators
from matchmaker.search import synonyms as service
from matchmaker.search.synonyms import SynonymGroup, SynonymGroupCreate

__all__ = ["SynonymController"]

Id = Annotated[int, Parameter(ge=1, le=2**62, description="synonym group id")]


class SynonymController(Controller):
    path = "/api/v1/search/synonyms"
    tags = ["search"]

    @get("/", operation_id="listSynonymGroups")
    async def list_groups(self, conn: Conn) -> list[SynonymGroup]:
        """Every synonym group, oldest first."""
        return await service.groups(conn)

    @post("/", operation_id="addSynonymGroup", guards=[curators])
    async def add_group(
        self, conn: Conn, user: User, data: JSONBody[SynonymGroupCreate]
    ) -> SynonymGroup:
        """Add a group of words that mean the same to the people searching."""
        return await service.add(conn, required(user), data)

    @delete("/{group_id:int}", operation_id="removeSynonymGroup", guards=[curators])
    async def remove_group(self, conn: Conn, user: User, group_id: Id) -> None:
        """Remove a group."""
        await service.remove(conn, required(user), group_id)
