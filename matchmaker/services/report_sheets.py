"""A report's tables, described once: the report page draws them and the workbook writes them.

Each :class:`Table` over the report's places is a list of columns (Chinese and English header, and
the figure it shows); :func:`write_xlsx` writes one sheet per section — the place tables, then
needs by category, the rounds' proposals with their score components, the needs they left open
and every community against "1257N" — with Chinese headers, and text Excel would run as a formula
kept as text.

>>> [t.sheet for t in PLACE_TABLES]
['需求', '合作', '撮合', '1257N', '五社联动']
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple
from urllib.parse import quote

from matchmaker.matching.score import COMPONENTS
from matchmaker.models.reports import Place, Report
from matchmaker.models.stats import STANDARD_1257N
from matchmaker.services.round_labels import COMPONENT_LABELS
from matchmaker.vocab import LABELS

__all__ = ["LEVEL_LABELS", "PLACE_TABLES", "XLSX", "Column", "Table", "attachment", "write_xlsx"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Each level of place: (Chinese, English).
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "all": ("合计", "All"),
    "city": ("市", "City"),
    "district": ("区县", "District"),
    "town": ("街道/镇", "Town"),
    "community": ("社区", "Community"),
}


class Column(NamedTuple):
    """A column of a place table: its headers and the value it shows of a place."""

    zh: str
    en: str
    value: Callable[[Place], Any]


class Table(NamedTuple):
    """A table with one row per place: the sheet's name, its titles and its figure columns."""

    sheet: str
    zh: str
    en: str
    columns: tuple[Column, ...]


def _f(name: str) -> Callable[[Place], Any]:
    return lambda place: getattr(place.figures, name)


_SHORT = tuple(
    Column(f"{r.label}不足", f"Short of {r.label_en.lower()}", _f(f"short_{r.indicator}"))
    for r in STANDARD_1257N
)

PLACE_TABLES: tuple[Table, ...] = (
    Table("需求", "需求（本期发布，按现状）", "Needs (posted in the period, as they stand)", (
        Column("发布", "Posted", _f("needs_posted")),
        Column("开放中", "Open", _f("needs_open")),
        Column("已对接", "Matched", _f("needs_matched")),
        Column("已满足", "Fulfilled", _f("needs_fulfilled")),
        Column("已取消", "Cancelled", _f("needs_cancelled")),
    )),
    Table("合作", "合作（本期开始，按现状）", "Partnerships (started in the period, by status)", (
        Column("合作数", "Partnerships", _f("partnerships")),
        Column("进行中", "Active", _f("partnerships_active")),
        Column("已完成", "Completed", _f("partnerships_completed")),
        Column("已取消", "Cancelled", _f("partnerships_cancelled")),
        Column("服务人数", "Beneficiaries served", _f("beneficiaries_served")),
        Column("评分次数", "Ratings", _f("rated")),
        Column("平均评分", "Average rating", lambda p: p.average_rating),
        Column("平均周期（天）", "Average days", lambda p: p.average_days),
    )),
    Table("撮合", "撮合轮次（本期）", "Match rounds (in the period)", (
        Column("推荐数", "Proposals", _f("proposals")),
        Column("双方确认", "Confirmed", _f("proposals_confirmed")),
        Column("未对接需求", "Needs left open", _f("left_open")),
    )),
    Table("1257N", "“1257N”达标情况（现状）", "The “1257N” standard (now)", (
        Column("社区数", "Communities", _f("communities")),
        Column("达标社区", "Meeting it", _f("meets_1257n")),
        *_SHORT,
    )),
    Table("五社联动", "五社联动", "The five social forces", (
        Column("社区", "Communities", _f("communities")),
        Column("社区发布需求", "Needs posted", _f("needs_posted")),
        Column("社会组织（登记）", "Community organisations", _f("community_orgs")),
        Column("与社会组织合作", "Partnerships with social orgs", _f("with_social_orgs")),
        Column("社会工作者", "Social workers", _f("social_workers")),
        Column("社工室", "Social-work rooms", _f("social_work_rooms")),
        Column("与持证社工所在组织合作", "With social workers' orgs", _f("with_social_workers")),
        Column("社区志愿服务队", "Volunteer teams", _f("volunteer_teams")),
        Column("与志愿服务队合作", "Partnerships with volunteer teams", _f("with_volunteers")),
        Column("社会慈善资源", "Charity resources", _f("charity_resources")),
        Column("与基金会、企业合作", "Partnerships with foundations, firms", _f("with_charity")),
    )),
)  # fmt: skip

