"""Verifying organisations: evidence submitted, a coordinator of the area decides, for a term.

An organisation's staff submit evidence: its 统一社会信用代码 (18 characters; the format and its
GB 32100-2015 check character are checked), the grade on its grade certificate (5A/4A/3A, for the
kinds that carry one) and one file — PDF, JPEG or PNG by its first bytes, whatever its name or the
browser says, at most 2 MiB, kept in PostgreSQL. The file is served only to the organisation's own
staff and to coordinators of its area (and admins), always as a download.

A coordinator of the organisation's area (any district it serves) verifies with a note and a term
(30–1095 days, a year unless chosen) or refuses with a reason. The organisation's ``verified`` —
what rounds read — is set with who, when and until when; every step is audited and told to the
organisation's staff. Past ``verified_until`` the verification lapses: housekeeping turns
``verified`` off, audits and tells it (:func:`lapse`); pages never show a badge past its end.

>>> check_registration_number("91350100M000100Y43")
'91350100M000100Y43'
>>> sniff(b"%PDF-1.7 ...")
'application/pdf'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import asyncpg
import msgspec

from matchmaker.errors import Conflict, Forbidden, Invalid, NotFound
from matchmaker.models import CurrentUser
from matchmaker.models.actors import GRADED_KINDS
from matchmaker.models.verification import ActorVerification, Evidence, VerificationRequest
from matchmaker.queries import audit
from matchmaker.queries import verification as q
from matchmaker.queries.registrations import coordinators_of
from matchmaker.services.access import governs_any, require_governs_any
from matchmaker.services.notice_text import CHINA
from matchmaker.services.notify import Notice, tell
from matchmaker.services.registrations import decider_area

__all__ = [
    "MAX_FILE_BYTES",
    "Badge",
    "badges",
    "check_registration_number",
    "file_of",
    "lapse",
    "partners",
    "pending",
    "refuse",
    "sniff",
    "standing",
    "submit",
    "verify",
]

MAX_FILE_BYTES = 2 * 1024 * 1024
#: GB 32100-2015: the 31 characters a 统一社会信用代码 is written in, and the weights of its first 17.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_FORMAT = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$")
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def check_registration_number(value: str) -> str:
    """The code in upper case, or :class:`Invalid` saying what is wrong with it."""
    code = value.strip().upper()
    if not _FORMAT.match(code):
        raise Invalid(
            "registration_number: a 统一社会信用代码 is 18 characters — digits and capital letters "
            "other than I, O, S, V, Z, with digits in places 3–8",
            field="registration_number",
        )
    total = sum(_ALPHABET.index(c) * w for c, w in zip(code[:17], _WEIGHTS, strict=True))
    expected = _ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        raise Invalid(
            "registration_number: its check character (the last) does not match; "
            "check it for a typing mistake",
            field="registration_number",
        )
    return code


def sniff(data: bytes) -> str:
    """The file's type by its first bytes; :class:`Invalid` unless PDF, JPEG or PNG."""
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    raise Invalid("file: only a PDF, JPEG or PNG file is accepted", field="file")


def _clean_name(name: str) -> str:
    """The file's own name, without folders or characters that would break a header."""
    base = re.split(r"[\\/]", name)[-1]
    kept = "".join(c for c in base if c.isprintable() and c not in '"')
    return kept.strip()[:200] or "evidence"


def _request(row: asyncpg.Record) -> VerificationRequest:
    return msgspec.convert(dict(row), VerificationRequest)


def _may_see(user: CurrentUser, actor: asyncpg.Record) -> bool:
    return user.actor_id == actor["id"] or governs_any(user, actor["districts"])


async def _actor_for(conn: asyncpg.Connection, user: CurrentUser, actor_id: int) -> asyncpg.Record:
    """The organisation, if the user is its staff or governs it; else "not found" (no oracle)."""
    actor = await q.actor(conn, actor_id)
    if not _may_see(user, actor):
        raise NotFound("actor", actor_id)
    return actor


