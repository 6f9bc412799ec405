"""Applying for an account (``/register``), following it (``/register/status/{token}``), and the
coordinators' list of applications in their area (``/registrations``).

The applicant gets a private status link on applying — the page says to keep it (bookmark it or
save it in a chat with oneself): it shows whether the application is pending, approved (then sign
in) or refused, with the coordinator's reason. Nobody can sign in before approval.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter, QueryParameter
from litestar.response import Template

from matchmaker.auth import client_address, curators
from matchmaker.errors import AppError, TooManyAttempts
from matchmaker.models.verification import RegistrationCreate
from matchmaker.queries import registrations as choices_q
from matchmaker.services import registrations as service
from matchmaker.services.notice_text import CHINA
from matchmaker.web.forms import FormValues, errors_of, parse, read, typed
from matchmaker.web.i18n import Words, say
from matchmaker.web.page import PathId, Req, lang_of, render, see_other, user_of
from matchmaker.web.share import absolute_url

__all__ = [
    "WORDS",
    "day",
    "register_form",
    "register_status",
    "register_submit",
    "registration_approve",
    "registration_refuse",
    "registrations_page",
]

WORDS: Words = {
    "register_title": ("申请入驻", "Apply for an account"),
    "register_intro": (
        "社会组织、企业、高校等机构的工作人员，或社区两委工作人员，可在此申请账号。"
        "所在区县的社治委审核通过后即可登录。",
        "Staff of an organisation (social organisation, enterprise, university …) or of a "
        "community apply here. A coordinator of the area reviews the application; once approved "
        "you can sign in.",
    ),
    "applying_as": ("申请身份", "I apply as"),
    "as_new_org": ("新机构（平台上还没有）", "A new organisation (not on the platform yet)"),
    "as_join_org": ("已在平台上的机构的工作人员", "Staff of an organisation already listed"),
    "as_community": ("社区（村）工作人员", "Staff of a community (village)"),
    "org_name": ("机构名称", "Organisation's name"),
    "org_kind": ("机构类型", "Kind of organisation"),
    "district_id": ("所在区县", "Its district"),
    "district_hint": (
        "机构所在地，由该区县的社治委审核。",
        "Where it is based; a coordinator of this district reviews it.",
    ),
    "actor_name": ("机构名称", "Organisation's name"),
    "community_district_id": ("所在区县", "Its district"),
    "community_name": ("社区（村）名称", "Community (village)"),
    "type_to_find": (
        "输入名称，可从提示中选择。",
        "Type its name; suggestions appear as you type.",
    ),
    "no_such_org": (
        "平台上没有这个名称的机构：请核对，或选择“新机构”",
        "No organisation of this name is listed: check it, or apply as a new one",
    ),
    "no_such_community": (
        "该区县没有这个名称的社区（村），请核对",
        "This district has no community of this name: check it",
    ),
    "account": ("账号", "Your account"),
    "username": ("用户名", "Username"),
    "username_hint": (
        "小写字母开头，2–40 位小写字母、数字或 . _ -",
        "Starts with a lower-case letter; 2–40 lower-case letters, digits or . _ -",
    ),
    "display_name": ("姓名", "Your name"),
    "password": ("密码", "Password"),
    "password_hint": ("至少 10 位。", "At least 10 characters."),
    "password2": ("再输一次密码", "Password again"),
    "password_mismatch": ("两次输入的密码不一致", "The two passwords differ"),
    "phone": ("电话", "Phone"),
    "email": ("电子邮箱", "E-mail"),
    "message": ("给审核人的说明（可选）", "A note for the reviewer (optional)"),
    "choose": ("请选择", "Choose"),
    "submit_application": ("提交申请", "Send the application"),
    "too_many_applications": (
        "这个网络地址提交的申请太多，请一小时后再试。",
        "Too many applications from this address; please try again in an hour.",
    ),
    # the status page
    "status_title": ("申请进度", "Your application"),
    "received": (
        "申请已提交。请保存本页链接（加入收藏，或发给自己）：这是查看审核结果的唯一方式。",
        "Your application was sent. Keep this page's address (bookmark it, or send it to "
        "yourself): it is the only way to see the decision.",
    ),
    "status_link": ("本页链接", "This page's address"),
    "st_pending": ("等待审核", "Waiting for review"),
    "st_approved": ("已通过", "Approved"),
    "st_refused": ("未通过", "Refused"),
    "pending_text": (
        "所在区县的社治委审核后，这里会显示结果。审核前无法登录。",
        "A coordinator of the area will decide; the result shows here. You cannot sign in before.",
    ),
    "approved_text": ("账号已开通，现在可以登录。", "Your account is open: you can sign in now."),
    "refused_text": ("未通过的原因：", "The reason given: "),
    "applied_on": ("提交于", "Sent"),
    "decided_on": ("审核于", "Decided"),
    "for_what": ("申请", "For"),
    # the coordinators' list
    "registrations_title": ("入驻申请", "Applications"),
    "registrations_intro": (
        "您所辖区域内等待审核的账号申请，最早的在前。",
        "Applications waiting in your area, oldest first.",
    ),
    "none_waiting": ("没有等待审核的申请。", "No application is waiting."),
    "approve": ("通过", "Approve"),
    "refuse": ("不通过…", "Refuse…"),
    "refuse_reason": ("原因（申请人会看到）", "Reason (the applicant reads it)"),
    "confirm_refuse": ("确认不通过", "Refuse"),
    "new_org_tag": ("新机构", "New organisation"),
    "done_approved": ("已通过，账号已开通。", "Approved: the account is open."),
    "done_refused": ("已退回，申请人会看到原因。", "Refused: the applicant will read why."),
    "kind_organisation": ("机构", "Organisation"),
    "kind_community_staff": ("社区工作人员", "Community staff"),
}

#: How the form's "I apply as" maps to an application, and the fields each reads.
PATHS: dict[str, tuple[str, tuple[str, ...]]] = {
    "new_org": ("organisation", ("org_name", "org_kind", "district_id")),
    "join_org": ("organisation", ("actor_name",)),
    "community": ("community_staff", ("community_district_id", "community_name")),
}
ACCOUNT_FIELDS = ("username", "display_name", "password", "phone", "email", "message")
Token = Annotated[str, Parameter(min_length=10, max_length=100)]
DECIDERS = curators


def day(moment: Any) -> str:
    """A moment as its date in Sichuan."""
    return moment.astimezone(CHINA).date().isoformat() if moment else ""


async def _form(
    request: Req, conn: asyncpg.Connection, *, status: int = 200, **values: Any
) -> Template:
    return render(
        request, "register.html", words=WORDS, status=status,
        choices=await choices_q.choices(conn),
        **({"values": {"as": "new_org"}, "errors": {}} | values),
    )  # fmt: skip


@get("/register", include_in_schema=False, name="register")
async def register_form(request: Req, conn: NamedDependency[asyncpg.Connection]) -> Template:
    """The application form."""
    return await _form(request, conn)


def _last(values: FormValues, name: str) -> str:
    return (values.get(name) or [""])[-1].strip()


async def _resolved(
    conn: asyncpg.Connection, path: str, values: FormValues, lang: str
) -> tuple[FormValues, dict[str, str]]:
    """The organisation or community typed by name, as the id an application names."""
    if path == "join_org":
        actor = await choices_q.named(conn, _last(values, "actor_name"))
        if actor is None:
            return {}, {"actor_name": say(lang, WORDS["no_such_org"])}
        return {"actor_id": [str(actor)]}, {}
    if path == "community":
        district = _last(values, "community_district_id")
        if not district.isdigit() or len(district) > 18:
            return {}, {"community_district_id": say(lang, ("请选择", "Choose one"))}
        name = _last(values, "community_name")
        community = await choices_q.named(conn, name, district_id=int(district))
        if community is None:
            return {}, {"community_name": say(lang, WORDS["no_such_community"])}
        return {"community_id": [str(community)]}, {}
    return {}, {}


async def _application(
    conn: asyncpg.Connection, values: FormValues, lang: str
) -> tuple[Any, dict[str, str]]:
    """The form as a :class:`RegistrationCreate` (only the chosen path's fields), or errors."""
    path = _last(values, "as")
    path = path if path in PATHS else "new_org"
    kind, fields = PATHS[path]
    errors = {f: say(lang, ("必填", "Required")) for f in fields if not _last(values, f)}
    ids, unknown = ({}, {}) if errors else await _resolved(conn, path, values, lang)
    own = ACCOUNT_FIELDS + (fields if path == "new_org" else ())
    chosen = {k: v for k, v in values.items() if k in own} | ids | {"kind": [kind]}
    body, parsed = parse(chosen, RegistrationCreate, lang=lang)
    errors = parsed | errors | unknown
    if _last(values, "password2") != _last(values, "password"):
        errors["password2"] = say(lang, WORDS["password_mismatch"])
    return (None if errors else body), errors


@post("/register", include_in_schema=False, name="register_submit", status_code=303)
async def register_submit(
    request: Req, conn: NamedDependency[asyncpg.Connection]
) -> Response[Any] | Template:
    """Send the application; on success, to its status page (the link to keep)."""
    lang = lang_of(request)
    values = read(await request.form())
    shown = {k: v for k, v in typed(values).items() if k not in ("password", "password2")}
    body, errors = await _application(conn, values, lang)
    if body is None:
        return await _form(request, conn, status=422, values=shown, errors=errors)
    try:
        _, token = await service.apply(conn, body, address=client_address(request))
    except TooManyAttempts:
        refused = {"form": say(lang, WORDS["too_many_applications"])}
        return await _form(request, conn, status=429, values=shown, errors=refused)
    except AppError as exc:
        return await _form(
            request, conn, status=exc.status, values=shown, errors=errors_of(exc, lang)
        )
    return see_other(request, f"/register/status/{token}?new=1")


@get("/register/status/{token:str}", include_in_schema=False, name="register_status")
async def register_status(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    token: Token,
    new: Annotated[str | None, QueryParameter(max_length=2)] = None,
) -> Template:
    """Where the applicant follows the application (404 for an unknown link)."""
    registration = await service.by_token(conn, token)
    return render(
        request, "register_status.html", words=WORDS, registration=registration,
        new=new == "1", link=absolute_url(request, f"/register/status/{token}"), day=day,
    )  # fmt: skip


async def _list(
    request: Req, conn: asyncpg.Connection, *, status: int = 200, **values: Any
) -> Template:
    user = user_of(request)
    assert user is not None
    return render(
        request, "registrations.html", words=WORDS, status=status,
        items=await service.pending(conn, user), day=day,
        **({"done": None, "refusal": None} | values),
    )  # fmt: skip


@get("/registrations", include_in_schema=False, name="registrations", guards=[DECIDERS])
async def registrations_page(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    done: Annotated[str | None, QueryParameter(max_length=20)] = None,
) -> Template:
    """Applications waiting in the coordinator's area."""
    return await _list(request, conn, done=done if done in ("approved", "refused") else None)


@post("/registrations/{registration_id:int}/approve", include_in_schema=False,
      name="registration_approve", guards=[DECIDERS], status_code=303)  # fmt: skip
async def registration_approve(
    request: Req, conn: NamedDependency[asyncpg.Connection], registration_id: PathId
) -> Response[Any]:
    """Approve: the account is made (403 outside the coordinator's area)."""
    user = user_of(request)
    assert user is not None
    await service.approve(conn, user, registration_id)
    return see_other(request, "/registrations?done=approved")


@post("/registrations/{registration_id:int}/refuse", include_in_schema=False,
      name="registration_refuse", guards=[DECIDERS], status_code=303)  # fmt: skip
async def registration_refuse(
    request: Req, conn: NamedDependency[asyncpg.Connection], registration_id: PathId
) -> Response[Any] | Template:
    """Refuse with a reason; a missing reason is asked for next to its field."""
    user = user_of(request)
    assert user is not None
    reason = (read(await request.form()).get("reason") or [""])[-1][:1000]
    if not reason.strip():
        message = say(lang_of(request), ("请写明原因", "Say why"))
        return await _list(
            request, conn, status=422, refusal={"id": registration_id, "error": message}
        )
    await service.refuse(conn, user, registration_id, reason)
    return see_other(request, "/registrations?done=refused")
