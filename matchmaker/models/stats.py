"""Statistics for the public dashboard: library sizes, needs and partnerships, the "1257N" standard.

The "1257N" standard asks of every community at least 1 social-work room, 2 social workers,
5 registered community organisations, 7 volunteer teams and N (≥ 1) charity resources:

>>> [(r.indicator, r.needs) for r in STANDARD_1257N][:2]
[('social_work_rooms', 1), ('social_workers', 2)]
"""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = [
    "STANDARD_1257N",
    "CategoryNeeds",
    "CommunityStandard",
    "DistrictNeeds",
    "Indicator",
    "LibraryCounts",
    "Requirement",
    "Shortfall",
    "Standard1257N",
    "Stats",
    "StatusCount",
]

Indicator = Literal[
    "social_work_rooms", "social_workers", "community_orgs", "volunteer_teams", "charity_resources"
]


class Requirement(msgspec.Struct, frozen=True):
    """One indicator of the standard and the least a community needs of it."""

    indicator: Indicator
    label: str
    label_en: str
    needs: int


#: The "1257N" standard, in the order of its name.
STANDARD_1257N: tuple[Requirement, ...] = (
    Requirement("social_work_rooms", "社工室", "Social-work rooms", 1),
    Requirement("social_workers", "社工", "Social workers", 2),
    Requirement("community_orgs", "社区社会组织", "Registered community organisations", 5),
    Requirement("volunteer_teams", "志愿服务队", "Volunteer teams", 7),
    Requirement("charity_resources", "慈善资源", "Charity resources", 1),
)


class LibraryCounts(msgspec.Struct):
    """Rows in each resource library and communities, archived rows left out."""

    communities: int
    actors: int
    talent: int
    policies: int
    demands: int
    cases: int
    products: int


class StatusCount(msgspec.Struct):
    """How many records have one status, with the status's Chinese and English labels."""

    status: str
    label: str
    label_en: str
    count: int


class DistrictNeeds(msgspec.Struct):
    """Open and fulfilled needs of a district's communities."""

    district_id: int
    district_name: str
    open: int
    fulfilled: int


class CategoryNeeds(msgspec.Struct):
    """Open and fulfilled needs of one category, with its Chinese and English labels."""

    category: str
    label: str
    label_en: str
    open: int
    fulfilled: int


class Shortfall(msgspec.Struct):
    """An indicator a community falls short on: what it has and what the standard needs."""

    indicator: Indicator
    has: int
    needs: int


class CommunityStandard(msgspec.Struct):
    """One community against the "1257N" standard."""

    community_id: int
    community_name: str
    district_id: int
    district_name: str
    social_work_rooms: int
    social_workers: int
    community_orgs: int
    volunteer_teams: int
    charity_resources: int
    meets: bool
    shortfalls: list[Shortfall]


class Standard1257N(msgspec.Struct):
    """Every community against the standard, and how many meet it or fall short."""

    standard: list[Requirement]
    communities: list[CommunityStandard]
    meeting: int
    falling_short: int


class Stats(msgspec.Struct):
    """The dashboard's figures, all read in one consistent snapshot."""

    libraries: LibraryCounts
    demands_by_status: list[StatusCount]
    needs_by_district: list[DistrictNeeds]
    needs_by_category: list[CategoryNeeds]
    partnerships_by_status: list[StatusCount]
    standard_1257n: Standard1257N
