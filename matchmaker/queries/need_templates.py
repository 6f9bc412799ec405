"""Need templates: typed functions over ``sql/queries/need_templates.sql``."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Conflict
from matchmaker.models.need_templates import NeedTemplate
from matchmaker.queries import one, sql

__all__ = ["FIELDS", "archive", "get", "insert", "list_templates", "row_for_update", "update"]

Q = sql("need_templates")

#: The stored fields in the order the insert and update statements take them.
FIELDS = (
    "name", "category", "title", "outline", "resource_types", "target_groups", "skills",
    "delivery",
)  # fmt: skip


def _template(row: asyncpg.Record) -> NeedTemplate:
    return msgspec.convert(dict(row), NeedTemplate)


async def list_templates(conn: asyncpg.Connection) -> list[NeedTemplate]:
    """Every template in use; a few dozen at most, so no paging."""
    return [_template(row) for row in await conn.fetch(Q["list"])]


async def get(conn: asyncpg.Connection, template_id: int) -> NeedTemplate:
    row = await one(conn, Q["get"], template_id, entity="need_template", key=template_id)
    return _template(row)


async def row_for_update(conn: asyncpg.Connection, template_id: int) -> dict[str, Any]:
    row = await one(conn, Q["row_for_update"], template_id, entity="need_template", key=template_id)
    return dict(row)


async def _named(conn: asyncpg.Connection, query: str, *args: Any) -> Any:
    """Run a write; a name already in use is a Conflict naming ``name``."""
    try:
        return await conn.fetchval(query, *args)
    except asyncpg.UniqueViolationError:
        raise Conflict("a need template of this name already exists", field="name") from None


async def insert(conn: asyncpg.Connection, values: dict[str, Any]) -> int:
    return int(await _named(conn, Q["insert"], *(values[k] for k in FIELDS)))


async def update(conn: asyncpg.Connection, template_id: int, values: dict[str, Any]) -> None:
    await _named(conn, Q["update"], template_id, *(values[k] for k in FIELDS))


async def archive(conn: asyncpg.Connection, template_id: int) -> None:
    await conn.execute(Q["archive"], template_id)
