"""The shape of a library's description: its fields, what its pages show, filter and sort by.

Pure data at the models' level (it imports only :mod:`matchmaker.models`): the pages
(:mod:`matchmaker.web.library_kinds`), the spreadsheets (:mod:`matchmaker.sheets.columns`) and
the queries (:mod:`matchmaker.queries.library`) all read the same :class:`Library`. A
:class:`Field` is one input of the create Struct, said once: its Chinese and English label, its
type, the vocabulary or table behind it, whether it is required — and what each use adds (a form's
widget details, a sheet's header, width and example cell).

>>> Field("price", ("价格", "Price"), "money").widget, Field("bio", ("简介", "About"), "long").cells
('decimal', 'text')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import msgspec

__all__ = ["Example", "Field", "FieldType", "Format", "Library", "ListFilter", "Related", "Show"]

Pair = tuple[str, str]
#: What a field holds: ``long`` is text drawn as a textarea, ``list`` free items (one a line on a
#: form, joined with 、 in a cell), ``enum``/``enums`` codes of a vocabulary, ``ref``/``refs`` rows
#: of another table (``source``: actors, communities, districts, towns).
FieldType = Literal[
    "text", "long", "int", "decimal", "money", "date", "bool", "enum", "enums", "list", "ref",
    "refs",
]  # fmt: skip
#: How a shown attribute is written out (see ``web.libraries.shown``).
Format = Literal[
    "text", "long", "vocab", "vocabs", "names", "links", "link", "bool", "money", "price", "date",
    "lines", "number", "url", "when",
]  # fmt: skip
#: A sheet template's example cell.
Example = str | int | float | None

_WIDGETS = {"long": "textarea", "int": "number", "money": "decimal", "enum": "select",
            "enums": "checks", "list": "lines"}  # fmt: skip


@dataclass(frozen=True)
class Field:
    """One field of a library's create Struct, for its form and its spreadsheet column."""

    name: str
    label: Pair  # a page's label (Chinese, English)
    type: FieldType = "text"
    source: str | None = None  # a vocabulary (enum/enums) or a reference table (ref/refs)
    required: bool = False
    #: The read model's attribute naming the referenced row(s): ``actor_name``, ``districts`` …
    names: str | None = None
    # the form's
    form: bool = True
    maxlength: int | None = None
    input_type: str = "text"  # for ``text``: url, email, tel
    create_only: bool = False  # not in the patch Struct (a product stays with its organisation)
    # the sheet's
    sheet: bool = True
    header: Pair | None = None  # the column's header when not the label
    sheet_optional: bool = False  # a blank cell is fine (the create Struct's default fills it)
    width: int = 14
    contact: bool = False  # shown only to whom ``services.contacts`` allows
    example: Example = None

    @property
    def widget(self) -> str:
        """How a form draws it (see ``web.library_kinds.Widget``)."""
        return _WIDGETS.get(self.type, self.type)

    @property
    def cells(self) -> str:
        """How a sheet's cells read and write it (see ``sheets.columns.ColKind``)."""
        return "text" if self.type == "long" else self.type

    @property
    def heading(self) -> Pair:
        """The sheet's (Chinese, English) header."""
        return self.header or self.label


@dataclass(frozen=True)
class Show:
    """One attribute of a read model, how to write it, and (for links) which library it names."""

    attr: str
    fmt: Format = "text"
    vocabulary: str | None = None
    link_kind: str | None = None
    link_id: str | None = None  # for ``link``: the attribute holding the linked row's id


@dataclass(frozen=True)
class ListFilter:
    """A select above a list; ``source`` is a vocabulary, ``bool`` or a reference table."""

    name: str
    source: str
    words_key: str | None = None  # the label's key when not ``f_<name>``

    @property
    def label_key(self) -> str:
        return self.words_key or f"f_{self.name}"


@dataclass(frozen=True)
class Related:
    """A link on a detail page to another library's list narrowed to this row."""

    words_key: str
    kind: str
    param: str


@dataclass(frozen=True)
class Library:
    """One resource library described once: its fields, its pages' shape, its sorts."""

    name: str  # in URLs, the API and the sql/queries file
    entity: str  # one row, as errors name it (``case 7 does not exist``)
    title: Pair
    about: Pair
    title_attr: str
    fields: tuple[Field, ...]
    create: type[msgspec.Struct]
    patch: type[msgspec.Struct]
    subtitle: tuple[Show, ...]
    card: tuple[Show, ...]
    detail: tuple[Show, ...]
    filters: tuple[ListFilter, ...]
    sorts: tuple[str, ...]  # the first is a list's default
    related: tuple[Related, ...] = ()
    signed_in_only: bool = False
    #: Fields a row's own people may edit on its edit page; curators edit all fields.
    own_fields: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def stored(self) -> tuple[str, ...]:
        """The fields kept in the library's own table (``refs`` live in a table of links)."""
        return tuple(f.name for f in self.fields if f.type != "refs")
