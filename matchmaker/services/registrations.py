"""Self-registration: a person applies for an account, a coordinator of the area decides.

Two kinds of application: a community's staff (naming the community) and an organisation's
(joining one in the library, or a new one with its name, kind and base district). No user exists
until a coordinator approves: a pending or refused applicant cannot sign in at all. The applicant
follows the application by a secret status link handed out once (only its SHA-256 is kept), which
shows the decision and, when refused, the reason.

The **area** of an application — whose coordinators decide it — is the community's district; for
an organisation joined, the districts it serves (any of them); for a new organisation, its base
district (which becomes the district it serves). Admins decide anywhere.

Well-formed applications are limited per address (``APPLY_LIMIT``), counted in the sign-in
counters' table; a refused one costs nothing (no password is hashed, nothing is kept).

>>> registration, token = await apply(conn, body, address="203.0.113.7")  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from typing import Any

import asyncpg
import msgspec

from matchmaker.auth import hash_password
from matchmaker.errors import Conflict, Invalid
from matchmaker.models import CurrentUser
from matchmaker.models.actors import ActorCreate
from matchmaker.models.verification import PendingRegistration, Registration, RegistrationCreate
from matchmaker.queries import audit
from matchmaker.queries import registrations as q
from matchmaker.queries import users as users_q
from matchmaker.services import actors, login_limits
from matchmaker.services.access import require_governs_any
from matchmaker.services.notify import Notice, tell

__all__ = [
    "APPLY_LIMIT",
    "apply",
    "approve",
    "by_token",
    "pending",
    "refuse",
    "token_hash",
]

#: (applications, window in seconds) one address may send.
APPLY_LIMIT = (5, 3600)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def decider_area(user: CurrentUser) -> list[int] | None:
    """The districts a decider sees: None (everywhere) for an admin, a coordinator's own, else
    none (unlike ``access.area_of``, which leaves views unlimited for everyone but coordinators)."""
    return None if user.role == "admin" else list(user.districts)


def view(row: asyncpg.Record) -> Registration:
    return msgspec.convert(dict(row), Registration, from_attributes=True)


async def _check_rate(conn: asyncpg.Connection, address: str) -> None:
    await login_limits.count_or_refuse(
        conn, f"register:{address}", APPLY_LIMIT, "applications from this address"
    )


async def _check_shape(conn: asyncpg.Connection, body: RegistrationCreate) -> None:
    """What each kind needs, and nothing it does not; whatever it names must exist."""
    org_fields = {
        "org_name": body.org_name,
        "org_kind": body.org_kind,
        "district_id": body.district_id,
    }
    if body.kind == "community_staff":
        if body.community_id is None:
            raise Invalid("community_id: name the community you work for", field="community_id")
        for field, value in {"actor_id": body.actor_id, **org_fields}.items():
            if value is not None:
                raise Invalid(f"{field}: community staff name only a community", field=field)
        if not await q.is_live(conn, "community", body.community_id):
            raise Invalid(
                f"community_id: community {body.community_id} does not exist", field="community_id"
            )
        return
    if body.community_id is not None:
        raise Invalid(
            "community_id: an organisation's staff name no community", field="community_id"
        )
    if body.actor_id is not None:
        for field, value in org_fields.items():
            if value is not None:
                raise Invalid(
                    f"{field}: either join an organisation (actor_id) or name a new one, not both",
                    field=field,
                )
        if not await q.is_live(conn, "actor", body.actor_id):
            raise Invalid(
                f"actor_id: organisation {body.actor_id} does not exist", field="actor_id"
            )
        return
    for field, value in org_fields.items():
        if value is None:
            raise Invalid(
                f"{field}: required for a new organisation (or join one: actor_id)", field=field
            )
    assert body.district_id is not None and body.org_name is not None
    if await q.district(conn, body.district_id) is None:
        raise Invalid(
            f"district_id: district {body.district_id} does not exist", field="district_id"
        )
    if await q.name_taken(conn, org_name=body.org_name.strip()):
        raise Conflict(
            "org_name: an organisation of this name exists; apply to join it instead",
            field="org_name",
        )


async def apply(
    conn: asyncpg.Connection, body: RegistrationCreate, *, address: str
) -> tuple[Registration, str]:
    """Record an application; (it, its status token). Only a well-formed application counts
    against the address (a person correcting a form is not refused for it)."""
    await _check_shape(conn, body)
    username = body.username.strip().lower()
    if await q.name_taken(conn, username=username):
        raise Conflict("username: this username is taken; choose another", field="username")
    await _check_rate(conn, address)
    token = secrets.token_urlsafe(24)
    values: dict[str, Any] = msgspec.structs.asdict(body) | {
        "username": username,
        "display_name": body.display_name.strip(),
        "org_name": body.org_name.strip() if body.org_name else None,
        "password_hash": await asyncio.to_thread(hash_password, body.password),
        "token_hash": token_hash(token),
    }
    async with conn.transaction():
        try:
            registration_id = await q.insert(conn, values)
        except asyncpg.UniqueViolationError:
            raise Conflict(
                "username: this username is taken; choose another", field="username"
            ) from None
        row = await q.get(conn, registration_id=registration_id)
        registration = view(row)
        await audit.record(conn, None, "registration", registration_id, "apply", None, registration)
        what = registration.org_name or registration.community_name or ""
        names = {"name": registration.display_name, "what": what}
        notice = Notice("registration_received", "registration", registration_id,
                        "/registrations", names)  # fmt: skip
        await tell(conn, notice, users=await q.coordinators_of(conn, list(row["districts"])))
    return registration, token


async def by_token(conn: asyncpg.Connection, token: str) -> Registration:
    """The application a status link names (NotFound for any other token)."""
    return view(await q.get(conn, token_hash=token_hash(token)))


async def pending(conn: asyncpg.Connection, user: CurrentUser) -> list[PendingRegistration]:
    """Applications waiting in the user's area (an admin's: all), oldest first."""
    rows = await q.pending(conn, decider_area(user))
    return [msgspec.convert(dict(r), PendingRegistration) for r in rows]


async def _decidable(conn: asyncpg.Connection, user: CurrentUser, registration_id: int) -> Any:
    locked = await q.lock(conn, registration_id)
    row = await q.get(conn, registration_id=registration_id)
    require_governs_any(user, row["districts"], "this application")
    if locked["status"] != "pending":
        raise Conflict(f"application {registration_id} is already {locked['status']}")
    return locked, row


async def _new_actor(conn: asyncpg.Connection, user: CurrentUser, row: asyncpg.Record) -> int:
    """The organisation a new one's application named, in the library, serving its district."""
    district = await q.district(conn, row["district_id"])
    assert district is not None
    body = ActorCreate(
        name=row["org_name"],
        kind=row["org_kind"],
        lat=district["lat"],
        lon=district["lon"],
        district_ids=[row["district_id"]],
        contact_name=row["display_name"],
        contact_phone=row["phone"],
        contact_email=row["email"],
    )
    return (await actors.create(conn, user, body)).id


