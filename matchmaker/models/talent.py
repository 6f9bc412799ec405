"""Talent (人才库): people — social workers, planners, experts, craftsmen, lawyers, volunteers.

People are shown only to signed-in users; demo entries are pseudonymous ("社工·林老师(化名)").
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from matchmaker.models import RefId, ShortList, Text, Timestamp
from matchmaker.models.actors import DistrictIds
from matchmaker.models.communities import DistrictRef
from matchmaker.vocab import TalentRole

__all__ = ["DisplayName", "Hours", "Talent", "TalentCreate", "TalentPatch", "TalentSort"]

TalentSort = Literal["newest", "relevance", "oldest", "name", "hours"]

DisplayName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, description="a pseudonym is fine")
]
Roles = Annotated[list[TalentRole], msgspec.Meta(min_length=1, max_length=6)]
Hours = Annotated[int, msgspec.Meta(ge=0, le=744, description="hours available per month")]

Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class Talent(msgspec.Struct):
    """A person in the library, with the organisation they belong to and the districts they serve."""

    id: int
    display_name: str
    roles: list[TalentRole]
    skills: list[str]
    certificates: list[str]
    actor_id: int | None
    actor_name: str | None
    districts: list[DistrictRef]
    hours_per_month: int
    bio: str
    created_at: Timestamp
    updated_at: Timestamp


class TalentCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new person; ``actor_id`` (affiliation) must be an organisation in the library."""

    display_name: DisplayName
    roles: Roles
    skills: ShortList = []
    certificates: ShortList = []
    actor_id: RefId | None = None
    district_ids: DistrictIds = []
    hours_per_month: Hours = 0
    bio: Text = ""


class TalentPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; a field not sent stays as it is. ``district_ids`` replaces the set."""

    display_name: DisplayName | Unset = UNSET
    roles: Roles | Unset = UNSET
    skills: ShortList | Unset = UNSET
    certificates: ShortList | Unset = UNSET
    actor_id: RefId | Unset | None = UNSET
    district_ids: DistrictIds | Unset = UNSET
    hours_per_month: Hours | Unset = UNSET
    bio: Text | Unset = UNSET
