"""Curating the talent library (人才库): adding, editing and archiving people.

Only admins and coordinators change it — a coordinator only people who (or whose organisation)
serve a district of their area; every change runs in one transaction with its audit entry.
An affiliation (``actor_id``) must be an organisation in the library; ``district_ids`` replaces the
districts a person serves.

>>> person = await create(conn, coordinator, TalentCreate(display_name="规划师Z", roles=["expert"]))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Forbidden, Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.talent import Talent, TalentCreate, TalentPatch
from matchmaker.queries import actors as actor_queries
from matchmaker.queries import areas, audit
from matchmaker.queries import talent as q
from matchmaker.segment import search_text
from matchmaker.services.access import governs_any, require_curator
from matchmaker.services.communities import check_districts

__all__ = ["archive", "create", "patch"]

EDITABLE = (
    "display_name", "roles", "skills", "certificates", "actor_id", "district_ids",
    "hours_per_month", "bio",
)  # fmt: skip


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    for key in ("roles", "skills", "certificates", "district_ids"):
        values[key] = list(dict.fromkeys(values[key]))  # repeats dropped, order kept
    values["search_text"] = search_text(
        values["display_name"], " ".join(values["skills"]), values["bio"]
    )
    return values


async def _check_actor(conn: asyncpg.Connection, actor_id: int | None) -> None:
    if actor_id is not None and not await actor_queries.exists(conn, actor_id):
        raise Invalid(f"actor_id: no actor {actor_id}", field="actor_id")


async def _require_in_area(
    conn: asyncpg.Connection, user: CurrentUser, district_ids: list[int], actor_id: int | None
) -> None:
    """A coordinator's person serves a district of their area, or belongs to an organisation that does."""
    require_curator(user)
    served = list(district_ids)
    if actor_id is not None:
        served += await areas.actor_districts(conn, actor_id)
    if not governs_any(user, served):
        raise Forbidden(
            "district_ids: a coordinator curates only people who (or whose organisation) serve "
            "a district of their area",
            field="district_ids",
        )


async def create(conn: asyncpg.Connection, user: CurrentUser, body: TalentCreate) -> Talent:
    require_curator(user)
    values = _normalised(msgspec.structs.asdict(body))
    async with conn.transaction():
        await _check_actor(conn, values["actor_id"])
        await check_districts(conn, values["district_ids"])
        await _require_in_area(conn, user, values["district_ids"], values["actor_id"])
        talent_id = await q.insert(conn, values)
        await q.set_districts(conn, talent_id, values["district_ids"])
        person = await q.get(conn, talent_id)
        await audit.record(conn, user, "talent", talent_id, "create", None, person)
    return person


async def patch(
    conn: asyncpg.Connection, user: CurrentUser, talent_id: int, body: TalentPatch
) -> Talent:
    """Change some fields; ``district_ids`` replaces the districts served."""
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, talent_id)
        await _require_in_area(conn, user, await areas.talent_districts(conn, talent_id), None)
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        after = {k: before[k] for k in EDITABLE} | changes
        msgspec.convert(after, TalentPatch)
        if "actor_id" in changes:
            await _check_actor(conn, changes["actor_id"])
        if "district_ids" in changes:
            await check_districts(conn, changes["district_ids"])
        values = _normalised(after)
        await _require_in_area(conn, user, values["district_ids"], values["actor_id"])
        await q.update(conn, talent_id, values)
        await q.set_districts(conn, talent_id, values["district_ids"])
        person = await q.get(conn, talent_id)
        await audit.record(conn, user, "talent", talent_id, "update", before, person)
    return person


async def archive(conn: asyncpg.Connection, user: CurrentUser, talent_id: int) -> None:
    """Archive: the person leaves every list and GET answers 404; the history stays."""
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, talent_id)
        await _require_in_area(conn, user, await areas.talent_districts(conn, talent_id), None)
        await q.archive(conn, talent_id)
        await audit.record(conn, user, "talent", talent_id, "archive", before, None)
