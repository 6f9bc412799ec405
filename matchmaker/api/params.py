"""What every JSON controller shares: paging parameters, the current user, the query text."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import QueryParameter

from matchmaker.models import CurrentUser
from matchmaker.queries.paging import MAX_LIMIT
from matchmaker.search.query import Search, compile_query

__all__ = [
    "Conn",
    "Cursor",
    "IdFilter",
    "Limit",
    "Query",
    "User",
    "provide_user",
    "required",
    "searched",
]

#: The request's pooled database connection (dependency ``conn``).
Conn = NamedDependency[asyncpg.Connection]
#: The signed-in user or None (dependency ``user``).
User = NamedDependency[CurrentUser | None]

#: An optional id to filter by, bounded so a huge number is refused naming its field.
IdFilter = Annotated[int | None, QueryParameter(ge=1, le=2**62)]
Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"items per page, 1–{MAX_LIMIT}")
]
Cursor = Annotated[
    str | None,
    QueryParameter(
        max_length=500, description="the previous page's next_cursor; omit for page one"
    ),
]
Query = Annotated[
    str | None,
    QueryParameter(
        name="q",
        max_length=200,
        description="search: words (jieba), the words inside them and their synonyms; best match first",
    ),
]


def provide_user(request: Request[Any, Any, Any]) -> CurrentUser | None:
    """The signed-in user, or None for an anonymous request."""
    user = request.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


def required(user: CurrentUser | None) -> CurrentUser:
    """The user of a guarded route (the guard already refused anonymous calls)."""
    if user is None:
        raise NotAuthorizedException("sign in first")
    return user


async def searched(conn: asyncpg.Connection, q: str | None) -> Search:
    """The compiled search (``search.tsquery`` for the SQL; ``can_match`` False: answer nothing)."""
    return await compile_query(conn, q)
