"""User administration, for admins: list, read, create, change, deactivate (there is no delete).

Password hashes never leave the database; a deactivated user's tokens stop working at once, as do
every token of a user whose password an admin changes.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.datastructures import State
from litestar.params import FromQuery, JSONBody, Parameter

from matchmaker.api.params import Conn, Cursor, Limit, User, required
from matchmaker.auth import roles
from matchmaker.models import Page
from matchmaker.models.users import UserAccount, UserCreate, UserPatch
from matchmaker.queries import users as q
from matchmaker.services import users as service
from matchmaker.vocab import Role

__all__ = ["UserController"]

Id = Annotated[int, Parameter(ge=1, le=2**62, description="user id")]


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    guards = [roles("admin")]

    @get("/", operation_id="listUsers")
    async def list_users(
        self,
        conn: Conn,
        role: FromQuery[Role | None] = None,
        active: FromQuery[bool | None] = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[UserAccount]:
        """Users, oldest first; filter by ``role`` and ``active``; page with ``cursor``."""
        items, next_cursor = await q.list_accounts(
            conn, role=role, active=active, limit=limit, cursor=cursor
        )
        return Page(items=items, next_cursor=next_cursor)

    @get("/{user_id:int}", operation_id="getUser")
    async def get_user(self, conn: Conn, user_id: Id) -> UserAccount:
        """One user."""
        return await q.account(conn, user_id)

    @post("/", operation_id="createUser")
    async def create_user(
        self, conn: Conn, user: User, data: JSONBody[UserCreate], state: State
    ) -> UserAccount:
        """Create a user; community_staff need ``community_id``, partners ``actor_id``."""
        return await service.create(conn, required(user), data, state.passwords)

    @patch("/{user_id:int}", operation_id="updateUser")
    async def update_user(
        self, conn: Conn, user: User, user_id: Id, data: JSONBody[UserPatch], state: State
    ) -> UserAccount:
        """Change a user's name, role and binding, password, or deactivate them (``active``).

        A new password or a deactivation ends every session of the user at once.
        """
        return await service.patch(conn, required(user), user_id, data, state.passwords)