async def approve(
    conn: asyncpg.Connection, user: CurrentUser, registration_id: int
) -> Registration:
    """Make the account (and a new organisation); the applicant may sign in from now on."""
    async with conn.transaction():
        locked, row = await _decidable(conn, user, registration_id)
        actor_id = row["actor_id"]
        if row["kind"] == "organisation" and actor_id is None:
            actor_id = await _new_actor(conn, user, row)
        role = "community_staff" if row["kind"] == "community_staff" else "partner"
        user_id = await users_q.insert_account(
            conn,
            username=row["username"],
            display_name=row["display_name"],
            role=role,
            community_id=row["community_id"],
            actor_id=actor_id if role == "partner" else None,
            password_hash=locked["password_hash"],
        )
        await audit.record(
            conn, user, "user", user_id, "create", None, await users_q.account(conn, user_id)
        )
        await q.decide(
            conn,
            registration_id,
            status="approved",
            reason=None,
            by=user.id,
            user_id=user_id,
            actor_id=actor_id,
        )
        decided = view(await q.get(conn, registration_id=registration_id))
        await audit.record(conn, user, "registration", registration_id, "approve", row, decided)
    return decided


async def refuse(
    conn: asyncpg.Connection, user: CurrentUser, registration_id: int, reason: str
) -> Registration:
    """Refuse with a reason the applicant reads on the status link; no account is made."""
    reason = reason.strip()
    if not reason:
        raise Invalid("reason: say why, for the applicant to read", field="reason")
    async with conn.transaction():
        _, row = await _decidable(conn, user, registration_id)
        await q.decide(conn, registration_id, status="refused", reason=reason, by=user.id)
        decided = view(await q.get(conn, registration_id=registration_id))
        await audit.record(conn, user, "registration", registration_id, "refuse", row, decided)
    return decided
