"""The Python around one library table's named queries: list, get, lock, insert, update, archive.

A library's ``sql/queries/<library>.sql`` (named for its description's ``name``) holds the blocks
``list``, ``get``, ``row_for_update``, ``insert``, ``update`` and ``archive``; a :class:`Table`
runs them the one way every library needs, so its query module keeps only what is its own (a
case's partners, a product's organisation). The SQL stays in the file: nothing here writes any.
Parameters are bound by name: the ``list`` block takes its filters Struct's fields in order
(``q``, the compiled search, last); ``insert`` and ``update`` take the columns their SQL names
(``INSERT INTO t (a, b) VALUES ($1, $2)``, ``SET a = $2, b = $3 … WHERE id = $1``), read from the
block once — and those must be the description's stored fields (``update``: less the create-only
ones) and ``search_text``, or the module refuses to load.

>>> _insert_columns("INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id")
('a', 'b')
>>> _update_columns("UPDATE t SET b = $3, a = $2 WHERE id = $1")
('a', 'b')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import asyncpg
import msgspec

from matchmaker.errors import Conflict
from matchmaker.libraries.shape import Library
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, fetch_page

__all__ = ["Table"]

R = TypeVar("R", bound=msgspec.Struct)

_INSERT = re.compile(r"INSERT INTO \w+\s*\(([^)]*)\)\s*VALUES\s*\(([^)]*)\)", re.IGNORECASE)
_SET = re.compile(r"\bSET\b(.*)\bWHERE\s+id\s*=\s*\$1\s*$", re.IGNORECASE | re.DOTALL)
_ASSIGN = re.compile(r"(\w+)\s*=\s*\$(\d+)")


def _insert_columns(block: str) -> tuple[str, ...]:
    """The columns an ``insert`` block binds, in parameter order ($1, $2 …)."""
    found = _INSERT.search(block)
    if found is None:
        raise ValueError("the insert block names no column list")
    columns = tuple(c.strip() for c in found[1].split(","))
    values = tuple(v.strip() for v in found[2].split(","))
    if values != tuple(f"${i}" for i in range(1, len(columns) + 1)):
        raise ValueError(f"the insert block must bind ${1} … ${len(columns)} in order")
    return columns


def _update_columns(block: str) -> tuple[str, ...]:
    """The columns an ``update`` block sets, in parameter order ($2, $3 …; $1 is the id)."""
    found = _SET.search(block)
    if found is None:
        raise ValueError("the update block sets no columns of one row by id ($1)")
    pairs = sorted((int(n), column) for column, n in _ASSIGN.findall(found[1]))
    if [n for n, _ in pairs] != list(range(2, len(pairs) + 2)):
        raise ValueError(f"the update block must bind $2 … ${len(pairs) + 1} once each")
    return tuple(column for _, column in pairs)


class Table(Generic[R]):
    """One library's table: its list, get, row_for_update, insert, update and archive blocks."""

    def __init__(
        self,
        library: Library,
        read: type[R],
        filters: type[msgspec.Struct],
        sorts: Mapping[str, Sort],
        unique: Mapping[str, tuple[str, str]],
    ) -> None:
        """``unique``: each unique constraint's name → (the field it is about, why it refuses)."""
        self.library = library
        self.read = read
        self.sorts = sorts
        self.unique = unique
        self.q = sql(library.name)
        self.filter_names = tuple(f.name for f in msgspec.structs.fields(filters))
        self.inserts = _insert_columns(self.q["insert"])
        self.updates = _update_columns(self.q["update"])
        stored = set(library.stored) | {"search_text"}
        fixed = {f.name for f in library.fields if f.create_only}
        if set(self.inserts) != stored or set(self.updates) != stored - fixed:
            raise ValueError(
                f"sql/queries/{library.name}.sql: insert binds {self.inserts}, update "
                f"{self.updates}; the description stores {sorted(stored)}"
            )

    def row(self, record: asyncpg.Record) -> R:
        return msgspec.convert(dict(record), self.read)

    def conflict(self, exc: asyncpg.UniqueViolationError) -> Conflict:
        """A unique violation as a Conflict naming the field it is about."""
        name = exc.constraint_name or ""
        if name in self.unique:
            field, message = self.unique[name]
            return Conflict(f"{field}: {message}", field=field)
        return Conflict(f"this value is already taken ({exc.constraint_name})")

    async def page(
        self,
        conn: asyncpg.Connection,
        filters: msgspec.Struct,
        *,
        sort: str,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[R], str | None]:
        """One page; ``filters.q`` must already be segmented (see ``segment.query_text``)."""
        args: list[Any] = [getattr(filters, name) for name in self.filter_names]
        args[self.filter_names.index("q")] = getattr(filters, "q", None) or None
        return await fetch_page(
            conn, self.q["list"], sort, self.sorts[sort], args, limit, cursor, self.row
        )

    async def get(self, conn: asyncpg.Connection, row_id: int) -> R:
        record = await one(conn, self.q["get"], row_id, entity=self.library.entity, key=row_id)
        return self.row(record)

    async def row_for_update(self, conn: asyncpg.Connection, row_id: int) -> dict[str, Any]:
        """The stored row, locked until the caller's transaction ends."""
        block = self.q["row_for_update"]
        return dict(await one(conn, block, row_id, entity=self.library.entity, key=row_id))

    async def insert(self, conn: asyncpg.Connection, values: Mapping[str, Any]) -> int:
        """A new row's id; a unique violation is a Conflict naming its field."""
        try:
            return int(await conn.fetchval(self.q["insert"], *(values[c] for c in self.inserts)))
        except asyncpg.UniqueViolationError as exc:
            raise self.conflict(exc) from None

    async def update(
        self, conn: asyncpg.Connection, row_id: int, values: Mapping[str, Any]
    ) -> None:
        """Write every editable column; a unique violation is a Conflict naming its field."""
        try:
            await conn.execute(self.q["update"], row_id, *(values[c] for c in self.updates))
        except asyncpg.UniqueViolationError as exc:
            raise self.conflict(exc) from None

    async def archive(self, conn: asyncpg.Connection, row_id: int) -> None:
        await conn.execute(self.q["archive"], row_id)
