"""How many sign-in attempts are allowed: per address, and per account, across every process.

An address may try ``ADDRESS_LIMIT`` times a minute, right or wrong (it slows down guessing many
accounts); an account takes ``ACCOUNT_LIMIT`` wrong passwords in 15 minutes, from anywhere,
before it refuses sign-in until the window ends (it slows down guessing one password from many
addresses). A right password clears its account's count. The counters are rows in PostgreSQL,
incremented atomically, so two web instances with two processes each share one count.

The address is the connection's peer as the server sees it: ``X-Forwarded-For`` counts only when it
comes from a configured trusted proxy (``MATCHMAKER_TRUSTED_PROXIES``), so a client cannot reset
its count by sending a new header.

>>> await check_address(conn, "203.0.113.7")  # doctest: +SKIP
"""

from __future__ import annotations

import asyncpg

from matchmaker.errors import TooManyAttempts
from matchmaker.queries import login_attempts as q

__all__ = [
    "ACCOUNT_LIMIT",
    "ADDRESS_LIMIT",
    "check_account",
    "check_address",
    "count_or_refuse",
    "failed",
    "succeeded",
]

#: (attempts, window in seconds) one address may make.
ADDRESS_LIMIT = (20, 60)
#: (wrong passwords, window in seconds) one account takes before refusing sign-in.
ACCOUNT_LIMIT = (10, 15 * 60)


def _account(username: str) -> str:
    return f"account:{username.strip().lower()}"


async def count_or_refuse(
    conn: asyncpg.Connection, key: str, limit: tuple[int, int], what: str
) -> None:
    """Count this attempt under ``key``; past ``limit`` (attempts, window in seconds) refuse it
    with 429 saying how long to wait ("too many {what}")."""
    most, window = limit
    attempts, retry_after = await q.count(conn, key, window)
    if attempts > most:
        raise TooManyAttempts(
            f"too many {what}; try again in {retry_after} s", retry_after=retry_after
        )


async def check_address(conn: asyncpg.Connection, address: str) -> None:
    """Count this attempt from ``address``; refuse it past the limit."""
    await count_or_refuse(
        conn, f"address:{address}", ADDRESS_LIMIT, "sign-in attempts from this address"
    )


async def check_account(conn: asyncpg.Connection, username: str) -> None:
    """Refuse sign-in to an account that took too many wrong passwords in its window."""
    limit, window = ACCOUNT_LIMIT
    attempts, retry_after = await q.so_far(conn, _account(username), window)
    if attempts >= limit:
        raise TooManyAttempts(
            f"too many wrong passwords for this account; try again in {retry_after} s",
            retry_after=retry_after,
        )


async def failed(conn: asyncpg.Connection, username: str) -> None:
    """A wrong password (or unknown user) for ``username``: count it against the account."""
    await q.count(conn, _account(username), ACCOUNT_LIMIT[1])


async def succeeded(conn: asyncpg.Connection, username: str) -> None:
    """The right password: the account's count starts again."""
    await q.forget(conn, _account(username))