async def standing(conn: asyncpg.Connection, user: CurrentUser, actor_id: int) -> ActorVerification:
    """An organisation's verification and its submissions, for its staff and its coordinators."""
    actor = await _actor_for(conn, user, actor_id)
    rows = await q.requests_of(conn, actor_id)
    return ActorVerification(
        actor_id=actor_id,
        actor_name=actor["name"],
        verified=actor["verified"],
        verified_at=actor["verified_at"],
        verified_until=actor["verified_until"],
        verified_by_name=actor["verified_by_name"],
        requests=[_request(r) for r in rows],
    )


async def submit(
    conn: asyncpg.Connection,
    user: CurrentUser,
    actor_id: int,
    body: Evidence,
    *,
    now: dt.datetime | None = None,
) -> VerificationRequest:
    """Record evidence for a coordinator to decide; refused whole (nothing kept) if anything is wrong."""
    if user.role == "partner" and user.actor_id != actor_id:
        raise NotFound("actor", actor_id)
    if user.actor_id != actor_id:
        raise Forbidden("only the organisation's own staff submit its evidence")
    actor = await q.actor(conn, actor_id)
    number = check_registration_number(body.registration_number)
    if body.grade is not None and actor["kind"] not in GRADED_KINDS:
        raise Invalid(f"grade: only {', '.join(GRADED_KINDS)} carry a grade", field="grade")
    if not body.file:
        raise Invalid("file: the file is empty", field="file")
    if len(body.file) > MAX_FILE_BYTES:
        raise Invalid(f"file: at most {MAX_FILE_BYTES // 2**20} MiB", field="file")
    media_type = sniff(body.file)
    moment = now or dt.datetime.now(dt.UTC)
    async with conn.transaction():
        try:
            request_id = await q.insert_request(
                conn,
                actor_id,
                number,
                body.grade,
                _clean_name(body.file_name),
                media_type,
                body.file,
                user.id,
                moment,
            )
        except asyncpg.UniqueViolationError:
            raise Conflict(
                "evidence is already waiting for a decision; wait for it first"
            ) from None
        row = next(r for r in await q.requests_of(conn, actor_id) if r["id"] == request_id)
        request = _request(row)
        await audit.record(conn, user, "verification", request_id, "submit", None, request)
        notice = Notice("evidence_submitted", "verification", request_id, "/verification",
                        {"actor": actor["name"]})  # fmt: skip
        await tell(conn, notice, users=await coordinators_of(conn, list(actor["districts"])))
    return request


async def pending(conn: asyncpg.Connection, user: CurrentUser) -> list[VerificationRequest]:
    """Submissions waiting in the user's area (an admin's: all), oldest first."""
    return [_request(r) for r in await q.pending(conn, decider_area(user))]


