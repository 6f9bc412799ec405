"""Curating communities: adding, editing and archiving them, each change with its audit entry.

A community's town must lie in its district (the schema holds the pair with a composite foreign
key); the check here answers first, naming ``district_id`` or ``town_id``. Admins change every
community, a coordinator those of their area (and moves one only within it); a community's own staff change only its contact person (``CONTACT_FIELDS``) —
a field they send unchanged is let through, so a client may send back what it read.

>>> community = await create(conn, coordinator, CommunityCreate(...))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Forbidden, Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.communities import (
    CONTACT_FIELDS,
    Community,
    CommunityCreate,
    CommunityPatch,
)
from matchmaker.queries import audit
from matchmaker.queries import communities as q
from matchmaker.search import index as search_index
from matchmaker.segment import search_text
from matchmaker.services.access import curates, require_community, require_governs

__all__ = ["archive", "check_districts", "check_place", "create", "patch"]

EDITABLE = (
    "name", "district_id", "town_id", "kind", "theme", "population", "lat", "lon",
    "social_work_rooms", "social_workers", "community_orgs", "volunteer_teams",
    "charity_resources", "description", *CONTACT_FIELDS,
)  # fmt: skip


def _with_search(values: dict[str, Any]) -> dict[str, Any]:
    values["search_text"] = search_text(values["name"], values["theme"], values["description"])
    return values


async def check_place(conn: asyncpg.Connection, district_id: int, town_id: int) -> None:
    """Refuse an unknown district or town, or a town that lies in another district."""
    if not await q.district_exists(conn, district_id):
        raise Invalid(f"district_id: no district {district_id}", field="district_id")
    town_district = await q.town_district(conn, town_id)
    if town_district is None:
        raise Invalid(f"town_id: no town {town_id}", field="town_id")
    if town_district != district_id:
        raise Invalid(
            f"town_id: town {town_id} lies in district {town_district}, not in district "
            f"{district_id}",
            field="town_id",
        )


async def check_districts(conn: asyncpg.Connection, district_ids: list[int]) -> None:
    """Refuse ids that name no district (for the districts an actor or a person serves)."""
    missing = await q.missing_districts(conn, district_ids)
    if missing:
        shown = ", ".join(str(i) for i in missing)
        raise Invalid(f"district_ids: no district {shown}", field="district_ids")


async def create(conn: asyncpg.Connection, user: CurrentUser, body: CommunityCreate) -> Community:
    values = _with_search(msgspec.structs.asdict(body))
    async with conn.transaction():
        await check_place(conn, body.district_id, body.town_id)
        require_governs(user, body.district_id)
        community_id = await q.insert(conn, values)
        await search_index.refresh(conn, "communities", [community_id])
        community = await q.get(conn, community_id)
        await audit.record(conn, user, "community", community_id, "create", None, community)
    return community


def _refuse_curated_fields(
    user: CurrentUser, before: dict[str, Any], changes: dict[str, Any]
) -> None:
    """A community's own staff may change its contact person, nothing else."""
    if curates(user):
        return
    for field, value in changes.items():
        if field not in CONTACT_FIELDS and value != before[field]:
            raise Forbidden(
                f"{field}: a community's staff may change only its contact "
                f"({', '.join(CONTACT_FIELDS)}); a coordinator or an admin changes {field}",
                field=field,
            )


async def patch(
    conn: asyncpg.Connection, user: CurrentUser, community_id: int, body: CommunityPatch
) -> Community:
    """Change some fields: a curator any, the community's own staff only its contact."""
    await require_community(conn, user, community_id)
    async with conn.transaction():
        before = await q.row_for_update(conn, community_id)
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        _refuse_curated_fields(user, before, changes)
        after = {k: before[k] for k in EDITABLE} | changes
        msgspec.convert(after, CommunityPatch)
        if "district_id" in changes or "town_id" in changes:
            await check_place(conn, after["district_id"], after["town_id"])
        if after["district_id"] != before["district_id"]:  # moved: to a district of theirs
            require_governs(user, after["district_id"])
        await q.update(conn, community_id, _with_search(after))
        await search_index.refresh_community(conn, community_id)
        community = await q.get(conn, community_id)
        await audit.record(conn, user, "community", community_id, "update", before, community)
    return community


async def archive(conn: asyncpg.Connection, user: CurrentUser, community_id: int) -> None:
    """Archive: the community leaves every list and GET answers 404; its history stays."""
    async with conn.transaction():
        before = await q.row_for_update(conn, community_id)
        require_governs(user, before["district_id"])
        await q.archive(conn, community_id)
        await audit.record(conn, user, "community", community_id, "archive", before, None)
