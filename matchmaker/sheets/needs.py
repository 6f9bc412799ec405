"""Needs (需求库) as the spreadsheets staff keep: the column map, reading rows, writing them.

The column map :data:`COLUMNS` is the contract: headers as staff write them (社区, 需求标题, 类别 …),
enumerated cells as their Chinese labels, lists joined with "、", dates as ISO text or Excel date
cells. Validation reports every bad cell of every row at once (:class:`SheetRejected`), so a person
can fix the whole file in one pass; a file with any bad row loads nothing. Reading and writing the
file itself is :mod:`matchmaker.sheets.workbook`; the other libraries are
:mod:`matchmaker.sheets.libraries`.

>>> from matchmaker.sheets.workbook import read_csv
>>> sheet = read_csv("社区,需求标题,类别\\n渔箭社区,四点半课堂,教育培训\\n".encode())
>>> [(r.row, r.community_id, r.category) for r in parse_demands(sheet, lambda name: 7)]
[(2, 7, 'education')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, NamedTuple

import msgspec

from matchmaker.models import Count, Money, Name, ShortList, Text
from matchmaker.models.demands import SheetDemand, Slots
from matchmaker.sheets import cells as read
from matchmaker.sheets.workbook import (
    Cell,
    CellError,
    Layout,
    RowError,
    Sheet,
    SheetRejected,
    blank,
    column_name,
    header_key,
    write_csv,
    write_xlsx,
)
from matchmaker.vocab import (
    LABELS,
    Category,
    DemandStatus,
    IntakeChannel,
    ResourceType,
    TargetGroup,
    Urgency,
)

__all__ = [
    "COLUMNS",
    "Column",
    "DemandRow",
    "community_cells",
    "demands_csv",
    "demands_template",
    "demands_xlsx",
    "parse_demands",
]

Kind = Literal["id", "text", "enum", "enum_list", "list", "int", "money", "date"]


class Column(NamedTuple):
    """One spreadsheet column: its header, the demand field it holds, and how its cells read."""

    header: str
    field: str
    kind: Kind
    vocabulary: str | None = None
    required: bool = False
    low: int = 0
    high: int = 0
    max_length: int = 0
    width: int = 12


COLUMNS: tuple[Column, ...] = (
    Column("编号", "id", "id", width=8),
    Column("社区", "community", "text", required=True, max_length=200, width=14),
    Column("需求标题", "title", "text", required=True, max_length=200, width=36),
    Column("需求描述", "description", "text", max_length=5000, width=60),
    Column("类别", "category", "enum", "category", required=True, width=16),
    Column("所需资源", "resource_types", "enum_list", "resource_type", width=20),
    Column("技能", "skills", "list", width=28),
    Column("服务对象", "target_groups", "enum_list", "target_group", width=18),
    Column("受益人数", "beneficiaries", "int", low=0, high=100_000_000, width=10),
    Column("预算(元)", "budget", "money", width=12),
    Column("需要伙伴数", "slots", "int", low=1, high=100, width=10),
    Column("紧急程度", "urgency", "enum", "urgency", width=10),
    Column("开始日期", "window_start", "date", width=12),
    Column("结束日期", "window_end", "date", width=12),
    Column("征集渠道", "intake_channel", "enum", "intake_channel", width=16),
    Column("状态", "status", "enum", "demand_status", width=10),
)
_BY_FIELD = {c.field: c for c in COLUMNS}

#: Other ways staff write a header (after removing spaces and making brackets half-width).
_ALIASES = {
    "id": "编号",
    "序号": "编号",
    "社区名称": "社区",
    "社区(村)": "社区",
    "社区/村": "社区",
    "标题": "需求标题",
    "需求名称": "需求标题",
    "描述": "需求描述",
    "需求类别": "类别",
    "资源类型": "所需资源",
    "所需技能": "技能",
    "预算": "预算(元)",
    "伙伴数": "需要伙伴数",
    "开始时间": "开始日期",
    "结束时间": "结束日期",
}

_DEFAULTS: dict[str, Any] = {
    "description": "",
    "resource_types": [],
    "skills": [],
    "target_groups": [],
    "beneficiaries": 0,
    "budget": None,
    "slots": 1,
    "urgency": "normal",
    "window_start": None,
    "window_end": None,
    "intake_channel": "online",
    "status": "draft",
}


class DemandRow(msgspec.Struct, kw_only=True):
    """One valid row, ready to insert (the same constraints as ``DemandCreate``)."""

    row: int
    community_id: int
    title: Name
    description: Text
    category: Category
    resource_types: list[ResourceType]
    skills: ShortList
    target_groups: list[TargetGroup]
    beneficiaries: Count
    budget: Money | None
    slots: Slots
    urgency: Urgency
    window_start: dt.date | None
    window_end: dt.date | None
    intake_channel: IntakeChannel
    status: DemandStatus


def _layout(sheet: Sheet) -> list[Column | None]:
    """The column each position holds; header problems refuse the file, reported on row 1."""
    known = {c.header: c for c in COLUMNS}
    layout: list[Column | None] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, cell in enumerate(sheet.header):
        key = header_key(cell)
        if not key:
            layout.append(None)
            continue
        column = known.get(key) or known.get(_ALIASES.get(key.lower(), ""))
        if column is None:
            errors.append(
                RowError(
                    1,
                    str(cell).strip(),
                    f"unknown column in {column_name(index)}1; the columns are: "
                    + "、".join(c.header for c in COLUMNS),
                )
            )
        elif column.header in seen:
            errors.append(RowError(1, column.header, "this column appears twice"))
        else:
            seen.add(column.header)
        layout.append(column)
    for column in COLUMNS:
        if column.required and column.header not in seen:
            errors.append(RowError(1, column.header, "required column is missing"))
    if errors:
        raise SheetRejected(errors)
    return layout


def community_cells(sheet: Sheet) -> set[str]:
    """The distinct, non-blank texts of the 社区 column (to look them up in one query)."""
    layout = _layout(sheet)
    index = next(i for i, c in enumerate(layout) if c is not None and c.field == "community")
    return {
        read.text(cells[index])
        for _, cells in sheet.rows
        if index < len(cells) and not blank(cells[index])
    }


def _read_cell(column: Column, cell: Cell, resolve_community: Callable[[str], int]) -> Any:
    """The field's value from one cell (a blank cell gives the field's default)."""
    if column.field == "community":
        return resolve_community("" if blank(cell) else read.text(cell))
    if blank(cell):
        if column.required:
            raise CellError("required; this cell is empty")
        return _DEFAULTS[column.field]
    if column.kind == "text":
        text = read.text(cell)
        if len(text) > column.max_length:
            raise CellError(f"longer than {column.max_length} characters ({len(text)})")
        return text
    if column.kind == "enum":
        return read.enum(column.vocabulary or "", read.text(cell))
    if column.kind == "enum_list":
        return read.enum_list(column.vocabulary or "", read.text(cell))
    if column.kind == "list":
        return read.short_list(read.text(cell))
    if column.kind == "int":
        return read.integer(cell, column.low, column.high)
    if column.kind == "money":
        return read.money(cell)
    return read.date(cell)


def parse_demands(
    sheet: Sheet,
    resolve_community: Callable[[str], int],
    *,
    statuses: Sequence[str] | None = None,
) -> list[DemandRow]:
    """Every row as a :class:`DemandRow`, or :class:`SheetRejected` listing every bad cell.

    ``resolve_community`` turns a 社区 cell ("" when blank) into a community id or raises
    :class:`CellError` with the reason. ``statuses`` limits the 状态 a row may have (None: any).
    """
    layout = _layout(sheet)
    errors: list[RowError] = []
    rows: list[DemandRow] = []
    for number, cells in sheet.rows:
        values: dict[str, Any] = dict(_DEFAULTS)
        bad: list[RowError] = []
        padded = cells + [None] * (len(layout) - len(cells))  # short rows: blank to the end
        for index, cell in enumerate(padded):
            column = layout[index] if index < len(layout) else None
            if column is None:
                if not blank(cell):
                    reason = "a value in a column without a header"
                    bad.append(RowError(number, column_name(index), reason))
                continue
            if column.kind == "id":
                continue  # an import always adds new demands; 编号 is only read back from exports
            try:
                values[column.field] = _read_cell(column, cell, resolve_community)
            except CellError as exc:
                bad.append(RowError(number, column.header, str(exc)))
        start, end = values.get("window_start"), values.get("window_end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            bad.append(RowError(number, "结束日期", f"{end} is before the start date {start}"))
        status = values.get("status")
        if statuses is not None and isinstance(status, str) and status not in statuses:
            allowed = "、".join(read.label("demand_status", s) for s in statuses)
            bad.append(
                RowError(
                    number,
                    "状态",
                    f"a new need can only be {allowed}, not {read.label('demand_status', status)}",
                )
            )
        if bad:
            errors += sorted(bad, key=lambda e: _position(e.column))
            continue
        community_id = values.pop("community")
        try:
            rows.append(
                msgspec.convert(values | {"row": number, "community_id": community_id}, DemandRow)
            )
        except msgspec.ValidationError as exc:  # a constraint the cell readers did not foresee
            errors.append(RowError(number, _header_of(str(exc)), str(exc)))
    if errors:
        raise SheetRejected(errors)
    return rows


def _position(header: str) -> int:
    for index, column in enumerate(COLUMNS):
        if column.header == header:
            return index
    return len(COLUMNS)


def _header_of(message: str) -> str:
    named = re.search(r"`\$\.(\w+)", message)
    column = _BY_FIELD.get(named[1]) if named else None
    return column.header if column else "?"


# ---------------------------------------------------------------------------------------- writing

_MANY = ("enum_list",)
LAYOUT = Layout(
    "需求库",
    [c.header for c in COLUMNS],
    [c.width for c in COLUMNS],
    [
        ([chinese for chinese, _ in LABELS[c.vocabulary].values()], c.kind in _MANY)
        if c.vocabulary
        else None
        for c in COLUMNS
    ],
)

#: The template's one example row (a need as a community would post it).
EXAMPLE = SheetDemand(
    id=0, community="渔箭社区", title="四点半课堂志愿老师",
    description="为双职工家庭的小学生提供放学后的作业辅导和阅读陪伴。", category="education",
    resource_types=["volunteers"], skills=["作业辅导", "绘本阅读"], target_groups=["children"],
    beneficiaries=40, budget=None, slots=2, urgency="normal", window_start=dt.date(2027, 3, 1),
    window_end=dt.date(2027, 6, 30), intake_channel="online", status="open",
)  # fmt: skip


def _cells(demand: SheetDemand) -> list[Cell]:
    """One demand's cells in :data:`COLUMNS` order, codes as Chinese labels."""
    budget: Cell = demand.budget
    if demand.budget is not None and demand.budget.is_integer():
        budget = int(demand.budget)
    return [
        demand.id or None,
        demand.community,
        demand.title,
        demand.description,
        read.label("category", demand.category),
        "、".join(read.label("resource_type", c) for c in demand.resource_types),
        "、".join(demand.skills),
        "、".join(read.label("target_group", c) for c in demand.target_groups),
        demand.beneficiaries,
        budget,
        demand.slots,
        read.label("urgency", demand.urgency),
        demand.window_start,
        demand.window_end,
        read.label("intake_channel", demand.intake_channel),
        read.label("demand_status", demand.status),
    ]


def demands_xlsx(demands: Iterable[SheetDemand]) -> bytes:
    """A workbook with one sheet 需求库, drop-downs on the vocabulary columns."""
    return write_xlsx(LAYOUT, (_cells(d) for d in demands))


def demands_csv(demands: Iterable[SheetDemand]) -> bytes:
    """The needs as CSV (UTF-8 with BOM, formula-guarded)."""
    return write_csv(LAYOUT.headers, (_cells(d) for d in demands))


def demands_template() -> bytes:
    """The import template: the headers, the drop-downs and one example row."""
    return demands_xlsx([EXAMPLE])
