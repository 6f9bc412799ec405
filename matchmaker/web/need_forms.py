"""Posting and editing a need through a form: the same ``DemandCreate`` the API takes.

The form is read with :func:`matchmaker.web.forms.parse` (every field's problem at once), then the
services decide (:func:`services.demands.create`, :func:`services.demands.patch`); a problem
re-renders the form with status 422, the message beside its field and everything typed kept.
Editing sends every field, so a blank field clears it (the description, the budget, the dates).
The edit form carries the version of the need it was drawn from (``_version``): saving over a
version someone else has since replaced changes nothing and says so (``services.versions``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import asyncpg
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.auth import roles
from matchmaker.errors import AppError, Conflict, Forbidden, Invalid, PreconditionFailed
from matchmaker.models.demands import Demand, DemandCreate, DemandPatch
from matchmaker.models.need_templates import NeedTemplate
from matchmaker.queries import need_templates as templates_q
from matchmaker.services import demands as service
from matchmaker.services import versions
from matchmaker.services.access import require_community
from matchmaker.web.forms import FormValues, errors_of, parse, read
from matchmaker.web.i18n import Lang, Words, say
from matchmaker.web.needs import MANAGERS, DemandId, refusal
from matchmaker.web.needs import WORDS as NEED_WORDS
from matchmaker.web.page import Req, lang_of, render, see_other, user_of

__all__ = ["edit_need", "new_need", "post_need", "save_need"]

LISTS = ("resource_types", "target_groups")
WINDOW = ("window_start", "window_end")
_SEPARATORS = re.compile(r"[、，,;；\n]")

WORDS: Words = NEED_WORDS | {
    "stale": (
        "在您编辑期间，别人已经修改了这个需求；您的修改没有保存，以免覆盖对方的修改。",
        "Someone else changed this need while you were editing it; your change was not saved, "
        "so as not to overwrite theirs.",
    ),
    "stale_reload": ("重新载入最新内容", "Reload the current version"),
    "new_title": ("发布需求", "Post a need"),
    "new_intro": (
        "写清楚需要什么、为谁服务、什么时候，合作伙伴才好判断能不能帮上忙。",
        "Say what is needed, for whom and when, so partners can tell whether they can help.",
    ),
    "edit_title": ("修改需求", "Edit the need"),
    "title": ("需求标题", "Title"),
    "title_hint": (
        "一句话说明需要什么，例如：暑期儿童托管志愿者",
        "One line, e.g. 暑期儿童托管志愿者",
    ),
    "choose": ("请选择", "Choose…"),
    "description_hint": (
        "背景、要做的事、已有条件，最多 5000 字",
        "Background, the work, what you have",
    ),
    "resources_legend": ("需要哪些资源（可多选）", "Resources needed (any)"),
    "groups_legend": ("服务对象（可多选）", "Who it serves (any)"),
    "skills_hint": ("用顿号或逗号分隔，例如：心理咨询、活动策划", "Separate with commas"),
    "budget_hint": ("选填，单位：元", "Optional, in yuan"),
    "slots_hint": ("需要几家合作伙伴，1–100", "How many partners, 1–100"),
    "window_start": ("开始日期", "Starts"),
    "window_end": ("结束日期", "Ends"),
    "publish": ("立即发布", "Publish now"),
    "save_draft": ("保存为草稿", "Save as draft"),
    "draft_hint": (
        "草稿只有本社区工作人员和协调员能看到；发布后出现在需求大厅。",
        "A draft is seen only by your community's staff and coordinators; published needs go on "
        "the board.",
    ),
    "window_order": ("结束日期不能早于开始日期", "The end date must not be before the start date"),
    "required_mark": ("（必填）", "(required)"),
    "back_need": ("返回需求", "Back to the need"),
    "or_import": ("要一次发布很多条？", "Many needs at once?"),
    "delivery": ("服务方式", "How it is delivered"),
    "template_legend": ("从模板开始（选填）", "Start from a template (optional)"),
    "template_hint": (
        "选一个模板，表单会预先填好常见的资源、服务对象、技能和描述提纲，您再按实际修改。",
        "A template fills in the usual resources, groups, skills and an outline to edit.",
    ),
    "template_none": ("不用模板", "No template"),
    "template_use": ("使用模板", "Use the template"),
    "template_used": ("已按模板“{name}”预填，请按实际情况修改。", "Filled from “{name}”: edit it."),
    "delivery_default": ("按类别和资源自动判断", "By its category and resources"),
    "delivery_hint": (
        "需要有人到现场（上门、驻点、现场活动），还是可以远程提供（资金、线上培训、咨询、寄送物品）？"
        "不选则按类别和所需资源判断。",
        "Does someone need to be there (visits, a post on site, events), or can it come from afar "
        "(money, online training, advice, shipped goods)? Blank: decided by category and resources.",
    ),
}


def _blank_form() -> dict[str, Any]:
    """What a new need's form starts with: the ``DemandCreate`` defaults."""
    return {"slots": "1", "urgency": "normal", "intake_channel": "online", **{k: [] for k in LISTS}}


