"""Who is asking: login, tokens, the current user and role guards.

Tokens are Litestar JWTs signed with the settings' secret key, sent as ``Authorization: Bearer …``
(API) or in an HttpOnly cookie (web pages). A request without a token is anonymous — the public may
browse — while a bad or expired token is refused with 401. Guards then say which roles may call a
route; ownership (your own community, your own organisation) is checked by the services.

>>> hashed = hash_password("s3cret-enough")
>>> verify_password(hashed, "s3cret-enough")
True
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AuthenticationResult
from litestar.security.jwt import JWTCookieAuth, JWTCookieAuthenticationMiddleware, Token

from matchmaker import db
from matchmaker.models import CurrentUser
from matchmaker.queries import users as user_queries
from matchmaker.vocab import Role

__all__ = [
    "SESSION_COOKIE",
    "TOKEN_LIFETIME",
    "client_address",
    "hash_password",
    "make_auth",
    "roles",
    "signed_in",
    "verify_password",
]

TOKEN_LIFETIME = timedelta(hours=8)
SESSION_COOKIE = "matchmaker_session"


_hasher = PasswordHasher()
#: Verified against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("matchmaker: no such user")


def client_address(request: Request[Any, Any, Any]) -> str:
    """The address a request came from, as the server accepted it.

    uvicorn rewrites it from ``X-Forwarded-For`` only for a peer in ``MATCHMAKER_TRUSTED_PROXIES``
    (see ``cli/serve.py``); from anyone else the header changes nothing.
    """
    return request.client.host if request.client else "unknown"


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; as slow for an unknown user (``None``) as for a known one."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class _OptionalJWTMiddleware(JWTCookieAuthenticationMiddleware):
    """No token: an anonymous request (``request.user is None``).

    The JSON API (``/api/…``) reads only the ``Authorization`` header — a browser never sends that
    by itself, so the API needs no CSRF token — and a bad header token is refused with 401. Pages
    read the session cookie; a stale cookie (expired, or signed with an old key) makes the visitor
    anonymous rather than locking them out of the public pages.
    """

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get(self.auth_header)
        if header or connection.url.path.startswith("/api/"):
            if not header:
                return AuthenticationResult(user=None, auth=None)
            encoded = header.partition(" ")[-1]
            return await self.authenticate_token(encoded_token=encoded, connection=connection)
        cookie = connection.cookies.get(self.auth_cookie_key)
        if not cookie:
            return AuthenticationResult(user=None, auth=None)
        try:
            return await self.authenticate_token(
                encoded_token=cookie.partition(" ")[-1], connection=connection
            )
        except NotAuthorizedException:
            return AuthenticationResult(user=None, auth=None)


async def _retrieve_user(
    token: Token, connection: ASGIConnection[Any, Any, Any, Any]
) -> CurrentUser | None:
    """The active user a token names, read fresh so a deactivated account stops at once."""
    try:
        user_id = int(token.sub)
    except ValueError:
        return None
    async with db.pooled(connection.app) as conn:
        return await user_queries.current(conn, user_id)


def make_auth(secret_key: str) -> JWTCookieAuth[CurrentUser, Token]:
    """The app's JWT configuration: header or cookie, 8-hour tokens, anonymous allowed."""
    return JWTCookieAuth[CurrentUser, Token](
        retrieve_user_handler=_retrieve_user,
        token_secret=secret_key,
        key=SESSION_COOKIE,
        default_token_expiration=TOKEN_LIFETIME,
        authentication_middleware_class=_OptionalJWTMiddleware,
        samesite="lax",
        secure=False,  # set behind TLS by the proxy; local demo runs on http
        exclude=["^/schema", "^/health$", "^/ready$", "^/static/"],
    )


def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: any signed-in user."""
    if connection.user is None:
        raise NotAuthorizedException("sign in first")


def roles(*allowed: Role) -> Any:
    """Guard factory: only users whose role is one of ``allowed``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.user
        if user is None:
            raise NotAuthorizedException("sign in first")
        if user.role not in allowed:
            raise PermissionDeniedException(f"this needs the role {' or '.join(allowed)}")

    return guard
