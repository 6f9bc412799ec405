"""Versions of library records, so that two people editing one record cannot overwrite each other.

A record's version is its ``updated_at`` (the clock at its last change, in microseconds): the API
sends it as the ``ETag`` of a record and takes it back in ``If-Match``; the pages carry it in a
hidden field of the edit form. :func:`expecting` wraps a write: inside one transaction it locks
the row, lets the write run, and keeps it only if the version the row had is the one the writer
last read — so the check and the write cannot be separated by another write. A stale version is
:class:`~matchmaker.errors.PreconditionFailed` (412) and nothing changes. No version (a PATCH
without ``If-Match``) writes as before, last writer wins.

>>> etag(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
'"1767225600000000"'
>>> matches('"1", "2"', '"2"'), matches("*", '"2"'), matches('W/"2"', '"2"')
(True, True, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from matchmaker.errors import PreconditionFailed
from matchmaker.queries.versions import Library, lock_version

__all__ = ["etag", "expecting", "matches", "version"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)


def version(updated_at: dt.datetime) -> str:
    """A record's version: its ``updated_at`` as microseconds since 1970, in digits."""
    return str((updated_at - _EPOCH) // _MICRO)


def etag(updated_at: dt.datetime) -> str:
    """The strong ``ETag`` of a record (its version, quoted)."""
    return f'"{version(updated_at)}"'


def matches(if_match: str, current: str) -> bool:
    """Whether an ``If-Match`` value names the current ETag (strong comparison; ``*`` is any).

    A bare version (the digits without quotes, as a form carries it) is taken as its ETag too.
    """
    for candidate in (part.strip() for part in if_match.split(",")):
        if candidate == "*" or candidate == current or f'"{candidate}"' == current:
            return True
    return False


@asynccontextmanager
async def expecting(
    conn: asyncpg.Connection, library: Library, record_id: int, if_match: str | None
) -> AsyncIterator[None]:
    """Run the body (a write) in a transaction that stands only if the record was at
    ``if_match`` when the write began (None: always).

    The row is locked before the body runs, so no other write slips in between; the version is
    compared after it, so whoever may not write the record (or may not know it exists) hears the
    body's own 403 or 404 rather than a 412. A stale version rolls the body back.
    """
    if if_match is None:
        yield
        return
    async with conn.transaction():
        current = await lock_version(conn, library, record_id)
        yield
        if current is not None and not matches(if_match, etag(current)):
            raise PreconditionFailed(
                "this record was changed by someone else since you read it (it is now at "
                f"{etag(current)}; you sent If-Match: {if_match}); nothing was changed: read it "
                "again, reapply your change and send its new ETag"
            )
