"""Need templates (需求模板): list, read, create, edit, archive.

Everyone may read them (the new-need form pre-fills from one); coordinators and admins curate.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import JSONBody, Parameter

from matchmaker.api.params import Conn, User, required
from matchmaker.auth import curators
from matchmaker.models.need_templates import NeedTemplate, NeedTemplateCreate, NeedTemplatePatch
from matchmaker.queries import need_templates as q
from matchmaker.services import need_templates as service

__all__ = ["NeedTemplateController"]

Id = Annotated[int, Parameter(ge=1, le=2**62, description="need template id")]


class NeedTemplateController(Controller):
    path = "/api/v1/need-templates"
    tags = ["need templates"]

    @get("/", operation_id="listNeedTemplates")
    async def list_templates(self, conn: Conn) -> list[NeedTemplate]:
        """Every template in use, by category then name."""
        return await q.list_templates(conn)

    @get("/{template_id:int}", operation_id="getNeedTemplate")
    async def get_template(self, conn: Conn, template_id: Id) -> NeedTemplate:
        return await q.get(conn, template_id)

    @post("/", operation_id="createNeedTemplate", guards=[curators])
    async def create_template(
        self, conn: Conn, user: User, data: JSONBody[NeedTemplateCreate]
    ) -> NeedTemplate:
        """Add a template (its name must be new)."""
        return await service.create(conn, required(user), data)

    @patch("/{template_id:int}", operation_id="updateNeedTemplate", guards=[curators])
    async def update_template(
        self, conn: Conn, user: User, template_id: Id, data: JSONBody[NeedTemplatePatch]
    ) -> NeedTemplate:
        """Change some fields of a template; needs made from it keep what they copied."""
        return await service.patch(conn, required(user), template_id, data)

    @delete("/{template_id:int}", operation_id="archiveNeedTemplate", guards=[curators])
    async def archive_template(self, conn: Conn, user: User, template_id: Id) -> None:
        """Archive a template: it leaves the picker (its history stays in the audit log)."""
        await service.archive(conn, required(user), template_id)
