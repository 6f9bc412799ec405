"""Curating need templates: create, edit and archive, each with its audit entry.

Coordinators and admins maintain the templates (they lie in no district, like policies); everyone
may read them, and community staff pick one on the new-need form.
"""

from __future__ import annotations

import asyncpg
import msgspec

from matchmaker.models import CurrentUser
from matchmaker.models.need_templates import NeedTemplate, NeedTemplateCreate, NeedTemplatePatch
from matchmaker.queries import audit
from matchmaker.queries import need_templates as q
from matchmaker.services.access import require_curator

__all__ = ["archive", "create", "patch"]


async def create(
    conn: asyncpg.Connection, user: CurrentUser, body: NeedTemplateCreate
) -> NeedTemplate:
    require_curator(user)
    async with conn.transaction():
        template_id = await q.insert(conn, msgspec.structs.asdict(body))
        template = await q.get(conn, template_id)
        await audit.record(conn, user, "need_template", template_id, "create", None, template)
    return template


async def patch(
    conn: asyncpg.Connection, user: CurrentUser, template_id: int, body: NeedTemplatePatch
) -> NeedTemplate:
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, template_id)
        changes = {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        await q.update(conn, template_id, {k: before[k] for k in q.FIELDS} | changes)
        template = await q.get(conn, template_id)
        await audit.record(conn, user, "need_template", template_id, "update", before, template)
    return template


async def archive(conn: asyncpg.Connection, user: CurrentUser, template_id: int) -> None:
    require_curator(user)
    async with conn.transaction():
        before = await q.row_for_update(conn, template_id)
        await q.archive(conn, template_id)
        await audit.record(conn, user, "need_template", template_id, "archive", before, None)
