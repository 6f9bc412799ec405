"""Importing needs from a spreadsheet through a page: all rows, or none and every bad row listed.

The upload goes through the same :func:`services.demand_import.import_demands` as
``POST /api/v1/demands/import``: community staff import their own community's needs (the 社区 cell
may be left blank), coordinators any community's. The page also hands out an empty template with
the headers the importer reads, and explains each column.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import quote

import asyncpg
from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.auth import roles
from matchmaker.errors import AppError, Forbidden
from matchmaker.services.access import curates
from matchmaker.services.demand_import import import_demands
from matchmaker.sheets.needs import COLUMNS, demands_template
from matchmaker.sheets.workbook import MAX_ROWS, MEDIA_TYPES, SheetRejected, read_sheet
from matchmaker.vocab import LABELS
from matchmaker.web.i18n import Lang, Words, label, say, text
from matchmaker.web.import_reasons import reason_in
from matchmaker.web.page import Req, lang_of, render, see_other, user_of

__all__ = ["import_form", "import_submit", "import_template"]

IMPORTERS = roles("community_staff", "coordinator", "admin")
#: The largest request the app takes (``app.MAX_BODY_BYTES``), said in the page's words.
LIMIT_TEXT = "1 MiB"

WORDS: Words = {
    "import_title": ("从 Excel 导入需求", "Import needs from Excel"),
    "import_intro": (
        "一次上传多条需求。文件里只要有一行有问题，就一条也不导入，并列出所有问题，改好后再上传。",
        "Upload many needs at once. If any row has a problem nothing is imported and every problem "
        "is listed; fix them and upload again.",
    ),
    "file": ("选择文件", "Choose a file"),
    "file_hint": (
        "Excel（.xlsx）或 CSV 文件，最大 {limit}，最多 {rows} 行；第一行是表头。",
        "An Excel (.xlsx) or CSV file, at most {limit} and {rows} rows; row 1 holds the headers.",
    ),
    "too_big": (
        "文件超过 {limit}，无法上传。请拆成几个小文件。",
        "The file is over {limit}; split it.",
    ),
    "upload": ("上传并导入", "Upload and import"),
    "template": ("下载空白模板（.xlsx）", "Download the empty template (.xlsx)"),
    "no_file": ("请先选择一个文件。", "Choose a file first."),
    "rejected": (
        "有 {rows} 行有问题（共 {count} 处），一条也没有导入。请按下表修改后重新上传。",
        "{rows} row(s) have problems ({count} in all); nothing was imported. Fix them and upload "
        "again.",
    ),
    "row": ("行号", "Row"),
    "column": ("列", "Column"),
    "reason": ("问题", "Problem"),
    "done": ("已导入 {n} 条需求。", "{n} needs imported."),
    "see_board": ("去需求大厅看看", "See the board"),
    "columns_title": ("各列怎么填", "What goes in each column"),
    "required_col": ("必填", "required"),
    "how": ("怎么填", "What to write"),
    "any_of": ("填写其中之一：", "One of: "),
    "many_of": ("可填多个，用顿号分隔：", "Any of, joined with 、: "),
    "whole": ("整数，{low}–{high}", "A whole number, {low}–{high}"),
    "money": ("金额（元）", "An amount in yuan"),
    "date": ("日期，例如 2026-06-20", "A date such as 2026-06-20"),
    "text": ("文字，最多 {n} 字", "Text, at most {n} characters"),
    "list": ("可填多项，用顿号分隔", "Several items joined with 、"),
    "own_community": (
        "社区名称；留空即本社区，只能导入本社区的需求",
        "The community's name; blank means your own (you may import only your own)",
    ),
    "any_community": (
        "社区名称（重名时写 镇街/社区）",
        "The community's name (镇街/社区 when names repeat)",
    ),
    "status_col": ("草稿 或 征集中（留空为草稿）", "草稿 (draft) or 征集中 (open); blank: draft"),
}


def column_guide(lang: Lang, any_community: bool) -> list[tuple[str, bool, str]]:
    """(header, required, what to write) for every column the importer reads."""
    t = text(lang, WORDS)
    guide = []
    for column in COLUMNS:
        if column.kind == "id":
            continue  # read back from exports only; an import always adds new needs
        if column.field == "community":
            what = t["any_community"] if any_community else t["own_community"]
        elif column.field == "status" and not any_community:
            what = t["status_col"]
        elif column.vocabulary:
            labels = "、".join(label(lang, column.vocabulary, c) for c in LABELS[column.vocabulary])
            what = (t["many_of"] if column.kind == "enum_list" else t["any_of"]) + labels
        elif column.kind == "int":
            what = t["whole"].format(low=column.low, high=column.high)
        elif column.kind in ("money", "date", "list"):
            what = t[column.kind]
        else:
            what = t["text"].format(n=column.max_length)
        guide.append((column.header, column.required, what))
    return guide


def import_page(request: Req, *, status: int = 200, **values: Any) -> Template:
    user = user_of(request)
    return render(
        request, "need_import.html", words=WORDS, status=status, limit=LIMIT_TEXT,
        max_rows=MAX_ROWS, guide=column_guide(lang_of(request), curates(user)),
        **({"rejected": None, "file_error": None, "done": None} | values),
    )  # fmt: skip


@get("/needs/import", include_in_schema=False, guards=[IMPORTERS], name="need_import")
async def import_form(
    request: Req, done: Annotated[int | None, QueryParameter(ge=0, le=MAX_ROWS)] = None
) -> Template:
    """The upload form; after an import, how many needs it added."""
    return import_page(request, done=done)


@get("/needs/import/template", include_in_schema=False, guards=[IMPORTERS],
     name="need_import_template")  # fmt: skip
async def import_template() -> Response[bytes]:
    """An empty workbook with the importer's headers, to fill in."""
    content = await asyncio.to_thread(demands_template)
    disposition = (
        'attachment; filename="demands-template.xlsx"; '
        f"filename*=UTF-8''{quote('需求导入模板.xlsx')}"
    )
    return Response(
        content, media_type=MEDIA_TYPES["xlsx"], headers={"Content-Disposition": disposition}
    )


def _too_big(request: Req, _: Exception) -> Template:
    """A body over the app's limit (refused before the handler runs): the form, saying so."""
    message = say(lang_of(request), WORDS["too_big"]).format(limit=LIMIT_TEXT)
    return import_page(request, status=413, file_error=message)


@post("/needs/import", include_in_schema=False, guards=[IMPORTERS], name="need_import_submit",
      status_code=303, exception_handlers={413: _too_big})  # fmt: skip
async def import_submit(
    request: Req, conn: NamedDependency[asyncpg.Connection]
) -> Response[Any] | Template:
    """Import every row or none; a refused file lists each bad row."""
    user, lang = user_of(request), lang_of(request)
    assert user is not None
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return import_page(request, status=422, file_error=say(lang, WORDS["no_file"]))
    content = await upload.read()
    try:
        sheet = await asyncio.to_thread(read_sheet, content, upload.filename)
        result = await import_demands(conn, sheet, user, any_community=curates(user))
    except SheetRejected as exc:
        rows = [(e.row, e.column, reason_in(lang, e.reason)) for e in exc.errors]
        return import_page(
            request, status=422, rejected=rows, rejected_rows=len({r[0] for r in rows})
        )
    except Forbidden as exc:
        return import_page(request, status=403, file_error=reason_in(lang, exc.message))
    except AppError as exc:
        return import_page(
            request, status=422, file_error=reason_in(lang, exc.message.split(": ", 1)[-1])
        )
    return see_other(request, f"/needs/import?done={result.count}")
