"""Applications for an account, and organisations' evidence and verification."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from matchmaker.models import Name, Note, RefId, Timestamp
from matchmaker.models.contacts import ContactEmail, ContactPhone
from matchmaker.vocab import ActorKind, Grade

__all__ = [
    "ActorVerification",
    "Evidence",
    "PendingRegistration",
    "Refusal",
    "Registration",
    "RegistrationCreate",
    "RegistrationReceipt",
    "VerificationRequest",
    "Verify",
]

RegistrationKind = Literal["organisation", "community_staff"]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class RegistrationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An application: the account, and what it is for.

    ``community_staff`` names its ``community_id``. An ``organisation`` either joins one in the
    library (``actor_id``) or is new (``org_name``, ``org_kind`` and its base ``district_id``).
    """

    kind: RegistrationKind
    username: Annotated[
        str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_.-]{1,39}$", description="lower-case login name")
    ]
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    password: Annotated[str, msgspec.Meta(min_length=10, max_length=200)]
    phone: ContactPhone | None = None
    email: ContactEmail | None = None
    message: Note = ""
    community_id: RefId | None = None
    actor_id: RefId | None = None
    org_name: Name | None = None
    org_kind: ActorKind | None = None
    district_id: RefId | None = None


class Registration(msgspec.Struct):
    """An application as its applicant reads it (by the status link) and coordinators see it."""

    id: int
    kind: RegistrationKind
    status: Literal["pending", "approved", "refused"]
    username: str
    display_name: str
    community_name: str | None
    org_name: str | None
    district_name: str | None
    reason: str | None
    created_at: Timestamp
    decided_at: Timestamp | None


class PendingRegistration(msgspec.Struct):
    """A pending application with what a coordinator needs to decide it."""

    id: int
    kind: RegistrationKind
    username: str
    display_name: str
    phone: str | None
    email: str | None
    message: str
    community_name: str | None
    org_name: str | None
    org_kind: str | None
    actor_id: int | None
    district_name: str | None
    created_at: Timestamp


class RegistrationReceipt(msgspec.Struct):
    """Answer to an application: keep ``status_url`` — it is the only way to follow it."""

    registration: Registration
    status_token: str
    status_url: str


class Refusal(msgspec.Struct, forbid_unknown_fields=True):
    """Why: the applicant (or the organisation) reads it."""

    reason: Reason


class Evidence(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An organisation's evidence: its 统一社会信用代码, its grade certificate's grade (if any), and
    one file (PDF, JPEG or PNG, at most 2 MiB), base64 in JSON."""

    registration_number: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    grade: Grade | None = None
    file_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    file: bytes


class Verify(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A coordinator's verification: a note, and for how many days it holds (30–1095)."""

    note: Reason
    days: Annotated[int, msgspec.Meta(ge=30, le=1095)] = 365


class VerificationRequest(msgspec.Struct):
    """One submission of evidence and its decision (never the file's bytes)."""

    id: int
    actor_id: int
    actor_name: str
    registration_number: str
    grade: str | None
    file_name: str
    file_type: str
    file_size: int
    status: Literal["pending", "verified", "refused"]
    submitted_at: Timestamp
    submitted_by_name: str | None
    decided_at: Timestamp | None
    decided_by_name: str | None
    note: str | None
    verified_until: Timestamp | None


class ActorVerification(msgspec.Struct):
    """An organisation's standing verification and its submissions, newest first."""

    actor_id: int
    actor_name: str
    verified: bool
    verified_at: Timestamp | None
    verified_until: Timestamp | None
    verified_by_name: str | None
    requests: list[VerificationRequest]
