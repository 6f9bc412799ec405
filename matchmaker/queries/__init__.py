"""Named SQL blocks from ``sql/queries/*.sql``, loaded once.

A file holds blocks introduced by ``-- name: <block>``; :func:`sql` returns them by name, so Python
never builds SQL from strings and every statement can be read (and EXPLAINed) in one place.

>>> sql("seed")["insert_district"].startswith("INSERT")  # doctest: +SKIP
True
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import asyncpg

from matchmaker.errors import NotFound

__all__ = ["QUERIES_DIR", "one", "sql"]

QUERIES_DIR = Path(__file__).resolve().parent.parent.parent / "sql" / "queries"

_BLOCK = re.compile(r"^--\s*name:\s*(\w+)\s*$", re.MULTILINE)


@functools.cache
def sql(family: str) -> dict[str, str]:
    """The blocks of ``sql/queries/<family>.sql`` by name; a duplicate name is a programming error."""
    text = (QUERIES_DIR / f"{family}.sql").read_text(encoding="utf-8")
    parts = _BLOCK.split(text)
    blocks: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in blocks:
            raise ValueError(f"sql/queries/{family}.sql defines {name} twice")
        blocks[name] = body.strip().rstrip(";")
    return blocks


async def one(
    conn: asyncpg.Connection, query: str, *args: Any, entity: str, key: object
) -> asyncpg.Record:
    """The single row ``query`` returns, or :class:`NotFound` naming ``entity`` and ``key``."""
    row = await conn.fetchrow(query, *args)
    if row is None:
        raise NotFound(entity, key)
    return row
