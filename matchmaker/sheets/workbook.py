"""Spreadsheets as staff keep them: reading xlsx/csv safely, writing them, and the guards.

Pure and library-agnostic: bytes in → a :class:`Sheet` (header and numbered rows), and headers,
rows, drop-down choices and an example row in → bytes out. What the columns mean lives in
:mod:`matchmaker.sheets.columns` (the libraries) and :mod:`matchmaker.sheets.needs`. Row numbers
are the spreadsheet's own: the header is row 1. Reading refuses zip bombs and binary CSV; writing
never lets a text cell become a formula (a leading ' in CSV, a string-typed cell in xlsx).

>>> read_csv("社区,需求标题\\n渔箭社区,四点半课堂\\n".encode()).rows
[(2, ['渔箭社区', '四点半课堂'])]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal, NamedTuple

import msgspec

from matchmaker import controls
from matchmaker.errors import Invalid

__all__ = [
    "MAX_ROWS",
    "MEDIA_TYPES",
    "Cell",
    "CellError",
    "Layout",
    "RowError",
    "Sheet",
    "SheetFormat",
    "SheetRejected",
    "blank",
    "column_name",
    "guard",
    "header_key",
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

#: What makes Excel (or LibreOffice) read a text cell as a formula: = + - @, and a tab or carriage
#: return before one (OWASP's CSV-injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
        while cells and blank(cells[-1]):
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
            "file: the first row must hold the column headers",
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
    """Undo :func:`guard`: a leading ' before = + - @ protects a text cell from Excel formulas."""
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


def blank(cell: Cell) -> bool:
    """An empty cell, or one holding only spaces."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def header_key(cell: Cell) -> str:
    """A header (or label) without spaces and with half-width brackets, to compare spellings."""
    text = re.sub(r"\s+", "", str(cell)) if cell is not None else ""
    return text.replace("（", "(").replace("）", ")").replace("／", "/")


def column_name(index: int) -> str:
    """Excel's letter for a 0-based column index (0 → A, 26 → AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# ---------------------------------------------------------------------------------------- writing


class Layout(NamedTuple):
    """What a written sheet looks like: its tab's name, headers, widths, and per column the
    choices a drop-down offers (None: free text; ``many``: several joined with 、, so the
    drop-down is a hint rather than a check)."""

    title: str
    headers: Sequence[str]
    widths: Sequence[int]
    choices: Sequence[tuple[Sequence[str], bool] | None] = ()


def _clean(cells: Sequence[Cell]) -> list[Cell]:
    """Text without the control characters a workbook cannot hold."""
    return [controls.clean(c) if isinstance(c, str) else c for c in cells]


def _validations(sheet: object, book: object, layout: Layout, last_row: int) -> None:
    """Drop-down lists on each vocabulary column, from a hidden sheet of choices (so a long
    vocabulary does not hit Excel's 255-character limit for an inline list)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = book.create_sheet("选项")  # type: ignore[attr-defined]
    lists.sheet_state = "hidden"
    column = 0
    for index, chosen in enumerate(layout.choices):
        if not chosen:
            continue
        values, many = chosen
        letter = column_name(column)
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=column + 1, value=value)
        rule = DataValidation(
            type="list",
            formula1=f"选项!${letter}$1:${letter}${len(values)}",
            allow_blank=True,
            showErrorMessage=not many,
            errorStyle="stop" if not many else "information",
            promptTitle=layout.headers[index][:32],
            prompt=("可填多个，用顿号（、）分隔" if many else "请从列表中选择")[:255],
            showInputMessage=True,
        )
        target = column_name(index)
        rule.add(f"{target}2:{target}{max(last_row, 1000)}")
        sheet.add_data_validation(rule)  # type: ignore[attr-defined]
        column += 1


def write_xlsx(layout: Layout, rows: Iterable[Sequence[Cell]]) -> bytes:
    """A workbook with one sheet: bold frozen header, filters, widths, date cells, drop-downs."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = layout.title
    sheet.freeze_panes = "A2"
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center")
    for index, (header, width) in enumerate(zip(layout.headers, layout.widths, strict=True)):
        sheet.column_dimensions[column_name(index)].width = width
        cell = sheet.cell(row=1, column=index + 1, value=header)
        cell.font, cell.alignment = bold, centre
    count = 0
    for count, values in enumerate(rows, start=1):
        for index, value in enumerate(_clean(values)):
            cell = sheet.cell(row=count + 1, column=index + 1, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = f"A1:{column_name(len(layout.headers) - 1)}{count + 1}"
    if any(layout.choices):
        _validations(sheet, book, layout, count + 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def guard(cell: Cell) -> Cell:
    """Text that Excel would run as a formula gets a leading ' (read back by :func:`read_csv`)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return cell


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a BOM and CRLF lines, so Excel opens the Chinese text right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for values in rows:
        writer.writerow(["" if v is None else guard(v) for v in _clean(values)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
