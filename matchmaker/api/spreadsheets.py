"""Demands as spreadsheets: download them as xlsx/csv, upload a file of new ones.

Coordinators and admins export and import every community's needs; community staff only their own
community's. A file with any bad row is refused whole, listing every bad row (400, ``errors``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromQuery, QueryParameter

from matchmaker.api.answers import download
from matchmaker.api.demands import FILTERS
from matchmaker.api.params import Conn, Query, User, required, searched
from matchmaker.auth import roles
from matchmaker.errors import Forbidden
from matchmaker.queries import demand_sheets as sheets_q
from matchmaker.queries import demands as q
from matchmaker.services.access import area_of, curates
from matchmaker.services.demand_import import ImportResult, import_demands
from matchmaker.sheets.needs import demands_csv, demands_xlsx
from matchmaker.sheets.workbook import (
    MEDIA_TYPES,
    RowError,
    SheetFormat,
    SheetRejected,
    read_sheet,
)
from matchmaker.vocab import DemandStatus

__all__ = ["DemandSheetController", "DemandUpload", "ImportRefusal"]

STAFF = roles("community_staff", "coordinator", "admin")
Format = Annotated[
    SheetFormat, QueryParameter(description="xlsx (Excel workbook) or csv (UTF-8 with BOM)")
]


@dataclass
class DemandUpload:
    """The multipart form of an import: the spreadsheet in the field ``file``."""

    file: UploadFile


class ImportRefusal(msgspec.Struct):
    """A refused import: the usual error body plus every bad row (the header is row 1)."""

    error: str
    message: str
    status: int
    field: str | None
    errors: list[RowError] = msgspec.field(default_factory=list)  # none when the file itself is bad


def _refused(_: Request[Any, Any, Any], exc: SheetRejected) -> Response[ImportRefusal]:
    body = ImportRefusal(
        error=exc.code, message=exc.message, status=exc.status, field=exc.field, errors=exc.errors
    )
    return Response(body, status_code=exc.status)


def _attachment(stem: str, extension: str) -> str:
    """``attachment`` with an ASCII filename and the Chinese one (RFC 6266 ``filename*``)."""
    today = dt.date.today().isoformat()
    return (
        f'attachment; filename="demands-{today}.{extension}"; '
        f"filename*=UTF-8''{quote(f'{stem}-{today}.{extension}')}"
    )


class DemandSheetController(Controller):
    path = "/api/v1/demands"
    tags = ["demands"]
    guards = [STAFF]
    dependencies = FILTERS

    @get("/export", operation_id="exportDemands", operation_class=download(MEDIA_TYPES.values()))
    async def export_demands(
        self,
        conn: Conn,
        user: User,
        filters: NamedDependency[q.DemandFilters],
        format: Format = "xlsx",
        status: FromQuery[DemandStatus | None] = None,
        q_: Query = None,
    ) -> Response[bytes]:
        """Download needs (filtered like ``/demands``) as a spreadsheet with Chinese headers."""
        caller = required(user)
        if not curates(caller):
            if filters.community_id not in (None, caller.community_id):
                raise Forbidden("community staff may export only their own community's needs")
            filters.community_id = caller.community_id
        search = await searched(conn, q_)
        filters.status, filters.q = status, search.tsquery
        demands = await sheets_q.export(conn, filters, area_of(caller)) if search.can_match else []
        write = demands_xlsx if format == "xlsx" else demands_csv
        content = await asyncio.to_thread(write, demands)  # seconds for big files: off the loop
        return Response(
            content,
            media_type=MEDIA_TYPES[format],
            headers={"Content-Disposition": _attachment("需求库", format)},
        )

    @post(
        "/import",
        operation_id="importDemands",
        exception_handlers={SheetRejected: _refused},
        responses={
            400: ResponseSpec(
                data_container=ImportRefusal,
                description="Bad file or bad rows: every bad row listed; nothing was imported",
            )
        },
    )
    async def import_demands(
        self,
        conn: Conn,
        user: User,
        data: Annotated[DemandUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ImportResult:
        """Add the needs in an uploaded .xlsx or .csv file: all of them, or none if a row is bad."""
        caller = required(user)
        content = await data.file.read()
        sheet = await asyncio.to_thread(read_sheet, content, data.file.filename or "")
        return await import_demands(conn, sheet, caller, any_community=curates(caller))
