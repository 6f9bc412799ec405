"""A library in and out of a spreadsheet, driven by its description in :mod:`.columns`.

Export: every row the viewer may see, oldest first, contacts only where
:mod:`matchmaker.services.contacts` shows them in a list, a coordinator's export limited to their
area (for the libraries that have areas). Import: every row read and checked first (cells, then the
library's create Struct), then each created through the library's own service inside one
transaction — so a form's rules (a coordinator acts only in their area, a grade only for registered
organisations …) hold for a sheet row too, and any refused row rolls the whole file back. Every bad
cell is named by row number, column header and reason.

>>> layout(SHEETS["policies"]).title
'政策库'
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

import asyncpg
import msgspec

from matchmaker.errors import AppError, Forbidden, Invalid, from_postgres
from matchmaker.models import CurrentUser
from matchmaker.queries import library_sheets as names_q
from matchmaker.queries.paging import MAX_LIMIT
from matchmaker.services.access import area_of, require_curator
from matchmaker.sheets import cells as read
from matchmaker.sheets.columns import SHEETS, Col, SheetKind
from matchmaker.sheets.workbook import (
    Cell,
    CellError,
    Layout,
    RowError,
    Sheet,
    SheetFormat,
    SheetRejected,
    blank,
    column_name,
    header_key,
    write_csv,
    write_xlsx,
)
from matchmaker.vocab import LABELS

__all__ = [
    "ImportResult",
    "export_rows",
    "import_rows",
    "layout",
    "sheet_kind",
    "template",
    "write",
]


class ImportResult(msgspec.Struct):
    """What an import added: how many rows, and their ids in the file's row order."""

    count: int
    ids: list[int]


def layout(kind: SheetKind) -> Layout:
    """The sheet's tab, headers, widths and drop-downs (vocabularies; ``enums`` as a hint)."""
    return Layout(
        kind.title,
        [c.header for c in kind.columns],
        [c.width for c in kind.columns],
        [
            ([zh for zh, _ in LABELS[c.source].values()], c.kind == "enums")
            if c.source in LABELS
            else (["是", "否"], False)
            if c.kind == "bool"
            else None
            for c in kind.columns
        ],
    )


# ---------------------------------------------------------------------------------------- export


def _cell(col: Col, value: Any) -> Cell:
    """A read model's value as the cell staff read: labels, names, 、-joined lists, 是/否."""
    if value is None or value is msgspec.UNSET:
        return None
    if col.kind == "enum":
        return read.label(col.source or "", value)
    if col.kind == "enums":
        return "、".join(read.label(col.source or "", v) for v in value)
    if col.kind == "list":
        return "、".join(value)
    if col.kind == "refs":
        return "、".join(v.name for v in value)
    if col.kind == "bool":
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and col.kind == "money":
        return int(value)
    return value  # type: ignore[no-any-return]


def row_cells(kind: SheetKind, row: Any) -> list[Cell]:
    """One row's cells in the description's order."""
    return [_cell(c, getattr(row, c.read_attr, None)) for c in kind.columns]


async def export_rows(
    conn: asyncpg.Connection, kind: SheetKind, user: CurrentUser | None, *, everything: bool = False
) -> list[list[Cell]]:
    """Every row ``user`` (None: anonymous) may see, as cells; ``everything``: the command line's
    export, every row with its contacts."""
    area = area_of(user)
    rows: list[list[Cell]] = []
    cursor = None
    while True:
        page, cursor = await kind.list_rows(
            conn, kind.filters(), sort="oldest", limit=MAX_LIMIT, cursor=cursor
        )
        for item in page:
            if area is not None and kind.districts and not set(kind.districts(item)) & set(area):
                continue
            rows.append(row_cells(kind, item if everything else kind.view(user, item)))
        if cursor is None:
            return rows


