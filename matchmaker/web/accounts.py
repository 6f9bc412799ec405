"""The accounts page (账号管理): admins and coordinators list, create and manage accounts.

The same rules as ``/api/v1/users`` (``services.users``, ``services.user_areas``): an admin
manages everyone and sets a coordinator's area; a coordinator sees and manages only the community
staff and partner staff of their area. Every form carries the CSRF token; a refusal re-renders the
page with the reason next to the form, changing nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from matchmaker.auth import curators, roles
from matchmaker.errors import AppError
from matchmaker.models import CurrentUser
from matchmaker.models.users import UserPatch
from matchmaker.queries import areas as area_queries
from matchmaker.queries import users as user_queries
from matchmaker.services import users as service
from matchmaker.services.access import area_of
from matchmaker.vocab import Role, codes
from matchmaker.web.forms import errors_of, parse, read, typed
from matchmaker.web.i18n import Words
from matchmaker.web.page import Req, lang_of, render, see_other, user_of

__all__ = ["account_active", "account_areas", "account_create", "account_password", "accounts"]

MANAGERS = curators
Answer = Response[Any] | Template
Conn = NamedDependency[asyncpg.Connection]
Id = Annotated[int, PathParameter(ge=1, le=2**62)]
Text = Annotated[str | None, QueryParameter(max_length=100)]
#: A blank select sends ``role=``: any role (an unknown one is ignored as well).
RoleFilter = Annotated[str | None, QueryParameter(max_length=40)]
Cursor = Annotated[str | None, QueryParameter(max_length=500)]
#: Accounts shown on one page (the next page is a link).
SHOWN = 50

WORDS: Words = {
    "accounts": ("账号管理", "Accounts"),
    "intro_admin": (
        "管理员可以管理所有账号，并为统筹协调员划定辖区（区县或整个市）。",
        "Admins manage every account and set each coordinator's area (districts or whole cities).",
    ),
    "intro_coordinator": (
        "您可以管理辖区内社区工作人员和合作机构人员的账号。",
        "You manage the accounts of community staff and partner staff in your area.",
    ),
    "filter": ("筛选", "Filter"),
    "role": ("角色", "Role"),
    "any_role": ("全部角色", "Every role"),
    "state": ("状态", "State"),
    "any_state": ("全部", "All"),
    "active": ("启用中", "Active"),
    "inactive": ("已停用", "Deactivated"),
    "search": ("姓名或账号", "Name or login"),
    "apply": ("筛选", "Apply"),
    "none_found": ("没有符合条件的账号。", "No account matches."),
    "more": ("下一页", "Next page"),
    "username": ("登录名", "Login name"),
    "username_hint": (
        "小写字母开头，可含数字和 . _ -，例如 li.na",
        "Starts with a lower-case letter; digits and . _ - allowed, e.g. li.na",
    ),
    "display_name": ("显示名称", "Display name"),
    "community": ("所属社区", "Community"),
    "actor": ("所属机构", "Organisation"),
    "choose": ("请选择", "Choose"),
    "password": ("密码", "Password"),
    "new_password": ("新密码（至少 10 位）", "New password (at least 10 characters)"),
    "set_password": ("设置新密码", "Set new password"),
    "area": ("辖区", "Area"),
    "areas_hint": (
        "勾选区县，或勾选整个市（含以后新增的区县）。",
        "Tick districts, or a whole city (districts added later included).",
    ),
    "cities": ("整个市", "Whole cities"),
    "districts": ("区县", "Districts"),
    "save_areas": ("保存辖区", "Save area"),
    "no_area": ("未划定辖区", "No area set"),
    "deactivate": ("停用", "Deactivate"),
    "reactivate": ("重新启用", "Reactivate"),
    "create": ("新建账号", "New account"),
    "create_button": ("创建", "Create"),
    "manage": ("管理", "Manage"),
    "fix_below": ("请修改下面标出的内容。", "Please correct the fields marked below."),
    "done_created": ("账号已创建。", "Account created."),
    "done_updated": ("已保存。", "Saved."),
    "last_login": ("上次登录", "Last sign-in"),
    "never": ("从未登录", "Never"),
}


class NewAccount(msgspec.Struct):
    """What the create form sends (``areas``: ticked districts and cities)."""

    username: str
    display_name: str
    role: str
    password: str
    community_id: int | None = None
    actor_id: int | None = None
    areas: list[str] = []


def _refs(areas: list[str]) -> list[int | str]:
    """Ticked boxes: a district's id, or a city's name."""
    return [int(a) if a.isdigit() else a for a in areas]


async def _view(
    request: Req,
    conn: asyncpg.Connection,
    *,
    status: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    failed: int | None = None,
) -> Template:
    """The page: filters, the accounts found, and the create form (with a refused form's input)."""
    user = user_of(request)
    assert user is not None  # the guard let only coordinators and admins in
    query = request.query_params
    role = query.get("role") if query.get("role") in codes(Role) else None
    state = query.get("active")
    active = {"1": True, "0": False}.get(state or "")
    name = (query.get("q") or "").strip()[:100]
    area = area_of(user)
    items, next_cursor = await user_queries.list_accounts(
        conn, role=role, active=active, limit=SHOWN, cursor=query.get("cursor"),
        districts=area, name=name or None,
    )  # fmt: skip
    districts = await area_queries.districts(conn)
    return render(
        request, "accounts.html", words=WORDS, status=status, items=items,
        next_cursor=next_cursor, filters={"role": role or "", "active": state or "", "q": name},
        roles=_creatable(user), communities=await area_queries.communities_in(conn, area),
        actors=await area_queries.actors_in(conn, area), districts=districts,
        cities=sorted({d["city"] for d in districts}), values=values or {}, errors=errors or {},
        failed=failed, done=query.get("done"),
    )  # fmt: skip


def _creatable(user: CurrentUser) -> list[str]:
    """The roles a manager may give: a coordinator only community and partner staff."""
    if user.role == "admin":
        return list(codes(Role))
    return ["community_staff", "partner"]


@get("/accounts", name="accounts", include_in_schema=False, guards=[MANAGERS])
async def accounts(
    request: Req, conn: Conn, role: RoleFilter = None, q: Text = None, cursor: Cursor = None
) -> Template:
    """The accounts the user manages, filtered by role, state and name."""
    return await _view(request, conn)


@post("/accounts", name="account_create", include_in_schema=False, guards=[MANAGERS],
      status_code=200)  # fmt: skip
async def account_create(request: Req, conn: Conn) -> Answer:
    user = user_of(request)
    assert user is not None
    lang = lang_of(request)
    values = read(await request.form())
    form, errors = parse(values, NewAccount, lang=lang)
    if form is not None:
        fields = msgspec.structs.asdict(form) | {"areas": _refs(form.areas)}
        if form.role != "community_staff":
            fields["community_id"] = None
        if form.role != "partner":
            fields["actor_id"] = None
        try:
            body = service.parse_create(fields)
            await service.create(conn, user, body)
        except AppError as exc:
            errors = errors_of(exc, lang)
    if errors:
        shown = typed(values, lists=("areas",))
        return await _view(request, conn, status=422, values=shown, errors=errors)
    return see_other(request, "/accounts?done=created")


async def _change(request: Req, conn: Conn, user_id: int, body: UserPatch) -> Answer:
    """Apply one change to an account; a refusal shows on the page next to that account."""
    user = user_of(request)
    assert user is not None
    try:
        await service.patch(conn, user, user_id, body)
    except AppError as exc:
        if exc.status in (403, 404):
            raise
        return await _view(
            request, conn, status=422, errors=errors_of(exc, lang_of(request)), failed=user_id
        )
    return see_other(request, "/accounts?done=updated")


@post("/accounts/{user_id:int}/active", name="account_active", include_in_schema=False,
      guards=[MANAGERS], status_code=200)  # fmt: skip
async def account_active(request: Req, conn: Conn, user_id: Id) -> Answer:
    """Deactivate (its sessions end) or reactivate an account."""
    values = typed(read(await request.form()))
    return await _change(request, conn, user_id, UserPatch(active=values.get("active") == "1"))


@post("/accounts/{user_id:int}/password", name="account_password", include_in_schema=False,
      guards=[MANAGERS], status_code=200)  # fmt: skip
async def account_password(request: Req, conn: Conn, user_id: Id) -> Answer:
    """Give an account a new password (the person is told it by whoever set it)."""
    password = typed(read(await request.form())).get("password", "")
    try:
        body = msgspec.convert({"password": password}, UserPatch)
    except msgspec.ValidationError:
        lang = lang_of(request)
        message = "至少 10 个字符" if lang == "zh" else "At least 10 characters"
        return await _view(request, conn, status=422, errors={"password": message}, failed=user_id)
    return await _change(request, conn, user_id, body)


@post("/accounts/{user_id:int}/areas", name="account_areas", include_in_schema=False,
      guards=[roles("admin")], status_code=200)  # fmt: skip
async def account_areas(request: Req, conn: Conn, user_id: Id) -> Answer:
    """An admin sets a coordinator's area: ticked districts and whole cities."""
    ticked = read(await request.form()).get("areas", [])
    return await _change(request, conn, user_id, UserPatch(areas=_refs(ticked)))
