"""Curating the libraries from the pages: new, edit and archive forms for coordinators and admins.

The forms are drawn from each library's field table (:mod:`matchmaker.web.library_kinds`) and read
into the same create Struct the JSON API takes; an edit sends every field, so the create Struct
checks it (required fields included) and the patch Struct carries it to the service. Blank fields
clear (a blank end date, no categories ticked). The services decide everything else; a refusal
re-draws the form with what was typed and the message next to its field (422).

A row's own people (``Kind.owns``: a community's staff) get the same edit page with only the
library's ``own_fields`` (the community's contact person) and no archive box; the service still
decides what they may change.

An edit form carries the version of the entry it was drawn from (``_version``); saving it over
a version someone else has since replaced changes nothing and says so, with a link to reload
(``services.versions``, the check the API's ``If-Match`` makes).

>>> _initial(3.0), _initial(30.676), _initial(True), _initial(["a", "b"])
(['3'], ['30.676'], ['true'], ['a', 'b'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

import asyncpg
import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template

from matchmaker.auth import curators, signed_in
from matchmaker.errors import AppError, Forbidden, NotFound, PreconditionFailed
from matchmaker.queries.versions import Library
from matchmaker.services import versions
from matchmaker.services.access import curates
from matchmaker.web.forms import FormValues, errors_of, parse, read
from matchmaker.web.i18n import Lang, say, text
from matchmaker.web.libraries import WORDS as LIBRARY_WORDS
from matchmaker.web.libraries import KindName, choices_of, kind_of
from matchmaker.web.library_kinds import FormField, Kind
from matchmaker.web.page import PathId, Req, lang_of, render, see_other, user_of

__all__ = ["archive_item", "edit_form", "edit_submit", "new_form", "new_submit"]

CURATORS = curators

WORDS = LIBRARY_WORDS | {
    "new_title": ("新增", "Add to"),
    "edit_title": ("编辑", "Edit"),
    "lines_hint": ("每行一项", "One per line"),
    "archive_title": ("归档", "Archive"),
    "archive_hint": (
        "归档后它将不再出现在列表和详情中，历史记录保留。",
        "Archived entries leave every list and page; their history stays.",
    ),
    "archive_confirm": ("我确认要归档这一条", "Yes, archive this entry"),
    "archive_button": ("归档", "Archive"),
    "archive_needs_confirm": (
        "请先勾选确认框。",
        "Tick the box to confirm first.",
    ),
    "none_chosen": ("（不选）", "(none)"),
    "stale": (
        "在您编辑期间，别人已经修改了这一条；您的修改没有保存，以免覆盖对方的修改。",
        "Someone else changed this entry while you were editing it; your change was not saved, "
        "so as not to overwrite theirs.",
    ),
    "stale_reload": ("重新载入最新内容", "Reload the current version"),
    "organisation": ("所属机构", "Organisation"),
    "bad_email": (
        "请填写有效的邮箱地址，例如 name@example.org",
        "Enter an e-mail such as name@example.org",
    ),
    "bad_website": (
        "请填写以 http:// 或 https:// 开头的完整网址",
        "Enter a full address starting with http:// or https://",
    ),
}
#: Fields whose rule is a pattern, and the word that says what to type (msgspec names the regex).
PATTERN_WORDS = {"contact_email": "bad_email", "website": "bad_website"}


def _explained(errors: dict[str, str], lang: Lang) -> dict[str, str]:
    """Pattern errors said as what to type instead of as a regular expression."""
    return {
        field: say(lang, WORDS[PATTERN_WORDS[field]])
        if field in PATTERN_WORDS and "regex" in message
        else message
        for field, message in errors.items()
    }


def _initial(value: Any) -> list[str]:
    """A stored value as the strings a form field holds."""
    if value is None or value is msgspec.UNSET or value is False:
        return []
    if value is True:
        return ["true"]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, float):
        return [str(int(value)) if value.is_integer() else repr(value)]
    if isinstance(value, dt.date):
        return [value.isoformat()]
    return [str(value)]


def _editable(spec: Kind, editing: bool, own_only: bool = False) -> list[FormField]:
    """The fields a form draws: on an edit, not the create-only ones; for a row's own people
    (``own_only``), only the library's ``own_fields``."""
    return [
        f
        for f in spec.fields
        if not (editing and f.create_only) and (not own_only or f.name in spec.own_fields)
    ]


def _own_only(request: Req, spec: Kind, item_id: int) -> bool:
    """False for a curator (every field); True for the row's own people (its ``own_fields``);
    anyone else is refused (403)."""
    user = user_of(request)
    if curates(user):
        return False
    if spec.own_fields and spec.owns(user, item_id):
        return True
    raise Forbidden("only a coordinator or an admin may edit this entry")


