"""Demands as the spreadsheets staff keep: Chinese headers, Chinese labels, xlsx and csv.

Pure: bytes in → a :class:`Sheet` → validated :class:`DemandRow` s, and rows in → bytes out. No
database, no web. The column map :data:`COLUMNS` is the contract: headers as staff write them
(社区, 需求标题, 类别 …), enumerated cells as their Chinese labels from :data:`matchmaker.vocab.LABELS`
(the code is accepted too), lists joined with "、" (，,;； accepted), dates as ISO text or Excel date
cells. Row numbers are the spreadsheet's own: the header is row 1.

Validation reports every bad cell of every row at once (:class:`SheetRejected`), so a person can fix
the whole file in one pass; a file with any bad row loads nothing.

>>> sheet = read_csv("社区,需求标题,类别\\n渔箭社区,四点半课堂,教育培训\\n".encode())
>>> [(r.row, r.community_id, r.category) for r in parse_demands(sheet, lambda name: 7)]
[(2, 7, 'education')]
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal, NamedTuple

import msgspec

from matchmaker import controls
from matchmaker.errors import Invalid
from matchmaker.models import Count, Money, Name, ShortList, Text
from matchmaker.models.demands import Slots
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
    "MAX_ROWS",
    "MEDIA_TYPES",
    "CellError",
    "Column",
    "DemandRow",
    "RowError",
    "Sheet",
    "SheetDemand",
    "SheetFormat",
    "SheetRejected",
    "community_cells",
    "parse_demands",
    "read_csv",
    "read_sheet",
    "read_xlsx",
    "write_csv",
    "write_xlsx",
]

#: The most data rows one file may hold.
MAX_ROWS = 5000
#: The most an xlsx file may unpack to (its parts' declared sizes), against zip bombs.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024

SheetFormat = Literal["xlsx", "csv"]
MEDIA_TYPES: dict[SheetFormat, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",  # a web answer adds "; charset=utf-8"
}

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | None
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

_LIST_SEPARATORS = re.compile(r"[、，,;；\n]")
#: What makes Excel (or LibreOffice) read a text cell as a formula: = + - @, and a tab or carriage
#: return before one (OWASP's CSV-injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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


class RowError(msgspec.Struct):
    """One bad cell: the spreadsheet's row number (header = 1), the column's header, why."""

    row: int
    column: str
    reason: str


class SheetRejected(Invalid):
    """The file has bad rows; ``errors`` lists every one, and nothing was loaded."""

    def __init__(self, errors: list[RowError]) -> None:
        rows = len({e.row for e in errors})
        super().__init__(
            f"file: {rows} row(s) have errors ({len(errors)} in all); nothing was imported",
            field="file",
        )
        self.errors = errors


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason a person sees."""


class Sheet(NamedTuple):
    """A spreadsheet's header and its non-empty data rows with their row numbers."""

    header: list[Cell]
    rows: list[tuple[int, list[Cell]]]


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


class SheetDemand(msgspec.Struct, kw_only=True):
    """One demand as exported: codes, which :func:`write_xlsx`/:func:`write_csv` turn into labels."""

    id: int
    community: str
    title: str
    description: str
    category: str
    resource_types: list[str]
    skills: list[str]
    target_groups: list[str]
    beneficiaries: int
    budget: float | None
    slots: int
    urgency: str
    window_start: dt.date | None
    window_end: dt.date | None
    intake_channel: str
    status: str


# ---------------------------------------------------------------------------------------- reading


def read_sheet(data: bytes, filename: str) -> Sheet:
    """Read an uploaded ``.xlsx`` or ``.csv`` file; anything else is refused naming ``file``."""
    name = filename.lower().strip()
    if name.endswith(".xlsx"):
        return read_xlsx(data)
    if name.endswith(".csv"):
        return read_csv(data)
    hint = " (save it as .xlsx from Excel)" if name.endswith((".xls", ".et", ".ods")) else ""
    raise Invalid(
        f"file: must be an .xlsx or .csv spreadsheet, not {filename!r}{hint}", field="file"
    )


def _unreadable(kind: str, why: str) -> Invalid:
    return Invalid(f"file: cannot read this {kind} file ({why})", field="file")


def _collect(rows: Iterable[Sequence[Cell]]) -> Sheet:
    """The header (row 1) and the non-empty rows below it, at most :data:`MAX_ROWS` of them."""
    header: list[Cell] | None = None
    kept: list[tuple[int, list[Cell]]] = []
    for number, raw in enumerate(rows, start=1):
        cells = list(raw)
        while cells and _blank(cells[-1]):
            cells.pop()
        if header is None:
            if number == 1:
                header = cells
            continue
        if not cells:
            continue
        if len(kept) == MAX_ROWS:
            raise Invalid(
                f"file: more than {MAX_ROWS} rows; split it into files of at most {MAX_ROWS} rows",
                field="file",
            )
        kept.append((number, cells))
    if not header:
        raise Invalid(
            "file: the first row must hold the column headers (社区, 需求标题, 类别 …)",
            field="file",
        )
    return Sheet(header, kept)


