"""The libraries as spreadsheets: ``/api/v1/<library>/export``, ``/template`` and ``/import``.

One set of handlers per library of :data:`matchmaker.sheets.columns.SHEETS` (communities, actors,
talent, policies, cases, products), the shape of the needs' ``/api/v1/demands/export`` and
``/import``. Export: whoever may list the library (talent: signed-in users), contacts as a list
shows them, a coordinator's rows those of their area. Import: curators only (``auth.curators``);
a file with any bad row is refused whole, every bad row listed (400, ``errors``).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, QueryParameter

from matchmaker.api.answers import download
from matchmaker.api.params import Conn, User, required
from matchmaker.api.spreadsheets import DemandUpload, ImportRefusal, _refused
from matchmaker.auth import curators, signed_in
from matchmaker.sheets import libraries
from matchmaker.sheets.columns import SHEETS, SheetKind
from matchmaker.sheets.workbook import MEDIA_TYPES, SheetFormat, SheetRejected, read_sheet

__all__ = ["HANDLERS"]

Format = Annotated[
    SheetFormat, QueryParameter(description="xlsx (Excel workbook) or csv (UTF-8 with BOM)")
]


def _handlers(kind: SheetKind) -> list[HTTPRouteHandler]:
    """The three routes of one library (operation ids ``export<Kind>Sheet`` …)."""
    title = kind.name.capitalize()

    @get(
        f"/api/v1/{kind.name}/export",
        operation_id=f"export{title}Sheet",
        operation_class=download(MEDIA_TYPES.values()),
        tags=[kind.name],
        guards=[signed_in] if kind.signed_in_only else [],
    )
    async def export(conn: Conn, user: User, format: Format = "xlsx") -> Response[bytes]:
        """Download the library as a spreadsheet with Chinese headers (what you may see)."""
        rows = await libraries.export_rows(conn, kind, user)
        content = await asyncio.to_thread(libraries.write, kind, rows, format)
        return Response(
            content,
            media_type=MEDIA_TYPES[format],
            headers={"Content-Disposition": libraries.attachment(kind.name, kind.title, format)},
        )

    @get(
        f"/api/v1/{kind.name}/template",
        operation_id=f"template{title}Sheet",
        operation_class=download([MEDIA_TYPES["xlsx"]]),
        tags=[kind.name],
    )
    async def template() -> Response[bytes]:
        """The import template: headers, drop-downs for the vocabularies, one example row."""
        content = await asyncio.to_thread(libraries.template, kind)
        return Response(
            content,
            media_type=MEDIA_TYPES["xlsx"],
            headers={
                "Content-Disposition": libraries.attachment(kind.name, f"{kind.title}模板", "xlsx")
            },
        )

    @post(
        f"/api/v1/{kind.name}/import",
        operation_id=f"import{title}Sheet",
        guards=[curators],
        tags=[kind.name],
        exception_handlers={SheetRejected: _refused},
        responses={
            400: ResponseSpec(
                data_container=ImportRefusal,
                description="Bad file or bad rows: every bad row listed; nothing was imported",
            )
        },
    )
    async def import_(
        conn: Conn,
        user: User,
        data: Annotated[DemandUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> libraries.ImportResult:
        """Add the rows of an uploaded .xlsx or .csv file: all of them, or none if one is bad."""
        content = await data.file.read()
        sheet = await asyncio.to_thread(read_sheet, content, data.file.filename or "")
        return await libraries.import_rows(conn, kind, sheet, required(user))

    return [export, template, import_]


#: Every library's spreadsheet routes, for the app's route list.
HANDLERS: list[Any] = [handler for kind in SHEETS.values() for handler in _handlers(kind)]
