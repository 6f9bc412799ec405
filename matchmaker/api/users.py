"""User administration: list, read, create, change, deactivate (there is no delete).

Admins manage everyone and set coordinators' areas; a coordinator only the community and partner
staff of their area (``services.user_areas``). Password hashes never leave the database; a
deactivated user's tokens stop working at once, as do every token of a user whose password an
admin changes.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.datastructures import State
from litestar.params import FromQuery, JSONBody, Parameter, QueryParameter

from matchmaker.api.params import Conn, Cursor, Limit, User, required
from matchmaker.auth import curators
from matchmaker.models import Page
from matchmaker.models.users import UserAccount, UserCreate, UserPatch
from matchmaker.queries import users as q
from matchmaker.services import user_areas
from matchmaker.services import users as service
from matchmaker.services.access import area_of
from matchmaker.vocab import Role

__all__ = ["UserController"]

Id = Annotated[int, Parameter(ge=1, le=2**62, description="user id")]
Name = Annotated[
    str | None,
    QueryParameter(max_length=100, description="part of the login or display name (any case)"),
]


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    guards = [curators]

    @get("/", operation_id="listUsers")
    async def list_users(
        self,
        conn: Conn,
        user: User,
        role: FromQuery[Role | None] = None,
        active: FromQuery[bool | None] = None,
        name: Name = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[UserAccount]:
        """Users, oldest first; filter by ``role``, ``active`` and part of the ``name``; page with
        ``cursor``. A coordinator sees only the staff of their area."""
        items, next_cursor = await q.list_accounts(
            conn, role=role, active=active, limit=limit, cursor=cursor,
            districts=area_of(user), name=name,
        )  # fmt: skip
        return Page(items=items, next_cursor=next_cursor)

    @get("/{user_id:int}", operation_id="getUser")
    async def get_user(self, conn: Conn, user: User, user_id: Id) -> UserAccount:
        """One user (to a coordinator, only one they manage)."""
        return await user_areas.visible(conn, required(user), await q.account(conn, user_id))

    @post("/", operation_id="createUser")
    async def create_user(
        self, conn: Conn, user: User, data: JSONBody[UserCreate], state: State
    ) -> UserAccount:
        """Create a user; community_staff need ``community_id``, partners ``actor_id``; a
        coordinator's ``areas`` (admins only) are district ids, district names or city names."""
        return await service.create(conn, required(user), data, state.passwords)

    @patch("/{user_id:int}", operation_id="updateUser")
    async def update_user(
        self, conn: Conn, user: User, user_id: Id, data: JSONBody[UserPatch], state: State
    ) -> UserAccount:
        """Change a user's name, role and binding, password or area (``areas``, admins only), or
        deactivate them (``active``).

        A new password or a deactivation ends every session of the user at once.
        """
        return await service.patch(conn, required(user), user_id, data, state.passwords)
