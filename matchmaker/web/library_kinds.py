"""The resource libraries as their pages need them: the description, its form, what runs.

Every library page (list, detail, new, edit, archive) is one generic handler in
:mod:`matchmaker.web.libraries` / :mod:`matchmaker.web.library_forms`; a :class:`Kind` here tells
it what the library's description (:mod:`matchmaker.libraries`) says — the filters a list offers,
the attributes a card and the detail page show, the form's fields — and what runs for it
(:mod:`matchmaker.services.libraries`: which query lists and reads the rows, which service
functions create, patch and archive, so the rules stay in the services, never here). Contacts are
shown as :mod:`matchmaker.services.contacts` decides (``view_in_list`` on lists, ``view_one`` on a
detail page); a row's own people (a community's staff) may edit its ``own_fields`` on the edit page.

>>> KINDS["policies"].create.__name__, KINDS["cases"].sorts[0]
('PolicyCreate', 'newest')
>>> KINDS["products"].fields[1]
FormField(name='actor_id', widget='ref', source='actors', required=True, maxlength=None, create_only=True, read_from=None, input_type='text')
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import msgspec

from matchmaker.libraries import LIBRARIES, Library
from matchmaker.libraries import WORDS as LIBRARY_WORDS
from matchmaker.libraries.shape import Field, ListFilter, Related, Show
from matchmaker.models import CurrentUser
from matchmaker.services.libraries import RUNS, Getter, Lister, Runs
from matchmaker.web.i18n import Words

__all__ = ["KINDS", "WORDS", "FormField", "Kind", "ListFilter", "Related", "Show"]

#: How a form field is drawn: ``lines`` is a textarea read one item per line; ``ref``/``refs``
#: pick rows of another table (``source``: actors, communities, districts, towns).
Widget = Literal[
    "text", "textarea", "number", "decimal", "date", "select", "checks", "bool", "lines", "ref",
    "refs",
]  # fmt: skip


@dataclass(frozen=True)
class FormField:
    """One input of a create/edit form, named as the create Struct's field."""

    name: str
    widget: Widget
    source: str | None = None  # a vocabulary (select/checks) or a reference table (ref/refs)
    required: bool = False
    maxlength: int | None = None
    create_only: bool = False  # not in the patch Struct (a product stays with its organisation)
    read_from: str | None = None  # read model attribute holding {id, name} rows (district_ids …)
    input_type: str = "text"  # for ``text``: url, email, tel


def form_field(field: Field) -> FormField:
    """A described field as its form draws it."""
    return FormField(
        field.name, cast(Widget, field.widget), field.source, field.required, field.maxlength,
        field.create_only, field.names if field.type == "refs" else None, field.input_type,
    )  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """Everything the generic library pages need to know about one library."""

    name: str
    title_attr: str
    subtitle: tuple[Show, ...]
    card: tuple[Show, ...]
    detail: tuple[Show, ...]
    filters: tuple[ListFilter, ...]
    sorts: tuple[str, ...]
    fields: tuple[FormField, ...]
    create: type[msgspec.Struct]
    patch: type[msgspec.Struct]
    filter_type: type[msgspec.Struct]
    list_rows: Lister
    get_row: Getter
    service_create: Callable[..., Awaitable[Any]]
    service_patch: Callable[..., Awaitable[Any]]
    service_archive: Callable[..., Awaitable[None]]
    signed_in_only: bool
    view_in_list: Callable[[CurrentUser | None, Any], Any]
    view_one: Callable[[Any, CurrentUser | None, Any], Awaitable[Any]]
    related: tuple[Related, ...]
    own_fields: tuple[str, ...]
    owns: Callable[[CurrentUser | None, int], bool]


def kind(lib: Library, runs: Runs) -> Kind:
    """The pages' view of one library: its description and what runs for it."""
    return Kind(
        name=lib.name,
        title_attr=lib.title_attr,
        subtitle=lib.subtitle,
        card=lib.card,
        detail=lib.detail,
        filters=lib.filters,
        sorts=lib.sorts,
        fields=tuple(form_field(f) for f in lib.fields if f.form),
        create=lib.create,
        patch=lib.patch,
        filter_type=runs.filters,
        list_rows=runs.list_rows,
        get_row=runs.get_row,
        service_create=runs.create,
        service_patch=runs.patch,
        service_archive=runs.archive,
        signed_in_only=lib.signed_in_only,
        view_in_list=runs.view_in_list,
        view_one=runs.view_one,
        related=lib.related,
        own_fields=lib.own_fields,
        owns=runs.owns,
    )


_ORDER = ("actors", "talent", "policies", "cases", "products", "communities")
#: The libraries by URL name, in the order the libraries page shows them.
KINDS: dict[str, Kind] = {name: kind(LIBRARIES[name], RUNS[name]) for name in _ORDER}

#: The libraries' names, descriptions, field labels and sort names (and the needs' tile).
WORDS: Words = LIBRARY_WORDS | {
    "lib_demands": ("需求库", "Needs"),
    "lib_demands_about": (
        "社区发布的需求，在需求大厅等待认领。",
        "Needs posted by communities, waiting on the board.",
    ),
}
