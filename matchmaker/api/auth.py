"""Sign-in: username and password for a bearer token."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody

from matchmaker.api.answers import errors
from matchmaker.api.params import Conn, User
from matchmaker.auth import TOKEN_LIFETIME, client_address, signed_in
from matchmaker.models import CurrentUser
from matchmaker.models.users import Login, LoginResult
from matchmaker.services import users as user_service

__all__ = ["AuthController"]


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/login", operation_id="login", status_code=200, responses=errors(429))
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[Login], conn: Conn, state: State
    ) -> LoginResult:
        """Exchange username and password for a bearer token (8 hours).

        Limited per address and per account across all instances (429 with ``Retry-After``).
        """
        user = await user_service.authenticate(
            conn, data.username, data.password, address=client_address(request)
        )
        if user is None:
            raise NotAuthorizedException("wrong username or password")
        token = state.jwt.create_token(identifier=str(user.id), token_extras={"role": user.role})
        return LoginResult(
            access_token=token,
            token_type="bearer",  # noqa: S106 (the OAuth2 token type, not a secret)
            expires_in=int(TOKEN_LIFETIME.total_seconds()),
            user=user,
        )

    @get("/me", operation_id="me", guards=[signed_in])
    async def me(self, user: User) -> CurrentUser:
        """Who the token signs in."""
        assert user is not None
        return user
