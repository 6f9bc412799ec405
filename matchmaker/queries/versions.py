"""Library records' versions: typed functions over ``sql/queries/versions.sql``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import asyncpg

from matchmaker.queries import sql

__all__ = ["Library", "lock_version"]

Q = sql("versions")

#: The libraries whose records are edited with PATCH (their table names).
Library = Literal["actors", "cases", "communities", "demands", "policies", "products", "talent"]


async def lock_version(
    conn: asyncpg.Connection, library: Library, record_id: int
) -> dt.datetime | None:
    """The record's ``updated_at``, its row locked until the transaction ends; None when absent."""
    value = await conn.fetchval(Q[library], record_id)
    return value if isinstance(value, dt.datetime) else None
