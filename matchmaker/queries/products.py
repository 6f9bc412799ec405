"""Products: typed functions over ``sql/queries/products.sql``."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Conflict
from matchmaker.models.products import Product, ProductSort
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, by_relevance, fetch_page

__all__ = [
    "SORTS",
    "ProductFilters",
    "actor_exists",
    "archive",
    "get",
    "insert",
    "list_products",
    "row_for_update",
    "update",
]

Q = sql("products")

#: The sorts a list may ask for; the user names one, never writes SQL.
SORTS: dict[str, Sort] = {
    "relevance": by_relevance("p.search", 6),
    "newest": Sort("p.id"),
    "oldest": Sort("p.id", descending=False),
    # cheapest first (公益 products lead)
    "price": Sort("p.id", descending=False, key_sql="p.price::float8", key_type="double precision"),
    # most monthly capacity first
    "capacity": Sort("p.id", key_sql="p.capacity_per_month", key_type="int"),
}


class ProductFilters(msgspec.Struct, kw_only=True):
    """Optional narrowing of a product list; ``None`` means any."""

    actor_id: int | None = None
    category: str | None = None
    target_group: str | None = None
    delivery_mode: str | None = None
    free: bool | None = None
    q: str | None = None


def _product(row: asyncpg.Record) -> Product:
    return msgspec.convert(dict(row), Product)


def _conflict(exc: asyncpg.UniqueViolationError) -> Conflict:
    if exc.constraint_name == "products_actor_id_name_key":
        return Conflict(
            "name: this organisation already offers a product with this name", field="name"
        )
    return Conflict(f"this value is already taken ({exc.constraint_name})")


async def list_products(
    conn: asyncpg.Connection,
    filters: ProductFilters,
    *,
    sort: ProductSort,
    limit: int,
    cursor: str | None,
) -> tuple[list[Product], str | None]:
    """One page of products; ``filters.q`` must already be segmented (see ``segment.query_text``)."""
    spec = SORTS[sort]
    f = filters
    args: list[Any] = [
        f.actor_id, f.category, f.target_group, f.delivery_mode, f.free, f.q or None,
    ]  # fmt: skip
    return await fetch_page(conn, Q["list"], sort, spec, args, limit, cursor, _product)


async def get(conn: asyncpg.Connection, product_id: int) -> Product:
    row = await one(conn, Q["get"], product_id, entity="product", key=product_id)
    return _product(row)


async def row_for_update(conn: asyncpg.Connection, product_id: int) -> dict[str, Any]:
    """The stored row, locked until the caller's transaction ends."""
    row = await one(conn, Q["row_for_update"], product_id, entity="product", key=product_id)
    return dict(row)


async def actor_exists(conn: asyncpg.Connection, actor_id: int) -> bool:
    """Whether a live (not archived) actor has this id."""
    return bool(await conn.fetchval(Q["actor_exists"], actor_id))


async def insert(conn: asyncpg.Connection, values: dict[str, Any]) -> int:
    """A new product's id; a name its actor already uses is a Conflict naming ``name``."""
    v = values
    try:
        return int(
            await conn.fetchval(
                Q["insert"],
                v["actor_id"], v["name"], v["category"], v["description"], v["target_groups"],
                v["delivery_mode"], v["price"], v["capacity_per_month"], v["search_text"],
            )
        )  # fmt: skip
    except asyncpg.UniqueViolationError as exc:
        raise _conflict(exc) from None


async def update(conn: asyncpg.Connection, product_id: int, values: dict[str, Any]) -> None:
    """Write every editable column; a name its actor already uses is a Conflict naming ``name``."""
    v = values
    try:
        await conn.execute(
            Q["update"],
            product_id, v["name"], v["category"], v["description"], v["target_groups"],
            v["delivery_mode"], v["price"], v["capacity_per_month"], v["search_text"],
        )  # fmt: skip
    except asyncpg.UniqueViolationError as exc:
        raise _conflict(exc) from None


async def archive(conn: asyncpg.Connection, product_id: int) -> None:
    await conn.execute(Q["archive"], product_id)
