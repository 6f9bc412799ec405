"""Products: typed functions over ``sql/queries/products.sql`` (the shared shape: :class:`Table`)."""

from __future__ import annotations

import asyncpg
import msgspec

from matchmaker.libraries.products import PRODUCTS
from matchmaker.models.products import Product
from matchmaker.queries.library import Table
from matchmaker.queries.paging import Sort, by_relevance

__all__ = [
    "SORTS",
    "TABLE",
    "ProductFilters",
    "actor_exists",
    "archive",
    "get",
    "insert",
    "list_products",
    "row_for_update",
    "update",
]

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
    """Optional narrowing of a product list (the list block's parameters, in order); None: any."""

    actor_id: int | None = None
    category: str | None = None
    target_group: str | None = None
    delivery_mode: str | None = None
    free: bool | None = None
    q: str | None = None


TABLE = Table(
    PRODUCTS, Product, ProductFilters, SORTS,
    unique={
        "products_actor_id_name_key": (
            "name", "this organisation already offers a product with this name"
        )
    },
)  # fmt: skip

list_products = TABLE.page
get = TABLE.get
row_for_update = TABLE.row_for_update
insert = TABLE.insert
update = TABLE.update
archive = TABLE.archive


async def actor_exists(conn: asyncpg.Connection, actor_id: int) -> bool:
    """Whether a live (not archived) actor has this id."""
    return bool(await conn.fetchval(TABLE.q["actor_exists"], actor_id))
