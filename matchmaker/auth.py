"""Who is asking: login, tokens, the current user and role guards.

Tokens are Litestar JWTs signed with the settings' secret key, sent as ``Authorization: Bearer …``
(API) or in an HttpOnly cookie (web pages). A request without a token is anonymous — the public may
browse — while a bad or expired token is refused with 401. Each token says what it is for
(``use``: ``api`` or ``page``; one never works as the other), carries its user's ``token_version``
(bumped by a password change or deactivation) and an id (``jti``) that signing out revokes; the
user is read fresh on every request, so all three are checked in that one query. Guards then say
which roles may call a route; ownership (your own community, your own organisation) is checked by
the services.

Password hashing is slow on purpose (argon2id), so it runs in worker threads, a bounded number at a
time (:class:`PasswordChecks`), never on the event loop that serves everyone else.

>>> hashed = hash_password("s3cret-enough")
>>> verify_password(hashed, "s3cret-enough")
True
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal, TypeVar

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
    "PasswordChecks",
    "TokenUse",
    "client_address",
    "curators",
    "hash_password",
    "issue_token",
    "make_auth",
    "roles",
    "signed_in",
    "verify_password",
]

TOKEN_LIFETIME = timedelta(hours=8)
SESSION_COOKIE = "matchmaker_session"
#: What a token is for: an API bearer token, or a page's session cookie.
TokenUse = Literal["api", "page"]
T = TypeVar("T")


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


class PasswordChecks:
    """Hash and verify passwords in worker threads, at most ``limit`` at a time.

    One argon2 verification takes tens of milliseconds of CPU; on the event loop a few clients
    sending wrong passwords slowed every other request. Off the loop and bounded, a flood of
    sign-ins waits for a free slot while everything else is served.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = asyncio.Semaphore(limit)
        #: How many computations are waiting for a slot now.
        self.waiting = 0

    async def _off_loop(self, work: Callable[..., T], *args: Any) -> T:
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        try:
            return await asyncio.to_thread(work, *args)
        finally:
            self._slots.release()

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """:func:`verify_password`, off the loop."""
        return await self._off_loop(verify_password, password_hash, password)

    async def hash(self, password: str) -> str:
        """:func:`hash_password`, off the loop."""
        return await self._off_loop(hash_password, password)


def issue_token(
    jwt: JWTCookieAuth[CurrentUser, Token], user: CurrentUser, version: int, use: TokenUse
) -> str:
    """A signed token for ``user`` at their current ``version``, good only for ``use``."""
    return jwt.create_token(
        identifier=str(user.id),
        token_unique_jwt_id=secrets.token_urlsafe(18),
        token_extras={"role": user.role, "use": use, "ver": version},
    )


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
    """The active user a token names, read fresh so a deactivated account stops at once.

    A token sent in the ``Authorization`` header must be an API token, the session cookie's a page
    token (the middleware reads the header whenever there is one); a token of an old version or a
    signed-out one names nobody.
    """
    expected = "api" if connection.headers.get("authorization") else "page"
    version = token.extras.get("ver")
    jti = token.jti
    if token.extras.get("use") != expected or type(version) is not int or not isinstance(jti, str):
        return None
    try:
        user_id = int(token.sub)
    except ValueError:
        return None
    async with db.pooled(connection.app) as conn:
        return await user_queries.current(conn, user_id, version, jti)


def make_auth(secret_key: str, *, secure: bool = False) -> JWTCookieAuth[CurrentUser, Token]:
    """The app's JWT configuration: header or cookie, 8-hour tokens, anonymous allowed."""
    return JWTCookieAuth[CurrentUser, Token](
        retrieve_user_handler=_retrieve_user,
        token_secret=secret_key,
        key=SESSION_COOKIE,
        default_token_expiration=TOKEN_LIFETIME,
        authentication_middleware_class=_OptionalJWTMiddleware,
        samesite="lax",
        secure=secure,  # MATCHMAKER_SECURE_COOKIES: over TLS only
        exclude=["^/schema", "^/health$", "^/ready$", "^/static/"],
    )


def _asking(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[bool, CurrentUser | None]:
    """(whether the guard applies, the user): an ``OPTIONS`` request only asks which methods a
    route has — it reads nothing and the authentication middleware skips it — so guards let it
    through to its ``Allow`` answer."""
    if connection.scope.get("method") == "OPTIONS":
        return False, None
    return True, connection.scope.get("user")


def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: any signed-in user."""
    applies, user = _asking(connection)
    if applies and user is None:
        raise NotAuthorizedException("sign in first")


def roles(*allowed: Role) -> Any:
    """Guard factory: only users whose role is one of ``allowed``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        applies, user = _asking(connection)
        if not applies:
            return
        if user is None:
            raise NotAuthorizedException("sign in first")
        if user.role not in allowed:
            raise PermissionDeniedException(f"this needs the role {' or '.join(allowed)}")

    return guard


#: Guard: coordinators and admins (the curators); their area is checked by the services.
curators = roles("coordinator", "admin")
