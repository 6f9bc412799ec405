"""Verification of organisations: evidence in, a coordinator of the area decides.

An organisation's staff read its standing and submit evidence (JSON, the file base64); the
coordinators of its area (and admins) list what waits, download the file and verify (with a note
and a term) or refuse (with a reason). Anyone else is told the organisation does not exist.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from litestar import Controller, Response, get, post
from litestar.params import JSONBody, Parameter

from matchmaker.api.params import Conn, User, required
from matchmaker.auth import curators, signed_in
from matchmaker.models.verification import (
    ActorVerification,
    Evidence,
    Refusal,
    VerificationRequest,
    Verify,
)
from matchmaker.services import verification as service

__all__ = ["VerificationController", "attachment"]

ActorId = Annotated[int, Parameter(ge=1, le=2**62, description="the organisation's id")]
RequestId = Annotated[int, Parameter(ge=1, le=2**62, description="the submission's id")]
DECIDERS = curators
#: A 2 MiB file in base64 with the rest of the body.
MAX_EVIDENCE_BODY = 3 * 1024 * 1024


def attachment(name: str) -> str:
    """``attachment``: always a download, never shown in the app's origin."""
    ascii_name = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def file_response(name: str, media_type: str, data: bytes) -> Response[bytes]:
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": attachment(name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


class VerificationController(Controller):
    path = "/api/v1/verification"
    tags = ["verification"]
    guards = [signed_in]

    @get("/actors/{actor_id:int}", operation_id="actorVerification")
    async def standing(self, conn: Conn, user: User, actor_id: ActorId) -> ActorVerification:
        """The organisation's verification (who, when, until when) and its submissions."""
        return await service.standing(conn, required(user), actor_id)

    @post(
        "/actors/{actor_id:int}/evidence",
        operation_id="submitEvidence",
        request_max_body_size=MAX_EVIDENCE_BODY,
    )
    async def submit(
        self, conn: Conn, user: User, actor_id: ActorId, data: JSONBody[Evidence]
    ) -> VerificationRequest:
        """Submit evidence (201): registration number (check character verified), grade, one
        PDF/JPEG/PNG file (by its bytes, ≤ 2 MiB). Anything wrong: 400 naming the field,
        nothing kept; evidence already waiting: 409."""
        return await service.submit(conn, required(user), actor_id, data)

    @get("/requests", operation_id="listVerificationRequests", guards=[DECIDERS])
    async def pending(self, conn: Conn, user: User) -> list[VerificationRequest]:
        """Submissions waiting in the coordinator's area (an admin's: all), oldest first."""
        return await service.pending(conn, required(user))

    @get(
        "/requests/{request_id:int}/file",
        operation_id="verificationFile",
        media_type="application/octet-stream",
    )
    async def file(self, conn: Conn, user: User, request_id: RequestId) -> Response[bytes]:
        """The submitted file, as a download, for the organisation and its coordinators."""
        return file_response(*await service.file_of(conn, required(user), request_id))

    @post(
        "/requests/{request_id:int}/verify",
        operation_id="verifyOrganisation",
        status_code=200,
        guards=[DECIDERS],
    )
    async def verify(
        self, conn: Conn, user: User, request_id: RequestId, data: JSONBody[Verify]
    ) -> ActorVerification:
        """Verify from now for ``days`` (default 365) with a note; 403 outside one's area."""
        return await service.verify(conn, required(user), request_id, data.note, data.days)

    @post(
        "/requests/{request_id:int}/refuse",
        operation_id="refuseEvidence",
        status_code=200,
        guards=[DECIDERS],
    )
    async def refuse(
        self, conn: Conn, user: User, request_id: RequestId, data: JSONBody[Refusal]
    ) -> ActorVerification:
        """Refuse the evidence with a reason the organisation reads; 403 outside one's area."""
        return await service.refuse(conn, required(user), request_id, data.reason)
