"""Users and login."""

from __future__ import annotations

from typing import Annotated

import msgspec

from matchmaker.models import CurrentUser
from matchmaker.vocab import Role

__all__ = ["Login", "LoginResult", "UserCreate"]

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