def _money(amount: float | None) -> str:
    return "" if amount is None else f"{amount:.2f}".rstrip("0").rstrip(".")


def form_of_template(template: NeedTemplate) -> dict[str, Any]:
    """A new need's form pre-filled from a template: its outline becomes the description."""
    return _blank_form() | {
        "title": template.title,
        "category": template.category,
        "description": template.outline,
        "resource_types": list(template.resource_types),
        "target_groups": list(template.target_groups),
        "skills": "、".join(template.skills),
        "delivery": template.delivery or "",
    }


def form_of_demand(demand: Demand) -> dict[str, Any]:
    """A stored need as the form shows it (strings, lists for the checkboxes)."""
    return {
        "title": demand.title,
        "description": demand.description,
        "category": demand.category,
        "resource_types": list(demand.resource_types),
        "target_groups": list(demand.target_groups),
        "skills": "、".join(demand.skills),
        "beneficiaries": str(demand.beneficiaries),
        "budget": _money(demand.budget),
        "slots": str(demand.slots),
        "urgency": demand.urgency,
        "window_start": demand.window_start.isoformat() if demand.window_start else "",
        "window_end": demand.window_end.isoformat() if demand.window_end else "",
        "intake_channel": demand.intake_channel,
        "delivery": "" if demand.delivery_by_default else demand.delivery,
    }


def form_of_values(values: FormValues) -> dict[str, Any]:
    """What the user sent, as the form shows it again after an error."""
    kept: dict[str, Any] = {k: (v[-1] if v else "") for k, v in values.items() if k not in LISTS}
    return kept | {k: [v for v in values.get(k, []) if v] for k in LISTS}


def read_need(values: FormValues, lang: Lang) -> tuple[DemandCreate | None, dict[str, str]]:
    """The form as a ``DemandCreate`` (skills split at 、 or commas), or errors per field."""
    skills = [s for text in values.get("skills", []) for s in _SEPARATORS.split(text) if s.strip()]
    body, errors = parse(
        values | {"skills": skills}, DemandCreate, lang=lang, skip=frozenset({"community_id"})
    )
    if "window_end" not in errors and _window_reversed(values):
        # said with the other problems on the first submit, not only once they are fixed
        return None, errors | {"window_end": say(lang, WORDS["window_order"])}
    return body, errors


def _window_reversed(values: FormValues) -> bool:
    """True when both dates were given, each a date, and the end is before the start."""
    try:
        start, end = (dt.date.fromisoformat((values.get(k) or [""])[-1]) for k in WINDOW)
    except ValueError:
        return False
    return end < start


def refusal_errors(exc: AppError, demand: Demand | None, lang: Lang) -> dict[str, str]:
    """A service's refusal as errors beside the fields, in plain words where we know them."""
    if isinstance(exc, Forbidden | Conflict) and demand is not None:
        return {"form": refusal(exc, demand, None, lang)}
    if isinstance(exc, Forbidden):
        return {"form": say(lang, WORDS["not_owner"])}
    errors = errors_of(exc, lang)
    if "window_end" in errors:
        return {"window_end": say(lang, WORDS["window_order"])}
    return {field: message.split(": ", 1)[-1] for field, message in errors.items()}


