"""Each library's spreadsheet columns, derived from its description: the reader, the writer and
the template use them.

A :class:`Col` names its Chinese header (the English one is accepted on import too), the create
Struct's field it fills, how its cells read and write (``kind``), the vocabulary or reference
table behind it (``source``: drop-downs in the template, names resolved to ids on import), and the
read model's attribute an export takes it from — all from the field's one description in
:mod:`matchmaker.libraries`. A :class:`SheetKind` adds what runs for the library
(:mod:`matchmaker.services.libraries`): its list query, its create service (so every rule of a
form holds for a sheet row as well), who sees contacts, and how a coordinator's area narrows an
export.

>>> [c.header for c in SHEETS["products"].columns][:3]
['产品名称', '所属机构', '类别']
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import msgspec

from matchmaker.libraries import LIBRARIES, Library
from matchmaker.libraries.shape import Field
from matchmaker.models import CurrentUser
from matchmaker.services.libraries import RUNS, Lister, Runs
from matchmaker.sheets.workbook import Cell

__all__ = ["SHEETS", "Col", "ColKind", "SheetKind"]

#: How a column's cells read and write: ``enum``/``enums`` a vocabulary's labels (several joined
#: with 、), ``list`` free items joined with 、, ``ref``/``refs`` rows of another table by name.
ColKind = Literal[
    "text", "int", "decimal", "money", "date", "bool", "enum", "enums", "list", "ref", "refs"
]


@dataclass(frozen=True)
class Col:
    """One column of a library's sheet."""

    header: str
    english: str
    field: str
    kind: ColKind = "text"
    source: str | None = (
        None  # a vocabulary, or for ref/refs: districts, towns, actors, communities
    )
    attr: str | None = None  # the read model's attribute when it is not ``field``
    required: bool = False
    width: int = 14
    contact: bool = False  # shown only to whom :mod:`matchmaker.services.contacts` allows
    example: Cell = None  # the template's example row

    @property
    def read_attr(self) -> str:
        return self.attr or self.field


def col(field: Field) -> Col:
    """A described field as its sheet's column."""
    header, english = field.heading
    return Col(
        header, english, field.name, cast(ColKind, field.cells), field.source, field.names,
        field.required and not field.sheet_optional, field.width, field.contact, field.example,
    )  # fmt: skip


@dataclass(frozen=True)
class SheetKind:
    """One library as a spreadsheet."""

    name: str
    title: str
    columns: tuple[Col, ...]
    create: type[msgspec.Struct]
    filters: type[msgspec.Struct]
    list_rows: Lister
    service_create: Callable[..., Awaitable[Any]]
    #: A row as a list shows it to the viewer (contacts hidden unless the rule allows).
    view: Callable[[CurrentUser | None, Any], Any]
    #: The districts a row lies in, for a coordinator's export (None: the library has no areas).
    districts: Callable[[Any], list[int]] | None
    signed_in_only: bool


def sheet_kind(lib: Library, runs: Runs) -> SheetKind:
    """The sheet of one library: its described fields that a sheet holds, and what runs."""
    return SheetKind(
        lib.name, lib.title[0], tuple(col(f) for f in lib.fields if f.sheet), lib.create,
        runs.filters, runs.list_rows, runs.create, runs.view_in_list, runs.districts,
        lib.signed_in_only,
    )  # fmt: skip


#: The libraries as sheets, by URL name, in the order they must be imported into an empty
#: database (a talent row or a product names an organisation, a case a community).
SHEETS: dict[str, SheetKind] = {
    name: sheet_kind(lib, RUNS[name]) for name, lib in LIBRARIES.items()
}
