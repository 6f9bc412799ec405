"""Curating communities: adding, editing and archiving them, each change with its audit entry.

A community's town must lie in its district (the schema holds the pair with a composite foreign
key); the check here answers first, naming ``district_id`` or ``town_id``.

>>> community = await create(conn, coordinator, CommunityCreate(...))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.communities import Community, CommunityCreate, CommunityPatch
from matchmaker.queries import audit
from matchmaker.queries import communities as q
from matchmaker.segment import search_text
from matchmaker.services.access import require_curator

__all__ = ["archive", "check_districts", "check_place", "create", "patch"]

EDITABLE = (
    "name", "district_id", "town_id", "kind", "theme", "population", "lat", "lon",
    "social_work_rooms", "social_workers", "community_orgs", "volunteer_teams",
    "charity_resources", "description",
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
    require_curator(user)
    values = _with_search(msgspec.structs.asdict(body))
    async with conn.transaction():
        await check_place(conn, body.district_id, body.town_id)
        community_id = await q.insert(conn, values)
        community = await q.get(conn, community_id)
        await audit.record(conn, user, "community", community_id, "create", None, community)
    return community


async def patch(
    conn: asyncpg.Connection, user: CurrentUser, community_id: int, body: CommunityPatch
) -> Community:
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, community_id)
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        after = {k: before[k] for k in EDITABLE} | changes
        msgspec.convert(after, CommunityPatch)
        if "district_id" in changes or "town_id" in changes:
            await check_place(conn, after["district_id"], after["town_id"])
        await q.update(conn, community_id, _with_search(after))
        community = await q.get(conn, community_id)
        await audit.record(conn, user, "community", community_id, "update", before, community)
    return community


async def archive(conn: asyncpg.Connection, user: CurrentUser, community_id: int) -> None:
    """Archive: the community leaves every list and GET answers 404; its history stays."""
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, community_id)
        await q.archive(conn, community_id)
        await audit.record(conn, user, "community", community_id, "archive", before, None)
