"""Reports for 社治委: an area's needs, partnerships, rounds, "1257N" and 五社联动 in a period.

A report's places form a tree — city → 区县 district → 街道 town → community — and every place
carries the same :class:`Figures`, all counts or sums, so a parent's are the sum of its children's:

>>> a, b = Figures(needs_posted=2, rating_sum=9, rated=2), Figures(needs_posted=1, rating_sum=4, rated=1)
>>> add(a, b).needs_posted, average(add(a, b).rating_sum, add(a, b).rated)
(3, 4.33)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import msgspec

from matchmaker.models.stats import CommunityStandard

__all__ = [
    "LEVELS",
    "Area",
    "CategoryRow",
    "Figures",
    "LeftOpen",
    "Level",
    "Place",
    "ProposalRow",
    "Report",
    "RoundRow",
    "add",
    "average",
]

#: The levels of places, coarsest first; "all" is every district a user may see.
Level = Literal["all", "city", "district", "town", "community"]
LEVELS: tuple[Level, ...] = ("all", "city", "district", "town", "community")


class Figures(msgspec.Struct):
    """What one place did in the period, and what its communities hold: every field adds up."""

    communities: int = 0
    # needs posted in the period, by where each stands now
    needs_posted: int = 0
    needs_open: int = 0
    needs_matched: int = 0
    needs_fulfilled: int = 0
    needs_cancelled: int = 0
    # partnerships started in the period, by status now
    partnerships: int = 0
    partnerships_active: int = 0
    partnerships_completed: int = 0
    partnerships_cancelled: int = 0
    beneficiaries_served: int = 0
    rating_sum: int = 0
    rated: int = 0
    days_sum: int = 0
    # rounds started in the period
    proposals: int = 0
    proposals_confirmed: int = 0
    left_open: int = 0
    # "1257N": communities meeting it, and falling short on each indicator
    meets_1257n: int = 0
    short_social_work_rooms: int = 0
    short_social_workers: int = 0
    short_community_orgs: int = 0
    short_volunteer_teams: int = 0
    short_charity_resources: int = 0
    # 五社联动: what the communities hold, and partnerships with each kind of partner
    social_work_rooms: int = 0
    social_workers: int = 0
    community_orgs: int = 0
    volunteer_teams: int = 0
    charity_resources: int = 0
    with_social_orgs: int = 0
    with_social_workers: int = 0
    with_volunteers: int = 0
    with_charity: int = 0


FIELDS: tuple[str, ...] = Figures.__struct_fields__


def add(a: Figures, b: Figures) -> Figures:
    """Field by field: the figures of two places together."""
    return Figures(**{f: getattr(a, f) + getattr(b, f) for f in FIELDS})


def average(total: int, count: int) -> float | None:
    """A mean to two places, or None of nothing."""
    return round(total / count, 2) if count else None


class Place(msgspec.Struct):
    """One place of the report with its figures; ``parent`` is the key of the place it lies in."""

    key: str
    level: Level
    name: str
    parent: str | None
    figures: Figures
    average_rating: float | None = None
    average_days: float | None = None


class Area(msgspec.Struct):
    """The place a report is for: ``key`` as asked (``district:3``), its level and name."""

    key: str
    level: Level
    name: str


class CategoryRow(msgspec.Struct):
    """The area's needs posted in the period of one category, by where they stand now."""

    category: str
    label: str
    label_en: str
    posted: int
    open: int
    matched: int
    fulfilled: int
    cancelled: int


class RoundRow(msgspec.Struct):
    """A round started in the period, with what it did in the area."""

    round_id: int
    algorithm: str
    created_at: dt.datetime
    proposals: int
    left_open: int


class ProposalRow(msgspec.Struct):
    """A proposal a round made to one of the area's needs, with its score components."""

    round_id: int
    id: int
    demand_id: int
    title: str
    community: str
    partner: str
    score: float
    components: dict[str, Any]
    status: str


class LeftOpen(msgspec.Struct):
    """A need of the area a round left with open slots, and the engine's reason."""

    round_id: int
    demand_id: int
    title: str
    community: str
    open_slots: int
    reason: str
    reason_label: str
    reason_label_en: str
    detail: str


class Report(msgspec.Struct):
    """An area's report for a period (``since`` to ``until``, Sichuan dates, both included).

    ``places`` lists the area first, then each place under its parent (depth first);
    ``communities_1257n`` is every community against the standard; ``proposals`` are capped
    (``proposals_total`` says how many there are).
    """

    area: Area
    since: dt.date
    until: dt.date
    places: list[Place]
    categories: list[CategoryRow]
    rounds: list[RoundRow]
    proposals: list[ProposalRow]
    proposals_total: int
    left_open: list[LeftOpen]
    communities_1257n: list[CommunityStandard]