def write(kind: SheetKind, rows: Sequence[Sequence[Cell]], fmt: SheetFormat) -> bytes:
    """The rows as an xlsx workbook (with drop-downs) or a formula-guarded CSV."""
    if fmt == "xlsx":
        return write_xlsx(layout(kind), rows)
    return write_csv(layout(kind).headers, rows)


def template(kind: SheetKind) -> bytes:
    """The import template: headers, drop-downs and one example row."""
    example: list[Cell] = [c.example for c in kind.columns]
    return write_xlsx(layout(kind), [example])


def attachment(name: str, stem: str, extension: str) -> str:
    """``attachment`` with an ASCII filename and the Chinese one (RFC 6266 ``filename*``)."""
    today = dt.date.today().isoformat()
    return (
        f'attachment; filename="{name}-{today}.{extension}"; '
        f"filename*=UTF-8''{quote(f'{stem}-{today}.{extension}')}"
    )


# ---------------------------------------------------------------------------------------- import


def _columns(kind: SheetKind, sheet: Sheet) -> list[Col | None]:
    """The column at each position, by its Chinese or English header; problems are row 1's."""
    known: dict[str, Col] = {}
    for col in kind.columns:
        known[header_key(col.english).casefold()] = col
        known[header_key(col.header).casefold()] = col
    found: list[Col | None] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, cell in enumerate(sheet.header):
        key = header_key(cell).casefold()
        match = known.get(key) if key else None
        if key and match is None:
            every = "、".join(c.header for c in kind.columns)
            reason = f"unknown column in {column_name(index)}1; the columns are: {every}"
            errors.append(RowError(1, str(cell).strip(), reason))
        elif match is not None and match.header in seen:
            errors.append(RowError(1, match.header, "this column appears twice"))
        elif match is not None:
            seen.add(match.header)
        found.append(match)
    errors += [
        RowError(1, c.header, "required column is missing")
        for c in kind.columns
        if c.required and c.header not in seen
    ]
    if errors:
        raise SheetRejected(errors)
    return found


_SINGULAR = {"districts": "district", "towns": "town", "actors": "organisation",
             "communities": "community"}  # fmt: skip
Resolve = Callable[[Col, str, dict[str, Any]], int]


async def _resolver(conn: asyncpg.Connection) -> Resolve:
    """Names to ids, from one query; a town is looked for in the row's district, and two
    communities of one name are told apart as 镇街/名称."""
    by_name: dict[tuple[str, str], list[names_q.Named]] = defaultdict(list)
    for named in await names_q.names(conn):
        by_name[named.source, named.name].append(named)

    def resolve(col: Col, name: str, values: dict[str, Any]) -> int:
        source = col.source or ""
        matches = by_name.get((source, name), [])
        if not matches and "/" in name:
            qualifier, _, bare = (part.strip() for part in name.partition("/"))
            matches = [m for m in by_name.get((source, bare), []) if m.qualifier == qualifier]
        if source == "towns" and isinstance(values.get("district_id"), int):
            matches = [m for m in matches if m.parent == values["district_id"]]
        if not matches:
            raise CellError(f"no {_SINGULAR.get(source, source)} is named {name!r}")
        if len(matches) > 1:
            choices = "、".join(f"{m.qualifier}/{m.name}" for m in matches)
            raise CellError(f"{len(matches)} are named {name!r}; write one of: {choices}")
        return matches[0].id

    return resolve


def _value(col: Col, cell: Cell, resolve: Resolve, values: dict[str, Any]) -> Any:
    """One cell's value for the create Struct."""
    if col.kind in ("int",):
        return read.integer(cell)
    if col.kind == "decimal":
        return read.decimal(cell)
    if col.kind == "money":
        return read.money(cell)
    if col.kind == "date":
        return read.date(cell)
    if col.kind == "bool":
        return read.boolean(cell)
    text = read.text(cell)
    if col.kind == "enum":
        return read.enum(col.source or "", text)
    if col.kind == "enums":
        return read.enum_list(col.source or "", text)
    if col.kind == "list":
        return read.short_list(text)
    if col.kind == "ref":
        return resolve(col, text, values)
    if col.kind == "refs":
        ids, unknown = [], []
        for item in read.items(text):
            try:
                ids.append(resolve(col, item, values))
            except CellError as exc:
                unknown.append(str(exc))
        if unknown:
            raise CellError("; ".join(unknown))
        return list(dict.fromkeys(ids))
    return text


