"""A library's spreadsheet on its pages: the export button's download and the import page.

Export (``/libraries/<kind>/export?format=xlsx|csv``): whoever may see the list, what the list
shows them (contacts for curators only, a coordinator's area). Import (``/libraries/<kind>/import``):
curators only; the same :func:`matchmaker.sheets.libraries.import_rows` as the API, so a refused
file lists every bad row and adds nothing. The page explains each column from the same
description (:mod:`matchmaker.sheets.columns`) that drives the reader and the template.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import asyncpg
from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.auth import curators
from matchmaker.errors import AppError, Forbidden, NotFound
from matchmaker.sheets import libraries
from matchmaker.sheets.columns import SHEETS, SheetKind
from matchmaker.sheets.workbook import (
    MAX_ROWS,
    MEDIA_TYPES,
    SheetFormat,
    SheetRejected,
    read_sheet,
)
from matchmaker.vocab import LABELS
from matchmaker.web.i18n import Lang, Words, label, say, text
from matchmaker.web.import_reasons import reason_in
from matchmaker.web.libraries import WORDS as LIBRARY_WORDS
from matchmaker.web.libraries import KindName, may_view
from matchmaker.web.library_kinds import KINDS
from matchmaker.web.need_import import LIMIT_TEXT
from matchmaker.web.need_import import WORDS as IMPORT_WORDS
from matchmaker.web.page import Req, lang_of, render, see_other, user_of

__all__ = ["library_export", "library_import_form", "library_import_submit"]

WORDS: Words = LIBRARY_WORDS | IMPORT_WORDS | {
    "lib_import_title": ("从 Excel 导入：{library}", "Import from Excel: {library}"),
    "lib_import_intro": (
        "一次上传多条记录。文件里只要有一行有问题，就一条也不导入，并列出所有问题，改好后再上传。",
        "Upload many rows at once. If any row has a problem nothing is imported and every problem "
        "is listed; fix them and upload again.",
    ),
    "lib_done": ("已导入 {n} 条。", "{n} rows imported."),
    "lib_template": ("下载模板（.xlsx，含下拉选项和示例行）", "Download the template (.xlsx, with drop-downs and an example row)"),
    "yes_no": ("是 或 否", "是 (yes) or 否 (no)"),
    "names_of": ("填写名称：{what}", "A name: {what}"),
    "number": ("数字", "A number"),
    "free_text": ("文字", "Text"),
    "ref_districts": ("区县", "a district"),
    "ref_towns": ("该区县的镇街", "a town of that district"),
    "ref_actors": ("主体库中的机构", "an organisation of the library"),
    "ref_communities": ("社区库中的社区（同名时写 镇街/名称）", "a community (镇街/名称 when two share a name)"),
}  # fmt: skip

Format = Annotated[str, QueryParameter(max_length=10)]


def _sheet(kind: str) -> SheetKind:
    found = SHEETS.get(kind)
    if found is None:
        raise NotFound("library", kind)
    return found


@get("/libraries/{kind:str}/export", include_in_schema=False, name="library_export")
async def library_export(
    request: Req, conn: NamedDependency[asyncpg.Connection], kind: KindName, format: Format = "xlsx"
) -> Response[bytes]:
    """The list as a spreadsheet: every row the viewer may see, as the list shows it."""
    sheet = _sheet(kind)
    user = user_of(request)
    may_view(KINDS[kind], user)
    fmt: SheetFormat = "csv" if format == "csv" else "xlsx"
    rows = await libraries.export_rows(conn, sheet, user)
    content = await asyncio.to_thread(libraries.write, sheet, rows, fmt)
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": libraries.attachment(kind, sheet.title, fmt)},
    )


def column_guide(lang: Lang, sheet: SheetKind) -> list[tuple[str, bool, str]]:
    """(header, required, what to write) for every column, from the library's description."""
    t = text(lang, WORDS)
    guide = []
    for col in sheet.columns:
        if col.kind in ("enum", "enums"):
            labels = "、".join(label(lang, col.source or "", c) for c in LABELS[col.source or ""])
            what = (t["many_of"] if col.kind == "enums" else t["any_of"]) + labels
        elif col.kind in ("ref", "refs"):
            what = t["names_of"].format(what=t[f"ref_{col.source}"])
        elif col.kind == "bool":
            what = t["yes_no"]
        elif col.kind in ("int", "decimal"):
            what = t["number"]
        elif col.kind in ("money", "date", "list"):
            what = t[col.kind]
        else:
            what = t["free_text"]
        header = col.header if lang == "zh" else f"{col.header} ({col.english})"
        guide.append((header, col.required, what))
    return guide


def _page(request: Req, kind: str, *, status: int = 200, **values: Any) -> Template:
    sheet = _sheet(kind)
    lang = lang_of(request)
    return render(
        request, "library_import.html", words=WORDS, status=status, kind=kind,
        title=text(lang, WORDS)["lib_import_title"].format(library=text(lang, WORDS)[f"lib_{kind}"]),
        limit=LIMIT_TEXT, max_rows=MAX_ROWS, guide=column_guide(lang, sheet),
        **({"rejected": None, "file_error": None, "done": None} | values),
    )  # fmt: skip


@get("/libraries/{kind:str}/import", include_in_schema=False, guards=[curators],
     name="library_import")  # fmt: skip
async def library_import_form(
    request: Req,
    kind: KindName,
    done: Annotated[int | None, QueryParameter(ge=0, le=MAX_ROWS)] = None,
) -> Template:
    """The upload form; after an import, how many rows it added."""
    return _page(request, kind, done=done)


@post("/libraries/{kind:str}/import", include_in_schema=False, guards=[curators],
      name="library_import_submit", status_code=303)  # fmt: skip
async def library_import_submit(
    request: Req, conn: NamedDependency[asyncpg.Connection], kind: KindName
) -> Response[Any] | Template:
    """Import every row or none; a refused file lists each bad row."""
    sheet_kind = _sheet(kind)
    user, lang = user_of(request), lang_of(request)
    assert user is not None
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, kind, status=422, file_error=say(lang, WORDS["no_file"]))
    content = await upload.read()
    try:
        sheet = await asyncio.to_thread(read_sheet, content, upload.filename)
        result = await libraries.import_rows(conn, sheet_kind, sheet, user)
    except SheetRejected as exc:
        rows = [(e.row, e.column, reason_in(lang, e.reason)) for e in exc.errors]
        return _page(
            request, kind, status=422, rejected=rows, rejected_rows=len({r[0] for r in rows})
        )
    except Forbidden as exc:
        return _page(request, kind, status=403, file_error=reason_in(lang, exc.message))
    except AppError as exc:
        return _page(
            request, kind, status=422, file_error=reason_in(lang, exc.message.split(": ", 1)[-1])
        )
    return see_other(request, f"/libraries/{kind}/import?done={result.count}")