async def file_of(
    conn: asyncpg.Connection, user: CurrentUser, request_id: int
) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of a submission, for its organisation and its coordinators."""
    row = await q.file(conn, request_id)
    if row is None:
        raise NotFound("verification request", request_id)
    actor = await q.actor(conn, row["actor_id"])
    if not _may_see(user, actor):
        raise NotFound("verification request", request_id)
    return row["file_name"], row["file_type"], bytes(row["file_bytes"])


async def _decidable(
    conn: asyncpg.Connection, user: CurrentUser, request_id: int
) -> tuple[asyncpg.Record, asyncpg.Record]:
    request = await q.lock_request(conn, request_id)
    actor = await q.actor(conn, request["actor_id"])
    require_governs_any(user, actor["districts"], "this organisation")
    if request["status"] != "pending":
        raise Conflict(f"verification request {request_id} is already {request['status']}")
    return request, actor


async def verify(
    conn: asyncpg.Connection,
    user: CurrentUser,
    request_id: int,
    note: str,
    days: int = 365,
    *,
    now: dt.datetime | None = None,
) -> ActorVerification:
    """Verify the organisation from now for ``days``, with a note; audited and told."""
    note = note.strip()
    if not note:
        raise Invalid("note: say what was checked", field="note")
    moment = now or dt.datetime.now(dt.UTC)
    until = moment + dt.timedelta(days=days)
    async with conn.transaction():
        request, actor = await _decidable(conn, user, request_id)
        grade = request["grade"] if actor["kind"] in GRADED_KINDS else None
        await q.decide(
            conn, request_id, status="verified", by=user.id, at=moment, note=note, until=until
        )
        await q.verify_actor(conn, actor["id"], by=user.id, at=moment, until=until, grade=grade)
        after = await q.actor(conn, actor["id"])
        await audit.record(conn, user, "actor", actor["id"], "verify", actor, after)
        await audit.record(
            conn,
            user,
            "verification",
            request_id,
            "verify",
            request,
            {"note": note, "verified_until": until},
        )
        notice = Notice(
            "actor_verified_until",
            "actor",
            actor["id"],
            "/verification",
            {"actor": actor["name"], "until": _day(until)},
        )
        await tell(conn, notice, actor_id=actor["id"], by=user)
    return await standing(conn, user, actor["id"])


async def refuse(
    conn: asyncpg.Connection,
    user: CurrentUser,
    request_id: int,
    reason: str,
    *,
    now: dt.datetime | None = None,
) -> ActorVerification:
    """Refuse the evidence with a reason the organisation reads; its standing is unchanged."""
    reason = reason.strip()
    if not reason:
        raise Invalid("reason: say why, for the organisation to read", field="reason")
    moment = now or dt.datetime.now(dt.UTC)
    async with conn.transaction():
        request, actor = await _decidable(conn, user, request_id)
        await q.decide(
            conn, request_id, status="refused", by=user.id, at=moment, note=reason, until=None
        )
        await audit.record(
            conn, user, "verification", request_id, "refuse", request, {"reason": reason}
        )
        notice = Notice(
            "verification_refused",
            "actor",
            actor["id"],
            "/verification",
            {"actor": actor["name"], "reason": reason},
        )
        await tell(conn, notice, actor_id=actor["id"], by=user)
    return await standing(conn, user, actor["id"])


async def lapse(conn: asyncpg.Connection, now: dt.datetime) -> int:
    """Housekeeping: verifications past their term end — audited and told; how many."""
    lapsed = await q.lapse(conn, now)
    for row in lapsed:
        await audit.record(
            conn,
            None,
            "actor",
            row["id"],
            "verification_lapsed",
            {"verified": True, "verified_until": row["verified_until"]},
            {"verified": False},
        )
        notice = Notice(
            "verification_lapsed",
            "actor",
            row["id"],
            "/verification",
            {"actor": row["name"], "until": _day(row["verified_until"])},
        )
        await tell(conn, notice, actor_id=row["id"])
    return len(lapsed)


def _day(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(CHINA).date().isoformat() if moment else None


#: A badge as pages draw it: (verified now, the Sichuan date it holds until, or None: no term).
Badge = tuple[bool, str | None]


async def badges(conn: asyncpg.Connection, actor_ids: Sequence[int]) -> dict[int, Badge]:
    """{organisation: its badge} for the pages (cards, need pages, proposals)."""
    found = await q.badges(conn, actor_ids)
    return {i: (verified, _day(until)) for i, (verified, until) in found.items()}


async def partners(
    conn: asyncpg.Connection, demand_ids: Sequence[int]
) -> dict[int, list[tuple[int, str, Badge]]]:
    """{need: its partners (active or completed) as (id, name, badge)}."""
    found = await q.partners_of(conn, demand_ids)
    return {
        demand: [(r["id"], r["name"], (r["verified"], _day(r["verified_until"]))) for r in rows]
        for demand, rows in found.items()
    }
