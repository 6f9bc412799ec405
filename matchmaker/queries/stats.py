"""Dashboard statistics: typed functions over ``sql/queries/stats.sql``.

Every figure is counted by PostgreSQL (one query per table family, none per row); Python only adds
the vocabularies' labels and the statuses no row has yet.

>>> stats = await read(conn)  # doctest: +SKIP
>>> stats.standard_1257n.meeting + stats.standard_1257n.falling_short == stats.libraries.communities  # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Iterable

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

__all__ = ["library_counts", "needs_by_month", "partner_activity", "read", "standard_1257n"]

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


async def standard_1257n(conn: asyncpg.Connection, districts: Districts = None) -> Standard1257N:
    """Every community against the "1257N" standard, with the totals meeting and falling short."""
    rows = await conn.fetch(Q["standard_1257n"], districts, *(r.needs for r in STANDARD_1257N))
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


async def read(conn: asyncpg.Connection, districts: Districts = None) -> Stats:
    """All dashboard figures (of ``districts``, or everywhere), read in one repeatable-read
    snapshot so they agree with each other."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        libraries = await library_counts(conn, districts)
        demand_rows = await conn.fetch(Q["demands_by_status"], districts)
        district_rows = await conn.fetch(Q["needs_by_district"], districts)
        category_rows = await conn.fetch(Q["needs_by_category"], districts)
        partnership_rows = await conn.fetch(Q["partnerships_by_status"], districts)
        standard = await standard_1257n(conn, districts)
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
    conn: asyncpg.Connection, months: int = 12, districts: Districts = None
) -> list[asyncpg.Record]:
    """(month ``YYYY-MM``, opened, fulfilled) for the last ``months`` months, oldest first."""
    return list(await conn.fetch(Q["needs_by_month"], districts, months))


async def partner_activity(
    conn: asyncpg.Connection, limit: int = 10, districts: Districts = None
) -> list[asyncpg.Record]:
    """The most active partners: interests, proposals, proposals accepted, completed work."""
    return list(await conn.fetch(Q["partner_activity"], districts, limit))
