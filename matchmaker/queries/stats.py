"""Dashboard statistics: typed functions over ``sql/queries/stats.sql``.

Every figure is counted by PostgreSQL (one query per table family, none per row); Python only adds
the vocabularies' labels and the statuses no row has yet.

>>> stats = await read(conn)  # doctest: +SKIP
>>> stats.standard_1257n.meeting + stats.standard_1257n.falling_short == stats.libraries.communities  # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

import asyncpg
import msgspec

from matchmaker.models.stats import (
    STANDARD_1257N,
    CategoryNeeds,
    CommunityStandard,
    DistrictNeeds,
    LibraryCounts,
    Standard1257N,
    Stats,
    StatusCount,
)
from matchmaker.queries import sql
from matchmaker.vocab import LABELS, DemandStatus, PartnershipStatus, codes

__all__ = [
    "Narrower",
    "library_counts",
    "needs_by_month",
    "partner_activity",
    "read",
    "standard_1257n",
]

Q = sql("stats")


def _by_status(
    vocabulary: str, statuses: Iterable[str], rows: list[asyncpg.Record]
) -> list[StatusCount]:
    """A count for every status of the vocabulary, in its order, zeros included."""
    counts = {row["status"]: row["count"] for row in rows}
    labels = LABELS[vocabulary]
    return [
        StatusCount(status, labels[status][0], labels[status][1], counts.get(status, 0))
        for status in statuses
    ]


#: The districts figures are counted over; None: every district (``sql/queries/stats.sql``).
Districts = list[int] | None


class Narrower(NamedTuple):
    """What narrows the dashboard's figures within its districts: a town and a community (None:
    any) and a period ``[since, until)`` (None: all time)."""

    town: int | None = None
    community: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


EVERYTHING = Narrower()


async def standard_1257n(
    conn: asyncpg.Connection, districts: Districts = None, within: Narrower = EVERYTHING
) -> Standard1257N:
    """Every community against the "1257N" standard, with the totals meeting and falling short."""
    rows = await conn.fetch(
        Q["standard_1257n"],
        districts,
        *(r.needs for r in STANDARD_1257N),
        within.town,
        within.community,
    )
    communities = [msgspec.convert(dict(row), CommunityStandard) for row in rows]
    meeting = sum(1 for c in communities if c.meets)
    return Standard1257N(
        standard=list(STANDARD_1257N),
        communities=communities,
        meeting=meeting,
        falling_short=len(communities) - meeting,
    )


async def library_counts(conn: asyncpg.Connection, districts: Districts = None) -> LibraryCounts:
    """Rows in each library, archived ones left out (the libraries page's tiles)."""
    row = await conn.fetchrow(Q["library_counts"], districts)
    return msgspec.convert(dict(row), LibraryCounts)


async def read(
    conn: asyncpg.Connection, districts: Districts = None, within: Narrower = EVERYTHING
) -> Stats:
    """All dashboard figures (of ``districts``, or everywhere; narrowed ``within`` a town, a
    community or a period), read in one repeatable-read snapshot so they agree with each other.
    The library counts are never narrowed."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        libraries = await library_counts(conn, districts)
        demand_rows = await conn.fetch(Q["demands_by_status"], districts, *within)
        district_rows = await conn.fetch(Q["needs_by_district"], districts, *within)
        category_rows = await conn.fetch(Q["needs_by_category"], districts, *within)
        partnership_rows = await conn.fetch(Q["partnerships_by_status"], districts, *within)
        standard = await standard_1257n(conn, districts, within)
    categories = LABELS["category"]
    return Stats(
        libraries=libraries,
        demands_by_status=_by_status("demand_status", codes(DemandStatus), demand_rows),
        needs_by_district=[msgspec.convert(dict(row), DistrictNeeds) for row in district_rows],
        needs_by_category=[
            CategoryNeeds(
                category=row["category"],
                label=categories[row["category"]][0],
                label_en=categories[row["category"]][1],
                open=row["open"],
                fulfilled=row["fulfilled"],
            )
            for row in category_rows
        ],
        partnerships_by_status=_by_status(
            "partnership_status", codes(PartnershipStatus), partnership_rows
        ),
        standard_1257n=standard,
    )


# --- for the coordinators' dashboard page ----------------------------------------------------


async def needs_by_month(
    conn: asyncpg.Connection,
    months: int = 12,
    districts: Districts = None,
    within: Narrower = EVERYTHING,
) -> list[asyncpg.Record]:
    """(month ``YYYY-MM``, opened, fulfilled), oldest first: the last ``months`` months to the
    month ``within.until`` ends in (this one, without a period)."""
    end = (within.until - dt.timedelta(microseconds=1)) if within.until else dt.datetime.now(dt.UTC)
    first = end.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(
        await conn.fetch(Q["needs_by_month"], districts, first, end, within.town, within.community)
    )


async def partner_activity(
    conn: asyncpg.Connection,
    limit: int = 10,
    districts: Districts = None,
    within: Narrower = EVERYTHING,
) -> list[asyncpg.Record]:
    """The most active partners: interests, proposals, proposals accepted, completed work."""
    return list(await conn.fetch(Q["partner_activity"], districts, limit, *within))
