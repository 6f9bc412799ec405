"""msgspec Structs shared across layers: field types, the current user, pages of results.

Each resource has its own module here (``models.demands`` …) with its read, create and patch
shapes. Create and patch bodies refuse unknown fields; patch fields default to ``UNSET`` so "not
sent" differs from "set to null".

>>> msgspec.json.decode(b'{"items": [], "next_cursor": null}', type=Page[int])
Page(items=[], next_cursor=None)
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

import msgspec

from matchmaker.vocab import Role

__all__ = [
    "Count",
    "CurrentUser",
    "Lat",
    "Lon",
    "Money",
    "Name",
    "Note",
    "Page",
    "RefId",
    "ShortList",
    "Text",
    "Timestamp",
]

T = TypeVar("T")

#: The id of a row another row refers to (a district, a town, an actor); fits PostgreSQL's bigint.
RefId = Annotated[int, msgspec.Meta(ge=1, le=2**62)]
Lat = Annotated[float, msgspec.Meta(ge=-90, le=90, description="latitude, degrees")]
Lon = Annotated[float, msgspec.Meta(ge=-180, le=180, description="longitude, degrees")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]
Note = Annotated[str, msgspec.Meta(max_length=1000)]
Count = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Money = Annotated[float, msgspec.Meta(ge=0, le=999_999_999_999, description="CNY")]
ShortList = Annotated[
    list[Annotated[str, msgspec.Meta(min_length=1, max_length=100)]], msgspec.Meta(max_length=50)
]
Timestamp = dt.datetime


class CurrentUser(msgspec.Struct, frozen=True):
    """The signed-in user, as guards and services see them."""

    id: int
    username: str
    display_name: str
    role: Role
    community_id: int | None = None
    actor_id: int | None = None
    #: A coordinator's area: the ids of the districts they govern (a city's resolved when read).
    #: Empty for everyone else; an admin governs everywhere without a list.
    districts: tuple[int, ...] = ()


class Page(msgspec.Struct, Generic[T]):
    """One page of a list; pass ``next_cursor`` as ``cursor`` for the next (null: no more)."""

    items: list[T]
    next_cursor: str | None = None
