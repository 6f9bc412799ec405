"""Curating the actor library (主体库): who may add, edit and archive an organisation.

Admins curate every actor, a coordinator those serving a district of their area (and an actor
they add or edit must still serve one). An organisation's own staff (a ``partner`` user bound
to it) may edit its profile, but not what a curator vouches for: ``verified``, ``grade``, ``kind``.
Every change runs in one transaction with its audit entry.

>>> await patch(conn, partner, partner.actor_id, ActorPatch(capacity=5))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Forbidden, Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.actors import (
    PARTNER_FIXED_FIELDS,
    REMOTABLE,
    Actor,
    ActorCreate,
    ActorPatch,
)
from matchmaker.queries import actors as q
from matchmaker.queries import audit
from matchmaker.search import index as search_index
from matchmaker.segment import search_text
from matchmaker.services.access import (
    curates,
    governs_any,
    require_actor,
    require_curator,
    require_governs_actor,
)
from matchmaker.services.communities import check_districts
from matchmaker.services.notify import Notice, tell

__all__ = ["archive", "create", "patch"]

EDITABLE = (
    "name", "kind", "grade", "verified", "categories", "resource_types", "district_ids", "remote",
    "remote_resource_types", "service_radius_km", "capacity", "lat", "lon", "description", "website", "contact_name", "contact_phone",
    "contact_email",
)  # fmt: skip


def _remote_types(values: dict[str, Any], changes: dict[str, Any] | None) -> list[str]:
    """What it delivers from afar.

    Given explicitly: as given, and a type it does not offer at all is refused by name. Otherwise
    the ``remote`` shortcut decides on create or when it changes (its types that can travel), and an
    edit of its resource types keeps only the remote ones it still offers.
    """
    offered = values["resource_types"]
    explicit = values["remote_resource_types"] is not None and (
        changes is None or "remote_resource_types" in changes
    )
    if explicit:
        given = list(dict.fromkeys(values["remote_resource_types"]))
        extra = [r for r in given if r not in offered]
        if extra:
            raise Invalid(
                f"remote_resource_types: {', '.join(extra)} is not among its resource_types",
                field="remote_resource_types",
            )
        return given
    if changes is None or "remote" in changes:
        return [r for r in offered if r in REMOTABLE] if values["remote"] else []
    return [r for r in values["remote_resource_types"] if r in offered]


def _normalised(values: dict[str, Any], changes: dict[str, Any] | None = None) -> dict[str, Any]:
    for key in ("categories", "resource_types", "district_ids"):
        values[key] = list(dict.fromkeys(values[key]))  # repeats dropped, order kept
    values["remote_resource_types"] = _remote_types(values, changes)
    values["search_text"] = search_text(values["name"], values["description"])
    return values


def _require_in_area(user: CurrentUser, district_ids: list[int]) -> None:
    """A coordinator's organisation must serve a district of their area (else they lose it)."""
    if curates(user) and not governs_any(user, district_ids):
        raise Forbidden(
            "district_ids: a coordinator's organisation must serve a district of their area",
            field="district_ids",
        )


async def create(conn: asyncpg.Connection, user: CurrentUser, body: ActorCreate) -> Actor:
    require_curator(user)
    body.check_grade()
    values = _normalised(msgspec.structs.asdict(body))
    async with conn.transaction():
        await check_districts(conn, values["district_ids"])
        _require_in_area(user, values["district_ids"])
        actor_id = await q.insert(conn, values)
        await q.set_districts(conn, actor_id, values["district_ids"])
        await search_index.refresh(conn, "actors", [actor_id])
        actor = await q.get(conn, actor_id)
        await audit.record(conn, user, "actor", actor_id, "create", None, actor)
    return actor


def _refuse_fixed_fields(
    user: CurrentUser, before: dict[str, Any], changes: dict[str, Any]
) -> None:
    """An organisation's own staff may not change what a curator vouches for."""
    if curates(user):
        return
    for field in PARTNER_FIXED_FIELDS:
        if field in changes and changes[field] != before[field]:
            raise Forbidden(
                f"{field}: only a coordinator or an admin may change an organisation's {field}",
                field=field,
            )


async def patch(
    conn: asyncpg.Connection, user: CurrentUser, actor_id: int, body: ActorPatch
) -> Actor:
    """Change some fields; ``district_ids`` replaces the districts served."""
    await require_actor(conn, user, actor_id)
    async with conn.transaction():
        before = await q.row_for_update(conn, actor_id)
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        _refuse_fixed_fields(user, before, changes)
        after = {k: before[k] for k in EDITABLE} | changes
        msgspec.convert(after, ActorPatch).check_grade()
        if "district_ids" in changes:
            await check_districts(conn, changes["district_ids"])
            _require_in_area(user, changes["district_ids"])
        values = _normalised(after, changes)
        await q.update(conn, actor_id, values)
        await q.set_districts(conn, actor_id, values["district_ids"])
        await search_index.refresh(conn, "actors", [actor_id])
        actor = await q.get(conn, actor_id)
        await audit.record(conn, user, "actor", actor_id, "update", before, actor)
        if actor.verified != before["verified"]:  # a verification decision, told to its staff
            notice = Notice(
                "actor_verified" if actor.verified else "actor_unverified", "actor", actor_id,
                "/profile", {"actor": actor.name},
            )  # fmt: skip
            await tell(conn, notice, actor_id=actor_id, by=user)
    return actor


async def archive(conn: asyncpg.Connection, user: CurrentUser, actor_id: int) -> None:
    """Archive: the actor leaves every list and GET answers 404; its history stays."""
    await require_governs_actor(conn, user, actor_id)
    async with conn.transaction():
        before = await q.row_for_update(conn, actor_id)
        await q.archive(conn, actor_id)
        await audit.record(conn, user, "actor", actor_id, "archive", before, None)
