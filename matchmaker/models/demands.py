"""Demands (需求库): a community project seeking partners, and its interests."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from matchmaker.models import Count, Money, Name, Note, RefId, ShortList, Text, Timestamp
from matchmaker.vocab import (
    Category,
    Delivery,
    DemandStatus,
    IntakeChannel,
    InterestStatus,
    ProposalStatus,
    ResourceType,
    TargetGroup,
    Urgency,
)

__all__ = [
    "DEMAND_TRANSITIONS",
    "Demand",
    "DemandCreate",
    "DemandPatch",
    "DemandSort",
    "Interest",
    "InterestCreate",
    "InterestDecline",
    "InterestInNeed",
    "OpportunitySort",
    "SheetDemand",
    "StatusChange",
]

Slots = Annotated[int, msgspec.Meta(ge=1, le=100, description="partners wanted")]
Beneficiaries = Annotated[
    list[RefId],
    msgspec.Meta(
        max_length=50, description="organisations the need is for (受益方); never its partner"
    ),
]
DemandSort = Literal["newest", "relevance", "oldest", "urgency", "deadline", "beneficiaries"]
#: The opportunity board also sorts by a signed-in partner's fit.
OpportunitySort = Literal[
    "newest", "relevance", "oldest", "urgency", "deadline", "beneficiaries", "fit"
]

#: The legal moves of a demand's status (draft → open → matched → in_progress → fulfilled | cancelled).
DEMAND_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("open", "cancelled"),
    "open": ("draft", "matched", "cancelled"),
    "matched": ("open", "in_progress", "cancelled"),
    "in_progress": ("fulfilled", "cancelled"),
    "fulfilled": (),
    "cancelled": (),
}


class Demand(msgspec.Struct):
    """A need as everyone may read it, with its community's place and profile."""

    id: int
    community_id: int
    community_name: str
    community_kind: str
    community_theme: str
    district_id: int
    district_name: str
    town_id: int
    town_name: str
    title: str
    description: str
    category: Category
    resource_types: list[ResourceType]
    skills: list[str]
    target_groups: list[TargetGroup]
    beneficiaries: int
    budget: float | None
    slots: int
    urgency: Urgency
    window_start: dt.date | None
    window_end: dt.date | None
    intake_channel: IntakeChannel
    status: DemandStatus
    #: How it can be met (as stated, or the default for its category and resources).
    delivery: Delivery
    delivery_by_default: bool
    beneficiary_actor_ids: list[int]
    interest_count: int
    created_at: Timestamp
    updated_at: Timestamp
    #: For a signed-in partner: the score a match round would give this pair, and its parts.
    fit: float | None = None
    fit_components: dict[str, float] | None = None


class _Window(msgspec.Struct):
    def check_window(self) -> None:
        start, end = getattr(self, "window_start", None), getattr(self, "window_end", None)
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            from matchmaker.errors import Invalid

            raise Invalid("window_end: must not be before window_start", field="window_end")


class DemandCreate(_Window, forbid_unknown_fields=True):
    """A new need. Community staff may leave ``community_id`` out: it is their own community."""

    title: Name
    category: Category
    description: Text = ""
    community_id: RefId | None = None
    resource_types: list[ResourceType] = []
    skills: ShortList = []
    target_groups: list[TargetGroup] = []
    beneficiaries: Count = 0
    budget: Money | None = None
    slots: Slots = 1
    urgency: Urgency = "normal"
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    intake_channel: IntakeChannel = "online"
    status: Literal["draft", "open"] = "draft"
    #: None: the default for its category and resources (see ``demand_delivery_default``).
    delivery: Delivery | None = None
    beneficiary_actor_ids: Beneficiaries = []


class DemandPatch(_Window, forbid_unknown_fields=True):
    """Fields to change; a field not sent stays as it is. Status moves through ``/status``."""

    title: Name | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    category: Category | msgspec.UnsetType = msgspec.UNSET
    resource_types: list[ResourceType] | msgspec.UnsetType = msgspec.UNSET
    skills: ShortList | msgspec.UnsetType = msgspec.UNSET
    target_groups: list[TargetGroup] | msgspec.UnsetType = msgspec.UNSET
    beneficiaries: Count | msgspec.UnsetType = msgspec.UNSET
    budget: Money | msgspec.UnsetType | None = msgspec.UNSET
    slots: Slots | msgspec.UnsetType = msgspec.UNSET
    urgency: Urgency | msgspec.UnsetType = msgspec.UNSET
    window_start: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    window_end: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    intake_channel: IntakeChannel | msgspec.UnsetType = msgspec.UNSET
    delivery: Delivery | msgspec.UnsetType | None = msgspec.UNSET
    beneficiary_actor_ids: Beneficiaries | msgspec.UnsetType = msgspec.UNSET


class StatusChange(msgspec.Struct, forbid_unknown_fields=True):
    status: DemandStatus
    reason: Note = ""


class InterestCreate(msgspec.Struct, forbid_unknown_fields=True):
    note: Note = ""


class InterestDecline(msgspec.Struct, forbid_unknown_fields=True):
    """The community declines an interest, saying why (the partner reads it)."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class Interest(msgspec.Struct):
    """A partner's expressed interest in a demand, and the community's answer to it.

    ``status`` is ``open`` until the community answers — once: ``invited`` (``proposal_id`` is the
    proposal it made, ``proposal_status`` where that stands) or ``declined`` (``reason`` says why).
    """

    demand_id: int
    actor_id: int
    actor_name: str
    note: str
    created_at: Timestamp
    status: InterestStatus = "open"
    reason: str | None = None
    answered_at: Timestamp | None = None
    proposal_id: int | None = None
    proposal_status: ProposalStatus | None = None


class InterestInNeed(Interest, kw_only=True):
    """An interest with the need it is in, as a community's inbox lists them."""

    demand_title: str
    demand_status: DemandStatus


class SheetDemand(msgspec.Struct, kw_only=True):
    """One demand as exported: codes, which :mod:`matchmaker.sheets.needs` turns into labels."""

    id: int
    community: str
    title: str
    description: str
    category: str
    resource_types: list[str]
    skills: list[str]
    target_groups: list[str]
    beneficiaries: int
    budget: float | None
    slots: int
    urgency: str
    window_start: dt.date | None
    window_end: dt.date | None
    intake_channel: str
    status: str
