"""Cases (案例库): completed work worth copying, with its community, partners and outcome.

>>> msgspec.convert({"community_id": 1, "title": "小渔乐", "category": "child_care",
...                  "actor_ids": [3, 5]}, CaseCreate).actor_ids
[3, 5]
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from matchmaker.models import Count, Name, ShortList, Text, Timestamp
from matchmaker.vocab import Category

__all__ = ["Case", "CaseActor", "CaseCreate", "CasePatch", "CaseSort"]

RowId = Annotated[int, msgspec.Meta(ge=1, le=2**62)]
ActorIds = Annotated[list[RowId], msgspec.Meta(max_length=50, description="partner actor ids")]
Months = Annotated[int, msgspec.Meta(ge=0, le=1200)]
Rating = Annotated[int, msgspec.Meta(ge=1, le=5)]
Year = Annotated[int, msgspec.Meta(ge=2000, le=2100)]
CaseSort = Literal["newest", "relevance", "oldest", "rating", "year", "beneficiaries"]


class CaseActor(msgspec.Struct):
    """A partner organisation that took part in a case."""

    id: int
    name: str


class Case(msgspec.Struct):
    """A case as everyone may read it, with its community's place and its partners."""

    id: int
    community_id: int
    community_name: str
    district_id: int
    district_name: str
    title: str
    summary: str
    category: Category
    model_tags: list[str]
    actors: list[CaseActor]
    beneficiaries: int | None
    duration_months: int | None
    rating: int | None
    year: int | None
    partnership_id: int | None
    created_at: Timestamp
    updated_at: Timestamp


class CaseCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new case; ``actor_ids`` are the partners that took part, ``partnership_id`` the completed
    partnership it records (if any)."""

    community_id: RowId
    title: Name
    category: Category
    summary: Text = ""
    model_tags: ShortList = []
    actor_ids: ActorIds = []
    beneficiaries: Count | None = None
    duration_months: Months | None = None
    rating: Rating | None = None
    year: Year | None = None
    partnership_id: RowId | None = None


class CasePatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; a field not sent stays as it is. ``actor_ids`` replaces the partners."""

    community_id: RowId | msgspec.UnsetType = msgspec.UNSET
    title: Name | msgspec.UnsetType = msgspec.UNSET
    category: Category | msgspec.UnsetType = msgspec.UNSET
    summary: Text | msgspec.UnsetType = msgspec.UNSET
    model_tags: ShortList | msgspec.UnsetType = msgspec.UNSET
    actor_ids: ActorIds | msgspec.UnsetType = msgspec.UNSET
    beneficiaries: Count | msgspec.UnsetType | None = msgspec.UNSET
    duration_months: Months | msgspec.UnsetType | None = msgspec.UNSET
    rating: Rating | msgspec.UnsetType | None = msgspec.UNSET
    year: Year | msgspec.UnsetType | None = msgspec.UNSET
    partnership_id: RowId | msgspec.UnsetType | None = msgspec.UNSET