def initial_values(spec: Kind, item: Any) -> FormValues:
    """The edit form's fields filled from the stored row (its read model)."""
    values: FormValues = {}
    for field in _editable(spec, editing=True):
        if field.read_from:
            values[field.name] = [str(ref.id) for ref in getattr(item, field.read_from)]
        elif field.widget == "lines":
            values[field.name] = ["\n".join(getattr(item, field.name))]
        else:
            values[field.name] = _initial(getattr(item, field.name))
    return values


def _prepared(spec: Kind, raw: FormValues, editing: bool) -> FormValues:
    """The submitted strings as :func:`~matchmaker.web.forms.parse` expects them: a ``lines``
    textarea split into items, and a checkbox group with nothing ticked sent as empty."""
    values = dict(raw)
    for field in _editable(spec, editing):
        if field.widget == "lines":
            joined = "\n".join(raw.get(field.name, []))
            values[field.name] = [line.strip() for line in joined.splitlines() if line.strip()]
        elif field.widget in ("checks", "refs"):
            values[field.name] = raw.get(field.name, [])
    return values


def _body(
    spec: Kind, raw: FormValues, editing: bool, lang: Lang, own_only: bool = False
) -> tuple[msgspec.Struct | None, dict[str, str]]:
    """The create Struct (new) or the patch Struct of every field (edit), or the errors."""
    if own_only:  # the patch Struct of the own fields alone, a blank one cleared
        others = frozenset(f.name for f in msgspec.structs.fields(spec.patch)) - set(
            spec.own_fields
        )
        own, errors = parse(raw, spec.patch, lang=lang, skip=others)
        if own is None:
            return None, _explained(errors, lang)
        blank = {f: None for f in spec.own_fields if getattr(own, f) is msgspec.UNSET}
        return msgspec.structs.replace(own, **blank), {}
    skip = frozenset(f.name for f in spec.fields if editing and f.create_only)
    body, errors = parse(_prepared(spec, raw, editing), spec.create, lang=lang, skip=skip)
    if body is None or not editing:
        return body, _explained(errors, lang)
    patchable = {f.name for f in msgspec.structs.fields(spec.patch)}
    fields = {k: v for k, v in msgspec.structs.asdict(body).items() if k in patchable}
    return spec.patch(**fields), {}


async def _field_views(
    conn: asyncpg.Connection,
    spec: Kind,
    values: FormValues,
    errors: Mapping[str, str],
    lang: Lang,
    t: Mapping[str, str],
    editing: bool,
    own_only: bool = False,
) -> list[dict[str, Any]]:
    """What the template draws for each field: label, widget, choices, value, error."""
    views = []
    for field in _editable(spec, editing, own_only):
        given = values.get(field.name, [])
        choices = (
            await choices_of(conn, field.source, lang, t)
            if field.source and field.widget in ("select", "checks", "ref", "refs")
            else []
        )
        views.append(
            {
                "name": field.name,
                "id": f"f-{field.name}",
                "label": t.get(f"f_{field.name}", field.name),
                "widget": field.widget,
                "input_type": field.input_type,
                "required": field.required,
                "maxlength": field.maxlength,
                "choices": choices,
                "value": given[-1] if given else "",
                "chosen": set(given),
                "error": errors.get(field.name),
            }
        )
    return views


async def _form(
    request: Req,
    conn: asyncpg.Connection,
    spec: Kind,
    values: FormValues,
    errors: Mapping[str, str],
    *,
    item_id: int | None = None,
    title: str = "",
    owner: str | None = None,
    status: int = 200,
    archive_error: str | None = None,
    own_only: bool = False,
    version: str | None = None,
    stale: bool = False,
) -> Template:
    lang = lang_of(request)
    t = text(lang, WORDS)
    editing = item_id is not None
    fields = await _field_views(conn, spec, values, errors, lang, t, editing, own_only)
    names = {f["name"] for f in fields}
    return render(
        request,
        "library_form.html",
        words=WORDS,
        status=status,
        kind=spec.name,
        item_id=item_id,
        title=title,
        owner=owner,
        fields=fields,
        errors=errors,
        other_errors=[message for key, message in errors.items() if key not in names],
        archive_error=archive_error,
        can_archive=not own_only,
        version=version,
        stale=stale,
        action=f"/libraries/{spec.name}/{item_id}/edit"
        if editing
        else f"/libraries/{spec.name}/new",
    )


async def _stored(conn: asyncpg.Connection, spec: Kind, item_id: int) -> Any:
    return await spec.get_row(conn, item_id)