def read_xlsx(data: bytes) -> Sheet:
    """The first worksheet of an Excel workbook (cached values of formulas)."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _unreadable("xlsx", "it is not an Excel workbook") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _unreadable("xlsx", f"it unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MiB")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _unreadable("xlsx", type(exc).__name__) from None
    try:
        if not book.worksheets:
            raise _unreadable("xlsx", "it has no worksheet")
        return _collect(book.worksheets[0].iter_rows(values_only=True))
    except Invalid:
        raise
    except Exception as exc:  # a damaged worksheet part shows only while reading its rows
        raise _unreadable("xlsx", type(exc).__name__) from None
    finally:
        book.close()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (Excel on Chinese Windows)."""
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ()
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable("csv", "its text is neither UTF-8 nor GBK")


def _unguard(cell: str) -> str:
    """Undo :func:`_guard`: a leading ' before = + - @ protects a text cell from Excel formulas."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in _FORMULA_START else cell


def read_csv(data: bytes) -> Sheet:
    """A comma-separated (or tab-separated) file with the header on its first line."""
    text = _decode(data)
    if "\x00" in text:
        raise _unreadable("csv", "it holds binary data")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        rows: Iterator[list[str]] = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _collect([_unguard(cell) for cell in row] for row in rows)
    except csv.Error as exc:
        raise _unreadable("csv", str(exc)) from None


# ------------------------------------------------------------------------------------- validation


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header_key(cell: Cell) -> str:
    text = re.sub(r"\s+", "", str(cell)) if cell is not None else ""
    return text.replace("（", "(").replace("）", ")").replace("／", "/")


def _column_name(index: int) -> str:
    """Excel's letter for a 0-based column index (0 → A, 26 → AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _layout(sheet: Sheet) -> list[Column | None]:
    """The column each position holds; header problems refuse the file, reported on row 1."""
    known = {c.header: c for c in COLUMNS}
    layout: list[Column | None] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, cell in enumerate(sheet.header):
        key = _header_key(cell)
        if not key:
            layout.append(None)
            continue
        column = known.get(key) or known.get(_ALIASES.get(key.lower(), ""))
        if column is None:
            errors.append(
                RowError(
                    1,
                    str(cell).strip(),
                    f"unknown column in {_column_name(index)}1; the columns are: "
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
        _text(cells[index])
        for _, cells in sheet.rows
        if index < len(cells) and not _blank(cells[index])
    }


def _text(cell: Cell) -> str:
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return controls.clean(str(cell)).strip()


@functools.cache
def _codes(vocabulary: str) -> dict[str, str]:
    """Every accepted spelling of a vocabulary's codes: Chinese label, code, English label."""
    spellings: dict[str, str] = {}
    for code, (chinese, english) in LABELS[vocabulary].items():
        for spelling in (english, code, chinese):
            spellings[_spelling(spelling)] = code
    return spellings


def _spelling(text: str) -> str:
    return _header_key(text).casefold()


def label(vocabulary: str, code: str) -> str:
    """The Chinese label of a code (the code itself when it has none)."""
    return LABELS[vocabulary].get(code, (code, code))[0]


def _enum(column: Column, text: str) -> str:
    assert column.vocabulary is not None
    code = _codes(column.vocabulary).get(_spelling(text))
    if code is None:
        choices = "、".join(chinese for chinese, _ in LABELS[column.vocabulary].values())
        raise CellError(f"unknown value {text!r}; use one of: {choices}")
    return code


def _items(text: str) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATORS.split(text) if item.strip()]


def _enum_list(column: Column, text: str) -> list[str]:
    codes: list[str] = []
    unknown: list[str] = []
    for item in _items(text):
        try:
            codes.append(_enum(column, item))
        except CellError:
            unknown.append(item)
    if unknown:
        assert column.vocabulary is not None
        choices = "、".join(chinese for chinese, _ in LABELS[column.vocabulary].values())
        raise CellError(
            f"unknown value(s) {'、'.join(unknown)}; use any of: {choices} (joined with 、)"
        )
    return codes


def _skills(text: str) -> list[str]:
    items = _items(text)
    if len(items) > 50:
        raise CellError(f"at most 50 items ({len(items)} given)")
    long = [item for item in items if len(item) > 100]
    if long:
        raise CellError(f"an item is longer than 100 characters: {long[0][:20]}…")
    return items


