"""Communities (社区/村) with their "1257N" indicators, and the districts and towns they lie in.

The "1257N" standard: at least 1 social-work room, 2 social workers, 5 registered community
organisations, 7 volunteer teams and 1 charity resource. :func:`shortfalls` says where a community
falls short of it.

>>> shortfalls({"social_work_rooms": 1, "social_workers": 1, "community_orgs": 38,
...             "volunteer_teams": 12, "charity_resources": 2})
['social_workers: 1 of 2']

A community has a contact person (``contact_name``, ``contact_phone``, ``contact_email``), shown
only as :mod:`matchmaker.services.contacts` decides; :meth:`Community.public` leaves it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

import msgspec

from matchmaker.models import Count, Lat, Lon, Name, RefId, Text, Timestamp
from matchmaker.models.contacts import ContactEmail, ContactName, ContactPhone, ShownContact
from matchmaker.models.stats import STANDARD_1257N as STANDARD
from matchmaker.vocab import CommunityKind, TownKind

__all__ = [
    "CONTACT_FIELDS",
    "STANDARD_1257N",
    "Community",
    "CommunityCreate",
    "CommunityPatch",
    "CommunitySort",
    "District",
    "DistrictRef",
    "RefId",
    "Theme",
    "Town",
    "shortfalls",
]

Theme = Annotated[str, msgspec.Meta(max_length=50, description="e.g. 人文生态型, 智慧科技型")]
CommunitySort = Literal["newest", "relevance", "oldest", "name", "population"]
#: A community's contact person: what its own staff may change about it (curators: everything).
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")

#: The "1257N" indicators and the minimum each must reach (the one definition is in models.stats).
STANDARD_1257N: tuple[tuple[str, int], ...] = tuple((r.indicator, r.needs) for r in STANDARD)


def shortfalls(indicators: Mapping[str, Any]) -> list[str]:
    """Each indicator below the "1257N" minimum, as ``"<indicator>: <has> of <needed>"``."""
    return [
        f"{name}: {indicators[name]} of {minimum}"
        for name, minimum in STANDARD_1257N
        if indicators[name] < minimum
    ]


class DistrictRef(msgspec.Struct):
    """A district by id and name."""

    id: int
    name: str


class Town(msgspec.Struct):
    """A 镇街 (street, town or township) of a district."""

    id: int
    name: str
    kind: TownKind


class District(msgspec.Struct):
    """A 区县 with its centre and its towns."""

    id: int
    name: str
    city: str
    lat: float
    lon: float
    towns: list[Town]


class Community(msgspec.Struct):
    """A community as everyone may read it, with its place and whether it meets "1257N".

    ``contact_name``, ``contact_phone`` and ``contact_email`` (its contact person) are present only
    for a caller who may see them: coordinators and admins, the community's own staff, and the
    partner staff of an organisation with a partnership with it that is active or completed. For
    everyone else (and in every list, except to coordinators and admins) the three fields are
    absent. Present but ``null``: nobody filled that part in.
    """

    id: int
    name: str
    district_id: int
    district_name: str
    town_id: int
    town_name: str
    kind: CommunityKind
    theme: str
    population: int
    lat: float
    lon: float
    social_work_rooms: int
    social_workers: int
    community_orgs: int
    volunteer_teams: int
    charity_resources: int
    meets_1257n: bool
    shortfalls: list[str]
    description: str
    created_at: Timestamp
    updated_at: Timestamp
    contact_name: ShownContact | msgspec.UnsetType | None = msgspec.UNSET
    contact_phone: ShownContact | msgspec.UnsetType | None = msgspec.UNSET
    contact_email: ShownContact | msgspec.UnsetType | None = msgspec.UNSET

    def public(self) -> Community:
        """The same community without its contact (what a caller who may not see it gets)."""
        return msgspec.structs.replace(
            self, contact_name=msgspec.UNSET, contact_phone=msgspec.UNSET,
            contact_email=msgspec.UNSET,
        )  # fmt: skip


class CommunityCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new community; ``town_id`` must be a town of ``district_id``."""

    name: Name
    district_id: RefId
    town_id: RefId
    kind: CommunityKind
    population: Count
    lat: Lat
    lon: Lon
    theme: Theme = ""
    social_work_rooms: Count = 0
    social_workers: Count = 0
    community_orgs: Count = 0
    volunteer_teams: Count = 0
    charity_resources: Count = 0
    description: Text = ""
    contact_name: ContactName | None = None
    contact_phone: ContactPhone | None = None
    contact_email: ContactEmail | None = None


class CommunityPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; a field not sent stays as it is. A new district needs a town in it.

    Coordinators and admins change any field; the community's own staff change only its contact
    (``contact_name``, ``contact_phone``, ``contact_email``; ``null`` removes one).
    """

    name: Name | msgspec.UnsetType = msgspec.UNSET
    district_id: RefId | msgspec.UnsetType = msgspec.UNSET
    town_id: RefId | msgspec.UnsetType = msgspec.UNSET
    kind: CommunityKind | msgspec.UnsetType = msgspec.UNSET
    population: Count | msgspec.UnsetType = msgspec.UNSET
    lat: Lat | msgspec.UnsetType = msgspec.UNSET
    lon: Lon | msgspec.UnsetType = msgspec.UNSET
    theme: Theme | msgspec.UnsetType = msgspec.UNSET
    social_work_rooms: Count | msgspec.UnsetType = msgspec.UNSET
    social_workers: Count | msgspec.UnsetType = msgspec.UNSET
    community_orgs: Count | msgspec.UnsetType = msgspec.UNSET
    volunteer_teams: Count | msgspec.UnsetType = msgspec.UNSET
    charity_resources: Count | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    contact_name: ContactName | msgspec.UnsetType | None = msgspec.UNSET
    contact_phone: ContactPhone | msgspec.UnsetType | None = msgspec.UNSET
    contact_email: ContactEmail | msgspec.UnsetType | None = msgspec.UNSET
