"""Keyset pagination: stable pages while rows are added, and sorts that can use an index.

A list block in ``sql/queries`` selects ``{sort_key} AS sort_key`` and ends in ``{keyset}``,
``ORDER BY {order}`` and ``LIMIT {limit}``.
:func:`render` fills them from a :class:`Sort` chosen from the module's whitelist (the user only
names a sort; no user text enters SQL), appending three parameters: the cursor's key, its id and
the limit. A cursor is opaque base64 of ``[sort, key, id]``; one from another sort, or tampered,
is refused naming the field ``cursor``.

>>> NEWEST = Sort("d.id", descending=True)
>>> "d.id < $3" in render("SELECT 1 WHERE {keyset} ORDER BY {order} LIMIT {limit}", NEWEST, 2)
True
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

import msgspec

from matchmaker.errors import Invalid

__all__ = ["MAX_LIMIT", "Sort", "by_relevance", "cursor_args", "fetch_page", "paginate", "render"]

T = TypeVar("T")

MAX_LIMIT = 200


class Sort(NamedTuple):
    """An order over rows: by ``id_sql`` alone, or by ``key_sql`` then ``id_sql``.

    ``key_sql`` must never be NULL (wrap it in COALESCE); ``key_type`` is its SQL type. For a
    date sentinel use ``'infinity'::date``: asyncpg sends ``date.max`` as infinity, so a sentinel
    like 9999-12-31 would not survive the cursor's round trip.
    """

    id_sql: str
    descending: bool = True
    key_sql: str | None = None
    key_type: str = "bigint"


def by_relevance(vector_sql: str, query_param: int) -> Sort:
    """Best text match first: ``search_rank`` (migration 0021: the phrase typed, then the query's
    own words above their synonyms, the title above the rest, then ``ts_rank``) against the list's
    compiled search ``$query_param``, parsed once per query; 0 for every row without a query.

    The function's body is written out here rather than called: PostgreSQL cannot inline a SQL
    function whose arguments are sub-selects used more than once, and calling it row by row was
    half of a search's ranking (190 of 400 ms for 29,000 matches). The value is the function's,
    bit for bit (its sum rounded to ``real`` as its result is), tested in ``test_search.py``.
    """
    qs = f"(SELECT search_queries(${query_param}::text))"
    v = vector_sql
    steps = " + ".join(
        f"{weight} * coalesce({v} @@ {qs}[{line}], false)::int"
        for weight, line in ((1, 2), (2, 3), (2, 4), (4, 5), (4, 6))
    )
    key = f"coalesce(({steps} + ts_rank({v}, {qs}[1], 32))::real, 0)::float8"
    return Sort(vector_sql.split(".")[0] + ".id", key_sql=key, key_type="double precision")


@functools.cache
def render(block: str, sort: Sort, params_before: int) -> str:
    """The block with keyset predicate, order and limit for ``sort``.

    Parameters after the filters' ``params_before``: the cursor's id (id-only sorts) or its key and
    id, then the limit — in the order :func:`cursor_args` returns them, limit last.
    """
    n = params_before
    op = "<" if sort.descending else ">"
    direction = "DESC" if sort.descending else "ASC"
    if sort.key_sql is None:
        ident, limit = f"${n + 1}", f"${n + 2}"
        keyset = f"({ident}::bigint IS NULL OR {sort.id_sql} {op} {ident})"
        order = f"{sort.id_sql} {direction}"
    else:
        key, ident, limit = f"${n + 1}", f"${n + 2}", f"${n + 3}"
        keyset = (
            f"({ident}::bigint IS NULL OR ({sort.key_sql}, {sort.id_sql}) {op} "
            f"({key}::{sort.key_type}, {ident}))"
        )
        order = f"{sort.key_sql} {direction}, {sort.id_sql} {direction}"
    return (
        block.replace("{sort_key}", sort.key_sql or sort.id_sql)
        .replace("{keyset}", keyset)
        .replace("{order}", order)
        .replace("{limit}", f"{limit}::int")
    )


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def cursor_args(sort_name: str, sort: Sort, cursor: str | None) -> list[Any]:
    """The cursor parameters to bind: [id] for id-only sorts, else [key, id]; None on page one."""
    width = 1 if sort.key_sql is None else 2
    if not cursor:
        return [None] * width
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, key, ident = msgspec.json.decode(base64.urlsafe_b64decode(padded))
        if name != sort_name or not isinstance(ident, int):
            raise ValueError(name)
        if sort.key_sql is None:
            key = None
        elif sort.key_type == "date":
            key = dt.date.fromisoformat(key)
        elif sort.key_type in ("bigint", "int", "integer"):
            key = int(key)
        elif sort.key_type in ("double precision", "numeric"):
            key = float(key)
        else:
            key = str(key)
    except (ValueError, TypeError, binascii.Error, msgspec.DecodeError):
        raise Invalid(
            "cursor is not a cursor of this list and sort; start again without one", field="cursor"
        ) from None
    return [ident] if sort.key_sql is None else [key, ident]


def paginate(
    rows: Sequence[Any],
    limit: int,
    sort_name: str,
    sort: Sort,
    convert: Callable[[Any], T],
    key_of: Callable[[Any], tuple[Any, int]],
) -> tuple[list[T], str | None]:
    """Items of a page fetched with ``limit + 1`` rows, and the cursor for the next page."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        key, ident = key_of(rows[-1])
        raw = msgspec.json.encode([sort_name, _encode(key) if sort.key_sql else None, ident])
        next_cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return [convert(row) for row in rows], next_cursor


def _row_key(row: Any) -> tuple[Any, int]:
    return row.get("sort_key"), row["id"]


async def fetch_page(
    conn: Any,
    block: str,
    sort_name: str,
    sort: Sort,
    args: Sequence[Any],
    limit: int,
    cursor: str | None,
    convert: Callable[[Any], T],
) -> tuple[list[T], str | None]:
    """One page of a list block: filters ``args``, then the cursor, then ``limit + 1`` rows."""
    query = render(block, sort, len(args))
    rows = await conn.fetch(query, *args, *cursor_args(sort_name, sort, cursor), limit + 1)
    return paginate(rows, limit, sort_name, sort, convert, _row_key)
