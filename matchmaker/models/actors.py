"""Actors (主体库): the partner organisations, and the districts they serve.

An actor's contact (name, phone, e-mail) is never public: :meth:`Actor.public` leaves the contact
fields unset, and an unset field is left out of the JSON altogether. Who sees it is the rule in
:mod:`matchmaker.services.contacts`.

>>> actor = await queries.actors.get(conn, 1)  # doctest: +SKIP
>>> "contact_phone" in msgspec.json.decode(msgspec.json.encode(actor.public()))  # doctest: +SKIP
False
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from matchmaker.models import Lat, Lon, Name, RefId, Text, Timestamp
from matchmaker.models.communities import DistrictRef
from matchmaker.models.contacts import ContactEmail, ContactName, ContactPhone, ShownContact
from matchmaker.vocab import ActorKind, Category, Grade, ResourceType

__all__ = [
    "GRADED_KINDS",
    "PARTNER_FIXED_FIELDS",
    "REMOTABLE",
    "Actor",
    "ActorCreate",
    "ActorPatch",
    "ActorSort",
    "Capacity",
    "DistrictIds",
]

ActorSort = Literal["newest", "relevance", "oldest", "name", "capacity"]

#: Only registered organisations carry an evaluation grade (5A/4A/3A).
GRADED_KINDS = ("social_org", "foundation", "association", "social_enterprise")
#: Resource types that can be delivered from afar, by their nature.
REMOTABLE = ("funding", "expertise", "training", "products", "materials")
#: What an organisation's own staff may not change about it: a curator decides these.
PARTNER_FIXED_FIELDS = ("verified", "grade", "kind")

Capacity = Annotated[
    int, msgspec.Meta(ge=0, le=1000, description="partnerships it can carry at once")
]
DistrictIds = Annotated[
    list[RefId], msgspec.Meta(max_length=100, description="districts served (replaces the set)")
]
Radius = Annotated[
    int,
    msgspec.Meta(
        ge=0, le=500, description="km from its base it serves on site, beyond its districts"
    ),
]
Categories = Annotated[list[Category], msgspec.Meta(max_length=50)]
ResourceTypes = Annotated[list[ResourceType], msgspec.Meta(max_length=20)]
Website = Annotated[str, msgspec.Meta(max_length=300, pattern=r"^https?://\S+$")]

Unset = msgspec.UnsetType
UNSET = msgspec.UNSET


class Actor(msgspec.Struct):
    """An organisation.

    ``contact_name``, ``contact_phone`` and ``contact_email`` are present only for a caller who may
    see the contact: coordinators and admins, the organisation's own partner staff, and the staff
    of a community with a partnership with it that is active or completed. For everyone else (and
    in every list, except to coordinators and admins) the three fields are absent. Present but
    ``null``: nobody filled that part in.
    """

    id: int
    name: str
    kind: ActorKind
    grade: Grade | None
    verified: bool
    categories: list[Category]
    resource_types: list[ResourceType]
    districts: list[DistrictRef]
    #: Delivers something remotely: ``remote_resource_types`` is not empty.
    remote: bool
    remote_resource_types: list[ResourceType]
    service_radius_km: int
    capacity: int
    lat: float
    lon: float
    description: str
    website: str | None
    created_at: Timestamp
    updated_at: Timestamp
    contact_name: ShownContact | Unset | None = UNSET
    contact_phone: ShownContact | Unset | None = UNSET
    contact_email: ShownContact | Unset | None = UNSET

    def public(self) -> Actor:
        """The same organisation without its contact (what a caller who may not see it gets)."""
        return msgspec.structs.replace(
            self, contact_name=UNSET, contact_phone=UNSET, contact_email=UNSET
        )


class _Graded(msgspec.Struct):
    def check_grade(self) -> None:
        grade, kind = getattr(self, "grade", None), getattr(self, "kind", None)
        if isinstance(grade, str) and isinstance(kind, str) and kind not in GRADED_KINDS:
            from matchmaker.errors import Invalid

            raise Invalid(
                f"grade: only {', '.join(GRADED_KINDS)} carry a grade (this actor is {kind})",
                field="grade",
            )


class ActorCreate(_Graded, forbid_unknown_fields=True):
    """A new organisation in the library."""

    name: Name
    kind: ActorKind
    lat: Lat
    lon: Lon
    grade: Grade | None = None
    verified: bool = False
    categories: Categories = []
    resource_types: ResourceTypes = []
    district_ids: DistrictIds = []
    #: Shortcut: ``true`` with no ``remote_resource_types`` means those of its resource types
    #: that can travel (funding, expertise, training, products, materials).
    remote: bool = False
    remote_resource_types: ResourceTypes | None = None
    service_radius_km: Radius = 0
    capacity: Capacity = 1
    description: Text = ""
    website: Website | None = None
    contact_name: ContactName | None = None
    contact_phone: ContactPhone | None = None
    contact_email: ContactEmail | None = None


class ActorPatch(_Graded, forbid_unknown_fields=True):
    """Fields to change; a field not sent stays as it is. ``district_ids`` replaces the set."""

    name: Name | Unset = UNSET
    kind: ActorKind | Unset = UNSET
    lat: Lat | Unset = UNSET
    lon: Lon | Unset = UNSET
    grade: Grade | Unset | None = UNSET
    verified: bool | Unset = UNSET
    categories: Categories | Unset = UNSET
    resource_types: ResourceTypes | Unset = UNSET
    district_ids: DistrictIds | Unset = UNSET
    remote: bool | Unset = UNSET
    remote_resource_types: ResourceTypes | Unset = UNSET
    service_radius_km: Radius | Unset = UNSET
    capacity: Capacity | Unset = UNSET
    description: Text | Unset = UNSET
    website: Website | Unset | None = UNSET
    contact_name: ContactName | Unset | None = UNSET
    contact_phone: ContactPhone | Unset | None = UNSET
    contact_email: ContactEmail | Unset | None = UNSET
