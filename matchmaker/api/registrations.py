"""Self-registration: anyone applies for an account; a coordinator of the area decides.

``POST /api/v1/registrations`` answers the application and its ``status_url`` (the only way to
follow it: keep it); ``GET /api/v1/registrations/status/{token}`` reads it. Coordinators list the
applications of their area and approve or refuse them (with a reason the applicant reads).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody, Parameter

from matchmaker.api.params import Conn, User, required
from matchmaker.auth import client_address, curators
from matchmaker.models.verification import (
    PendingRegistration,
    Refusal,
    Registration,
    RegistrationCreate,
    RegistrationReceipt,
)
from matchmaker.services import registrations as service

__all__ = ["RegistrationController", "status_path"]

RegistrationId = Annotated[int, Parameter(ge=1, le=2**62, description="the application's id")]
Token = Annotated[str, Parameter(min_length=10, max_length=100, description="the status token")]
DECIDERS = curators


def status_path(token: str) -> str:
    """The page where an applicant follows their application."""
    return f"/register/status/{token}"


class RegistrationController(Controller):
    path = "/api/v1/registrations"
    tags = ["registrations"]

    @post("", operation_id="applyForAccount", status_code=201)
    async def apply(
        self, request: Request[Any, Any, Any], conn: Conn, data: JSONBody[RegistrationCreate]
    ) -> RegistrationReceipt:
        """Apply for an account (201). The account exists once a coordinator of the area
        approves; until then nobody can sign in with it. Limited per address (429 with
        ``Retry-After``); a taken username or organisation name is 409."""
        registration, token = await service.apply(conn, data, address=client_address(request))
        return RegistrationReceipt(registration, token, status_path(token))

    @get("/status/{token:str}", operation_id="registrationStatus")
    async def status(self, conn: Conn, token: Token) -> Registration:
        """The application its status token names: pending, approved (sign in) or refused
        (with the reason)."""
        return await service.by_token(conn, token)

    @get("", operation_id="listRegistrations", guards=[DECIDERS])
    async def pending(self, conn: Conn, user: User) -> list[PendingRegistration]:
        """Applications waiting in the coordinator's area (an admin's: all), oldest first."""
        return await service.pending(conn, required(user))

    @post(
        "/{registration_id:int}/approve",
        operation_id="approveRegistration",
        status_code=200,
        guards=[DECIDERS],
    )
    async def approve(
        self, conn: Conn, user: User, registration_id: RegistrationId
    ) -> Registration:
        """Approve: the account (and a new organisation) is made. 403 outside one's area."""
        return await service.approve(conn, required(user), registration_id)

    @post(
        "/{registration_id:int}/refuse",
        operation_id="refuseRegistration",
        status_code=200,
        guards=[DECIDERS],
    )
    async def refuse(
        self, conn: Conn, user: User, registration_id: RegistrationId, data: JSONBody[Refusal]
    ) -> Registration:
        """Refuse with a reason the applicant reads by the status link. 403 outside one's area."""
        return await service.refuse(conn, required(user), registration_id, data.reason)
