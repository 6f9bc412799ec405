"""Partnerships (合作关系): confirmed pairings, through to their outcome."""

from __future__ import annotations

from typing import Annotated

import msgspec

from matchmaker.models import Count, Name, Text, Timestamp
from matchmaker.models.contacts import PartnershipContacts
from matchmaker.vocab import PartnershipOrigin, PartnershipStatus

__all__ = [
    "Cancellation",
    "CommunityReview",
    "Completion",
    "DirectPartnership",
    "PartnerReview",
    "Partnership",
]  # fmt: skip


class PartnerReview(msgspec.Struct):
    """The partner's rating of the community (1–5) and what it said, given once."""

    rating: int
    reviewed_at: Timestamp
    feedback: str | None = None


class Partnership(msgspec.Struct):
    """A partnership between a need's community and an organisation.

    ``rating`` and ``feedback``: the community side's rating of the partner, given when it
    completed the partnership (they alone feed the partner's track record). ``review``: the
    partner's rating of the community — shown to the partner's staff and to coordinators and
    admins, absent for the community's staff; ``null`` until given.

    ``contacts``: the other side's contact person, from confirmation on (active or completed):
    ``partner`` for the community's staff, ``community`` for the organisation's staff; both for
    coordinators and admins. A side the caller may not see is absent (``{}``: none to show).
    """

    id: int
    demand_id: int
    demand_title: str
    community_id: int
    community_name: str
    actor_id: int
    actor_name: str
    origin: PartnershipOrigin
    status: PartnershipStatus
    started_at: Timestamp
    proposal_id: int | None = None
    ended_at: Timestamp | None = None
    beneficiaries_served: int | None = None
    rating: int | None = None
    feedback: str | None = None
    cancel_reason: str | None = None
    case_id: int | None = None
    review: (
        Annotated[
            PartnerReview | None,
            msgspec.Meta(
                description="the partner's rating of the community; null until given; absent "
                "for the community's staff"
            ),
        ]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    contacts: (
        Annotated[
            PartnershipContacts,
            msgspec.Meta(
                description="from confirmation on (active or completed), the other side's contact "
                "person: `partner` for the community's staff, `community` for the organisation's "
                "staff, both for coordinators and admins; a side not shown is absent"
            ),
        ]
        | msgspec.UnsetType
    ) = msgspec.UNSET


class DirectPartnership(msgspec.Struct, forbid_unknown_fields=True):
    """A coordinator pairs a partner with a need it expressed interest in, without a round."""

    demand_id: Annotated[int, msgspec.Meta(ge=1)]
    actor_id: Annotated[int, msgspec.Meta(ge=1)]


class Completion(msgspec.Struct, forbid_unknown_fields=True):
    """The outcome that closes a partnership, with the community side's rating of the partner;
    ``publish_case`` adds it to the case library."""

    beneficiaries_served: Count
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    feedback: Text = ""
    publish_case: bool = False
    case_title: Name | None = None
    model_tags: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=50)]], msgspec.Meta(max_length=20)
    ] = []


class CommunityReview(msgspec.Struct, forbid_unknown_fields=True):
    """The partner's rating of the community (1–5), once the partnership has ended."""

    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    feedback: Text = ""


class Cancellation(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
