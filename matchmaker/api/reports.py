"""Reports for 社治委 as JSON or an Excel workbook: ``GET /api/v1/reports?area=…&from=…&to=…``.

Coordinators of the area and admins only; a bad area or date is a 400 naming ``area``, ``from``
or ``to``; a place outside a coordinator's area is a 403 and reads nothing of it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from litestar import Response, get
from litestar.params import QueryParameter

from matchmaker.api.answers import download
from matchmaker.api.params import Conn, User
from matchmaker.auth import curators
from matchmaker.models.reports import Report
from matchmaker.services import reports as service
from matchmaker.services.report_sheets import XLSX, attachment, write_xlsx

__all__ = ["get_report", "get_report_xlsx"]

AreaKey = Annotated[
    str | None,
    QueryParameter(
        max_length=120,
        description="city:<name>, district:<id>, town:<id> or community:<id>; omit for all you govern",
    ),
]
From = Annotated[str | None, QueryParameter(name="from", max_length=20, description="YYYY-MM-DD")]
To = Annotated[str | None, QueryParameter(name="to", max_length=20, description="YYYY-MM-DD")]


async def _workbook(report: Report) -> Response[bytes]:
    content = await asyncio.to_thread(write_xlsx, report)
    return Response(content, media_type=XLSX, headers={"Content-Disposition": attachment(report)})


@get("/api/v1/reports", operation_id="getReport", tags=["reports"], guards=[curators])
async def get_report(
    conn: Conn, user: User, area: AreaKey = None, from_: From = None, to: To = None
) -> Report:
    """An area's report for a period: needs, partnerships, rounds, "1257N" and 五社联动, each
    place rolled up from its communities (``/api/v1/reports.xlsx``: the same as a workbook)."""
    return await service.build(conn, user, area, from_, to)


@get(
    "/api/v1/reports.xlsx",
    operation_id="getReportWorkbook",
    tags=["reports"],
    guards=[curators],
    operation_class=download([XLSX]),
)
async def get_report_xlsx(
    conn: Conn, user: User, area: AreaKey = None, from_: From = None, to: To = None
) -> Response[bytes]:
    """The report as an Excel workbook, one sheet per section, Chinese headers."""
    return await _workbook(await service.build(conn, user, area, from_, to))