_PLACE_HEAD = ("层级", "地区", "上级")


def _place_rows(report: Report, table: Table) -> Iterable[Sequence[Any]]:
    names = {p.key: p.name for p in report.places}
    for place in report.places:
        yield (
            LEVEL_LABELS[place.level][0],
            place.name,
            names.get(place.parent or "", ""),
            *(c.value(place) for c in table.columns),
        )


def _sheets(report: Report) -> Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]:
    """(sheet name, headers, rows) of every section, in order."""
    top = report.places[0].figures
    yield (
        "概览",
        ("项目", "数值"),
        [
            ("地区", report.area.name),
            ("层级", LEVEL_LABELS[report.area.level][0]),
            ("起始日期", report.since.isoformat()),
            ("截止日期", report.until.isoformat()),
            ("社区数", top.communities),
            ("本期发布需求", top.needs_posted),
            ("本期开始合作", top.partnerships),
            ("服务人数（已完成合作）", top.beneficiaries_served),
            ("撮合推荐", top.proposals),
            ("“1257N”达标社区", top.meets_1257n),
        ],
    )
    for table in PLACE_TABLES:
        yield (
            table.sheet,
            (*_PLACE_HEAD, *(c.zh for c in table.columns)),
            _place_rows(report, table),
        )
    yield (
        "需求类别",
        ("类别", "发布", "开放中", "已对接", "已满足", "已取消"),
        [
            (c.label, c.posted, c.open, c.matched, c.fulfilled, c.cancelled)
            for c in report.categories
        ],
    )
    statuses = LABELS["proposal_status"]
    yield (
        "推荐明细",
        ("轮次", "需求编号", "需求", "社区", "伙伴", "总分",
         *(COMPONENT_LABELS[c][0] for c in COMPONENTS), "状态"),
        [
            (p.round_id, p.demand_id, p.title, p.community, p.partner, round(p.score, 4),
             *(round(float(p.components.get(c, 0.0)), 4) for c in COMPONENTS),
             statuses.get(p.status, (p.status,))[0])
            for p in report.proposals
        ],
    )  # fmt: skip
    yield (
        "未对接需求",
        ("轮次", "需求编号", "需求", "社区", "未满名额", "原因", "说明"),
        [
            (u.round_id, u.demand_id, u.title, u.community, u.open_slots, u.reason_label, u.detail)
            for u in report.left_open
        ],
    )
    yield (
        "1257N社区",
        ("社区", "区县", *(r.label for r in STANDARD_1257N), "达标", "差距"),
        [
            (c.community_name, c.district_name,
             *(getattr(c, r.indicator) for r in STANDARD_1257N),
             "是" if c.meets else "否",
             "；".join(f"{_label(s.indicator)} {s.has}/{s.needs}" for s in c.shortfalls))
            for c in report.communities_1257n
        ],
    )  # fmt: skip


def _label(indicator: str) -> str:
    return next(r.label for r in STANDARD_1257N if r.indicator == indicator)


def _for_print(sheet: Any) -> None:
    """Printed, a sheet is one page wide (landscape) with its header row on every page: a report
    is handed up on paper as often as in a file, and a column cut off onto a page of its own is a
    column nobody reads."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4 (openpyxl Worksheet.PAPERSIZE_A4)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def write_xlsx(report: Report) -> bytes:
    """The report as a workbook: one sheet per section, bold frozen Chinese headers, filters.
    Every text cell is written as text, so nothing a record says runs as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    # headers and figures centred in their columns: printed, a right-aligned figure under a
    # left-aligned header reads as the next column's
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for name, headers, rows in _sheets(report):
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A2"
        _for_print(sheet)
        for i, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(header) + 2)
        head = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font, cell.alignment = bold, centred
            head.append(cell)
        sheet.append(head)
        count = 0
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula
                elif isinstance(value, int | float):
                    cell.alignment = centred
                cells.append(cell)
            sheet.append(cells)
            count += 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment(report: Report) -> str:
    """``attachment`` with an ASCII filename and the Chinese one (RFC 6266 ``filename*``)."""
    span = f"{report.since.isoformat()}_{report.until.isoformat()}"
    return (
        f'attachment; filename="report-{span}.xlsx"; '
        f"filename*=UTF-8''{quote(f'报表-{report.area.name}-{span}.xlsx')}"
    )
