"""Sessions: issuing a token at sign-in, and ending it — one token at sign-out, every token of a
user when their password changes or they are deactivated.

A token is good for 8 hours unless ended sooner: its ``ver`` must still be its user's
``token_version`` and its ``jti`` must not be among the revoked tokens (see ``matchmaker.auth``).

>>> token = await open_session(conn, jwt, user, "page")  # doctest: +SKIP
>>> await close(conn, request.auth)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt

import asyncpg
from litestar.security.jwt import JWTCookieAuth, Token

from matchmaker.auth import TokenUse, issue_token
from matchmaker.models import CurrentUser
from matchmaker.queries import sessions as q

__all__ = ["close", "end_all", "open_session"]


async def open_session(
    conn: asyncpg.Connection,
    jwt: JWTCookieAuth[CurrentUser, Token],
    user: CurrentUser,
    use: TokenUse,
) -> str:
    """A new token for ``user``, for the API or for the pages' cookie."""
    return issue_token(jwt, user, await q.token_version(conn, user.id), use)


async def close(conn: asyncpg.Connection, token: Token | None) -> None:
    """Sign out: this token names nobody any more (kept until it would have expired)."""
    if token is None or not isinstance(token.jti, str):
        return
    expires = token.exp if token.exp.tzinfo else token.exp.replace(tzinfo=dt.UTC)
    await q.revoke_one(conn, token.jti, int(token.sub), expires)


async def end_all(conn: asyncpg.Connection, user_id: int) -> None:
    """Every token of ``user_id`` stops at once (a new password, a deactivation)."""
    await q.revoke_all(conn, user_id)