def _owner(spec: Kind, item: Any) -> str | None:
    """The organisation an entry stays with (a product's): the edit form names it, no field."""
    if not any(f.create_only for f in spec.fields):
        return None
    name = getattr(item, "actor_name", None)
    return name if isinstance(name, str) else None


@get("/libraries/{kind:str}/new", include_in_schema=False, name="library_new", guards=[CURATORS])
async def new_form(
    request: Req, conn: NamedDependency[asyncpg.Connection], kind: KindName
) -> Template:
    """An empty form for a new entry."""
    spec = kind_of(kind)
    return await _form(request, conn, spec, {}, {})


@post(
    "/libraries/{kind:str}/new", include_in_schema=False, name="library_create",
    guards=[CURATORS], status_code=200,
)  # fmt: skip
async def new_submit(
    request: Req, conn: NamedDependency[asyncpg.Connection], kind: KindName
) -> Response[Any] | Template:
    """Create through the library's service; on success show the new entry."""
    spec = kind_of(kind)
    raw = read(await request.form())
    body, errors = _body(spec, raw, editing=False, lang=lang_of(request))
    if body is not None:
        try:
            created = await spec.service_create(conn, user_of(request), body)
        except NotFound:
            raise
        except AppError as exc:
            errors = errors_of(exc, lang_of(request))
        else:
            return see_other(request, f"/libraries/{spec.name}/{created.id}?saved=1")
    return await _form(request, conn, spec, raw, errors, status=422)


@get(
    "/libraries/{kind:str}/{item_id:int}/edit", include_in_schema=False, name="library_edit",
    guards=[signed_in],
)  # fmt: skip
async def edit_form(
    request: Req, conn: NamedDependency[asyncpg.Connection], kind: KindName, item_id: PathId
) -> Template:
    """The entry's form filled with what is stored, and the archive box (curators)."""
    spec = kind_of(kind)
    own_only = _own_only(request, spec, item_id)
    item = await _stored(conn, spec, item_id)
    return await _form(
        request, conn, spec, initial_values(spec, item), {}, item_id=item_id,
        title=getattr(item, spec.title_attr), owner=_owner(spec, item), own_only=own_only,
        version=versions.version(item.updated_at),
    )  # fmt: skip


@post(
    "/libraries/{kind:str}/{item_id:int}/edit", include_in_schema=False, name="library_update",
    guards=[signed_in], status_code=200,
)  # fmt: skip
async def edit_submit(
    request: Req, conn: NamedDependency[asyncpg.Connection], kind: KindName, item_id: PathId
) -> Response[Any] | Template:
    """Save every field (a row's own people: its own fields) through the library's service."""
    spec = kind_of(kind)
    own_only = _own_only(request, spec, item_id)
    item = await _stored(conn, spec, item_id)
    raw = read(await request.form())
    body, errors = _body(spec, raw, editing=True, lang=lang_of(request), own_only=own_only)
    version = (raw.get("_version") or [""])[-1] or None
    stale = False
    if body is not None:
        try:
            async with versions.expecting(conn, cast(Library, spec.name), item_id, version):
                await spec.service_patch(conn, user_of(request), item_id, body)
        except NotFound:
            raise
        except PreconditionFailed:
            stale = True
        except AppError as exc:
            errors = errors_of(exc, lang_of(request))
        else:
            return see_other(request, f"/libraries/{spec.name}/{item_id}?saved=1")
    return await _form(
        request, conn, spec, raw, errors, item_id=item_id,
        title=getattr(item, spec.title_attr), owner=_owner(spec, item),
        status=412 if stale else 422, own_only=own_only, version=version, stale=stale,
    )  # fmt: skip


@post(
    "/libraries/{kind:str}/{item_id:int}/archive", include_in_schema=False,
    name="library_archive", guards=[CURATORS], status_code=200,
)  # fmt: skip
async def archive_item(
    request: Req, conn: NamedDependency[asyncpg.Connection], kind: KindName, item_id: PathId
) -> Response[Any] | Template:
    """Archive through the service once the confirmation box is ticked."""
    spec = kind_of(kind)
    item = await _stored(conn, spec, item_id)
    raw = read(await request.form())
    if "yes" not in raw.get("confirm", []):
        t = text(lang_of(request), WORDS)
        return await _form(
            request, conn, spec, initial_values(spec, item), {}, item_id=item_id,
            title=getattr(item, spec.title_attr), owner=_owner(spec, item), status=422,
            archive_error=t["archive_needs_confirm"],
        )  # fmt: skip
    await spec.service_archive(conn, user_of(request), item_id)
    return see_other(request, f"/libraries/{spec.name}?archived=1")