def _integer(column: Column, cell: Cell) -> int:
    if isinstance(cell, bool):
        raise CellError("must be a whole number")
    if isinstance(cell, float):
        if not cell.is_integer():
            raise CellError(f"must be a whole number, not {cell}")
        value = int(cell)
    elif isinstance(cell, int):
        value = cell
    else:
        text = re.sub(r"[\s,，]", "", _text(cell))
        if not re.fullmatch(r"[+-]?\d+(\.0*)?", text):
            raise CellError(f"must be a whole number, not {_text(cell)!r}")
        value = int(text.split(".")[0])
    if not column.low <= value <= column.high:
        raise CellError(f"must be between {column.low} and {column.high}, not {value}")
    return value


def _money(cell: Cell) -> float:
    if isinstance(cell, bool):
        raise CellError("must be an amount in yuan")
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        text = re.sub(r"[\s,，¥￥]", "", _text(cell)).removesuffix("元")
        try:
            value = float(text)
        except ValueError:
            raise CellError(f"must be an amount in yuan, not {_text(cell)!r}") from None
    if not math.isfinite(value) or not 0 <= value < 1e12:
        raise CellError(f"must be between 0 and 999999999999.99, not {_text(cell)}")
    return round(value, 2)


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?"
)


def _date(cell: Cell) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell)
    match = _DATE.fullmatch(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(f"not a date: {text!r}; write it as 2026-06-20")


def _read_cell(column: Column, cell: Cell, resolve_community: Callable[[str], int]) -> Any:
    """The field's value from one cell (a blank cell gives the field's default)."""
    if column.field == "community":
        return resolve_community("" if _blank(cell) else _text(cell))
    if _blank(cell):
        if column.required:
            raise CellError("required; this cell is empty")
        return _DEFAULTS[column.field]
    if column.kind == "text":
        text = _text(cell)
        if len(text) > column.max_length:
            raise CellError(f"longer than {column.max_length} characters ({len(text)})")
        return text
    if column.kind == "enum":
        return _enum(column, _text(cell))
    if column.kind == "enum_list":
        return _enum_list(column, _text(cell))
    if column.kind == "list":
        return _skills(_text(cell))
    if column.kind == "int":
        return _integer(column, cell)
    if column.kind == "money":
        return _money(cell)
    return _date(cell)


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
                if not _blank(cell):
                    reason = "a value in a column without a header"
                    bad.append(RowError(number, _column_name(index), reason))
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
            allowed = "、".join(label("demand_status", s) for s in statuses)
            bad.append(
                RowError(
                    number,
                    "状态",
                    f"a new need can only be {allowed}, not {label('demand_status', status)}",
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


def _cells(demand: SheetDemand) -> list[Cell]:
    """One demand's cells in :data:`COLUMNS` order, codes as Chinese labels; text without the
    control characters a workbook cannot hold (a row stored before they were refused)."""
    budget: Cell = demand.budget
    if demand.budget is not None and demand.budget.is_integer():
        budget = int(demand.budget)
    cells: list[Cell] = [
        demand.id,
        demand.community,
        demand.title,
        demand.description,
        label("category", demand.category),
        "、".join(label("resource_type", c) for c in demand.resource_types),
        "、".join(demand.skills),
        "、".join(label("target_group", c) for c in demand.target_groups),
        demand.beneficiaries,
        budget,
        demand.slots,
        label("urgency", demand.urgency),
        demand.window_start,
        demand.window_end,
        label("intake_channel", demand.intake_channel),
        label("demand_status", demand.status),
    ]
    return [controls.clean(c) if isinstance(c, str) else c for c in cells]


def write_xlsx(demands: Iterable[SheetDemand]) -> bytes:
    """A workbook with one sheet 需求库: bold frozen header, filters, readable widths, date cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("需求库")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[_column_name(index)].width = column.width
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center")
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.alignment = bold, centre
        header.append(cell)
    sheet.append(header)
    count = 0
    for demand in demands:
        row = []
        for value in _cells(demand):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            row.append(cell)
        sheet.append(row)
        count += 1
    sheet.auto_filter.ref = f"A1:{_column_name(len(COLUMNS) - 1)}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _guard(cell: Cell) -> Cell:
    """Text that Excel would run as a formula gets a leading ' (read back by :func:`read_csv`)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return cell


def write_csv(demands: Iterable[SheetDemand]) -> bytes:
    """UTF-8 with a BOM and CRLF lines, so Excel opens the Chinese text right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    for demand in demands:
        writer.writerow(["" if v is None else _guard(v) for v in _cells(demand)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
