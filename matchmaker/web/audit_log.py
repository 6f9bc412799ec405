"""The audit log for admins (``/audit``): filters, keyset paging, and a CSV export.

The same query and filters as ``GET /api/v1/audit``: who (username), action, entity (and its id)
and a date range (Sichuan dates, both ends included). The export (``/audit.csv``) takes the same
filters, writes at most ``EXPORT_LIMIT`` entries, and guards every text cell against spreadsheet
formulas as the needs' export does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
from litestar import Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.api.verification import attachment
from matchmaker.auth import roles
from matchmaker.errors import Invalid
from matchmaker.models.audit import AuditEntry
from matchmaker.queries import audit as q
from matchmaker.services.notice_text import CHINA
from matchmaker.sheets.workbook import guard as _guard
from matchmaker.web.i18n import Words, say
from matchmaker.web.page import Req, lang_of, render

__all__ = ["EXPORT_LIMIT", "WORDS", "audit_csv", "audit_page"]

PAGE_SIZE = 50
EXPORT_LIMIT = 10_000

WORDS: Words = {
    "audit_title": ("审计日志", "Audit log"),
    "audit_intro": (
        "平台上的每一次改动：谁、何时、改了什么（改动前 → 改动后），最新的在前。",
        "Every change on the platform — who, when, what (before → after) — newest first.",
    ),
    "f_user": ("用户名", "Username"),
    "f_action": ("操作", "Action"),
    "f_entity": ("对象", "Entity"),
    "f_entity_id": ("对象编号", "Entity id"),
    "f_from": ("起始日期", "From"),
    "f_to": ("截止日期", "To"),
    "apply": ("筛选", "Filter"),
    "export": ("导出 CSV", "Export CSV"),
    "at": ("时间", "When"),
    "who": ("谁", "Who"),
    "what": ("改动", "Change"),
    "system": ("系统", "system"),
    "before_after": ("改动前 → 改动后", "Before → after"),
    "no_entries": ("没有符合条件的记录。", "No entries match."),
    "older": ("更早的记录", "Older entries"),
    "bad_date": ("请按 年-月-日 填写日期", "Enter a date as YYYY-MM-DD"),
    "bad_id": ("请填写正整数", "Enter a positive whole number"),
}

Text = Annotated[str | None, QueryParameter(max_length=100)]
Cursor = Annotated[str | None, QueryParameter(max_length=500)]
ADMINS = roles("admin")
HEADERS = ("id", "at", "username", "entity", "entity_id", "action", "before", "after")


def _filters(
    user: str | None,
    action: str | None,
    entity: str | None,
    entity_id: str | None,
    from_: str | None,
    to: str | None,
    lang: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The query's filters from the form's text, and what was wrong with any of it."""
    errors: dict[str, str] = {}
    found: dict[str, Any] = {
        "username": (user or "").strip().lower() or None,
        "action": (action or "").strip() or None,
        "entity": (entity or "").strip() or None,
        "entity_id": None,
        "since": None,
        "until": None,
    }
    if entity_id and entity_id.strip():
        text = entity_id.strip()
        if text.isdigit() and 0 < int(text) <= 2**62:
            found["entity_id"] = int(text)
        else:
            errors["entity_id"] = say(lang, WORDS["bad_id"])
    for field, key, shift in (("from", "since", 0), ("to", "until", 1)):
        given = (from_ if field == "from" else to) or ""
        if not given.strip():
            continue
        try:
            day = dt.date.fromisoformat(given.strip())
        except ValueError:
            errors[field] = say(lang, WORDS["bad_date"])
            continue
        found[key] = dt.datetime.combine(day + dt.timedelta(days=shift), dt.time(), CHINA)
    return found, errors


@dataclass(frozen=True)
class AuditQuery:
    """The filters as typed (echoed back into the form), as the query takes them, and what was
    wrong with them; read once for the page and the export alike."""

    typed: dict[str, str]
    filters: dict[str, Any]
    errors: dict[str, str]


def _read_query(
    request: Req,
    who: Annotated[str | None, QueryParameter(name="user", max_length=100)] = None,
    action: Text = None,
    entity: Text = None,
    entity_id: Text = None,
    from_: Annotated[str | None, QueryParameter(name="from", max_length=20)] = None,
    to: Text = None,
) -> AuditQuery:
    filters, errors = _filters(who, action, entity, entity_id, from_, to, lang_of(request))
    typed = {"user": who or "", "action": action or "", "entity": entity or "",
             "entity_id": entity_id or "", "from": from_ or "", "to": to or ""}  # fmt: skip
    return AuditQuery(typed, filters, errors)


QUERY = {"asked": Provide(_read_query, sync_to_thread=False)}


async def _entries(
    conn: asyncpg.Connection, filters: dict[str, Any], limit: int, cursor: str | None
) -> tuple[list[AuditEntry], str | None]:
    return await q.list_entries(conn, user_id=None, limit=limit, cursor=cursor, **filters)


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@get("/audit", include_in_schema=False, name="audit", guards=[ADMINS], dependencies=QUERY)
async def audit_page(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    asked: NamedDependency[AuditQuery],
    cursor: Cursor = None,
) -> Template:
    """The log, newest first, filtered; "older entries" pages on by cursor."""
    errors = asked.errors
    items, next_cursor = (
        ([], None) if errors else await _entries(conn, asked.filters, PAGE_SIZE, cursor)
    )
    return render(
        request, "audit.html", words=WORDS, status=400 if errors else 200, items=items,
        next_cursor=next_cursor, query=asked.typed, errors=errors, json=_json,
        when=lambda moment: moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
    )  # fmt: skip


def write_csv(entries: list[AuditEntry]) -> bytes:
    """UTF-8 with a BOM and CRLF lines, so Excel opens the Chinese text right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for e in entries:
        row: list[str | int] = [e.id, e.at.astimezone(CHINA).isoformat(), e.username or "", e.entity,
               "" if e.entity_id is None else e.entity_id, e.action, _json(e.before),
               _json(e.after)]  # fmt: skip
        writer.writerow([_guard(v) for v in row])  # formulas (and a TAB/CR start) disarmed
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@get("/audit.csv", include_in_schema=False, name="audit_csv", guards=[ADMINS], dependencies=QUERY)
async def audit_csv(
    conn: NamedDependency[asyncpg.Connection], asked: NamedDependency[AuditQuery]
) -> Response[bytes]:
    """The filtered log as CSV (newest first, at most ``EXPORT_LIMIT`` entries)."""
    filters, errors = asked.filters, asked.errors
    if errors:
        field, message = next(iter(errors.items()))
        raise Invalid(f"{field}: {message}", field=field)
    entries: list[AuditEntry] = []
    cursor = None
    while len(entries) < EXPORT_LIMIT:
        page, cursor = await _entries(conn, filters, 200, cursor)
        entries.extend(page)
        if cursor is None:
            break
    name = f"audit-{dt.datetime.now(CHINA).date().isoformat()}.csv"
    return Response(
        write_csv(entries[:EXPORT_LIMIT]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": attachment(name)},
    )
