"""Policies (政策库): documents that fund or back community work, and who they are open to.

A policy is *active* on the days from ``valid_from`` to ``valid_to`` inclusive (no ``valid_to``:
open-ended). It is open to the community kinds and actor kinds it lists; an empty list names none.

>>> msgspec.convert({"title": "春雨计划", "issuer": "广安市民政局", "level": "city",
...                  "valid_from": "2023-01-01"}, PolicyCreate).valid_to is None
True
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from matchmaker.models import Name, Text, Timestamp
from matchmaker.vocab import ActorKind, Category, CommunityKind, PolicyLevel

__all__ = ["Policy", "PolicyCreate", "PolicyPatch", "PolicySort"]

DocNumber = Annotated[str, msgspec.Meta(max_length=100, description="文号, e.g. 川民发〔2023〕1号")]
#: ``numeric(14, 2)`` holds at most 999 999 999 999.99.
Ceiling = Annotated[float, msgspec.Meta(ge=0, le=999_999_999_999, description="CNY")]
PolicySort = Literal["newest", "relevance", "oldest", "expiring", "subsidy"]


class Policy(msgspec.Struct):
    """A policy as everyone may read it; ``active`` is whether today lies in its validity window."""

    id: int
    title: str
    issuer: str
    level: PolicyLevel
    doc_number: str | None
    categories: list[Category]
    eligible_community_kinds: list[CommunityKind]
    eligible_actor_kinds: list[ActorKind]
    subsidy_ceiling: float | None
    valid_from: dt.date
    valid_to: dt.date | None
    summary: str
    active: bool
    created_at: Timestamp
    updated_at: Timestamp


class _Validity(msgspec.Struct):
    def check_validity(self) -> None:
        start, end = getattr(self, "valid_from", None), getattr(self, "valid_to", None)
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            from matchmaker.errors import Invalid

            raise Invalid("valid_to: must not be before valid_from", field="valid_to")


class PolicyCreate(_Validity, forbid_unknown_fields=True):
    """A new policy."""

    title: Name
    issuer: Name
    level: PolicyLevel
    valid_from: dt.date
    valid_to: dt.date | None = None
    doc_number: DocNumber | None = None
    categories: list[Category] = []
    eligible_community_kinds: list[CommunityKind] = []
    eligible_actor_kinds: list[ActorKind] = []
    subsidy_ceiling: Ceiling | None = None
    summary: Text = ""


class PolicyPatch(_Validity, forbid_unknown_fields=True):
    """Fields to change; a field not sent stays as it is."""

    title: Name | msgspec.UnsetType = msgspec.UNSET
    issuer: Name | msgspec.UnsetType = msgspec.UNSET
    level: PolicyLevel | msgspec.UnsetType = msgspec.UNSET
    valid_from: dt.date | msgspec.UnsetType = msgspec.UNSET
    valid_to: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    doc_number: DocNumber | msgspec.UnsetType | None = msgspec.UNSET
    categories: list[Category] | msgspec.UnsetType = msgspec.UNSET
    eligible_community_kinds: list[CommunityKind] | msgspec.UnsetType = msgspec.UNSET
    eligible_actor_kinds: list[ActorKind] | msgspec.UnsetType = msgspec.UNSET
    subsidy_ceiling: Ceiling | msgspec.UnsetType | None = msgspec.UNSET
    summary: Text | msgspec.UnsetType = msgspec.UNSET
