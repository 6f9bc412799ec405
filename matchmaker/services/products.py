"""Offering products: partners keep their own organisation's catalogue, curators any, audited.

Admins may create, edit and archive any actor's products, a coordinator those of an actor serving
their area; a partner only their own
organisation's (on create ``actor_id`` defaults to theirs). A refusal changes nothing.

>>> product = await create(conn, partner, ProductCreate(name="法律咨询进社区", category="legal_services"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.products import Product, ProductCreate, ProductPatch
from matchmaker.queries import audit
from matchmaker.queries import products as q
from matchmaker.segment import search_text
from matchmaker.services.access import curates, require_actor

__all__ = ["archive", "create", "patch"]

EDITABLE = (
    "name", "category", "description", "target_groups", "delivery_mode", "price",
    "capacity_per_month",
)  # fmt: skip


def _with_search(values: dict[str, Any]) -> dict[str, Any]:
    values["search_text"] = search_text(values["name"], values["description"])
    return values


async def create(conn: asyncpg.Connection, user: CurrentUser, body: ProductCreate) -> Product:
    actor_id = body.actor_id
    if actor_id is None:
        if curates(user) or user.actor_id is None:
            raise Invalid(
                "actor_id: required (you are not bound to a partner organisation)", field="actor_id"
            )
        actor_id = user.actor_id
    if not await q.actor_exists(conn, actor_id):
        raise Invalid(f"actor_id: actor {actor_id} does not exist", field="actor_id")
    await require_actor(conn, user, actor_id)
    values = _with_search(msgspec.structs.asdict(body) | {"actor_id": actor_id})
    async with conn.transaction():
        product_id = await q.insert(conn, values)
        product = await q.get(conn, product_id)
        await audit.record(conn, user, "product", product_id, "create", None, product)
    return product


async def patch(
    conn: asyncpg.Connection, user: CurrentUser, product_id: int, body: ProductPatch
) -> Product:
    async with conn.transaction():
        before = await q.row_for_update(conn, product_id)
        await require_actor(conn, user, before["actor_id"])
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        after = {k: before[k] for k in EDITABLE} | changes
        msgspec.convert(after, ProductPatch)
        await q.update(conn, product_id, _with_search(after))
        product = await q.get(conn, product_id)
        await audit.record(conn, user, "product", product_id, "update", before, product)
    return product


async def archive(conn: asyncpg.Connection, user: CurrentUser, product_id: int) -> None:
    async with conn.transaction():
        before = await q.row_for_update(conn, product_id)
        await require_actor(conn, user, before["actor_id"])
        await q.archive(conn, product_id)
        await audit.record(conn, user, "product", product_id, "archive", before, None)
