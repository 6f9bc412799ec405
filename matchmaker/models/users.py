"""Users and login."""

from __future__ import annotations

from typing import Annotated

import msgspec

from matchmaker.models import CurrentUser, Timestamp
from matchmaker.vocab import Role

__all__ = ["Login", "LoginResult", "UserAccount", "UserCreate", "UserPatch"]

DisplayName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Password = Annotated[str, msgspec.Meta(min_length=10, max_length=200)]
AreaRef = (
    Annotated[int, msgspec.Meta(ge=1, le=2**62)]
    | Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
)
Areas = Annotated[list[AreaRef], msgspec.Meta(max_length=200)]
Username = Annotated[
    str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.-]{1,39}$", description="lower-case login name")
]


class Login(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class LoginResult(msgspec.Struct):
    """A bearer token for ``Authorization: Bearer <access_token>``, and who it signs in."""

    access_token: str
    token_type: str
    expires_in: int
    user: CurrentUser


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    role: Role
    password: Annotated[str, msgspec.Meta(min_length=10, max_length=200)]
    community_id: int | None = None
    actor_id: int | None = None
    #: A coordinator's area: district ids, district names or city names (a city: all its districts).
    areas: Areas = []


class UserAccount(msgspec.Struct):
    """A user as an admin sees them: role, binding, whether active. Never the password hash."""

    id: int
    username: str
    display_name: str
    role: Role
    community_id: int | None
    community_name: str | None
    actor_id: int | None
    actor_name: str | None
    active: bool
    created_at: Timestamp
    updated_at: Timestamp
    last_login_at: Timestamp | None
    #: A coordinator's area as given: district names, then names of whole cities.
    areas: list[str] = []


class UserPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; a field not sent stays as it is.

    Changing ``role`` drops a binding the new role does not take unless ``community_id`` or
    ``actor_id`` is sent with it. ``"active": false`` deactivates the account (its tokens stop
    working at once); there is no delete.
    """

    display_name: DisplayName | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    community_id: int | msgspec.UnsetType | None = msgspec.UNSET
    actor_id: int | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    password: Password | msgspec.UnsetType = msgspec.UNSET
    #: A coordinator's new area (replaces it): district ids, district names or city names.
    areas: Areas | msgspec.UnsetType = msgspec.UNSET
