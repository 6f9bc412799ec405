"""Sign-in and sign-out: username and password for a bearer token, and ending that token."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody

from matchmaker import db
from matchmaker.api.answers import errors
from matchmaker.api.params import Conn, User
from matchmaker.auth import TOKEN_LIFETIME, client_address, signed_in
from matchmaker.models import CurrentUser
from matchmaker.models.users import Login, LoginResult
from matchmaker.services import sessions
from matchmaker.services import users as user_service

__all__ = ["AuthController"]


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/login", operation_id="login", status_code=200, responses=errors(429))
    async def login(
        self, request: Request[Any, Any, Any], data: JSONBody[Login], state: State
    ) -> LoginResult:
        """Exchange username and password for a bearer token (8 hours, for the API only).

        Limited per address and per account across all instances (429 with ``Retry-After``).
        """
        # no request connection: a sign-in holds one only for a moment on either side of the
        # password check, so waiting sign-ins cannot take the whole pool
        connect = partial(db.pooled, request.app)
        user = await user_service.authenticate(
            connect, state.passwords, data.username, data.password,
            address=client_address(request),
        )  # fmt: skip
        if user is None:
            raise NotAuthorizedException("wrong username or password")
        async with connect() as conn:
            token = await sessions.open_session(conn, state.jwt, user, "api")
        return LoginResult(
            access_token=token,
            token_type="bearer",  # noqa: S106 (the OAuth2 token type, not a secret)
            expires_in=int(TOKEN_LIFETIME.total_seconds()),
            user=user,
        )

    @post("/logout", operation_id="logout", status_code=204, guards=[signed_in])
    async def logout(self, request: Request[Any, Any, Any], conn: Conn) -> None:
        """End this token: from now on it is refused (401), as an expired one is."""
        await sessions.close(conn, request.auth)

    @get("/me", operation_id="me", guards=[signed_in])
    async def me(self, user: User) -> CurrentUser:
        """Who the token signs in."""
        assert user is not None
        return user