def form_page(
    request: Req, *, form: dict[str, Any], errors: dict[str, str], status: int = 200, **values: Any
) -> Template:
    return render(
        request, "need_form.html", words=WORDS, status=status, form=form, errors=errors,
        **({"demand": None, "stale": False, "templates": [], "chosen": None} | values),
    )  # fmt: skip


@get("/needs/new", include_in_schema=False, guards=[roles("community_staff")], name="need_new")
async def new_need(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    template: Annotated[int | None, QueryParameter(ge=1, le=2**62)] = None,
) -> Template:
    """A form for a need of the staff member's own community: empty, or pre-filled from the
    template picked (``?template=ID``, the picker's GET form, so it works without JavaScript)."""
    templates = await templates_q.list_templates(conn)
    chosen = await templates_q.get(conn, template) if template is not None else None
    form = form_of_template(chosen) if chosen else _blank_form()
    return form_page(request, form=form, errors={}, templates=templates, chosen=chosen)


@post("/needs/new", include_in_schema=False, guards=[roles("community_staff")],
      name="need_create", status_code=303)  # fmt: skip
async def post_need(
    request: Req, conn: NamedDependency[asyncpg.Connection]
) -> Response[Any] | Template:
    """Create the need (a draft, or open at once); on success go to its page."""
    user, lang = user_of(request), lang_of(request)
    assert user is not None
    values = read(await request.form())
    body, errors = read_need(values, lang)
    if body is not None:
        try:
            demand = await service.create(conn, user, body)
        except AppError as exc:
            errors = refusal_errors(exc, None, lang)
        else:
            notice = "created_open" if demand.status == "open" else "created_draft"
            return see_other(request, f"/needs/{demand.id}?notice={notice}")
    return form_page(request, form=form_of_values(values), errors=errors, status=422)


@get("/needs/{demand_id:int}/edit", include_in_schema=False, guards=[MANAGERS], name="need_edit")
async def edit_need(
    request: Req, conn: NamedDependency[asyncpg.Connection], demand_id: DemandId
) -> Template:
    """The need's form, filled in; only for those who may change it (the services' rule)."""
    user = user_of(request)
    demand = await service.get_visible(conn, user, demand_id)
    await require_community(conn, user, demand.community_id)
    form = form_of_demand(demand) | {"_version": versions.version(demand.updated_at)}
    return form_page(request, form=form, errors={}, demand=demand)


@post("/needs/{demand_id:int}/edit", include_in_schema=False, guards=[MANAGERS],
      name="need_save", status_code=303)  # fmt: skip
async def save_need(
    request: Req, conn: NamedDependency[asyncpg.Connection], demand_id: DemandId
) -> Response[Any] | Template:
    """Save every field of the form through ``services.demands.patch``."""
    user, lang = user_of(request), lang_of(request)
    assert user is not None
    demand = await service.get_visible(conn, user, demand_id)
    values = read(await request.form())
    body, errors = read_need(values, lang)
    status, stale = 422, False
    if body is not None:
        # who the need is for is kept as it is: the form does not show it (the API sets it)
        changes = {k: getattr(body, k) for k in service.EDITABLE if k != "beneficiary_actor_ids"}
        version = (values.get("_version") or [""])[-1] or None
        try:
            async with versions.expecting(conn, "demands", demand_id, version):
                await service.patch(conn, user, demand_id, DemandPatch(**changes))
        except PreconditionFailed:
            errors, status, stale = {"form": say(lang, WORDS["stale"])}, 412, True
        except AppError as exc:
            errors = refusal_errors(exc, demand, lang)
            status = 422 if isinstance(exc, Invalid) else exc.status
        else:
            return see_other(request, f"/needs/{demand_id}?notice=saved")
    form = form_of_values(values)
    return form_page(request, form=form, errors=errors, status=status, demand=demand, stale=stale)
