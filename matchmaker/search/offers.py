"""What to offer when a search finds nothing: the categories where a looser search finds needs.

The looser search takes any one of the query's concepts (its words, their bigrams or synonyms)
instead of all of them; when even that finds nothing, every category with open needs is offered,
with its count, so a reader is never left at a dead end.
"""

from __future__ import annotations

import asyncpg
import msgspec

from matchmaker.queries import sql
from matchmaker.search.query import Search

__all__ = ["Offers", "categories_for"]

Q = sql("search")


class Offers(msgspec.Struct, frozen=True):
    """Categories to try, with how many open needs each holds; ``related``: for a looser search."""

    related: bool
    categories: list[tuple[str, int]]


async def categories_for(conn: asyncpg.Connection, search: Search) -> Offers:
    """Categories holding open needs a looser ``search`` finds, else every category with counts."""
    if search.loose is not None:
        rows = await conn.fetch(Q["categories_matching"], search.loose)
        if rows:
            return Offers(True, [(r["category"], r["n"]) for r in rows])
    rows = await conn.fetch(Q["categories_open"])
    return Offers(False, [(r["category"], r["n"]) for r in rows])
