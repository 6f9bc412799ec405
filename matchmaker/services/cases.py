"""Curating the case library: create, edit and archive cases with their partners, audited.

Only admins and the coordinators of its community's district change a case; everyone may read
them. A case names a live community and live partner organisations; when it records a partnership, that partnership is completed and
served a need of the same community.

>>> case = await create(conn, coordinator, CaseCreate(community_id=1, title="小渔乐",
...                                                     category="child_care", actor_ids=[3]))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from matchmaker.errors import Forbidden, Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.cases import Case, CaseCreate, CasePatch
from matchmaker.queries import audit
from matchmaker.queries import cases as q
from matchmaker.segment import search_text
from matchmaker.services.access import governs_community, require_curator

__all__ = ["archive", "create", "patch"]

EDITABLE = (
    "community_id", "title", "summary", "category", "model_tags", "actor_ids", "beneficiaries",
    "duration_months", "rating", "year", "partnership_id",
)  # fmt: skip


def _with_search(values: dict[str, Any]) -> dict[str, Any]:
    values["search_text"] = search_text(
        values["title"], values["summary"], " ".join(values["model_tags"])
    )
    return values


async def _check_references(
    conn: asyncpg.Connection, values: dict[str, Any], changed: set[str]
) -> None:
    """Refuse, naming the field, a community, partner or partnership that cannot be linked."""
    community_id = values["community_id"]
    if "community_id" in changed and not await q.community_exists(conn, community_id):
        raise Invalid(
            f"community_id: community {community_id} does not exist", field="community_id"
        )
    if "actor_ids" in changed:
        missing = await q.missing_actors(conn, values["actor_ids"])
        if missing:
            names = ", ".join(str(i) for i in missing)
            raise Invalid(f"actor_ids: no such partner organisation: {names}", field="actor_ids")
    partnership_id = values["partnership_id"]
    if partnership_id is not None and changed & {"partnership_id", "community_id"}:
        found = await q.partnership(conn, partnership_id)
        if found is None:
            raise Invalid(
                f"partnership_id: partnership {partnership_id} does not exist",
                field="partnership_id",
            )
        if found["status"] != "completed":
            raise Invalid(
                f"partnership_id: only a completed partnership can become a case "
                f"(this one is {found['status']})",
                field="partnership_id",
            )
        if found["community_id"] != community_id:
            raise Invalid(
                "partnership_id: the partnership served a need of another community",
                field="partnership_id",
            )


async def _require_in_area(conn: asyncpg.Connection, user: CurrentUser, community_id: int) -> None:
    """A case follows its community: a coordinator curates the cases of their area's communities."""
    if not await governs_community(conn, user, community_id):
        raise Forbidden(
            "only a coordinator of the case's community's district (or an admin) may do this"
        )


async def create(conn: asyncpg.Connection, user: CurrentUser, body: CaseCreate) -> Case:
    require_curator(user)
    values = _with_search(msgspec.structs.asdict(body))
    values["actor_ids"] = list(dict.fromkeys(values["actor_ids"]))
    async with conn.transaction():
        await _check_references(conn, values, set(EDITABLE))
        await _require_in_area(conn, user, values["community_id"])
        case_id = await q.insert(conn, values)
        await q.set_actors(conn, case_id, values["actor_ids"])
        case = await q.get(conn, case_id)
        await audit.record(conn, user, "case", case_id, "create", None, case)
    return case


async def patch(conn: asyncpg.Connection, user: CurrentUser, case_id: int, body: CasePatch) -> Case:
    """Change some fields; ``actor_ids``, when sent, replaces the case's partners."""
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, case_id)
        await _require_in_area(conn, user, before["community_id"])
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        if "actor_ids" in changes:
            changes["actor_ids"] = list(dict.fromkeys(changes["actor_ids"]))
        after = {k: before[k] for k in EDITABLE} | changes
        msgspec.convert(after, CasePatch)
        await _check_references(conn, after, set(changes))
        if after["community_id"] != before["community_id"]:
            await _require_in_area(conn, user, after["community_id"])
        await q.update(conn, case_id, _with_search(after))
        if "actor_ids" in changes:
            await q.set_actors(conn, case_id, after["actor_ids"])
        case = await q.get(conn, case_id)
        await audit.record(conn, user, "case", case_id, "update", before, case)
    return case


async def archive(conn: asyncpg.Connection, user: CurrentUser, case_id: int) -> None:
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, case_id)
        await _require_in_area(conn, user, before["community_id"])
        await q.archive(conn, case_id)
        await audit.record(conn, user, "case", case_id, "archive", before, None)
