"""Products (产品库): list, read, create, edit, archive.

Everyone, anonymous included, may read products. Coordinators and admins change any organisation's
products; a partner only their own organisation's.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromQuery, JSONBody, Parameter, QueryParameter

from matchmaker.api.params import Conn, Cursor, Limit, Query, User, required, searched
from matchmaker.api.versioned import ETAG, IfMatch, tagged
from matchmaker.auth import roles
from matchmaker.models import Page
from matchmaker.models.products import Product, ProductCreate, ProductPatch, ProductSort
from matchmaker.queries import products as q
from matchmaker.services import products as service
from matchmaker.services import versions
from matchmaker.vocab import Category, DeliveryMode, TargetGroup

__all__ = ["ProductController"]

OFFERERS = roles("partner", "coordinator", "admin")
Id = Annotated[int, Parameter(ge=1, le=2**62, description="product id")]
ActorId = Annotated[int | None, QueryParameter(ge=1, le=2**62, description="offering actor")]


class ProductController(Controller):
    path = "/api/v1/products"
    tags = ["products"]

    @get("/", operation_id="listProducts")
    async def list_products(
        self,
        conn: Conn,
        actor_id: ActorId = None,
        category: FromQuery[Category | None] = None,
        target_group: FromQuery[TargetGroup | None] = None,
        delivery_mode: FromQuery[DeliveryMode | None] = None,
        free: FromQuery[bool | None] = None,
        q_: Query = None,
        sort: FromQuery[ProductSort | None] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> Page[Product]:
        """Products, newest first by default; filter (``free=true``: 公益 only), search, page."""
        search = await searched(conn, q_)
        if not search.can_match:
            return Page(items=[])
        filters = q.ProductFilters(
            actor_id=actor_id, category=category, target_group=target_group,
            delivery_mode=delivery_mode, free=free, q=search.tsquery,
        )  # fmt: skip
        items, next_cursor = await q.list_products(
            conn,
            filters,
            sort=sort or ("relevance" if search.tsquery else "newest"),
            limit=limit,
            cursor=cursor,
        )
        return Page(items=items, next_cursor=next_cursor)

    @get("/{product_id:int}", operation_id="getProduct", response_headers=ETAG)
    async def get_product(self, conn: Conn, product_id: Id) -> Response[Product]:
        """One product, with the organisation that offers it."""
        return tagged(await q.get(conn, product_id))

    @post("/", operation_id="createProduct", guards=[OFFERERS])
    async def create_product(
        self, conn: Conn, user: User, data: JSONBody[ProductCreate]
    ) -> Product:
        """Offer a product (a partner's ``actor_id`` defaults to their own organisation)."""
        return await service.create(conn, required(user), data)

    @patch(
        "/{product_id:int}", operation_id="updateProduct", guards=[OFFERERS], response_headers=ETAG
    )
    async def update_product(
        self,
        conn: Conn,
        user: User,
        product_id: Id,
        data: JSONBody[ProductPatch],
        if_match: IfMatch = None,
    ) -> Response[Product]:
        """Change some fields of a product of your organisation."""
        async with versions.expecting(conn, "products", product_id, if_match):
            changed = await service.patch(conn, required(user), product_id, data)
        return tagged(changed)

    @delete("/{product_id:int}", operation_id="archiveProduct", guards=[OFFERERS])
    async def archive_product(self, conn: Conn, user: User, product_id: Id) -> None:
        """Archive a product: it leaves every list (the record and its history stay)."""
        await service.archive(conn, required(user), product_id)
