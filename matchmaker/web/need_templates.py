"""Curators' page of need templates: the list, a form to add one, the same form to edit or
archive one. Staff use the templates on the new-need form (:mod:`matchmaker.web.need_forms`).

The form is read into the API's ``NeedTemplateCreate`` (every field's problem at once); editing
sends every field, so a blank one clears it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from matchmaker.auth import curators
from matchmaker.errors import AppError
from matchmaker.models.need_templates import NeedTemplate, NeedTemplateCreate, NeedTemplatePatch
from matchmaker.queries import need_templates as q
from matchmaker.services import need_templates as service
from matchmaker.web.forms import FormValues, errors_of, parse, read, typed
from matchmaker.web.i18n import Words
from matchmaker.web.page import Req, lang_of, render, see_other, user_of

__all__ = [
    "template_archive",
    "template_create",
    "template_edit",
    "template_save",
    "templates_page",
]

TemplateId = Annotated[int, PathParameter(ge=1, le=2**62)]
LISTS = ("resource_types", "target_groups")
_SEPARATORS = re.compile(r"[、，,;；\n]")

WORDS: Words = {
    "heading": ("需求模板", "Need templates"),
    "intro": (
        "社区工作人员发布需求时可以选一个模板：它预先填好类别、资源、服务对象、技能、服务方式和描述提纲。"
        "修改模板不会改变已经发布的需求。",
        "Staff posting a need may start from a template: it fills the category, resources, groups, "
        "skills, delivery and an outline. Changing a template changes no need already posted.",
    ),
    "new": ("新增模板", "Add a template"),
    "edit": ("修改模板", "Edit the template"),
    "name": ("模板名称", "Name"),
    "category": ("类别", "Category"),
    "title": ("建议的需求标题", "Suggested title"),
    "outline": ("描述提纲", "Description outline"),
    "resources": ("资源类型", "Resource types"),
    "groups": ("服务对象", "Target groups"),
    "skills": ("所需技能", "Skills"),
    "skills_hint": ("用顿号或逗号分隔", "Separate with commas"),
    "delivery": ("服务方式", "Delivery"),
    "delivery_default": ("按类别和资源自动判断", "By its category and resources"),
    "save": ("保存", "Save"),
    "archive": ("停用模板", "Archive the template"),
    "back": ("← 全部模板", "← All templates"),
    "none": ("还没有模板。", "No templates yet."),
    "fix_errors": ("请修改标出的内容。", "Please correct the marked fields."),
    "saved": ("已保存。", "Saved."),
    "archived": ("模板已停用。", "The template was archived."),
}


def _form_of(template: NeedTemplate) -> dict[str, Any]:
    return msgspec.structs.asdict(template) | {
        "skills": "、".join(template.skills),
        "delivery": template.delivery or "",
    }


def _read(values: FormValues, lang: str) -> tuple[NeedTemplateCreate | None, dict[str, str]]:
    skills = [s for text in values.get("skills", []) for s in _SEPARATORS.split(text) if s.strip()]
    return parse(values | {"skills": skills}, NeedTemplateCreate, lang=lang)


def _page(request: Req, status: int = 200, **values: Any) -> Template:
    defaults: dict[str, Any] = {"current": None, "form": {}, "errors": {}, "notice": None}
    return render(request, "need_templates.html", words=WORDS, status=status, **(defaults | values))


@get("/need-templates", include_in_schema=False, guards=[curators], name="need_templates")
async def templates_page(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    notice: Annotated[str | None, QueryParameter(max_length=20)] = None,
) -> Template:
    """Every template, and an empty form to add one."""
    templates = await q.list_templates(conn)
    kept = notice if notice in ("saved", "archived") else None
    return _page(request, templates=templates, form={k: [] for k in LISTS}, notice=kept)


@post("/need-templates", include_in_schema=False, guards=[curators], status_code=303,
      name="need_template_create")  # fmt: skip
async def template_create(
    request: Req, conn: NamedDependency[asyncpg.Connection]
) -> Response[Any] | Template:
    values, lang = read(await request.form()), lang_of(request)
    body, errors = _read(values, lang)
    if body is not None:
        try:
            await service.create(conn, _user(request), body)
        except AppError as exc:
            errors = errors_of(exc, lang)
        else:
            return see_other(request, "/need-templates?notice=saved")
    templates = await q.list_templates(conn)
    form = typed(values, LISTS)
    return _page(request, 422, templates=templates, form=form, errors=errors)


@get("/need-templates/{template_id:int}", include_in_schema=False, guards=[curators],
     name="need_template_edit")  # fmt: skip
async def template_edit(
    request: Req, conn: NamedDependency[asyncpg.Connection], template_id: TemplateId
) -> Template:
    template = await q.get(conn, template_id)
    return _page(request, templates=[], current=template, form=_form_of(template))


@post("/need-templates/{template_id:int}", include_in_schema=False, guards=[curators],
      status_code=303, name="need_template_save")  # fmt: skip
async def template_save(
    request: Req, conn: NamedDependency[asyncpg.Connection], template_id: TemplateId
) -> Response[Any] | Template:
    template = await q.get(conn, template_id)
    values, lang = read(await request.form()), lang_of(request)
    body, errors = _read(values, lang)
    if body is not None:
        changes = msgspec.convert(msgspec.structs.asdict(body), NeedTemplatePatch)
        try:
            await service.patch(conn, _user(request), template_id, changes)
        except AppError as exc:
            errors = errors_of(exc, lang)
        else:
            return see_other(request, "/need-templates?notice=saved")
    form = typed(values, LISTS)
    return _page(request, 422, templates=[], current=template, form=form, errors=errors)


@post("/need-templates/{template_id:int}/archive", include_in_schema=False, guards=[curators],
      status_code=303, name="need_template_archive")  # fmt: skip
async def template_archive(
    request: Req, conn: NamedDependency[asyncpg.Connection], template_id: TemplateId
) -> Response[Any]:
    await service.archive(conn, _user(request), template_id)
    return see_other(request, "/need-templates?notice=archived")


def _user(request: Req) -> Any:
    user = user_of(request)
    assert user is not None  # the guard let only curators in
    return user