def _header_of(kind: SheetKind, field: str | None, fallback: str = "—") -> str:
    return next((c.header for c in kind.columns if c.field == field), fallback)


def _parse(
    kind: SheetKind, sheet: Sheet, resolve: Resolve
) -> tuple[list[tuple[int, msgspec.Struct]], list[RowError]]:
    """Every row as the library's create Struct, and every bad cell."""
    columns = _columns(kind, sheet)
    bodies: list[tuple[int, msgspec.Struct]] = []
    errors: list[RowError] = []
    for number, cells in sheet.rows:
        values: dict[str, Any] = {}
        bad: list[RowError] = []
        for index, cell in enumerate(cells + [None] * (len(columns) - len(cells))):
            col = columns[index] if index < len(columns) else None
            if col is None:
                if not blank(cell):
                    bad.append(RowError(number, column_name(index), "a value in a column without a header"))  # fmt: skip
                continue
            if blank(cell):
                if col.required:
                    bad.append(RowError(number, col.header, "required; this cell is empty"))
                continue
            try:
                values[col.field] = _value(col, cell, resolve, values)
            except CellError as exc:
                bad.append(RowError(number, col.header, str(exc)))
        if not bad:
            try:
                bodies.append((number, msgspec.convert(values, kind.create)))
            except msgspec.ValidationError as exc:
                named = re.search(r"`\$\.(\w+)", str(exc))
                bad.append(RowError(number, _header_of(kind, named[1] if named else None), str(exc)))  # fmt: skip
        errors += bad
    return bodies, errors


def _area_header(kind: SheetKind) -> str:
    """Where a refusal without a field points: the column that places the row in an area."""
    return next(
        (c.header for c in kind.columns if c.source in ("districts", "communities", "actors")),
        "—",
    )


async def import_rows(
    conn: asyncpg.Connection, kind: SheetKind, sheet: Sheet, user: CurrentUser
) -> ImportResult:
    """Add every row of ``sheet`` to the library, or none: :class:`SheetRejected` lists every
    bad row (cells first; then what the service refuses, such as a row outside a coordinator's
    area), and the transaction is rolled back."""
    require_curator(user)
    bodies, errors = _parse(kind, sheet, await _resolver(conn))
    if not errors and not bodies:
        raise Invalid("file: there are no rows under the header; nothing to import", field="file")
    if errors:
        raise SheetRejected(errors)
    ids: list[int] = []
    async with conn.transaction():
        for number, body in bodies:
            try:
                async with conn.transaction():  # a refused row undoes only itself, until the end
                    ids.append((await kind.service_create(conn, user, body)).id)
            except (AppError, asyncpg.PostgresError) as exc:
                refusal = exc if isinstance(exc, AppError) else from_postgres(exc)
                if refusal is None:
                    raise
                fallback = _area_header(kind) if isinstance(refusal, Forbidden) else "—"
                errors.append(RowError(number, _header_of(kind, refusal.field, fallback), refusal.message))  # fmt: skip
        if errors:
            raise SheetRejected(errors)  # rolls the whole file back
    return ImportResult(count=len(ids), ids=ids)


def sheet_kind(name: str) -> SheetKind:
    """The library called ``name`` (communities, actors, talent, policies, cases, products)."""
    found = SHEETS.get(name)
    if found is None:
        raise Invalid(f"library: must be one of {', '.join(SHEETS)}, not {name!r}", field="library")
    return found
