"""The names a library spreadsheet refers to: typed functions over ``sql/queries/library_sheets.sql``."""

from __future__ import annotations

import asyncpg
import msgspec

from matchmaker.queries import sql

__all__ = ["Named", "names"]

Q = sql("library_sheets")


class Named(msgspec.Struct, frozen=True):
    """A row a cell may name: its table, id and name, its parent (a town's district, a
    community's district) and the name that tells apart two of the same name (district, town)."""

    source: str
    id: int
    name: str
    parent: int | None
    qualifier: str | None


async def names(conn: asyncpg.Connection) -> list[Named]:
    """Every district, town, organisation and community by name (one query for a whole file)."""
    return [msgspec.convert(dict(r), Named) for r in await conn.fetch(Q["names"])]
