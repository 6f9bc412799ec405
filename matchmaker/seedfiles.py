"""The shape of the demo-data files in ``seeds/``: one JSON array per file, one object per row.

Rows refer to each other by name (a demand names its community, a product its actor), so the files
read like the spreadsheets staff keep. :func:`read_seed_file` validates a whole file and names the
file, the row (1-based) and the field of the first bad value.

>>> rows = read_seed_file(SEEDS_DIR / "communities.json")  # doctest: +SKIP
>>> rows[0].name
'渔箭社区'
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

import msgspec

from matchmaker.errors import Invalid
from matchmaker.models.contacts import ContactEmail, ContactName, ContactPhone
from matchmaker.vocab import (
    ActorKind,
    Category,
    CommunityKind,
    Delivery,
    DeliveryMode,
    DemandStatus,
    Grade,
    IntakeChannel,
    PolicyLevel,
    ResourceType,
    Role,
    TalentRole,
    TargetGroup,
    TownKind,
    Urgency,
)

__all__ = ["SEEDS_DIR", "SEED_FILES", "read_seed_file"]

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

Lat = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Lon = Annotated[float, msgspec.Meta(ge=-180, le=180)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]
Count = Annotated[int, msgspec.Meta(ge=0)]


class _Row(msgspec.Struct, forbid_unknown_fields=True):
    pass


class SeedTown(_Row):
    name: Name
    kind: TownKind


class SeedDistrict(_Row):
    name: Name
    city: Name
    lat: Lat
    lon: Lon
    towns: list[SeedTown]


class SeedCommunity(_Row):
    name: Name
    district: Name
    town: Name
    kind: CommunityKind
    theme: Annotated[str, msgspec.Meta(max_length=50)]
    population: Count
    lat: Lat
    lon: Lon
    social_work_rooms: Count
    social_workers: Count
    community_orgs: Count
    volunteer_teams: Count
    charity_resources: Count
    description: Text = ""
    #: The community's contact person (fictional in the demo data, as every contact is).
    contact_name: ContactName | None = None
    contact_phone: ContactPhone | None = None
    contact_email: ContactEmail | None = None


class SeedActor(_Row):
    name: Name
    kind: ActorKind
    categories: list[Category]
    resource_types: list[ResourceType]
    districts: list[Name]
    capacity: Count
    lat: Lat
    lon: Lon
    description: Text
    grade: Grade | None = None
    verified: bool = True
    #: Shortcut as in the API: its types that can travel, unless ``remote_resource_types`` says.
    remote: bool = False
    remote_resource_types: list[ResourceType] | None = None
    service_radius_km: Annotated[int, msgspec.Meta(ge=0, le=500)] = 0
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    website: str | None = None


class SeedTalent(_Row):
    display_name: Name
    roles: list[TalentRole]
    skills: list[Name]
    districts: list[Name]
    hours_per_month: Count
    certificates: list[Name] = []
    affiliation: Name | None = None
    bio: Text = ""


class SeedPolicy(_Row):
    title: Name
    issuer: Name
    level: PolicyLevel
    categories: list[Category]
    eligible_community_kinds: list[CommunityKind]
    eligible_actor_kinds: list[ActorKind]
    valid_from: dt.date
    summary: Text
    doc_number: str | None = None
    subsidy_ceiling: Annotated[float, msgspec.Meta(ge=0)] | None = None
    valid_to: dt.date | None = None


class SeedDemand(_Row):
    community: Name
    title: Name
    description: Text
    category: Category
    resource_types: list[ResourceType]
    target_groups: list[TargetGroup]
    beneficiaries: Count
    slots: Annotated[int, msgspec.Meta(ge=1, le=100)]
    urgency: Urgency
    intake_channel: IntakeChannel
    skills: list[Name] = []
    budget: Annotated[float, msgspec.Meta(ge=0)] | None = None
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    status: DemandStatus = "open"
    #: On site, from afar, or either; unset: the default for its category and resources.
    delivery: Delivery | None = None
    #: The organisations (by name) the need is for (受益方): never proposed as its partner.
    beneficiary_actors: list[Name] = []


class SeedCase(_Row):
    community: Name
    title: Name
    summary: Text
    category: Category
    model_tags: list[Name]
    actors: list[Name]
    beneficiaries: Count | None = None
    duration_months: Count | None = None
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)] | None = None
    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)] | None = None


class SeedProduct(_Row):
    actor: Name
    name: Name
    category: Category
    description: Text
    target_groups: list[TargetGroup]
    delivery_mode: DeliveryMode
    price: Annotated[float, msgspec.Meta(ge=0)]
    capacity_per_month: Count


class SeedUser(_Row):
    username: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.-]{1,39}$")]
    display_name: Name
    role: Role
    community: Name | None = None
    actor: Name | None = None
    #: A coordinator's area: names of districts (``成华区``) or of whole cities (``成都市``).
    areas: list[Name] = msgspec.field(default_factory=list)


#: Each seed file and its row type, in the order they load (later files name rows of earlier ones).
SEED_FILES: dict[str, type[_Row]] = {
    "districts.json": SeedDistrict,
    "communities.json": SeedCommunity,
    "actors.json": SeedActor,
    "talent.json": SeedTalent,
    "policies.json": SeedPolicy,
    "demands.json": SeedDemand,
    "cases.json": SeedCase,
    "products.json": SeedProduct,
    "users.json": SeedUser,
}

_PATH_RE = re.compile(r"^\$\[(\d+)\](?:\.(\w+))?(.*)$")


def read_seed_file(path: Path, row_type: type[_Row] | None = None) -> list[Any]:
    """Parse and validate one seed file, or raise :class:`Invalid` naming file, row and field.

    A whole file is refused for one bad row, so a load never starts on half-valid data.
    """
    row_type = row_type or SEED_FILES[path.name]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise Invalid(f"seed file {path.name}: cannot be read ({exc.strerror})") from exc
    try:
        return msgspec.json.decode(raw, type=list[row_type])  # type: ignore[valid-type]
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).rpartition(" - at `")
        match = _PATH_RE.match(where.rstrip("`"))
        if not match:
            raise Invalid(f"seed file {path.name}: {exc}") from exc
        row, field, rest = int(match[1]) + 1, match[2], match[3]
        field_name = f"{field}{rest}" if field else None
        where_text = f"row {row}, field {field_name}" if field_name else f"row {row}"
        raise Invalid(f"seed file {path.name}, {where_text}: {message}", field=field_name) from exc
    except msgspec.DecodeError as exc:
        raise Invalid(f"seed file {path.name}: not valid JSON ({exc})") from exc
